#include "circuits/spice/spice_messages.hpp"

#include <gtest/gtest.h>

namespace cimkit::spice {
namespace {

const NetlistText netlist = NetlistText::from_string(
    "title\n\n* comment\nv1 in 0 dc 1\n\nr1   in out 1k\nR2 out 0 abc\nx1 in 0 nosub\n.op\n", "deck.cir");

}  // namespace

TEST(SpiceMessages, ErrorMessageStartsAtTheFirstErrorLine) {
    const std::vector<std::string> lines = {"warning, can't find model 'abc' from line", "r2 out 0 abc",
                                            "Error on line 5 or its substitute:", "r2 out 0 abc",
                                            "unknown parameter (abc) "};
    EXPECT_EQ(error_message(lines), "Error on line 5 or its substitute:; r2 out 0 abc; unknown parameter (abc)");
    EXPECT_EQ(error_message({"warning, something harmless"}), "");
    // A failed transient gives its reason on a "doAnalyses:" line before the "aborted" one.
    EXPECT_EQ(error_message({"doAnalyses: TRAN:  Timestep too small; time = 5e-06", "tran simulation(s) aborted"}),
              "doAnalyses: TRAN:  Timestep too small; time = 5e-06; tran simulation(s) aborted");
}

TEST(SpiceMessages, LocatesTheLineByItsEchoedText) {
    // ngspice lower-cases the line and counts only non-blank lines; the file line is 7.
    const auto where = locate_in_netlist("Error on line 5 or its substitute:; r2 out 0 abc; unknown parameter (abc)", netlist);
    EXPECT_EQ(where.line, 7);
    EXPECT_EQ(where.line_text, "R2 out 0 abc");
    const auto quoted = locate_in_netlist("Error: unknown subckt: x1 in 0 nosub; in line no. 6 from file circbyline", netlist);
    EXPECT_EQ(quoted.line, 8);
}

TEST(SpiceMessages, FallsBackToNgspiceLineNumbersCountingNonBlankLines) {
    // Non-blank lines: 1 title, 2 comment, 3 v1, 4 r1 -> file line 6.
    EXPECT_EQ(locate_in_netlist("Error on line 4: something", netlist).line, 6);
    EXPECT_EQ(locate_in_netlist("Error: no line here", netlist).line, 0);
}

TEST(SpiceMessages, ADroppedLineIsAnErrorAndNamesThatLine) {
    // ngspice 46's words when it drops a resistor with one node (measured); the run would simulate
    // a circuit without it.
    const std::string message = error_message({"Warning: 'r2 out 0 abc' is not a valid resistor instance line, ignored!"});
    EXPECT_NE(message, "");
    EXPECT_EQ(locate_in_netlist(message, netlist).line, 7);
}

TEST(SpiceMessages, SingularMatrixWarningsAreReported) {
    EXPECT_TRUE(reports_singular_matrix({"Note: Starting dynamic gmin stepping", "Warning: singular matrix:  check node b1#branch"}));
    EXPECT_FALSE(reports_singular_matrix({"Note: Starting dynamic gmin stepping", "Warning: Dynamic gmin stepping failed"}));
}

TEST(SpiceMessages, ConvergenceFailuresAreRecognised) {
    EXPECT_TRUE(is_convergence_failure("doAnalyses: TRAN:  Timestep too small; run simulation(s) aborted"));
    EXPECT_TRUE(is_convergence_failure("Warning: singular matrix:  check node b"));
    EXPECT_TRUE(is_convergence_failure("doAnalyses: Too many iterations without convergence"));
    EXPECT_FALSE(is_convergence_failure("unknown parameter (abc)"));
}

}  // namespace cimkit::spice
