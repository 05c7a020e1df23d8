#include "devices/pcm.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "devices/core/errors.hpp"

namespace cimkit {
namespace {

constexpr double g_max_S = 25e-6;
constexpr double g_min_S = 0.1e-6;
constexpr double one_day_s = 86400.0;
constexpr double one_year_s = 365.0 * one_day_s;

std::vector<Setting> settings(const std::vector<std::pair<std::string, std::string>>& pairs) {
    std::vector<Setting> out;
    for (const auto& [key, value] : pairs) out.push_back(Setting{key, value, "test"});
    return out;
}

// Sample mean and standard deviation (n - 1 denominator).
struct Moments {
    double mean, std;
};

Moments moments(const std::vector<double>& xs) {
    const double n = static_cast<double>(xs.size());
    double sum = 0.0;
    for (double x : xs) sum += x;
    const double mean = sum / n;
    double squares = 0.0;
    for (double x : xs) squares += (x - mean) * (x - mean);
    return {mean, std::sqrt(squares / (n - 1.0))};
}

double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI); }
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// The IBM fits, written out again from docs/physics-sources.md#phase-change-memory so the tests do
// not reuse the model's code.
double mu_nu(double g_T) { return std::clamp(-0.0155 * std::log(g_T) + 0.0244, 0.049, 0.1); }
double sigma_nu(double g_T) { return std::clamp(-0.0125 * std::log(g_T) - 0.0059, 0.008, 0.045); }
double sigma_prog_S(double g_T) {
    return std::max(-1.1731 * g_T * g_T + 1.9650 * g_T + 0.2635, 0.0) * 1e-6 * g_max_S / 25e-6;
}

TEST(PcmTable, EveryDefaultIsInsideItsRangeAndDescribed) {
    const ParameterTable& table = pcm_parameter_table();
    EXPECT_EQ(table.device, "pcm");
    for (const auto& spec : table.specs) {
        EXPECT_TRUE(spec.range.contains(spec.default_value)) << spec.name;
        EXPECT_FALSE(spec.description.empty()) << spec.name;
        // The unit suffix of the name agrees with the declared unit.
        const auto ends_with = [&](const std::string& suffix) {
            return spec.name.size() > suffix.size() &&
                   spec.name.compare(spec.name.size() - suffix.size(), suffix.size(), suffix) == 0;
        };
        EXPECT_EQ(spec.unit == Unit::siemens, ends_with("_S")) << spec.name;
        EXPECT_EQ(spec.unit == Unit::volt, ends_with("_V")) << spec.name;
        EXPECT_EQ(spec.unit == Unit::second, ends_with("_s")) << spec.name;
    }
    EXPECT_NO_THROW(PcmDevice{});
}

// The IBM model drifts from the programming time: g(t) = g_prog ((t + t0)/t0)^(-nu), t since
// programming, t0 = 20 s (docs/physics-sources.md#phase-change-memory). With nu = 0.05:
// t = 1 s: (21/20)^-0.05 = 0.99756; 1 day: (86420/20)^-0.05 = 0.65799; 1 year: 0.48990. No flat
// window: the conductance already falls within the first second.
TEST(PcmDrift, PowerLawFromProgrammingTimeMatchesClosedForm) {
    const PcmDevice pcm;
    Rng rng(1);
    DeviceState s = pcm.make_device(rng);
    pcm.set_level(s, 0.5, rng);
    const double g_prog = s.x[PcmDevice::g_prog_S];
    EXPECT_EQ(pcm.conductance_S(s), g_prog);  // at the programming event itself
    s.x[PcmDevice::nu] = 0.05;
    const auto closed_form = [&](double t) { return g_prog * std::pow((t + 20.0) / 20.0, -0.05); };
    double t = 0.0;
    for (double until : {1e-3, 1.0, 20.0, 3600.0, one_day_s, 30.0 * one_day_s, one_year_s}) {
        pcm.evolve(s, until - t, rng);
        t = until;
        EXPECT_NEAR(pcm.conductance_S(s), closed_form(t), 1e-12 * g_prog) << "t = " << t;
        EXPECT_LT(pcm.conductance_S(s), g_prog) << "t = " << t;
    }
    EXPECT_NEAR(closed_form(1.0) / g_prog, 0.99756, 1e-5);
    EXPECT_NEAR(closed_form(one_day_s) / g_prog, 0.65799, 1e-5);
    EXPECT_NEAR(pcm.conductance_S(s) / g_prog, 0.48990, 1e-5);
}

