// `characterize spice:FILE:SUBCKT --experiment variability` through ngspice with the file's declared
// spreads (`*cimkit: spread NAME=SIGMA`) and --spread (analysis/subcircuit_spreads.hpp,
// analysis/characterization/subcircuit_experiments.hpp), on the VTEAM memristor of
// netlists/devices/vteam_memristor.lib (docs/physics-sources.md#vteam-memristor-subcircuit).
//
// VTEAM's eq. (2) with the linear R(w): G(x) = 1 / (R_on + (R_off - R_on) x). At x = 0 (level 1)
// G = 1/R_on, at x = 1 (level 0) G = 1/R_off. With R_on drawn as R_on exp(s z), z ~ N(0, 1), G at
// level 1 is (1/R_on) exp(-s z), lognormal: mean (1/R_on) exp(s^2/2), relative sigma sqrt(exp(s^2) - 1).
// From n devices the sample mean has a relative standard error of cv/sqrt(n) and the sample
// relative sigma one of about cv/sqrt(2n) (cv the relative sigma); the tests allow 4 of them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "analysis/characterization/experiment.hpp"
#include "analysis/characterization/subcircuit_experiments.hpp"
#include "analysis/spice_pulse_trains.hpp"
#include "analysis/subcircuit_spreads.hpp"
#include "analysis/subcircuit_twin.hpp"
#include "devices/core/errors.hpp"
#include "devices/registry.hpp"

