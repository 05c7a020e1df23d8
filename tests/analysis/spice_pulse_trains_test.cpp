// Pulse trains of a SPICE subcircuit through ngspice (analysis/spice_pulse_trains.hpp) on the VTEAM
// memristor of netlists/devices/vteam_memristor.lib: checked against the VTEAM ODE integrated by
// CVODE, fitted into a table device that must follow the subcircuit, and bad names refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "analysis/spice_pulse_trains.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/rng.hpp"
#include "devices/ode/cvode_integrator.hpp"
#include "devices/table_device.hpp"
#include "devices/table_device_fit.hpp"

namespace cimkit::analysis {
namespace {

namespace fs = std::filesystem;

const SpiceDeviceName vteam{CIMKIT_NETLIST_DIR "/devices/vteam_memristor.lib", "vteam_memristor"};

// The .subckt defaults of vteam_memristor.lib.
constexpr double R_on = 50, R_off = 1000, v_on = -0.2, v_off = 0.02, alpha_on = 3, alpha_off = 1, k_on = -3e6, k_off = 2e6;

double vteam_rate(double v, double x) {
    const double off = v > v_off ? k_off * std::pow(v / v_off - 1.0, alpha_off) * (1.0 - x * x) : 0.0;
    const double on = v < v_on ? k_on * std::pow(v / v_on - 1.0, alpha_on) * (1.0 - (1.0 - x) * (1.0 - x)) : 0.0;
    return off + on;
}

double vteam_conductance_S(double x) { return 1.0 / (R_on + (R_off - R_on) * std::clamp(x, 0.0, 1.0)); }

// The source voltage of the piecewise-linear waveform at t.
double drive_V(const PulseWaveform& w, double t) {
    const auto upper = std::upper_bound(w.times_s.begin(), w.times_s.end(), t);
    if (upper == w.times_s.begin()) return w.values_V.front();
    if (upper == w.times_s.end()) return w.values_V.back();
    const auto i = static_cast<std::size_t>(upper - w.times_s.begin());
    const double f = (t - w.times_s[i - 1]) / (w.times_s[i] - w.times_s[i - 1]);
    return w.values_V[i - 1] + f * (w.values_V[i] - w.values_V[i - 1]);
}

std::string temp_folder(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("cimkit_spice_pulses_" + name + "_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir.string();
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

// Second method: the VTEAM ODE dx/dt = k (v/v_th - 1)^alpha f(x) (netlists/devices/vteam_memristor.lib)
// integrated by CVODE (rtol 1e-10) over the same piecewise-linear drive, corner to corner, and read
// as I/V = 1/(R_on + (R_off - R_on) x) at the same read times. ngspice's transient, with its default
// reltol 1e-3 and the state's truncation error controlled through the 1 F capacitor, must agree
// within 0.5 % of the window 1/R_on - 1/R_off at every one of the 2 x 201 reads.
TEST(SpicePulseTrains, VteamAgreesWithTheOdeIntegratedByCvode) {
    SpicePulsePlan plan;
    plan.devices = 1;
    plan.cycles = 2;
    plan.up = 100;
    plan.down = 100;
    const PulseData data = spice_pulse_trains(vteam, plan, 1);
    const PulseWaveform w = pulse_waveform(plan);
    ASSERT_EQ(data.rows.size(), w.read_times_s.size());

    ode::SolverOptions options;
    options.relative_tolerance = 1e-10;
    options.absolute_tolerance = 1e-12;
    ode::CvodeIntegrator cvode(1, [&](double t, const double* x, double* dxdt) { dxdt[0] = vteam_rate(drive_V(w, t), x[0]); }, options);
    std::vector<double> x = {1.0};  // the .subckt's x0
    double t = 0.0;
    std::size_t corner = 0;
    const double window_S = 1.0 / R_on - 1.0 / R_off;
    double worst = 0.0;
    for (std::size_t r = 0; r < w.read_times_s.size(); ++r) {
        // Corner by corner, so CVODE never steps across a kink of the drive.
        while (corner < w.times_s.size() && w.times_s[corner] <= w.read_times_s[r]) {
            if (w.times_s[corner] > t) cvode.integrate(t, w.times_s[corner], x);
            t = std::max(t, w.times_s[corner]);
            ++corner;
        }
        const double expected_S = vteam_conductance_S(x[0]);
        worst = std::max(worst, std::abs(data.rows[r].conductance_S - expected_S) / window_S);
        if (r == 100) std::printf("after 100 ON pulses: ngspice %.6g S, CVODE %.6g S\n", data.rows[r].conductance_S, expected_S);
    }
    std::printf("worst difference ngspice - CVODE: %.3g %% of the window\n", 100.0 * worst);
    EXPECT_LT(worst, 0.005);
    // The pulses move the device across most of its window (a test of something, not of nothing).
    EXPECT_GT(data.rows[100].conductance_S, 1.0 / R_off + 0.5 * window_S);
}

// `device pulses spice:...` then `device fit`: 8 devices with k_on and k_off spread 10 % (lognormal),
// 2 cycles of 100 + 100 pulses. The mean conductance after k = 0..100 ON pulses of 400 fresh table
// devices must follow the subcircuit's first-cycle mean within 5 % of the subcircuit's window (as
// TableDeviceFit.FittedPcmFollowsThePcmMeanCurve for the PCM).
TEST(SpicePulseTrains, FittedTableFollowsTheSubcircuitMeanCurve) {
    SpicePulsePlan plan;
    plan.devices = 8;
    plan.cycles = 2;
    plan.spreads = {{"k_on", 0.1}, {"k_off", 0.1}};
    const PulseData data = spice_pulse_trains(vteam, plan, 3);
    const int pulses = plan.up;
    std::vector<double> spice_mean(static_cast<std::size_t>(pulses) + 1, 0.0), table_mean(spice_mean.size(), 0.0);
    for (const PulseRow& row : data.rows) {
        if (row.cycle == 0 && row.pulse <= pulses) spice_mean[static_cast<std::size_t>(row.pulse)] += row.conductance_S / plan.devices;
    }
    const TableFit fit = fit_table_device(data);
    const TableDevice table(load_table(fit.data));
    const int devices = 400;
    const Rng root(31);
    for (int d = 0; d < devices; ++d) {
        Rng rng = root.stream(static_cast<std::uint64_t>(d));
        DeviceState s = table.make_device(rng);
        for (int k = 0; k <= pulses; ++k) {
            if (k > 0) table.apply_pulse(s, table.nominal_pulse(+1), rng);
            table_mean[static_cast<std::size_t>(k)] += table.conductance_S(s) / devices;
        }
    }
    const double window_S = 1.0 / R_on - 1.0 / R_off;
    double worst = 0.0;
    for (int k = 0; k <= pulses; ++k) {
        worst = std::max(worst, std::abs(spice_mean[static_cast<std::size_t>(k)] - table_mean[static_cast<std::size_t>(k)]) / window_S);
    }
    std::printf("%s", fit.report().c_str());
    std::printf("worst mean-curve difference %.2f %% of the window (at 50 pulses: subcircuit %.4g S, table %.4g S)\n", 100.0 * worst,
                spice_mean[50], table_mean[50]);
    EXPECT_LT(worst, 0.05);
}

TEST(SpicePulseTrains, BadNamesAreRefusedNamingThem) {
    EXPECT_THROW(parse_spice_device_name("spice:only_a_file.lib"), UsageError);
    EXPECT_THROW(parse_spice_device_name("spice::sub"), UsageError);
    EXPECT_THROW(check_spice_device({"/nonexistent/cimkit/dev.lib", "x"}), IoError);

    const std::string dir = temp_folder("bad");
    write(dir + "/three.lib", "* three terminals\n.subckt three a b c\nR1 a b 1k\nR2 b c 1k\n.ends\n");
    write(dir + "/control.lib", "* runs commands\n.subckt dev p n\nR1 p n 1k\n.ends\n.control\nshell echo hi\n.endc\n");
    write(dir + "/escape.lib", "* escapes its folder\n.include ../../etc/passwd\n.subckt dev p n\nR1 p n 1k\n.ends\n");
    const auto message = [](const SpiceDeviceName& device) {
        try {
            check_spice_device(device);
        } catch (const NetlistError& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    const std::string unknown = message({CIMKIT_NETLIST_DIR "/devices/vteam_memristor.lib", "no_such_cell"});
    EXPECT_NE(unknown.find("no_such_cell"), std::string::npos) << unknown;
    EXPECT_NE(unknown.find("vteam_memristor"), std::string::npos) << unknown;  // what the file does define
    const std::string three = message({dir + "/three.lib", "three"});
    EXPECT_NE(three.find("3 terminals"), std::string::npos) << three;
    EXPECT_NE(three.find("three.lib:2"), std::string::npos) << three;
    const std::string control = message({dir + "/control.lib", "dev"});
    EXPECT_NE(control.find("control.lib:5"), std::string::npos) << control;
    EXPECT_NE(message({dir + "/escape.lib", "dev"}), "(no error)");

    SpicePulsePlan plan;
    plan.spreads = {{"no_such_param", 0.1}};
    EXPECT_THROW(spice_pulse_trains(vteam, plan, 1), UsageError);
    fs::remove_all(dir);
}

}  // namespace cimkit::analysis