TEST(PcmDrift, DriftScaleZeroDisablesDrift) {
    const PcmDevice pcm(settings({{"drift_scale", "0"}}));
    Rng rng(2);
    DeviceState s = pcm.make_device(rng);
    pcm.set_level(s, 0.3, rng);
    const double g0 = pcm.conductance_S(s);
    pcm.evolve(s, one_year_s, rng);
    EXPECT_EQ(pcm.conductance_S(s), g0);
}

// nu = |N(mu, sigma)| is folded normal: E|nu| = mu (1 - 2 Phi(-mu/sigma)) + 2 sigma phi(mu/sigma),
// E nu^2 = mu^2 + sigma^2. Folding moves the mean by < 1e-4 at g_T >= 0.05, but is accounted for.
TEST(PcmDrift, SampledNuMatchesIbmFitWithinSamplingError) {
    const PcmDevice pcm(settings({{"g_max_spread_d2d", "0"}}));
    Rng rng(3);
    const int n = 100000;
    for (double g_T : {0.05, 0.2, 0.5, 1.0}) {
        DeviceState s = pcm.make_device(rng);
        std::vector<double> nus(n);
        for (double& nu : nus) {
            pcm.set_level(s, g_T, rng);
            nu = s.x[PcmDevice::nu];
        }
        const double mu = mu_nu(g_T), sigma = sigma_nu(g_T), a = mu / sigma;
        const double folded_mean = mu * (1.0 - 2.0 * normal_cdf(-a)) + 2.0 * sigma * normal_pdf(a);
        const double folded_std = std::sqrt(mu * mu + sigma * sigma - folded_mean * folded_mean);
        const Moments m = moments(nus);
        EXPECT_NEAR(m.mean, folded_mean, 5.0 * folded_std / std::sqrt(n)) << "g_T = " << g_T;
        EXPECT_NEAR(m.std, folded_std, 5.0 * folded_std / std::sqrt(2.0 * n)) << "g_T = " << g_T;
    }
}

// sigma_prog(0.5) = -1.1731/4 + 1.9650/2 + 0.2635 = 0.9527 uS at g_max = 25 uS.
TEST(PcmProgramming, NoiseStdAtHalfRangeMatchesIbmFit) {
    const PcmDevice pcm(settings({{"g_max_spread_d2d", "0"}}));
    Rng rng(4);
    DeviceState s = pcm.make_device(rng);
    const int n = 40000;
    std::vector<double> g(n);
    for (double& gi : g) {
        pcm.set_level(s, 0.5, rng);
        gi = s.x[PcmDevice::g_prog_S];
    }
    const double sigma = sigma_prog_S(0.5);
    EXPECT_NEAR(sigma, 0.9527e-6, 1e-10);
    const Moments m = moments(g);
    EXPECT_NEAR(m.mean, 0.5 * g_max_S, 5.0 * sigma / std::sqrt(n));
    EXPECT_NEAR(m.std, sigma, 5.0 * sigma / std::sqrt(2.0 * n));
}

// sigma_read = g(t) Q_s sqrt(ln((t + t0 + t_read)/(2 t_read))), Q_s = min(0.0088/g_T^0.65, 0.2):
// the 1/f noise accumulated from programming to a read t + t0 after it (t0 = 20 s).
TEST(PcmReadNoise, StdAt1000sMatchesOneOverFFormula) {
    const PcmDevice pcm;
    Rng rng(5);
    DeviceState s = pcm.make_device(rng);
    pcm.set_level(s, 0.5, rng);
    pcm.evolve(s, 1000.0, rng);
    const double g = pcm.conductance_S(s);
    const double g_T = s.x[PcmDevice::g_prog_S] / g_max_S;
    const double t_read = 250e-9;
    const double sigma = g * std::min(0.0088 / std::pow(g_T, 0.65), 0.2) *
                         std::sqrt(std::log((1000.0 + 20.0 + t_read) / (2.0 * t_read)));
    const int n = 100000;
    std::vector<double> reads(n);
    for (double& r : reads) r = pcm.read_conductance_S(s, rng);
    const Moments m = moments(reads);
    EXPECT_NEAR(m.mean, g, 5.0 * sigma / std::sqrt(n));
    EXPECT_NEAR(m.std, sigma, 5.0 * sigma / std::sqrt(2.0 * n));
}

