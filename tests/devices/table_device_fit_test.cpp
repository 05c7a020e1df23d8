// The fit of a table device (devices/table_device_fit.hpp) against pulse data of known devices:
// a table device whose law and noise are known (round trip), and the built-in PCM model (a second
// method: the fitted device must reproduce the model's mean pulse response).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "devices/core/errors.hpp"
#include "devices/core/rng.hpp"
#include "devices/pcm.hpp"
#include "devices/table_device_fit.hpp"

namespace cimkit {
namespace {

// Noise-free reads: the step noise is the device's own, as the known table states it.
PulseData pulse_trains(const DeviceModel& model, int devices, int cycles, int up, int down, std::uint64_t seed) {
    return cimkit::pulse_trains(model, PulseTrainPlan{devices, cycles, up, down, false}, seed);
}

// Linear laws on 1..21 uS: potentiation 0.6 -> 0.1 uS per pulse, depression -0.1 -> -0.6 uS, the
// noise sigma rising from 0.1 to 0.25 uS across the window (state dependent, as fitted).
TableDeviceData known_table(double window_spread, double step_spread) {
    TableDeviceData d;
    d.g_min_S = 1e-6;
    d.g_max_S = 21e-6;
    d.potentiate = {{1e-6, 21e-6}, {0.6e-6, 0.1e-6}, {0.1e-6, 0.25e-6}, {0, 0}};
    d.depress = {{1e-6, 21e-6}, {-0.1e-6, -0.6e-6}, {0.1e-6, 0.25e-6}, {0, 0}};
    d.g_min_spread_d2d = d.g_max_spread_d2d = window_spread;
    d.step_spread_d2d = step_spread;
    return d;
}

// A state whose steps can reach a window edge within 4 sigma holds clipped steps, whose mean and
// spread are not the law's; the recovery is checked on the states clear of both edges.
bool clear_of_edges(const TableDeviceData& truth, const StepLaw& true_law, double g_S) {
    const double reach_S = std::abs(true_law.mean_at(g_S)) + 4.0 * true_law.sigma_at(g_S);
    return g_S - reach_S > truth.g_min_S && g_S + reach_S < truth.g_max_S;
}

struct RoundTrip {
    TableDeviceData truth;
    TableFit fit;
};

const RoundTrip& round_trip() {
    static const RoundTrip trip = [] {
        const TableDeviceData truth = known_table(0.0, 0.0);
        const TableDevice device(load_table(truth));
        FitOptions options;
        options.steps_per_state = 400;  // 7680 steps per direction: 8 states of 960
        options.max_states = 8;
        return RoundTrip{truth, fit_table_device(pulse_trains(device, 24, 4, 80, 80, 17), options)};
    }();
    return trip;
}

// The mean step of a state of n steps has a standard error sigma/sqrt(n); a linear law is its own
// mean over a bin, so the fitted mean must lie within 4 standard errors of the law at the state.
TEST(TableDeviceFit, RecoversTheStepLawOfAKnownTable) {
    const auto& [truth, fit] = round_trip();
    double worst = 0.0;
    EXPECT_NEAR(fit.data.g_min_S, truth.g_min_S, 1e-18);  // every device saturates on its window
    EXPECT_NEAR(fit.data.g_max_S, truth.g_max_S, 1e-18);
    int checked = 0;
    for (const auto& [fitted, law] : {std::pair{&fit.data.potentiate, &truth.potentiate}, std::pair{&fit.data.depress, &truth.depress}}) {
        for (std::size_t k = 0; k < fitted->g_S.size(); ++k) {
            const double g = fitted->g_S[k];
            if (!clear_of_edges(truth, *law, g)) continue;
            ++checked;
            const double standard_error_S = law->sigma_at(g) / std::sqrt(fitted->steps[k]);
            EXPECT_NEAR(fitted->mean_step_S[k], law->mean_at(g), 4.0 * standard_error_S) << "state at " << g << " S";
            worst = std::max(worst, std::abs(fitted->mean_step_S[k] - law->mean_at(g)) / standard_error_S);
        }
    }
    std::printf("known table: %d states checked, worst mean step %.2f standard errors from the law\n", checked, worst);
    EXPECT_GE(checked, 6);
}

// A sample standard deviation of n residuals has a relative standard error 1/sqrt(2(n - 1)).
TEST(TableDeviceFit, RecoversTheNoiseSigmaPerState) {
    const auto& [truth, fit] = round_trip();
    int checked = 0;
    double worst = 0.0;
    for (const auto& [fitted, law] : {std::pair{&fit.data.potentiate, &truth.potentiate}, std::pair{&fit.data.depress, &truth.depress}}) {
        for (std::size_t k = 0; k < fitted->g_S.size(); ++k) {
            const double g = fitted->g_S[k];
            if (!clear_of_edges(truth, *law, g)) continue;
            ++checked;
            const double relative_error = 1.0 / std::sqrt(2.0 * (fitted->steps[k] - 1.0));
            EXPECT_NEAR(fitted->sigma_S[k], law->sigma_at(g), 4.0 * relative_error * law->sigma_at(g)) << "state at " << g << " S";
            worst = std::max(worst, std::abs(fitted->sigma_S[k] / law->sigma_at(g) - 1.0) / relative_error);
        }
    }
    std::printf("known table: %d states checked, worst sigma %.2f standard errors from the truth; step spread %.4f\n", checked, worst,
                fit.data.step_spread_d2d);
    EXPECT_GE(checked, 6);
    // No device-to-device spread in the data: none beyond the sampling noise of 24 scale estimates.
    EXPECT_LT(fit.data.step_spread_d2d, 0.02);
}

// 60 devices: a relative sigma s estimated from them has a standard error about s / sqrt(2 * 59)
// (0.28 % for 3 %); the step scales are each estimated from ~320 noisy steps, whose sampling variance
// the fit subtracts. The draws are bounded at 3 sigma, which leaves 98.7 % of the sigma.
TEST(TableDevice, DeviceWindowsAndStepScalesSpreadByTheirSigmas) {
    const TableDeviceData truth = known_table(0.03, 0.1);
    const TableDevice device(load_table(truth));
    const TableFit fit = fit_table_device(pulse_trains(device, 60, 2, 80, 80, 23));
    const double bounded = 0.9866;
    EXPECT_NEAR(fit.data.g_min_spread_d2d, bounded * 0.03, 4.0 * 0.03 / std::sqrt(118.0));
    EXPECT_NEAR(fit.data.g_max_spread_d2d, bounded * 0.03, 4.0 * 0.03 / std::sqrt(118.0));
    EXPECT_NEAR(fit.data.step_spread_d2d, bounded * 0.1, 0.04);
    std::printf("60 devices: window spreads %.4f and %.4f (truth %.4f), step spread %.4f (truth %.4f)\n", fit.data.g_min_spread_d2d,
                fit.data.g_max_spread_d2d, bounded * 0.03, fit.data.step_spread_d2d, bounded * 0.1);
    EXPECT_NEAR(fit.data.g_min_S, truth.g_min_S, 4.0 * 0.03 * truth.g_min_S / std::sqrt(60.0));
    EXPECT_NEAR(fit.data.g_max_S, truth.g_max_S, 4.0 * 0.03 * truth.g_max_S / std::sqrt(60.0));
}

// A window that scales as a whole (the domain wall's d2d factor: a = g_min (1 + s z), b = g_max (1 + s z))
// has a width (b - a) spreading by s of the nominal width; drawn as two independent ends it would
// spread by s sqrt(g_min^2 + g_max^2) / (g_max - g_min), here 1.1 s. Closed forms for 20000 devices,
// checked within 4 standard errors of a sample sigma (sigma / sqrt(2 n)); the fit must find the
// correlation (60 devices: its sampling error is about (1 - rho^2)/sqrt(60), 0 at rho = 1; the window
// ends come from each device's extreme reads, clipped by its step noise).
TEST(TableDevice, CorrelatedWindowEndsKeepTheWidthSpread) {
    const double s = 0.05, bounded = 0.9866, n = 20000;
    for (const double rho : {0.0, 1.0}) {
        TableDeviceData truth = known_table(s, 0.0);
        truth.g_spread_correlation = rho;
        const TableDevice device(load_table(truth));
        Rng rng(31);
        double sum = 0.0, sum2 = 0.0;
        for (int k = 0; k < n; ++k) {
            DeviceState d = device.make_device(rng);
            device.set_level(d, 1.0, rng);
            const double high = device.conductance_S(d);
            device.set_level(d, 0.0, rng);
            const double width = high - device.conductance_S(d);
            sum += width;
            sum2 += width * width;
        }
        const double sd = std::sqrt((sum2 - sum * sum / n) / (n - 1));
        const double expected = bounded * s * (rho == 1.0 ? truth.g_max_S - truth.g_min_S : std::hypot(truth.g_max_S, truth.g_min_S));
        std::printf("rho %.0f: window width sigma %.4g S, closed form %.4g S\n", rho, sd, expected);
        EXPECT_NEAR(sd, expected, 4.0 * expected / std::sqrt(2.0 * n));
        const TableFit fit = fit_table_device(pulse_trains(device, 60, 2, 80, 80, 29));
        std::printf("rho %.0f: fitted correlation %.3f\n", rho, fit.data.g_spread_correlation);
        if (rho == 1.0) EXPECT_GT(fit.data.g_spread_correlation, 0.9);
        else EXPECT_LT(std::abs(fit.data.g_spread_correlation), 4.0 / std::sqrt(60.0));
    }
}

// Second method: pulse trains of the built-in PCM (accumulative SET, abrupt RESET, its state-
// dependent SET noise and g_sat spread), fitted; then the mean conductance after k SET pulses of
// 400 fresh devices of each, k = 0..150, must agree within 5 % of the PCM window g_max_S - g_min_S.
// 5 %: the fitted device starts at its lowest measured conductance, not at g_min_S, and sees its
// window edges as the PCM's clipped steps showed them.
TEST(TableDeviceFit, FittedPcmFollowsThePcmMeanCurve) {
    const PcmDevice pcm;
    const TableFit fit = fit_table_device(pulse_trains(pcm, 40, 3, 150, 10, 29));
    const TableDevice table(load_table(fit.data));
    const int devices = 400, pulses = 150;
    std::vector<double> pcm_mean(pulses + 1, 0.0), table_mean(pulses + 1, 0.0);
    for (const auto& [model, mean] : {std::pair<const DeviceModel*, std::vector<double>*>{&pcm, &pcm_mean}, {&table, &table_mean}}) {
        Rng root(31);
        for (int d = 0; d < devices; ++d) {
            Rng rng = root.stream(static_cast<std::uint64_t>(d));
            DeviceState s = model->make_device(rng);
            for (int k = 0; k <= pulses; ++k) {
                if (k > 0) model->apply_pulse(s, model->nominal_pulse(+1), rng);
                (*mean)[static_cast<std::size_t>(k)] += model->conductance_S(s) / devices;
            }
        }
    }
    const double window_S = pcm.g_max_S() - pcm.typed_parameters().g_min_S;
    double worst = 0.0;
    for (int k = 0; k <= pulses; ++k) worst = std::max(worst, std::abs(pcm_mean[static_cast<std::size_t>(k)] - table_mean[static_cast<std::size_t>(k)]) / window_S);
    std::printf("fitted PCM: %d + %d states, worst mean-curve difference %.2f %% of the window (at 50 pulses: PCM %.3g S, table %.3g S)\n",
                fit.potentiate.states, fit.depress.states, 100.0 * worst, pcm_mean[50], table_mean[50]);
    EXPECT_LT(worst, 0.05);
}

// Drift: after every 10th pulse, noise-free reads 1, 10, 100 and 1000 s later, the device left to
// drift (the next pulse starts from the drifted conductance). With the fit's t0 equal to the
// device's, -ln(G_read / G_pulse) = nu ln((dt + t0)/t0) holds exactly: nu comes back to rounding.
TEST(TableDeviceFit, RecoversTheDriftExponent) {
    const TableDevice device(load_table(known_table(0.0, 0.0)), {{"drift_nu", "0.05", "test"}, {"drift_t0_s", "1", "test"}});
    PulseData data{"drift.csv", true, {}};
    Rng root(37);
    int line = 1;
    for (int d = 0; d < 4; ++d) {
        Rng rng = root.stream(static_cast<std::uint64_t>(d));
        DeviceState s = device.make_device(rng);
        const std::string id = "d" + std::to_string(d);
        double now_s = 0.0;
        data.rows.push_back({id, 0, 0, 0, device.conductance_S(s), now_s, ++line});
        for (int k = 1; k <= 160; ++k) {
            const int polarity = k <= 80 ? +1 : -1;
            device.apply_pulse(s, device.nominal_pulse(polarity), rng);
            data.rows.push_back({id, 0, k, polarity, device.conductance_S(s), now_s, ++line});
            if (k % 10 != 0) continue;
            double since_s = 0.0;
            for (const double at_s : {1.0, 10.0, 100.0, 1000.0}) {
                device.evolve(s, at_s - since_s, rng);
                since_s = at_s;
                data.rows.push_back({id, 0, k, 0, device.conductance_S(s), now_s + at_s, ++line});
            }
            now_s += since_s;
        }
    }
    const TableFit fit = fit_table_device(data);
    EXPECT_NEAR(fit.data.drift_nu, 0.05, 1e-9);
    EXPECT_LT(fit.drift_nu_error, 1e-9);
    EXPECT_EQ(fit.data.drift_t0_s, 1.0);
}

// What the fit refuses, each naming the row or device that broke it.
TEST(TableDeviceFit, RefusesDataItCannotFitNamingTheRow) {
    const TableDevice device(load_table(known_table(0.0, 0.0)));
    const auto expect_refused = [](const PulseData& data, const std::string& part) {
        try {
            fit_table_device(data);
            ADD_FAILURE() << "not refused: " << part;
        } catch (const IoError& e) {
            EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
        }
    };
    expect_refused(pulse_trains(device, 1, 1, 20, 20, 3), "too few pulses");
    PulseData one_direction = pulse_trains(device, 4, 2, 80, 80, 3);
    for (auto& row : one_direction.rows) {
        if (row.device_id == "d2" && row.direction < 0) row.direction = +1;
    }
    expect_refused(one_direction, "generated:" + std::to_string(2 * 2 * 161 + 2) + "': device 'd2' (first row) has potentiating steps only");
    PulseData inverted = pulse_trains(device, 4, 2, 80, 80, 3);
    for (auto& row : inverted.rows) {
        if (row.device_id == "d1") row.direction = -row.direction;
    }
    expect_refused(inverted, "device 'd1' (first row): mean potentiating step");
    PulseData twice = pulse_trains(device, 4, 2, 80, 80, 3);
    twice.rows.push_back(twice.rows[5]);
    twice.rows.back().line = 9999;
    expect_refused(twice, "generated:9999': a second row for pulse 5 of device 'd0', cycle 0 (the first is line 7)");
    PulseData flat = pulse_trains(device, 4, 2, 80, 80, 3);
    for (auto& row : flat.rows) {
        if (row.device_id == "d3") row.conductance_S = 5e-6;
    }
    expect_refused(flat, "device 'd3' (first row): its conductance never changes");
}

}  // namespace
}  // namespace cimkit