namespace cimkit::analysis {
namespace {

namespace fs = std::filesystem;

const fs::path vteam_file = CIMKIT_NETLIST_DIR "/devices/vteam_memristor.lib";
constexpr double R_on = 50, R_off = 1000;  // the .subckt defaults of vteam_memristor.lib

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class SubcircuitVariabilityTest : public ::testing::Test {
protected:
    void SetUp() override {
        install_subcircuit_devices();
        folder_ = fs::temp_directory_path() / ("cimkit_spread_" + std::to_string(::getpid()));
        fs::create_directories(folder_);
    }
    void TearDown() override { fs::remove_all(folder_); }

    // The VTEAM example with `declarations` inserted before its .ends, as FILE.
    fs::path vteam_with(const std::string& file, const std::string& declarations) const {
        std::string text = read_text(vteam_file);
        text.insert(text.find(".ends vteam_memristor"), declarations);
        std::ofstream(folder_ / file) << text;
        return folder_ / file;
    }
    // A file of `text`, as FILE.
    fs::path file_of(const std::string& file, const std::string& text) const {
        std::ofstream(folder_ / file) << text;
        return folder_ / file;
    }

    fs::path folder_;
};

ExperimentResult variability(const fs::path& file, int devices, std::vector<ParameterSpread> spreads = {}, std::uint64_t seed = 1) {
    const auto model = builtin_devices().find("spice:" + file.string() + ":vteam_memristor").make({});
    return run_experiment("variability", *model, {devices, seed, std::move(spreads)});
}

double lognormal_relative_sigma(double s) { return std::sqrt(std::exp(s * s) - 1.0); }

TEST_F(SubcircuitVariabilityTest, DeclaredRonSpreadGivesTheLognormalClosedForm) {
    const double s = 0.1;
    const int n = 200;
    const ExperimentResult r = variability(vteam_with("ron.lib", "*cimkit: spread R_on=0.1 lognormal\n"), n);
    EXPECT_EQ(r.source, "ngspice");
    EXPECT_EQ(r.figure("devices").value, static_cast<double>(n));
    EXPECT_EQ(r.figure("spread_parameters").value, 1.0);
    EXPECT_EQ(r.figure("spread_sigma_r_on").value, s);
    const double cv = lognormal_relative_sigma(s);
    const double mean_S = r.figure("g_high_mean_S").value, spread = r.figure("g_high_spread").value;
    const double mean_bound = 4.0 * cv / std::sqrt(n), spread_bound = 4.0 * cv / std::sqrt(2.0 * n);
    std::printf("G at level 1 (1/R_on), %d devices, s = %g: mean %.6g S against %.6g S (bound %.2g relative), "
                "relative sigma %.5f against %.5f (bound %.4f)\n",
                n, s, mean_S, std::exp(s * s / 2) / R_on, mean_bound, spread, cv, spread_bound);
    EXPECT_NEAR(mean_S * R_on / std::exp(s * s / 2), 1.0, mean_bound);
    EXPECT_NEAR(spread, cv, spread_bound);
    // Per device, exactly eq. (2) with the device's own drawn R_on: 1/R_on at x = 0, and 1/R_off at
    // x = 1, which R_on does not enter: no spread there but ngspice's rounding.
    const auto& factor = r.curve("spread_factor_r_on").values;
    const auto& g_high = r.curve("g_high_S").values;
    ASSERT_EQ(factor.size(), static_cast<std::size_t>(n));
    for (int d = 0; d < n; ++d) EXPECT_NEAR(g_high[d] * R_on * factor[d], 1.0, 1e-9) << d;
    EXPECT_NEAR(r.figure("g_low_mean_S").value * R_off, 1.0, 1e-9);
    EXPECT_LT(r.figure("g_low_spread").value, 1e-9);
    // Between the ends each device is at the nominal level's state x: G = 1/(R_on,d + (R_off - R_on,d) x).
    const auto& x = r.curve("level_state_x0").values;  // levels 0, 1, 0.5
    const auto& reads = r.curve("read_conductance_S").values;  // levels 0.25, 0.5, 0.75 x devices
    for (int d = 0; d < n; ++d) {
        const double r_on = R_on * factor[d];
        EXPECT_NEAR(reads[static_cast<std::size_t>(n + d)] * (r_on + (R_off - r_on) * x[2]), 1.0, 1e-9) << d;
    }
    // The built-in layout: same curves as the compact model's variability.
    for (const char* name : {"g_low_S", "g_high_S", "step_S", "read_level", "read_conductance_S", "read_conductance_mean_S",
                             "read_conductance_sigma_S", "read_conductance_relative_sigma"}) {
        EXPECT_NO_THROW(r.curve(name)) << name;
    }
}

// --spread on the command line replaces the declared sigma of its parameter and adds another.
TEST_F(SubcircuitVariabilityTest, CommandLineSpreadReplacesAndAdds) {
    const int n = 200;
    const double s_on = 0.2, s_off = 0.05;
    const ExperimentResult r =
        variability(vteam_with("both.lib", "*cimkit: spread R_on=0.1\n"), n, {{"R_ON", s_on}, {"R_off", s_off}}, 7);
    EXPECT_EQ(r.figure("spread_parameters").value, 2.0);
    EXPECT_EQ(r.figure("spread_sigma_r_on").value, s_on);
    EXPECT_EQ(r.figure("spread_sigma_r_off").value, s_off);
    // x = 1: G = 1/R_off alone; x = 0: 1/R_on alone. Each its own lognormal.
    for (const auto& [figure, s] : {std::pair<std::string, double>{"g_high_spread", s_on}, {"g_low_spread", s_off}}) {
        const double cv = lognormal_relative_sigma(s), bound = 4.0 * cv / std::sqrt(2.0 * n);
        std::printf("%s %.5f against the closed form %.5f (bound %.4f)\n", figure.c_str(), r.figure(figure).value, cv, bound);
        EXPECT_NEAR(r.figure(figure).value, cv, bound) << figure;
    }
    EXPECT_NEAR(r.figure("g_low_mean_S").value * R_off / std::exp(s_off * s_off / 2), 1.0, 4.0 * lognormal_relative_sigma(s_off) / std::sqrt(n));
}

// The same seed gives the same devices; without any spread every device is the nominal one.
TEST_F(SubcircuitVariabilityTest, NoSpreadIsTheNominalDeviceAndSeedsRepeat) {
    const ExperimentResult none = variability(vteam_file, 4);
    EXPECT_EQ(none.figure("spread_parameters").value, 0.0);
    for (const char* f : {"g_low_spread", "g_high_spread", "step_spread", "level50_g_relative_sigma"}) EXPECT_LT(none.figure(f).value, 1e-9) << f;
    EXPECT_NEAR(none.figure("g_high_mean_S").value * R_on, 1.0, 1e-9);
    // A potentiating (ON) pulse from mid-range raises G.
    EXPECT_GT(none.figure("step_mean_S").value, 0.0);
    const ExperimentResult a = variability(vteam_file, 8, {{"k_on", 0.3}}, 3), b = variability(vteam_file, 8, {{"k_on", 0.3}}, 3);
    EXPECT_EQ(a.curve("step_S").values, b.curve("step_S").values);
    // k_on sets the ON pulse's rate: the step spreads, the window ends do not.
    EXPECT_GT(a.figure("step_spread").value, 0.05);
    EXPECT_LT(a.figure("g_high_spread").value, 1e-9);
}

// The compact twin carries the declared spreads (analysis/subcircuit_twin.hpp, step 4): its own
// variability (the built-in experiment on the table device, 2000 devices) against the subcircuit's
// through ngspice (200 devices, seed 2: not the twin's own Monte Carlo, which is seed 1). Means and
// relative sigmas within 4 standard errors of their difference. The twin draws normal factors where
// the subcircuit's are lognormal: the means differ by exp(s^2/2) - 1 (0.5 % at s = 0.1), inside that.
TEST_F(SubcircuitVariabilityTest, TwinCarriesTheDeclaredSpreads) {
    const fs::path file = vteam_with("twin.lib", "*cimkit: spread R_on=0.1\n*cimkit: spread R_off=0.05\n*cimkit: spread k_on=0.2\n");
    const auto model = builtin_devices().find("spice:" + file.string() + ":vteam_memristor").make({});
    const int n_spice = 200, n_twin = 2000;
    const ExperimentResult spice = run_experiment("variability", *model, {n_spice, 2});
    const ExperimentResult twin = run_variability(*model, {n_twin, 1});
    EXPECT_EQ(spice.source, "ngspice");
    EXPECT_EQ(twin.source, "");
    for (const char* end : {"g_low", "g_high", "step"}) {
        const std::string mean = std::string(end) + "_mean_S", spread = std::string(end) + "_spread";
        const double cv = spice.figure(spread).value;
        const double mean_bound = 4.0 * cv * std::sqrt(1.0 / n_spice + 1.0 / n_twin);
        const double spread_bound = 4.0 * cv * std::sqrt(1.0 / (2.0 * n_spice) + 1.0 / (2.0 * n_twin));
        std::printf("%-6s mean: ngspice %.6g S, twin %.6g S (relative bound %.3g); relative sigma: ngspice %.5f, twin %.5f (bound %.4f)\n", end,
                    spice.figure(mean).value, twin.figure(mean).value, mean_bound, cv, twin.figure(spread).value, spread_bound);
        EXPECT_NEAR(twin.figure(mean).value / spice.figure(mean).value, 1.0, mean_bound) << end;
        EXPECT_NEAR(twin.figure(spread).value, cv, spread_bound) << end;
    }
}

// A declared spread too wide for the twin's table (at most 0.3 relative) is refused naming the file.
TEST_F(SubcircuitVariabilityTest, SpreadTooWideForTheTwinIsRefused) {
    const fs::path file = vteam_with("wide.lib", "*cimkit: spread R_on=0.6\n");
    try {
        (void)builtin_devices().find("spice:" + file.string() + ":vteam_memristor").make({});
        ADD_FAILURE() << "a 0.6 spread of R_on was accepted by the twin";
    } catch (const NetlistError& e) {
        EXPECT_NE(std::string(e.what()).find("g_max_spread_d2d"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    }
}

TEST_F(SubcircuitVariabilityTest, DeviceCountAndStateSpreadAreRefused) {
    EXPECT_THROW(variability(vteam_file, max_variability_devices + 1), UsageError);
    EXPECT_THROW(variability(vteam_file, 4, {{"x0", 0.1}}), UsageError);
    EXPECT_THROW(variability(vteam_file, 4, {{"k_typo", 0.1}}), UsageError);
    EXPECT_THROW(variability(vteam_file, 4, {{"k_on", 1.5}}), UsageError);
}

// Every bad declaration is a NetlistError naming the file and its line.
TEST_F(SubcircuitVariabilityTest, BadDeclarationsNameTheFileAndLine) {
    struct Case {
        std::string declarations;
        int line_offset;  // of the bad line from the first inserted line
        std::string message;
    };
    const std::string vteam_text = read_text(vteam_file);
    int ends_line = 1;
    for (std::size_t at = 0; at < vteam_text.find(".ends vteam_memristor"); ++at) ends_line += vteam_text[at] == '\n';
    const std::vector<Case> cases = {
        {"*cimkit: spread k_typo=0.1\n", 0, "no parameter 'k_typo'"},
        {"*cimkit: spread R_on=-0.1\n", 0, "expected a number in [0, 1]"},
        {"*cimkit: spread R_on=nan\n", 0, "expected a number in [0, 1]"},
        {"*cimkit: spread R_on=inf\n", 0, "expected a number in [0, 1]"},
        {"*cimkit: spread R_on=0.1\n* cimkit: spread r_ON=0.2\n", 1, "a second spread of 'r_ON'"},
        {"*cimkit: spread x0=0.1\n", 0, "a spread of the state x0"},
        {"*cimkit: spread R_on=0.1 uniform\n", 0, "unknown distribution 'uniform'"},
        {"*cimkit: spread R_on 0.1\n", 0, "expected NAME=SIGMA"},
        {"*cimkit: spread\n", 0, "expected *cimkit: spread NAME=SIGMA"},
        {"*CIMKIT: sprad R_on=0.1\n", 0, "unknown *cimkit: declaration 'sprad'"},
    };
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const fs::path file = vteam_with("bad" + std::to_string(k) + ".lib", cases[k].declarations);
        try {
            check_spice_device({file, "vteam_memristor"});
            ADD_FAILURE() << cases[k].declarations << " was accepted";
        } catch (const NetlistError& e) {
            EXPECT_EQ(e.line(), ends_line + cases[k].line_offset) << e.what();
            EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(cases[k].message), std::string::npos) << e.what();
        }
    }
    // A parameter whose default is an expression has no number to scale.
    const fs::path expression = file_of("expression.lib", "* x\n.subckt cell p n params: x0=1 r={2*500}\n*cimkit: spread r=0.1\nR1 p n {r}\n.ends\n");
    try {
        check_spice_device({expression, "cell"});
        ADD_FAILURE() << "a spread of an expression default was accepted";
    } catch (const NetlistError& e) {
        EXPECT_EQ(e.line(), 3) << e.what();
    }
    // Outside any .subckt block it belongs to no device; inside another subcircuit's it is that one's.
    const fs::path outside = file_of("outside.lib", "* x\n*cimkit: spread r=0.1\n.subckt cell p n params: x0=1 r=1k\nR1 p n {r}\n.ends\n");
    EXPECT_THROW(check_spice_device({outside, "cell"}), NetlistError);
    const fs::path other = file_of("other.lib",
                                   "* x\n.subckt cell p n params: x0=1 r=1k\nR1 p n {r}\n.ends\n"
                                   ".subckt other p n params: x0=1 q=1k\n*cimkit: spread q=0.2\nR1 p n {q}\n.ends\n");
    EXPECT_TRUE(check_spice_device({other, "cell"}).declared_spreads.empty());
    const auto declared = check_spice_device({other, "other"}).declared_spreads;
    ASSERT_EQ(declared.size(), 1u);
    EXPECT_EQ(declared[0].name, "q");
    EXPECT_EQ(declared[0].sigma, 0.2);
}

TEST(SubcircuitSpreads, MergeReplacesByNameAndAppendsInOrder) {
    const auto merged = merge_spreads({{"r_on", 0.1}, {"k_on", 0.2}}, {{"K_ON", 0.3}, {"r_off", 0.05}});
    ASSERT_EQ(merged.size(), 3u);
    EXPECT_EQ(merged[0].name, "r_on");
    EXPECT_EQ(merged[0].sigma, 0.1);
    EXPECT_EQ(merged[1].sigma, 0.3);
    EXPECT_EQ(merged[2].name, "r_off");
    EXPECT_FALSE(parse_spread_text("k_on").has_value());
    EXPECT_FALSE(parse_spread_text("=0.1").has_value());
    EXPECT_FALSE(parse_spread_text("k_on=0.1x").has_value());
    EXPECT_EQ(parse_spread_text("k_on=0.25")->sigma, 0.25);
    EXPECT_THROW(parse_spread_options({"k_on"}), UsageError);
}

}  // namespace
}  // namespace cimkit::analysis