TEST(PcmReadNoise, NoNoiseBeforeTheOneOverFBandOpens) {
    const PcmDevice pcm(settings({{"drift_t0_s", "1e-7"}}));
    Rng rng(6);
    DeviceState s = pcm.make_device(rng);  // t + t0 = 1e-7 s < t_read: ln((t + t0 + t_read)/(2 t_read)) < 0
    EXPECT_EQ(pcm.read_conductance_S(s, rng), pcm.conductance_S(s));
}

// Noise-free SET: g_{k+1} = g_k + (g_max - g_k)(1 - e^(-1/A)), so successive steps shrink by
// e^(-1/A) and ceil(A ln((g_max - g_min)/(0.1 g_max))) = ceil(68.96) = 69 pulses reach 0.9 g_max.
TEST(PcmSet, NoiseFreeStepsShrinkGeometrically) {
    const PcmDevice pcm(settings({{"step_noise_c2c", "0"}, {"step_noise_floor", "0"}, {"step_noise_slope", "0"}, {"g_max_spread_d2d", "0"}}));
    Rng rng(7);
    DeviceState s = pcm.make_device(rng);
    const double A = 30.0;
    double previous_step = 0.0;
    int pulses = 0;
    while (pcm.conductance_S(s) < 0.9 * g_max_S) {
        const double before = pcm.conductance_S(s);
        pcm.apply_pulse(s, pcm.nominal_pulse(+1), rng);
        const double step = pcm.conductance_S(s) - before;
        if (pulses > 0) {
            EXPECT_NEAR(step / previous_step, std::exp(-1.0 / A), 1e-9);
        }
        previous_step = step;
        ++pulses;
    }
    EXPECT_EQ(pulses, static_cast<int>(std::ceil(A * std::log((g_max_S - g_min_S) / (0.1 * g_max_S)))));
}

// Device-to-device saturation spread: g_sat = g_max m, m = 1 + 0.1 clamp(N(0,1), -3, 3), whose sigma is
// 0.1 sqrt((2 Phi(3) - 1) - 6 phi(3) + 18 (1 - Phi(3))) = 0.09975. Noise-free SET pulses approach g_sat as
// g_sat - (g_sat - g_min) e^(-n/A): after 600 pulses (A = 30) each device sits at its g_sat, so the
// devices' relative spread is 0.09975 (2000 devices: the sample sigma's standard error is 1.6 %).
TEST(PcmSet, SaturationConductanceSpreadsByTheTableSigma) {
    const PcmDevice pcm(settings({{"step_noise_c2c", "0"}, {"step_noise_floor", "0"}, {"step_noise_slope", "0"}}));
    Rng rng(8);
    const int devices = 2000;
    double sum = 0.0, sum_sq = 0.0;
    for (int d = 0; d < devices; ++d) {
        DeviceState s = pcm.make_device(rng);
        for (int k = 0; k < 600; ++k) pcm.apply_pulse(s, pcm.nominal_pulse(+1), rng);
        const double g_S = pcm.conductance_S(s);
        sum += g_S;
        sum_sq += g_S * g_S;
    }
    const double mean_S = sum / devices;
    const double relative_sigma = std::sqrt((sum_sq - devices * mean_S * mean_S) / (devices - 1)) / mean_S;
    EXPECT_NEAR(mean_S, g_max_S, 4.0 * 0.1 / std::sqrt(static_cast<double>(devices)) * g_max_S);
    EXPECT_NEAR(relative_sigma, 0.09975, 4.0 / std::sqrt(2.0 * devices) * 0.09975);
}

