// The drive a subcircuit device declares (`*cimkit: drive KEY=VALUE ...`,
// analysis/subcircuit_spreads.hpp) on tests/netlists/gated_vteam.lib: a cell with thresholds ten
// times higher and pulses ten times higher declared has the same overdrive at every instant, so the
// same twin as the cell it scales; without the declaration it is refused; bad declarations are named
// by line.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "analysis/spice_pulse_trains.hpp"
#include "analysis/subcircuit_twin.hpp"
#include "devices/core/errors.hpp"
#include "tests/support/subcircuit_checks.hpp"

namespace cimkit::analysis {
namespace {

namespace fs = std::filesystem;

const std::string file = CIMKIT_TEST_DATA_DIR "/netlists/gated_vteam.lib";

class SubcircuitDriveTest : public ::testing::Test {
protected:
    void SetUp() override { install_subcircuit_devices(); }
};

TEST_F(SubcircuitDriveTest, DeclaredDriveGivesTheScaledCellTheSameTwin) {
    const SubcircuitInterface declared = check_spice_device({file, "gated_vteam_x10"});
    EXPECT_EQ(declared.drive, (std::map<std::string, double>{{"potentiate_V", -4.0}, {"depress_V", 0.4}, {"pulse_width_s", 10e-9}}));
    const SpicePulsePlan plan = declared_pulse_plan(declared);
    EXPECT_EQ(plan.potentiate_V, -4.0);
    EXPECT_EQ(plan.read_voltage_V, SpicePulsePlan{}.read_voltage_V);  // not declared: the default

    const auto scaled = subcircuit_twin("spice:" + file + ":gated_vteam_x10");
    const auto original = subcircuit_twin("spice:" + file + ":gated_vteam");
    EXPECT_EQ(scaled->potentiate_V, -4.0);
    EXPECT_EQ(scaled->depress_V, 0.4);
    EXPECT_EQ(scaled->table.potentiate_amplitude_V, 4.0);
    EXPECT_EQ(scaled->state_g_S, original->state_g_S);  // the same read path at the same read voltage
    for (const auto& [a, b] : {std::pair{&scaled->table.potentiate, &original->table.potentiate}, std::pair{&scaled->table.depress, &original->table.depress}}) {
        double largest = 0.0, worst = 0.0;
        for (std::size_t k = 0; k < b->mean_step_S.size(); ++k) {
            largest = std::max(largest, std::abs(b->mean_step_S[k]));
            worst = std::max(worst, std::abs(a->mean_step_S[k] - b->mean_step_S[k]));
        }
        std::printf("ten times the thresholds and the pulses: steps within %.3g of the largest step\n", worst / largest);
        EXPECT_LT(worst / largest, 1e-9);  // measured 4e-14: ngspice rounding
    }
    try {
        (void)subcircuit_twin("spice:" + file + ":gated_vteam_x10_undeclared");
        ADD_FAILURE() << "a cell the default pulses do not move was accepted";
    } catch (const NetlistError& e) {
        EXPECT_NE(std::string(e.what()).find("do not raise and lower"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("*cimkit: drive"), std::string::npos) << e.what();
    }
}

TEST_F(SubcircuitDriveTest, BadDriveDeclarationsNameTheFileAndLine) {
    const fs::path dir = fs::temp_directory_path() / ("cimkit_drive_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path bad = dir / "drive.lib";
    std::ofstream(bad) << "* bad drive declarations\n"
                          ".subckt unknown p n params: x0=1\n*cimkit: drive amplitude=1\nR1 p n {100 + 900*x0}\n.ends\n"  // 3
                          ".subckt text p n params: x0=1\n*cimkit: drive potentiate_V=high\nR1 p n 1k\n.ends\n"        // 7
                          ".subckt zero p n params: x0=1\n*cimkit: drive read_voltage_V=0\nR1 p n 1k\n.ends\n"          // 11
                          ".subckt width p n params: x0=1\n*cimkit: drive pulse_width_s=-1n\nR1 p n 1k\n.ends\n"        // 15
                          ".subckt equal p n params: x0=1\n*cimkit: drive potentiate_V=1 depress_V=1\nR1 p n 1k\n.ends\n"  // 19
                          ".subckt again p n params: x0=1\n*cimkit: drive edge_s=1n edge_s=2n\nR1 p n 1k\n.ends\n"      // 23
                          ".subckt twice p n params: x0=1\n*cimkit: drive edge_s=1n\n*cimkit: drive depress_V=1\nR1 p n 1k\n.ends\n"  // 28
                          ".subckt bare p n params: x0=1\n*cimkit: drive\nR1 p n 1k\n.ends\n";                          // 32
    const std::vector<test::ExpectedRefusal> cases = {
        {"unknown", 3, "'amplitude=1': expected KEY=VALUE with KEY one of read_voltage_V, potentiate_V"},
        {"text", 7, "'potentiate_V=high': expected a number"},
        {"zero", 11, "expected a voltage other than 0 V"},
        {"width", 15, "expected a time above 0 s"},
        {"equal", 19, "potentiate_V and depress_V are equal"},
        {"again", 23, "'edge_s' twice"},
        {"twice", 28, "a second drive declaration (the first at line 27)"},
        {"bare", 32, "expected *cimkit: drive KEY=VALUE"},
    };
    test::expect_refusals(bad, cases);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace cimkit::analysis
