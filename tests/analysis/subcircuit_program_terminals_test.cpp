// Subcircuit devices with separate programming terminals (`*cimkit: program A [B]`,
// devices/subcircuit_terminals.hpp) on tests/netlists/gated_vteam.lib: VTEAM's state equation driven
// by a gate (gated_vteam d g s) or by a write line (line_vteam a b p n) instead of by v(p, n). The
// declared roles, the twin against the two-terminal file's, write trains through the gate against
// VTEAM's closed form, a crossbar read with the gates idle against the twin, and bad declarations.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <unistd.h>

#include "analysis/spice_pulse_trains.hpp"
#include "analysis/subcircuit_twin.hpp"
#include "circuits/subcircuit_writes.hpp"
#include "devices/core/errors.hpp"
#include "tests/support/subcircuit_checks.hpp"
#include "devices/registry.hpp"
#include "devices/subcircuit_device.hpp"
#include "tests/support/vteam_closed_form.hpp"

namespace cimkit::analysis {
namespace {

namespace fs = std::filesystem;
using T = SubcircuitTerminal;

const std::string file = CIMKIT_TEST_DATA_DIR "/netlists/gated_vteam.lib";
const std::string gated = "spice:" + file + ":gated_vteam";
const std::string line = "spice:" + file + ":line_vteam";
const std::string vteam = "spice:" CIMKIT_NETLIST_DIR "/devices/vteam_memristor.lib:vteam_memristor";
constexpr double R_on = 50, R_off = 1000;  // the .subckt defaults of both files
constexpr double window_S = 1.0 / R_on - 1.0 / R_off;

double conductance_S(double x) { return 1.0 / (R_on + (R_off - R_on) * x); }

class SubcircuitProgramTerminalsTest : public ::testing::Test {
protected:
    void SetUp() override { install_subcircuit_devices(); }
};

TEST_F(SubcircuitProgramTerminalsTest, DeclarationGivesEachTerminalItsRole) {
    const SubcircuitInterface g = check_spice_device(parse_spice_device_name(gated));
    EXPECT_EQ(g.terminals.order, (std::vector<T>{T::read_p, T::program, T::read_n}));
    EXPECT_TRUE(g.terminals.separate_programming());
    EXPECT_EQ(g.terminals.nodes_text("row", "col"), "row 0 col");  // a read: the gate idle at 0 V
    EXPECT_EQ(g.terminals.nodes_text("row", "0", "gate"), "row gate 0");
    const SubcircuitInterface l = check_spice_device(parse_spice_device_name(line));
    EXPECT_EQ(l.terminals.order, (std::vector<T>{T::program, T::program_return, T::read_p, T::read_n}));
    EXPECT_EQ(l.terminals.nodes_text("row", "col", "a"), "a 0 row col");
    const SubcircuitInterface v = check_spice_device(parse_spice_device_name(vteam));
    EXPECT_EQ(v.terminals.order, (std::vector<T>{T::read_p, T::read_n}));
    EXPECT_FALSE(v.terminals.separate_programming());
}

// The read path is VTEAM's, so G(x) is the two-terminal file's to rounding (the gate at 0 V adds a node
// and nothing else). The pulse table: the same plateaus move the state the same way; only the edges
// differ (from 0 V on the gate, from the read voltage across p and n), by 2e-3 of a step at most by
// the closed form, so each state's step within 1 % of the largest step of its direction.
TEST_F(SubcircuitProgramTerminalsTest, TwinIsTheTwoTerminalTwinApartFromTheEdges) {
    const auto two = subcircuit_twin(vteam);
    for (const std::string& name : {gated, line}) {
        const auto three = subcircuit_twin(name);
        EXPECT_TRUE(three->terminals.separate_programming());
        ASSERT_EQ(three->state_g_S.size(), two->state_g_S.size());
        double worst_g = 0.0;
        for (std::size_t k = 0; k < two->state_g_S.size(); ++k) worst_g = std::max(worst_g, std::abs(three->state_g_S[k] / two->state_g_S[k] - 1.0));
        EXPECT_LT(worst_g, 1e-9) << name;
        for (const auto& [a, b] : {std::pair{&three->table.potentiate, &two->table.potentiate}, std::pair{&three->table.depress, &two->table.depress}}) {
            ASSERT_EQ(a->g_S, b->g_S);
            double largest = 0.0, worst = 0.0;
            for (std::size_t k = 0; k < b->mean_step_S.size(); ++k) {
                largest = std::max(largest, std::abs(b->mean_step_S[k]));
                worst = std::max(worst, std::abs(a->mean_step_S[k] - b->mean_step_S[k]));
            }
            std::printf("%s: steps within %.3g of the largest step\n", name.c_str(), worst / largest);
            EXPECT_LT(worst / largest, 0.01) << name;
            EXPECT_GT(largest, 0.0);
        }
    }
}

// Trains through the programming terminal, replayed as the spice engine's writes: each device's final
// read against VTEAM's closed form with edges from 0 V. A pulse applied across p and n instead would
// not move these cells at all (their state sees only the gate or the write line).
TEST_F(SubcircuitProgramTerminalsTest, WritesThroughTheGateFollowTheVteamClosedForm) {
    const std::vector<circuits::SubcircuitPulseTrain> trains{
        {1.0, std::vector<int>(40, +1)},
        {0.3, std::vector<int>(30, -1)},
        {0.6, {+1, +1, -1, +1, -1, -1, -1, +1}},
    };
    for (const std::string& name : {gated, line}) {
        const auto twin = subcircuit_twin(name);
        circuits::SubcircuitWriteCircuit circuit(twin);
        const std::vector<double> g_S = circuit.run(trains);
        ASSERT_EQ(g_S.size(), trains.size());
        for (std::size_t d = 0; d < trains.size(); ++d) {
            const double expected_S = conductance_S(test::vteam_x_after(trains[d].start_x, trains[d].polarities, 0.0));
            std::printf("%s device %zu: ngspice %.6g S, closed form %.6g S\n", name.c_str(), d, g_S[d], expected_S);
            EXPECT_LT(std::abs(g_S[d] - expected_S) / window_S, 0.005) << name << " " << d;
            EXPECT_GT(std::abs(g_S[d] - conductance_S(trains[d].start_x)) / window_S, 0.002) << name << " " << d;
        }
    }
}

// A 12 x 6 crossbar of the gated cell read through ngspice (each gate tied to ground) against the
// twin's I = G V: the gate carries no read current and does not move the state.
TEST_F(SubcircuitProgramTerminalsTest, CrossbarReadWithIdleGatesAgreesWithTheTwin) {
    const auto model = builtin_devices().find(gated).make({});
    const test::CrossbarComparison c = test::crossbar_against_compact(*model, {12, 6, 0.0, 0.0}, 5, 0.2);
    // Every instance `xdev_I_J row 0 column gated_vteam x0=...`: the gate (its second terminal) grounded.
    const std::regex instance(R"(\nxdev_\w+ (\S+) (\S+) (\S+) gated_vteam x0=)");
    int instances = 0;
    for (auto m = std::sregex_iterator(c.netlist.begin(), c.netlist.end(), instance); m != std::sregex_iterator(); ++m, ++instances) {
        EXPECT_EQ((*m)[2].str(), "0") << (*m)[0].str();
    }
    EXPECT_EQ(instances, 12 * 6);
    const double worst = c.worst;
    std::printf("gated cell crossbar against its twin: max relative column-current difference %.3g\n", worst);
    EXPECT_LT(worst, 0.01);
}

// Each bad declaration: a NetlistError naming the file and the line of the declaration, or the .subckt
// line when the count of terminals is wrong.
TEST_F(SubcircuitProgramTerminalsTest, BadProgramDeclarationsNameTheFileAndLine) {
    const fs::path dir = fs::temp_directory_path() / ("cimkit_program_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path bad = dir / "program.lib";
    std::ofstream(bad) << "* bad program declarations\n"
                          ".subckt unknown p n g params: x0=1\n*cimkit: program q\nR1 p n {100 + 900*x0}\n.ends\n"            // 2, 3
                          ".subckt twice p n g params: x0=1\n*cimkit: program g\n*cimkit: program g\nR1 p n 1k\n.ends\n"     // 6, 8
                          ".subckt same p n a b params: x0=1\n*cimkit: program a a\nR1 p n 1k\n.ends\n"                      // 11, 12
                          ".subckt bare p n g params: x0=1\n*cimkit: program\nR1 p n 1k\n.ends\n"                             // 15, 16
                          ".subckt short p n a b params: x0=1\n*cimkit: program a\nR1 p n 1k\n.ends\n"                        // 19
                          ".subckt undeclared p n g params: x0=1\nR1 p n 1k\n.ends\n"                                         // 23
                          ".subckt nothing_left p g params: x0=1\n*cimkit: program g\nR1 p g 1k\n.ends\n";                    // 26
    const std::vector<test::ExpectedRefusal> cases = {
        {"unknown", 3, "no terminal 'q' on the .subckt line (its terminals: p, n, g)"},
        {"twice", 8, "a second program declaration (the first at line 7)"},
        {"same", 12, "terminal 'a' twice"},
        {"bare", 16, "expected *cimkit: program A [B]"},
        {"short", 19, "4 terminals, 1 of them declared for programming (a); expected 2 others"},
        {"undeclared", 23, "3 terminals; expected 2 (p, n) for a device, or declare its programming terminal"},
        {"nothing_left", 26, "2 terminals, 1 of them declared for programming (g)"},
    };
    test::expect_refusals(bad, cases);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace cimkit::analysis
