// The worker sandbox holds with the netlist guard switched off: hostile netlists go straight to a
// sandboxed spice::Worker (no check_untrusted_netlist), and each attack is first shown to work in an
// unsandboxed worker, so a test that passes is not one that could not fail.
#include "circuits/spice/sandbox.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include <fstream>
#include <iterator>
#include <string>
#include <utility>

#include "circuits/spice/worker.hpp"
#include "tests/support/scratch_dir.hpp"

namespace cimkit::spice {
namespace {

namespace fs = std::filesystem;

// A project folder for the netlist, and an "elsewhere" folder beside it for the attacks' targets.
class Scene {
public:
    Scene() : scratch_("cimkit_sandbox"), project_(scratch_ / "project"), elsewhere_(scratch_ / "elsewhere") {
        fs::create_directories(project_);
        fs::create_directories(elsewhere_);
    }
    const fs::path& project() const { return project_; }
    const fs::path& elsewhere() const { return elsewhere_; }
    void write(const fs::path& path, const std::string& content) const { std::ofstream(path) << content; }

    WorkerOptions options(bool sandboxed) const {
        WorkerOptions options;
        options.solve_timeout_s = 60.0;
        options.sandbox.enabled = sandboxed;
        options.sandbox.folder = fs::canonical(project_);
        return options;
    }
    // Loads and runs `netlist` in a worker; returns the error message, "" when it all went through.
    std::string run(const std::string& netlist, bool sandboxed) const { return run_with_output(netlist, sandboxed).first; }
    // The same, with ngspice's output lines joined (empty after an error).
    std::pair<std::string, std::string> run_with_output(const std::string& netlist, bool sandboxed) const {
        Worker worker(options(sandboxed));
        try {
            worker.load(netlist, "hostile.cir");
            std::string output;
            for (const auto& line : worker.run_all().output) output += line + "\n";
            return {"", output};
        } catch (const std::exception& e) {
            return {e.what(), ""};
        }
    }

private:
    testing::ScratchDir scratch_;
    fs::path project_;
    fs::path elsewhere_;
};

std::string divider_with(const std::string& lines) {
    return "hostile\nv1 in 0 dc 1\nr1 in out 1k\nr2 out 0 1k\n" + lines + "\n.op\n.end\n";
}

}  // namespace

TEST(Sandbox, ShellCommandsInControlBlocksAndStarHashLinesStartNoProgram) {
    // Backquotes in ngspice's command language run a shell (popen) and paste its output. The marker
    // comes back in ngspice's output only if a program ran; no file is involved, so Landlock plays
    // no part and this is seccomp's ban on execve alone.
    const Scene scene;
    const std::string marker = "cimkit_exec_marker";
    for (const std::string& netlist :
         {divider_with(".control\nset x = `echo " + marker + "`\necho $x\n.endc"),
          divider_with("*# set x = `echo " + marker + "`\n*# echo $x")}) {
        const auto open = scene.run_with_output(netlist, false);
        EXPECT_NE(open.second.find(marker), std::string::npos) << "the attack does not work without the sandbox: " << open.first;
        const auto sandboxed = scene.run_with_output(netlist, true);
        EXPECT_EQ(sandboxed.second.find(marker), std::string::npos) << sandboxed.second;
    }
    // `shell` itself: a file the command would create does not appear.
    const std::string shell = divider_with(".control\nshell touch ran_shell\n.endc");
    scene.run(shell, false);
    EXPECT_TRUE(fs::exists(scene.project() / "ran_shell"));
    fs::remove(scene.project() / "ran_shell");
    scene.run(shell, true);
    EXPECT_FALSE(fs::exists(scene.project() / "ran_shell"));
}

TEST(Sandbox, FilesOutsideTheFolderCannotBeRead) {
    if (landlock_abi() == 0) GTEST_SKIP() << "this kernel has no Landlock: file rules are not enforced";
    const Scene scene;
    scene.write(scene.elsewhere() / "secret.cir", "r9 out 0 1k\n");
    const std::string netlist = divider_with(".include " + (scene.elsewhere() / "secret.cir").string());
    EXPECT_EQ(scene.run(netlist, false), "");
    const std::string refused = scene.run(netlist, true);
    EXPECT_NE(refused, "");
    // ...while an include inside the folder, relative to it (the working directory), still works.
    scene.write(scene.project() / "inside.cir", "r9 out 0 1k\n");
    EXPECT_EQ(scene.run(divider_with(".include inside.cir"), true), "");
}

TEST(Sandbox, NothingCanBeWrittenEvenInsideTheFolder) {
    if (landlock_abi() == 0) GTEST_SKIP() << "this kernel has no Landlock: file rules are not enforced";
    const Scene scene;
    const std::string netlist = divider_with(".control\nop\nwrite " + (scene.project() / "out.raw").string() + "\n.endc");
    scene.run(netlist, false);
    EXPECT_TRUE(fs::exists(scene.project() / "out.raw"));
    fs::remove(scene.project() / "out.raw");
    scene.run(netlist, true);
    EXPECT_FALSE(fs::exists(scene.project() / "out.raw"));
}

// What the worker's child wrote to its standard error (XSPICE code models print there directly, not
// through ngspice's output callback) while loading and running `netlist`.
std::string child_stderr_of(const Scene& scene, const std::string& netlist, bool sandboxed) {
    const fs::path log = scene.elsewhere() / (sandboxed ? "stderr_sandboxed.txt" : "stderr_open.txt");
    std::fflush(stderr);
    const int saved = ::dup(2);
    const int file = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(file, 2);  // the child inherits it at fork
    ::close(file);
    scene.run(netlist, sandboxed);
    ::dup2(saved, 2);
    ::close(saved);
    std::ifstream in(log);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(Sandbox, NoSharedLibraryCanBeLoadedAfterStartUp) {
    // d_cosim dlopen()s the library it is given. ngspice's own ivlng.so is readable in the sandbox
    // (the ngspice installation), so only the ban on new executable mappings can stop it.
    const Scene scene;
    const std::string library = "/usr/lib/x86_64-linux-gnu/ngspice/ivlng.so";
    if (!fs::exists(library)) GTEST_SKIP() << library << " is not installed";
    const std::string netlist = divider_with("a1 [in] [d] cosim\n.model cosim d_cosim(simulation=\"" + library + "\")");
    const std::string open = child_stderr_of(scene, netlist, false);
    const std::string sandboxed = child_stderr_of(scene, netlist, true);
    // dlopen's own words when mmap(PROT_EXEC) is refused; without the sandbox it opens the library.
    EXPECT_EQ(open.find("Cannot open shared library"), std::string::npos) << open;
    EXPECT_NE(sandboxed.find("failed to map segment"), std::string::npos) << sandboxed;
}

TEST(Sandbox, OrdinaryNetlistsGiveTheSameResultsInsideAndOutside) {
    const Scene scene;
    const std::string netlist = "rc\nv1 in 0 pulse(0 1 0 1n 1n 1m 2m)\nr1 in out 1k\nc1 out 0 1u\n.tran 10u 2m\n.end\n";
    Worker open(scene.options(false));
    Worker sandboxed(scene.options(true));
    open.load(netlist, "rc");
    sandboxed.load(netlist, "rc");
    const AllPlots a = open.run_all();
    const AllPlots b = sandboxed.run_all();
    ASSERT_EQ(a.plots.size(), 1u);
    ASSERT_EQ(b.plots.size(), 1u);
    ASSERT_EQ(a.plots[0].vectors.size(), b.plots[0].vectors.size());
    for (std::size_t k = 0; k < a.plots[0].vectors.size(); ++k) {
        EXPECT_EQ(a.plots[0].vectors[k].real, b.plots[0].vectors[k].real) << a.plots[0].vectors[k].name;
    }
}

}  // namespace cimkit::spice