// The state-dependent SET statistics: from conductance g one nominal SET pulse moves g by
// dg ~ N(mu(g), sigma(g)) with mu(g) = (g_max - g)(1 - e^(-1/A)), A = 30, falling linearly with g,
// and sigma(g) = 0.6 mu(g) + 0.0125 g_max + 0.065 g (docs/physics-sources.md#phase-change-memory).
// Drift and programming noise off, so every trial starts from exactly g; the clip at g_min and g_sat
// is more than 3.4 sigma away at these states.
TEST(PcmSet, StepMeanAndSpreadFollowTheStateDependentLaw) {
    const PcmDevice pcm(settings({{"g_max_spread_d2d", "0"}, {"prog_noise_scale", "0"}, {"drift_scale", "0"}}));
    Rng rng(17);
    DeviceState s = pcm.make_device(rng);
    const int n = 40000;
    for (double g_T : {0.1, 0.4, 0.7}) {
        const double g = g_T * g_max_S;
        const double mu = (g_max_S - g) * (1.0 - std::exp(-1.0 / 30.0));
        const double sigma = 0.6 * mu + 0.0125 * g_max_S + 0.065 * g;
        std::vector<double> steps(n);
        for (double& step : steps) {
            pcm.set_level(s, g_T, rng);
            pcm.apply_pulse(s, pcm.nominal_pulse(+1), rng);
            step = pcm.conductance_S(s) - g;
        }
        const Moments m = moments(steps);
        EXPECT_NEAR(m.mean, mu, 5.0 * sigma / std::sqrt(n)) << "g_T = " << g_T;
        EXPECT_NEAR(m.std, sigma, 5.0 * sigma / std::sqrt(2.0 * n)) << "g_T = " << g_T;
    }
}

// n_eff = amplitude*width / nominal: one pulse of twice the width acts as two nominal pulses,
// since (1 - e^(-2/A)) = 1 - (e^(-1/A))^2.
TEST(PcmSet, DoubleWidthPulseEqualsTwoNominalPulses) {
    const PcmDevice pcm(settings({{"step_noise_c2c", "0"}, {"step_noise_floor", "0"}, {"step_noise_slope", "0"}, {"g_max_spread_d2d", "0"}}));
    Rng rng(8);
    DeviceState once = pcm.make_device(rng), twice = once;
    Pulse wide = pcm.nominal_pulse(+1);
    wide.width_s *= 2.0;
    pcm.apply_pulse(once, wide, rng);
    pcm.apply_pulse(twice, pcm.nominal_pulse(+1), rng);
    pcm.apply_pulse(twice, pcm.nominal_pulse(+1), rng);
    EXPECT_NEAR(pcm.conductance_S(once), pcm.conductance_S(twice), 1e-18);
}

// Property: under identical noisy SET pulses every device stays in [g_min, g_sat], and the mean over
// devices rises at every pulse while the mean step dominates (the first 20 pulses, g < 0.5 g_max:
// mean step >= 0.4 uS against a sampling error of the mean's change of about 0.07 uS). Nearer g_sat
// the state-dependent spread sigma_dg (about 1.9 uS there) is clipped at g_sat, which pulls the
// population back by more than the vanishing mean step: the mean settles below g_sat (measured
// 0.80 g_max after 100 pulses) and fluctuates there by its sampling error.
TEST(PcmSet, NoisyPulsesStayBoundedAndRaiseTheMean) {
    const PcmDevice pcm;
    Rng rng(9);
    const int devices = 200, pulses = 100;
    std::vector<DeviceState> states;
    for (int d = 0; d < devices; ++d) states.push_back(pcm.make_device(rng));
    double previous_mean = g_min_S;
    for (int p = 0; p < pulses; ++p) {
        double sum = 0.0;
        for (DeviceState& s : states) {
            pcm.apply_pulse(s, pcm.nominal_pulse(+1), rng);
            const double g = pcm.conductance_S(s);
            ASSERT_GE(g, g_min_S);
            ASSERT_LE(g, pcm.g_sat_S(s));
            ASSERT_LE(pcm.g_sat_S(s), g_max_S * (1.0 + 3.0 * 0.1));
            sum += g;
        }
        if (p < 20) {
            EXPECT_GT(sum / devices, previous_mean) << "pulse " << p;
        }
        previous_mean = sum / devices;
    }
    EXPECT_GT(previous_mean, 0.75 * g_max_S);
}

