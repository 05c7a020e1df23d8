// The netlist guard against every way the security review ran commands, loaded libraries or read
// files through a netlist (issue 13), each in the spelling ngspice accepts.
#include "circuits/netlist_guard.hpp"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "devices/core/errors.hpp"
#include "tests/support/scratch_dir.hpp"

namespace cimkit::circuits {
namespace {

namespace fs = std::filesystem;

// A folder holding the netlist under test, and files beside or above it.
class Tree {
public:
    Tree() : scratch_("cimkit_guard"), root_(scratch_ / "project") { fs::create_directories(root_); }

    fs::path write(const std::string& relative, const std::string& content) const {
        const fs::path path = scratch_.path() / relative;
        fs::create_directories(path.parent_path());
        std::ofstream(path) << content;
        return path;
    }
    // Writes project/main.cir (a title, a resistor, `body`, .op) and checks it.
    NetlistReads check(const std::string& body) const {
        const fs::path main = write("project/main.cir", "title\nr1 a 0 1k\n" + body + "\n.op\n.end\n");
        return check_untrusted_netlist(spice::NetlistText::from_file(main), NetlistPolicy{});
    }
    const fs::path& root() const { return root_; }
    const fs::path& scratch() const { return scratch_.path(); }

private:
    testing::ScratchDir scratch_;
    fs::path root_;
};

struct Refusal {
    std::string origin;
    int line = 0;
    std::string message;
};

Refusal refusal(const Tree& tree, const std::string& body) {
    try {
        tree.check(body);
    } catch (const NetlistError& e) {
        return {fs::path(e.origin()).filename().string(), e.line(), e.what()};
    }
    return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(NetlistGuard, RefusesControlBlocksInEverySpellingNgspiceAccepts) {
    const Tree tree;
    for (const std::string body : {".control\nshell rm -rf /\n.endc", "  .CONTROL", ".endc", ".controls\nshell id\n.endcs",
                                   ".controlX", "\t.Control", "\xEF\xBB\xBF.control"}) {
        const Refusal r = refusal(tree, body);
        EXPECT_EQ(r.line, 3) << body;
        EXPECT_TRUE(contains(r.message, "--allow-control")) << r.message;
    }
}

TEST(NetlistGuard, RefusesStarHashLinesWhichNgspiceRunsAsCommands) {
    const Tree tree;
    EXPECT_EQ(refusal(tree, "*# shell id > /tmp/x").line, 3);
    EXPECT_EQ(refusal(tree, "*#pre_shell id").line, 3);
    EXPECT_EQ(refusal(tree, "* # a comment with a space is a comment").line, 0);
}

TEST(NetlistGuard, RefusesScriptsAndSharedLibraries) {
    const Tree tree;
    const fs::path script = tree.write("project/s.cir", "*ng_script\nshell ls\n");
    EXPECT_THROW(check_untrusted_netlist(spice::NetlistText::from_file(script), {}), NetlistError);
    EXPECT_EQ(refusal(tree, ".pre_osdi /tmp/evil.osdi").line, 3);
    EXPECT_EQ(refusal(tree, ".osdi evil.osdi").line, 3);
}

TEST(NetlistGuard, RefusesXspiceModelsThatNameFilesLibrariesOrPrograms) {
    const Tree tree;
    EXPECT_TRUE(contains(refusal(tree, ".model cosim d_cosim(simulation=\"x.so\")").message, "d_cosim"));
    EXPECT_EQ(refusal(tree, ".MODEL src FILESOURCE(file=\"/etc/passwd\")").line, 3);
    EXPECT_EQ(refusal(tree, ".model p d_process(process_file=\"/bin/sh\")").line, 3);
    // The type on a continuation line, after a comment, is what ngspice sees.
    EXPECT_EQ(refusal(tree, ".model st\n* the type follows\n+ d_state(state_file=\"s.in\")").line, 3);
    EXPECT_EQ(refusal(tree, ".model t2 table2d (offset=0.0 gain=1 order=3 file=\"t.table\")").line, 3);
    EXPECT_EQ(refusal(tree, ".model d1 d(is=1e-14)\n.model sw1 sw(vt=1)").line, 0);
}

TEST(NetlistGuard, IncludesInsideTheFolderPassAndAreListed) {
    const Tree tree;
    tree.write("project/models/diode.lib", ".model d1 d(is=1e-14)\n.include nested.inc\n");
    tree.write("project/models/nested.inc", "* nested, found beside its includer\n");
    tree.write("project/lib/cards.lib", ".lib tt\n.model d2 d(is=2e-14)\n.endl tt\n");
    const NetlistReads reads = tree.check(".include models/diode.lib\n.lib 'lib/cards.lib' tt\n.LIB tt");
    ASSERT_EQ(reads.included_files.size(), 3u);
    EXPECT_EQ(reads.included_files[0].filename(), "nested.inc");
    EXPECT_EQ(reads.folder, fs::canonical(tree.root()));
}

TEST(NetlistGuard, RefusesIncludesThatLeaveTheFolderInAnySpelling) {
    const Tree tree;
    tree.write("secret.txt", "r9 a 0 42\n");
    const std::vector<std::string> spellings = {".include ../secret.txt", ".incl ../secret.txt", ".includeX ../secret.txt",
                                                ".inc \"../secret.txt\"", ".lib ../secret.txt tt",
                                                ".include " + (tree.scratch() / "secret.txt").string()};
    for (const std::string& body : spellings) {
        const Refusal r = refusal(tree, body);
        EXPECT_EQ(r.line, 3) << body;
        EXPECT_TRUE(contains(r.message, "outside the netlist's folder")) << r.message;
    }
    EXPECT_EQ(refusal(tree, ".include $HOME/x.lib").line, 3);
    EXPECT_EQ(refusal(tree, ".lib ~/models.lib tt").line, 3);
}

TEST(NetlistGuard, RefusesAnInFolderSymlinkToAFileOutside) {
    const Tree tree;
    const fs::path secret = tree.write("secret.txt", "r9 a 0 42\n");
    fs::create_symlink(secret, tree.root() / "innocent.inc");
    EXPECT_TRUE(contains(refusal(tree, ".include innocent.inc").message, "secret.txt"));
}

TEST(NetlistGuard, ChecksIncludedFilesAndNamesTheirLine) {
    const Tree tree;
    tree.write("project/a.inc", "* fine\nr2 a b 1\n.control\nshell id\n.endc\n");
    const Refusal r = refusal(tree, ".include a.inc");
    EXPECT_EQ(r.origin, "a.inc");
    EXPECT_EQ(r.line, 3);
    tree.write("project/b.inc", "r3 a b 1\n.include ../../secret.txt\n");
    tree.write("secret.txt", "r9 a 0 42\n");
    const Refusal nested = refusal(tree, ".include b.inc");
    EXPECT_EQ(nested.origin, "b.inc");
    EXPECT_EQ(nested.line, 2);
}

TEST(NetlistGuard, ResolvesARelativeIncludeAsNgspiceDoesFolderFirst) {
    // An include written in sub/a.inc names b.inc: ngspice (working directory = the netlist's folder)
    // opens project/b.inc before project/sub/b.inc, so that is the file to check.
    const Tree tree;
    tree.write("project/sub/a.inc", ".include b.inc\n");
    tree.write("project/sub/b.inc", "* harmless\n");
    tree.write("project/b.inc", "*# shell id\n");
    const Refusal r = refusal(tree, ".include sub/a.inc");
    EXPECT_EQ(r.origin, "b.inc");
    EXPECT_TRUE(contains(r.message, "'*#'")) << r.message;
}

TEST(NetlistGuard, RefusesLoopsDeepNestingAndExplosiveDiamonds) {
    const Tree tree;
    EXPECT_TRUE(contains(refusal(tree, ".include main.cir").message, "loop"));
    tree.write("project/x.inc", ".include y.inc\n");
    tree.write("project/y.inc", ".include x.inc\n");
    EXPECT_TRUE(contains(refusal(tree, ".include x.inc").message, "loop"));
    for (int k = 0; k < 20; ++k) {
        tree.write("project/chain" + std::to_string(k) + ".inc", ".include chain" + std::to_string(k + 1) + ".inc\n");
    }
    tree.write("project/chain20.inc", "\n");
    EXPECT_TRUE(contains(refusal(tree, ".include chain0.inc").message, "deeper than 16"));
    // d_k includes d_{k+1} twice: 2^14 copies for ngspice from 15 small files, 15 deep.
    for (int k = 0; k < 14; ++k) {
        const std::string next = "d" + std::to_string(k + 1) + ".inc";
        tree.write("project/d" + std::to_string(k) + ".inc", ".include " + next + "\n.include " + next + "\n");
    }
    tree.write("project/d14.inc", "\n");
    EXPECT_TRUE(contains(refusal(tree, ".include d0.inc").message, "more than 10000"));
}

TEST(NetlistGuard, RefusesIncludesThatAreMissingOrNotRegularFiles) {
    const Tree tree;
    EXPECT_TRUE(contains(refusal(tree, ".include absent.inc").message, "no such file"));
    ASSERT_EQ(::mkfifo((tree.root() / "pipe.inc").c_str(), 0600), 0);
    EXPECT_TRUE(contains(refusal(tree, ".include pipe.inc").message, "not a regular file"));
    EXPECT_TRUE(contains(refusal(tree, ".include \"unclosed.inc").message, "needs a file name"));
}

TEST(NetlistGuard, RefusesAnalysesAskingForMorePointsThanTheLimit) {
    const Tree tree;
    const Refusal ac = refusal(tree, ".ac lin 2000000000 1 1meg");
    EXPECT_EQ(ac.line, 3);
    EXPECT_TRUE(contains(ac.message, "2e+09 points")) << ac.message;
    EXPECT_EQ(refusal(tree, ".tran 1p 1").line, 3);
    EXPECT_EQ(refusal(tree, ".tran 1u 1m\n.ac dec 100 1 1g\n.dc v1 0 1 1m").line, 0);
    // The limit is the caller's: the same card passes under a higher one.
    const fs::path main = tree.write("project/big.cir", "t\nv1 a 0 1\n.ac lin 2000000000 1 1meg\n");
    EXPECT_NO_THROW(check_untrusted_netlist(spice::NetlistText::from_file(main), NetlistPolicy{false, 1e10}));
}

TEST(NetlistGuard, TextWithoutAFolderCannotInclude) {
    const auto text = spice::NetlistText::from_string("t\n.include x.inc\n.op\n", "<text>");
    EXPECT_THROW(check_untrusted_netlist(text, {}), NetlistError);
}

TEST(NetlistGuard, OrdinaryNetlistsAndTheTitleLinePass) {
    const Tree tree;
    const fs::path path = tree.write("project/t.cir", ".control in the title is only a title\nr1 a 0 1k\n.op\n");
    EXPECT_NO_THROW(check_untrusted_netlist(spice::NetlistText::from_file(path), {}));
    EXPECT_EQ(refusal(tree, "r2 a b 1k\n* .control mentioned in a comment").line, 0);
}

TEST(NetlistGuard, OptInAcceptsEverythingAndReadsNothing) {
    const auto text = spice::NetlistText::from_string("t\n.control\nop\n.endc\n.include /etc/x\n", "<text>");
    const NetlistReads reads = check_untrusted_netlist(text, NetlistPolicy{true});
    EXPECT_TRUE(reads.included_files.empty());
}

}  // namespace cimkit::circuits
