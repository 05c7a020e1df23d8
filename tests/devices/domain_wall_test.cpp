#include "devices/domain_wall.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "devices/core/errors.hpp"

namespace cimkit {
namespace {

using namespace domain_wall_constants;

// Settings as (key, value) pairs, all from "--set".
std::vector<Setting> settings(const std::vector<std::pair<std::string, std::string>>& pairs) {
    std::vector<Setting> out;
    for (const auto& [key, value] : pairs) out.push_back(Setting{key, value, "--set"});
    return out;
}

// No cycle-to-cycle noise and no device spread: deterministic devices for reference checks.
std::vector<Setting> quiet(std::vector<std::pair<std::string, std::string>> extra = {}) {
    extra.push_back({"displacement_noise_c2c", "0"});
    extra.push_back({"pinning_spread_d2d", "0"});
    return settings(extra);
}

std::vector<Setting> quiet_full(std::vector<std::pair<std::string, std::string>> extra = {}) {
    extra.push_back({"full_dynamics", "1"});
    return quiet(extra);
}

std::string text(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.10g", value);
    return buffer;
}

// Wall displacement (m) of one pulse from a device set to `fraction` of L.
double displacement_m(const DomainWallSynapse& model, double fraction, const Pulse& pulse) {
    Rng rng(1);
    DeviceState s = model.make_device(rng);
    model.set_level(s, fraction, rng);
    const double q0_m = s.x[DomainWallSynapse::position_m];
    model.apply_pulse(s, pulse, rng);
    return s.x[DomainWallSynapse::position_m] - q0_m;
}

}  // namespace

TEST(DomainWall, EveryDefaultIsInsideItsRangeAndDescribed) {
    const ParameterTable& table = domain_wall_parameter_table();
    EXPECT_EQ(table.device, "domain_wall");
    for (const auto& spec : table.specs) {
        EXPECT_TRUE(spec.range.contains(spec.default_value)) << spec.name << " = " << spec.default_value;
        EXPECT_FALSE(spec.description.empty()) << spec.name;
    }
    EXPECT_NO_THROW(DomainWallSynapse{});
}

// H_SH/J = hbar theta/(2 e mu0 Ms t_F); H_D = D/(mu0 Ms Delta); v_D = (pi/2) gamma0 Delta H_D;
// H_SH(J_D) = alpha H_D; (pi/2) H_SH(J_c) = H_p; mu = v_D/J_D. Defaults: J_c ~ 2e10 A/m^2.
TEST(DomainWall, DerivedFiguresFollowTheirFormulas) {
    const DomainWallSynapse model;
    const double h_sh_per_j = hbar_J_s * 0.1 / (2.0 * elementary_charge_C * mu0_T_m_per_A * 1e6 * 1e-9);
    const double h_d = 1e-3 / (mu0_T_m_per_A * 1e6 * 7e-9);
    const double v_d = 0.5 * pi * gamma0_m_per_A_s * 7e-9 * h_d;
    EXPECT_NEAR(model.spin_hall_field_A_per_m(1e11), h_sh_per_j * 1e11, 1e-9 * h_sh_per_j * 1e11);
    EXPECT_NEAR(model.dmi_velocity_m_per_s(), v_d, 1e-9 * v_d);
    EXPECT_NEAR(model.dmi_current_density_A_per_m2(), 0.3 * h_d / h_sh_per_j, 1e-9 * 0.3 * h_d / h_sh_per_j);
    EXPECT_NEAR(model.depinning_current_density_A_per_m2(), 820.0 / (0.5 * pi * h_sh_per_j), 1e3);
    EXPECT_NEAR(model.depinning_current_density_A_per_m2(), 2e10, 0.02 * 2e10);
    EXPECT_DOUBLE_EQ(model.mobility_m3_per_A_s(), model.dmi_velocity_m_per_s() / model.dmi_current_density_A_per_m2());
}

// Below J_c the static balance (pi/2) H_SH(J) = H_p sin(2 pi q/p) has a solution inside the well, so the
// wall tilts during the pulse and settles back to the same pinning site: dq = 0 (thermal hops off; with
// them, ThermalHopRateMatchesArrhenius).
TEST(DomainWall, BelowDepinningTheWallDoesNotMove) {
    for (const double full : {0.0, 1.0}) {
        const DomainWallSynapse model(quiet({{"full_dynamics", text(full)}, {"thermal_stability", "0"}}));
        const double j_c = model.depinning_current_density_A_per_m2();
        for (const double ratio : {0.5, 0.9, 0.99}) {
            for (const double width_s : {1.2e-9, 10e-9}) {
                EXPECT_NEAR(displacement_m(model, 0.3, Pulse{ratio * j_c, width_s, +1}), 0.0, 1e-12)
                    << "full=" << full << " J/J_c=" << ratio << " t_p=" << width_s;
                EXPECT_NEAR(displacement_m(model, 0.3, Pulse{ratio * j_c, width_s, -1}), 0.0, 1e-12);
            }
        }
    }
}

// Reference: with H_p = 0 and H_K = 0 the steady velocity is v = v_D / sqrt(1 + (J_D/J)^2). Measured as
// [dq(t2) - dq(t1)] / (t2 - t1) from the same start, so the turn-on transient (~0.1 ns) cancels.
TEST(DomainWall, FreeWallVelocityFollowsTheDmiSaturationLaw) {
    const DomainWallSynapse model(quiet_full({{"h_pin_A_per_m", "0"}, {"h_k_A_per_m", "0"},
                                              {"relaxation_time_s", "0"}, {"length_m", "1e-4"}}));
    const double v_d = model.dmi_velocity_m_per_s();
    const double j_d = model.dmi_current_density_A_per_m2();
    for (const double ratio : {0.3, 1.0, 3.0}) {
        const double t1_s = 1e-9, t2_s = 3e-9;
        const double dq1_m = displacement_m(model, 0.01, Pulse{ratio * j_d, t1_s, +1});
        const double dq2_m = displacement_m(model, 0.01, Pulse{ratio * j_d, t2_s, +1});
        const double v_measured = (dq2_m - dq1_m) / (t2_s - t1_s);
        const double v_expected = v_d / std::sqrt(1.0 + 1.0 / (ratio * ratio));
        EXPECT_NEAR(v_measured, v_expected, 0.01 * v_expected) << "J/J_D = " << ratio;
        RecordProperty("v_over_expected_at_J_over_JD_" + text(ratio), text(v_measured / v_expected));
    }
}

// The seed papers' linearity: the same pulse moves the wall by the same dq wherever it is (away from
// the edges). Levels 0.3 and 0.6 are pinning sites (multiples of p = 20 nm).
TEST(DomainWall, SamePulseSameStepAnywhereOnTheTrack) {
    for (const double full : {0.0, 1.0}) {
        const DomainWallSynapse model(quiet({{"full_dynamics", text(full)}}));
        const Pulse pulse = model.nominal_pulse(+1);
        const double dq_low_m = displacement_m(model, 0.3, pulse);
        const double dq_high_m = displacement_m(model, 0.6, pulse);
        EXPECT_GT(dq_low_m, 0.0);
        EXPECT_NEAR(dq_high_m, dq_low_m, 0.02 * dq_low_m) << "full=" << full;
    }
}

// The nominal pulse moves the wall about one pinning period (20 nm), so L = 1 um holds ~50 levels;
// in both models relaxation puts the wall exactly on a site: dq = p.
TEST(DomainWall, NominalPulseStepsOnePinningPeriod) {
    const DomainWallSynapse reduced(quiet());
    const DomainWallSynapse full(quiet_full());
    const double p_m = 20e-9;
    EXPECT_NEAR(displacement_m(full, 0.3, full.nominal_pulse(+1)), p_m, 1e-12);
    EXPECT_NEAR(displacement_m(reduced, 0.3, reduced.nominal_pulse(+1)), p_m, 1e-12);
    Rng rng(3);
    DeviceState s = reduced.make_device(rng);
    int pulses = 0;
    while (reduced.level(s) < 1.0 && pulses < 1000) {
        reduced.apply_pulse(s, reduced.nominal_pulse(+1), rng);
        ++pulses;
    }
    EXPECT_GE(pulses, 45);
    EXPECT_LE(pulses, 55);
}

// For J_c << J << J_D both models slide in the same tilted washboard (the reduced one in closed form at
// the steady angle) and relaxation puts both on a site: at J = 15 J_c = 0.23 J_D, pulses of 5 and 10 ns
// (~300 and ~600 nm) must end on the same site, within one period (p/dq < 7 %, < 3.5 %). The sweep over
// the whole current range is DomainWallAgreement.ReducedFollowsFullFromBelowThresholdTo3e12.
TEST(DomainWall, FullAndReducedAgreeInTheLinearRegime) {
    const DomainWallSynapse reduced(quiet());
    const DomainWallSynapse full(quiet_full());
    const double j = 15.0 * reduced.depinning_current_density_A_per_m2();
    for (const double width_s : {5e-9, 10e-9}) {
        const Pulse pulse{j, width_s, +1};
        const double dq_reduced_m = displacement_m(reduced, 0.2, pulse);
        const double dq_full_m = displacement_m(full, 0.2, pulse);
        EXPECT_NEAR(dq_full_m, dq_reduced_m, 20e-9 + 1e-12) << "t_p = " << width_s;
        RecordProperty("full_over_reduced_" + text(width_s), text(dq_full_m / dq_reduced_m));
    }
}

// The washboard and the torques are odd in J: +J then -J returns the wall to its site, and the
// polarity sign moves G up (potentiate) or down (depress).
TEST(DomainWall, OppositePulsesCancelAndPolarityMovesConductance) {
    for (const double full : {0.0, 1.0}) {
        const DomainWallSynapse model(quiet({{"full_dynamics", text(full)}}));
        Rng rng(5);
        DeviceState s = model.make_device(rng);
        model.set_level(s, 0.5, rng);
        const double g0_S = model.conductance_S(s);
        model.apply_pulse(s, model.nominal_pulse(+1), rng);
        const double g_up_S = model.conductance_S(s);
        model.apply_pulse(s, model.nominal_pulse(-1), rng);
        EXPECT_GT(g_up_S, g0_S);
        EXPECT_NEAR(model.conductance_S(s), g0_S, 1e-6 * g0_S) << "full=" << full;
        model.apply_pulse(s, model.nominal_pulse(-1), rng);
        EXPECT_LT(model.conductance_S(s), g0_S);
    }
}

// Read at v_read = 0.1 V (devices/mtj.hpp): G(q) = G_AP(v) + (G_P - G_AP(v)) q/L, G_P = G_AP(0) (1 + TMR)
// = 50 uS at q = L; at q = 0, G_AP(0.1 V) = 50 uS / (1 + 1.5/(1 + 0.2^2)) = 20.472 uS (20 uS at zero bias).
TEST(DomainWall, ConductanceSpansGapToGp) {
    const DomainWallSynapse model(settings({{"g_ap_spread_d2d", "0"}}));
    Rng rng(2);
    DeviceState s = model.make_device(rng);
    const double g_ap_read_S = 50e-6 / (1.0 + 1.5 / 1.04);
    EXPECT_NEAR(model.conductance_S(s), g_ap_read_S, 1e-15);
    EXPECT_NEAR(model.conductance_S(s), 20.472e-6, 1e-9);
    EXPECT_NEAR(model.mtj().g_ap_S(0.0), 20e-6, 1e-15);
    model.set_level(s, 1.0, rng);
    EXPECT_NEAR(model.conductance_S(s), 50e-6, 1e-15);
    model.set_level(s, 0.25, rng);
    EXPECT_DOUBLE_EQ(model.level(s), 0.25);
    EXPECT_NEAR(model.conductance_S(s), g_ap_read_S + 0.25 * (50e-6 - g_ap_read_S), 1e-15);
    EXPECT_NEAR(model.dconductance_dlevel_S(s), 50e-6 - g_ap_read_S, 1e-15);
}

// TMR(V) = TMR0 / (1 + (V/V_h)^2): at V_h = 0.5 V the TMR has halved, so G_AP(0.5 V) = 50 uS / 1.75; the
// parallel state is ohmic and the I-V is odd. The antiparallel I(V) is superlinear: I(0.5)/I(0.1) > 5.
TEST(DomainWall, MtjTmrHalvesAtTheHalfBiasVoltage) {
    const DomainWallSynapse model(settings({{"g_ap_spread_d2d", "0"}}));
    const MagneticTunnelJunction& mtj = model.mtj();
    EXPECT_NEAR(mtj.tmr(0.0), 1.5, 1e-15);
    EXPECT_NEAR(mtj.tmr(0.5), 0.75, 1e-15);
    EXPECT_NEAR(mtj.tmr(-0.5), 0.75, 1e-15);
    EXPECT_NEAR(mtj.g_ap_S(0.5), 50e-6 / 1.75, 1e-15);
    Rng rng(3);
    DeviceState s = model.make_device(rng);
    EXPECT_NEAR(model.current_A(0.5, s), 0.5 * 50e-6 / 1.75, 1e-15);
    EXPECT_NEAR(model.current_A(-0.3, s), -model.current_A(0.3, s), 1e-18);
    EXPECT_GT(model.current_A(0.5, s) / model.current_A(0.1, s), 5.0 * 1.01);
    model.set_level(s, 1.0, rng);
    EXPECT_NEAR(model.current_A(0.5, s), 5.0 * model.current_A(0.1, s), 1e-15);
}

// G_AP spread: s = exp(sigma N(0,1)) per device, so ln(G(level 0)) over devices has standard deviation
// sigma = 0.05 (4000 devices: the sample sigma's own sigma is 0.05/sqrt(2*4000) = 5.6e-4), median 1.
TEST(DomainWall, MtjConductanceSpreadIsLognormalWithTheTableSigma) {
    const DomainWallSynapse model;
    const DomainWallSynapse uniform(settings({{"g_ap_spread_d2d", "0"}}));
    Rng rng(12), reference_rng(12);
    const double g_reference_S = uniform.conductance_S(uniform.make_device(reference_rng));
    const int devices = 4000;
    double sum = 0.0, sum_sq = 0.0;
    for (int i = 0; i < devices; ++i) {
        const double log_ratio = std::log(model.conductance_S(model.make_device(rng)) / g_reference_S);
        sum += log_ratio;
        sum_sq += log_ratio * log_ratio;
    }
    const double mean = sum / devices;
    const double sigma = std::sqrt(sum_sq / devices - mean * mean);
    EXPECT_NEAR(sigma, 0.05, 4.0 * 0.05 / std::sqrt(2.0 * devices));
    EXPECT_NEAR(mean, 0.0, 4.0 * 0.05 / std::sqrt(static_cast<double>(devices)));
}

// dI/dv against the central difference [I(v+h) - I(v-h)] / (2h).
TEST(DomainWall, AnalyticDerivativeMatchesFiniteDifference) {
    const DomainWallSynapse model;
    Rng rng(4);
    DeviceState s = model.make_device(rng);
    const double h_V = 1e-6;
    for (const double fraction : {0.0, 0.37, 1.0}) {
        model.set_level(s, fraction, rng);
        for (double v_V = -model.iv_sweep_limit_V(); v_V <= model.iv_sweep_limit_V(); v_V += 0.1) {
            const double fd_S = (model.current_A(v_V + h_V, s) - model.current_A(v_V - h_V, s)) / (2.0 * h_V);
            EXPECT_NEAR(model.dcurrent_dv_S(v_V, s), fd_S, 1e-8 * fd_S);
        }
    }
}

// 100 noisy pulses of mixed polarity: the state is a pure function of the seed.
TEST(DomainWall, SameSeedSameStateDifferentSeedDifferentState) {
    for (const char* full : {"0", "1"}) {
        const DomainWallSynapse model(settings({{"full_dynamics", full}, {"displacement_noise_c2c", "0.3"}}));
        auto run = [&model](std::uint64_t seed) {
            Rng rng(seed);
            DeviceState s = model.make_device(rng);
            model.set_level(s, 0.5, rng);
            for (int i = 0; i < 100; ++i) model.apply_pulse(s, model.nominal_pulse(rng.uniform() < 0.5 ? -1 : +1), rng);
            return s;
        };
        const DeviceState a = run(42), b = run(42), c = run(43);
        for (std::size_t i = 0; i < a.x.size(); ++i) EXPECT_EQ(a.x[i], b.x[i]) << "slot " << i;
        EXPECT_NE(a.x[DomainWallSynapse::position_m], c.x[DomainWallSynapse::position_m]) << "full=" << full;
    }
}

TEST(DomainWall, OutOfRangeSettingNamesKeyValueUnitAndRange) {
    try {
        DomainWallSynapse model(settings({{"alpha", "-1"}}));
        FAIL() << "alpha = -1 was accepted";
    } catch (const ParameterError& e) {
        EXPECT_EQ(std::string(e.what()), "device 'domain_wall' (--set): alpha = -1 1 is outside (0, 1] 1");
    }
    try {
        DomainWallSynapse model(settings({{"ms_A_per_m", "-1"}}));
        FAIL() << "ms_A_per_m = -1 was accepted";
    } catch (const ParameterError& e) {
        EXPECT_EQ(std::string(e.what()), "device 'domain_wall' (--set): ms_A_per_m = -1 A/m is outside (0, inf) A/m");
    }
}

// The rules name both values: p < L; H_K < (pi/2) H_D = 1.79e5 A/m (Neel ground state); 0 or 1.
TEST(DomainWall, CrossRulesRefuseInconsistentSettings) {
    auto message = [](const std::string& key, const std::string& value) -> std::string {
        try {
            DomainWallSynapse model(settings({{key, value}}));
        } catch (const ParameterError& e) {
            return e.what();
        }
        return "accepted";
    };
    EXPECT_NE(message("pinning_period_m", "2e-6").find("pinning_period_m (2e-06 m) must be below length_m (1e-06 m)"),
              std::string::npos);
    EXPECT_NE(message("h_k_A_per_m", "5e5").find("h_k_A_per_m (500000 A/m) must be below (pi/2) H_D = 178571 A/m"),
              std::string::npos);
    EXPECT_NE(message("full_dynamics", "0.5").find("full_dynamics must be 0"), std::string::npos);
}

// Thermal hops below J_c: P = 1 - exp(-t_p f0 exp(-E_b/kT (1 - J/J_c)^2)). With E_b/kT = 20, J = 0.8 J_c,
// t_p = 1.2 ns, f0 = 1 GHz: P = 0.417; the hop fraction over N trials has sigma = sqrt(P(1-P)/N).
TEST(DomainWall, ThermalHopRateMatchesArrhenius) {
    const DomainWallSynapse model(quiet({{"thermal_stability", "20"}}));
    const double j = 0.8 * model.depinning_current_density_A_per_m2();
    const double width_s = 1.2e-9;
    const double p_expected = 1.0 - std::exp(-width_s * 1e9 * std::exp(-20.0 * 0.2 * 0.2));
    const int trials = 20000;
    Rng rng(11);
    int hops = 0;
    for (int i = 0; i < trials; ++i) {
        DeviceState s = model.make_device(rng);
        model.set_level(s, 0.5, rng);
        const double q0_m = s.x[DomainWallSynapse::position_m];
        model.apply_pulse(s, Pulse{j, width_s, i % 2 ? +1 : -1}, rng);
        const double dq_m = (s.x[DomainWallSynapse::position_m] - q0_m) * (i % 2 ? 1.0 : -1.0);
        if (std::abs(dq_m - 20e-9) < 1e-15) ++hops;
        else EXPECT_EQ(dq_m, 0.0);
    }
    const double sigma = std::sqrt(p_expected * (1.0 - p_expected) / trials);
    EXPECT_NEAR(static_cast<double>(hops) / trials, p_expected, 4.0 * sigma);
}

// The full model takes the same hop, then settles on the next site. With E_b/kT = 0.001 and f0 = 1e12 Hz,
// P = 1 - exp(-1200 exp(-0.001 * 0.25)) = 1 to machine precision: every sub-J_c pulse hops exactly p.
TEST(DomainWall, FullModelHopsOneSiteWhenTheBarrierIsNegligible) {
    const DomainWallSynapse model(quiet_full({{"thermal_stability", "0.001"}, {"attempt_frequency_Hz", "1e12"}}));
    const double j = 0.5 * model.depinning_current_density_A_per_m2();
    EXPECT_NEAR(displacement_m(model, 0.3, Pulse{j, 1.2e-9, +1}), 20e-9, 1e-12);
    EXPECT_NEAR(displacement_m(model, 0.3, Pulse{j, 1.2e-9, -1}), -20e-9, 1e-12);
}

// Without thermal hops nothing moves the wall at zero current; with them, rare hops of exactly +-p.
TEST(DomainWall, RetentionWithoutCurrent) {
    Rng rng(8);
    const DomainWallSynapse cold(settings({{"thermal_stability", "0"}}));
    DeviceState s = cold.make_device(rng);
    cold.set_level(s, 0.5, rng);
    const DeviceState before = s;
    cold.evolve(s, 3.15e7, rng);
    EXPECT_EQ(s.x[DomainWallSynapse::position_m], before.x[DomainWallSynapse::position_m]);

    const DomainWallSynapse warm(settings({{"thermal_stability", "10"}}));  // rate 2 f0 e^-10 = 9.1e4 /s
    int moved = 0;
    for (int i = 0; i < 1000; ++i) {
        DeviceState t = before;
        warm.evolve(t, 1e-5, rng);  // P = 1 - exp(-0.91) = 0.60
        const double dq_m = std::abs(t.x[DomainWallSynapse::position_m] - before.x[DomainWallSynapse::position_m]);
        if (dq_m > 0.0) {
            EXPECT_NEAR(dq_m, 20e-9, 1e-15);
            ++moved;
        }
    }
    EXPECT_NEAR(moved / 1000.0, 1.0 - std::exp(-2.0 * 1e9 * std::exp(-10.0) * 1e-5), 4.0 * std::sqrt(0.6 * 0.4 / 1000));
}

// Thermal hops are on by default: E_b/kT = 40 with f0 = 1 GHz gives a mean wait of e^40 / f0 = 7.5 years
// per direction (docs/physics-sources.md). Over one year P(hop) = 1 - exp(-2 f0 e^-40 1 yr) = 0.236.
TEST(DomainWall, DefaultThermalBarrierHopsAboutOnceInFourYears) {
    const DomainWallSynapse model;
    EXPECT_EQ(model.parameters()["thermal_stability"], 40.0);
    const double year_s = 3.156e7;
    const double p_expected = -std::expm1(-2.0 * 1e9 * std::exp(-40.0) * year_s);
    Rng rng(9);
    DeviceState start = model.make_device(rng);
    model.set_level(start, 0.5, rng);
    const int trials = 4000;
    int moved = 0;
    for (int i = 0; i < trials; ++i) {
        DeviceState s = start;
        model.evolve(s, year_s, rng);
        moved += s.x[DomainWallSynapse::position_m] != start.x[DomainWallSynapse::position_m];
    }
    EXPECT_NEAR(p_expected, 0.236, 0.001);
    EXPECT_NEAR(static_cast<double>(moved) / trials, p_expected, 4.0 * std::sqrt(p_expected * (1.0 - p_expected) / trials));
}

}  // namespace cimkit