// RESET: g = max(N(g_min, sigma_prog(g_min/g_max)), 0), whose mean is
// g_min Phi(g_min/sigma) + sigma phi(g_min/sigma).
TEST(PcmReset, ReturnsToGMinWithinProgrammingNoise) {
    const PcmDevice pcm;
    Rng rng(10);
    DeviceState s = pcm.make_device(rng);
    const double sigma = sigma_prog_S(g_min_S / g_max_S);
    const int n = 20000;
    std::vector<double> g(n);
    for (double& gi : g) {
        pcm.set_level(s, 0.8, rng);
        pcm.apply_pulse(s, pcm.nominal_pulse(-1), rng);
        gi = pcm.conductance_S(s);
        ASSERT_GE(gi, 0.0);
        ASSERT_LE(gi, g_min_S + 6.0 * sigma);
        EXPECT_EQ(s.x[PcmDevice::time_s], 0.0);
    }
    const double z = g_min_S / sigma;
    const double clipped_mean = g_min_S * normal_cdf(z) + sigma * normal_pdf(z);
    EXPECT_NEAR(moments(g).mean, clipped_mean, 5.0 * sigma / std::sqrt(n));
}

TEST(PcmIv, DerivativeMatchesCentralDifference) {
    const PcmDevice pcm;
    Rng rng(11);
    DeviceState s = pcm.make_device(rng);
    pcm.set_level(s, 0.7, rng);
    pcm.evolve(s, 3600.0, rng);
    const double h = 1e-6;
    for (double v : {-0.3, -0.05, 0.0, 0.1, 0.2, 0.3}) {
        const double fd = (pcm.current_A(v + h, s) - pcm.current_A(v - h, s)) / (2.0 * h);
        EXPECT_NEAR(pcm.dcurrent_dv_S(v, s), fd, 1e-9 * std::abs(fd) + 1e-15) << "v = " << v;
    }
    EXPECT_DOUBLE_EQ(pcm.current_A(pcm.read_voltage_V(), s), pcm.conductance_S(s) * pcm.read_voltage_V());
}

DeviceState hundred_pulses_and_a_year(const PcmDevice& pcm, std::uint64_t seed, double& read_S) {
    Rng rng(seed);
    DeviceState s = pcm.make_device(rng);
    for (int p = 0; p < 100; ++p) pcm.apply_pulse(s, pcm.nominal_pulse(p % 25 == 24 ? -1 : +1), rng);
    pcm.evolve(s, one_year_s, rng);
    pcm.set_level(s, 0.4, rng);
    pcm.evolve(s, one_day_s, rng);
    read_S = pcm.read_conductance_S(s, rng);
    return s;
}

TEST(PcmReproducibility, SameSeedBitIdenticalDifferentSeedDifferent) {
    const PcmDevice pcm;
    double read_a = 0.0, read_b = 0.0, read_c = 0.0;
    const DeviceState a = hundred_pulses_and_a_year(pcm, 12, read_a);
    const DeviceState b = hundred_pulses_and_a_year(pcm, 12, read_b);
    const DeviceState c = hundred_pulses_and_a_year(pcm, 13, read_c);
    EXPECT_EQ(std::memcmp(a.x.data(), b.x.data(), sizeof(a.x)), 0);
    EXPECT_EQ(std::memcmp(&read_a, &read_b, sizeof(double)), 0);
    EXPECT_NE(a.x[PcmDevice::g_prog_S], c.x[PcmDevice::g_prog_S]);
    EXPECT_NE(read_a, read_c);
}

TEST(PcmParameters, OutOfRangeValueNamesKeyValueUnitAndRange) {
    try {
        PcmDevice pcm({Setting{"g_max_S", "-2.5e-5", "--set"}});
        FAIL() << "no ParameterError";
    } catch (const ParameterError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("'pcm'"), std::string::npos) << message;
        EXPECT_NE(message.find("--set"), std::string::npos) << message;
        EXPECT_NE(message.find("g_max_S = -2.5e-05 S"), std::string::npos) << message;
        EXPECT_NE(message.find("(0, inf) S"), std::string::npos) << message;
    }
}

TEST(PcmParameters, RenamedReadNoiseScaleIsRefusedNamingReadNoise) {
    try {
        PcmDevice pcm({Setting{"read_noise_scale", "0", "--set"}});
        FAIL() << "no ParameterError";
    } catch (const ParameterError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("read_noise_scale was renamed read_noise"), std::string::npos) << message;
    }
    EXPECT_FALSE(PcmDevice(settings({{"read_noise", "0"}})).has_read_noise());
    EXPECT_TRUE(PcmDevice{}.has_read_noise());
}

