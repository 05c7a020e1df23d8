#include "circuits/netlist_guard.hpp"

#include <gtest/gtest.h>

#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

spice::NetlistText deck(const std::string& body) {
    return spice::NetlistText::from_string("title\nv1 a 0 1\n" + body + "\n.op\n.end\n", "deck.cir");
}

int refused_line(const std::string& body) {
    try {
        check_untrusted_netlist(deck(body), NetlistPolicy{});
    } catch (const NetlistError& e) {
        EXPECT_NE(std::string(e.what()).find("--allow-control"), std::string::npos) << e.what();
        return e.line();
    }
    return 0;
}

}  // namespace

TEST(NetlistGuard, RefusesControlBlocksAndNamesTheLine) {
    EXPECT_EQ(refused_line(".control\nshell rm -rf /\n.endc"), 3);
    EXPECT_EQ(refused_line("  .CONTROL"), 3);
    EXPECT_EQ(refused_line(".endc"), 3);
}

TEST(NetlistGuard, RefusesScriptsAndSharedLibraries) {
    EXPECT_THROW(check_untrusted_netlist(spice::NetlistText::from_string("*ng_script\nshell ls\n", "s.cir"), {}),
                 NetlistError);
    EXPECT_EQ(refused_line(".pre_osdi /tmp/evil.osdi"), 3);
}

TEST(NetlistGuard, RefusesIncludesThatLeaveTheNetlistFolder) {
    EXPECT_EQ(refused_line(".include /etc/passwd"), 3);
    EXPECT_EQ(refused_line(".include \"../../secret.lib\""), 3);
    EXPECT_EQ(refused_line(".lib ~/models.lib tt"), 3);
    EXPECT_EQ(refused_line(".inc lib/../../x.lib"), 3);
    EXPECT_EQ(refused_line(".include models/diode.lib"), 0);
    EXPECT_EQ(refused_line(".lib 'lib/cards.lib' tt"), 0);
}

TEST(NetlistGuard, OrdinaryNetlistsAndTheTitleLinePass) {
    const auto ok = spice::NetlistText::from_string(".control in the title is only a title\nr1 a 0 1k\n.op\n", "t.cir");
    EXPECT_NO_THROW(check_untrusted_netlist(ok, {}));
    EXPECT_EQ(refused_line("r2 a b 1k\n* .control mentioned in a comment"), 0);
}

TEST(NetlistGuard, OptInAcceptsEverything) {
    EXPECT_NO_THROW(check_untrusted_netlist(deck(".control\nop\n.endc\n.include /etc/x"), NetlistPolicy{true}));
}

}  // namespace cimkit::circuits