TEST(PcmParameters, CrossRulesRejectGMinAboveGMaxAndFractionalLevels) {
    EXPECT_THROW(PcmDevice(settings({{"g_min_S", "25e-6"}})), ParameterError);
    EXPECT_THROW(PcmDevice(settings({{"g_min_S", "30e-6"}, {"g_max_S", "20e-6"}})), ParameterError);
    // With 3-sigma device spread, g_sat can be as low as 0.4 g_max.
    EXPECT_THROW(PcmDevice(settings({{"g_min_S", "12e-6"}, {"g_max_spread_d2d", "0.2"}})), ParameterError);
    EXPECT_THROW(PcmDevice(settings({{"levels", "1"}})), ParameterError);
    EXPECT_THROW(PcmDevice(settings({{"levels", "2.5"}})), ParameterError);
    try {
        PcmDevice pcm(settings({{"g_min_S", "3e-5"}}));
    } catch (const ParameterError& e) {
        EXPECT_NE(std::string(e.what()).find("g_min_S (3e-05 S)"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW(PcmDevice(settings({{"g_min_S", "0"}, {"levels", "2"}})));
}

TEST(PcmPair, UpdatesMoveTheWeightAndRefreshKeepsIt) {
    const PcmDevice pcm;
    Rng rng(14);
    PcmDifferentialPair pair(pcm, rng);
    EXPECT_NEAR(pair.weight(), 0.0, 1e-12);
    double w = pair.weight();
    pair.apply_update(+1, 10, rng);
    EXPECT_GT(pair.weight(), w);
    w = pair.weight();
    pair.apply_update(-1, 5, rng);
    EXPECT_LT(pair.weight(), w);

    // Drive both devices high with a modest net weight until one nears saturation.
    pair.apply_update(-1, 40, rng);
    while (!pair.needs_refresh()) pair.apply_update(+1, 1, rng);
    const double before = pair.weight();
    pair.refresh(rng);
    EXPECT_EQ(pair.refresh_count(), 1);
    EXPECT_FALSE(pair.needs_refresh());
    const double sigma_w = sigma_prog_S(std::abs(before)) / g_max_S;
    const double reset_sigma_w = sigma_prog_S(g_min_S / g_max_S) / g_max_S;
    EXPECT_NEAR(pair.weight(), before, 5.0 * std::hypot(sigma_w, reset_sigma_w));
}

TEST(PcmPair, RefreshOfANegativeWeightProgramsGMinus) {
    const PcmDevice pcm;
    Rng rng(15);
    PcmDifferentialPair pair(pcm, rng);
    pair.apply_update(+1, 10, rng);
    pair.apply_update(-1, 60, rng);
    const double before = pair.weight();
    ASSERT_LT(before, 0.0);
    pair.refresh(rng);
    EXPECT_LT(pcm.conductance_S(pair.plus()), pcm.conductance_S(pair.minus()));
    EXPECT_NEAR(pair.weight(), before, 5.0 * sigma_prog_S(std::abs(before)) / g_max_S);
}

// levels = n >= 2 quantises the target to round(f (n-1))/(n-1): binary targets are 0 or 1.
TEST(PcmLevels, BinaryTargetsAreZeroOrOne) {
    const PcmDevice binary(settings({{"levels", "2"}, {"prog_noise_scale", "0"}, {"g_max_spread_d2d", "0"}}));
    Rng rng(16);
    DeviceState s = binary.make_device(rng);
    for (double f : {0.0, 0.2, 0.49, 0.51, 0.8, 1.0}) {
        binary.set_level(s, f, rng);
        EXPECT_EQ(binary.level(s), f < 0.5 ? 0.0 : 1.0) << "f = " << f;
    }
    const PcmDevice five(settings({{"levels", "5"}, {"prog_noise_scale", "0"}, {"g_max_spread_d2d", "0"}}));
    five.set_level(s, 0.3, rng);
    EXPECT_DOUBLE_EQ(five.level(s), 0.25);
    const PcmDevice analog(settings({{"prog_noise_scale", "0"}, {"g_max_spread_d2d", "0"}}));
    analog.set_level(s, 0.3, rng);
    EXPECT_DOUBLE_EQ(analog.level(s), 0.3);
}

}  // namespace
}  // namespace cimkit
