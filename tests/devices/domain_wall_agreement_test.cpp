// The reduced domain-wall model (closed-form washboard, devices/domain_wall_reduced.hpp) against the
// full 1-D model integrated by CVODE, over the whole current range.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "devices/domain_wall.hpp"

namespace cimkit {
namespace {

// Deterministic devices (no cycle-to-cycle noise, no spreads, no thermal hops) on a 10 um track, so
// that the longest pulse (3e12 A/m^2 for 4 ns, ~1 um) stays away from the ends.
DomainWallSynapse quiet_model(const char* full_dynamics) {
    std::vector<Setting> settings;
    for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
             {"displacement_noise_c2c", "0"}, {"pinning_spread_d2d", "0"}, {"g_ap_spread_d2d", "0"},
             {"thermal_stability", "0"}, {"length_m", "1e-5"}, {"full_dynamics", full_dynamics}}) {
        settings.push_back(Setting{key, value, "--set"});
    }
    return DomainWallSynapse(settings);
}

// Displacement (m) of one pulse of j A/m^2 for width_s from the pinning site at 2 um.
double displacement_m(const DomainWallSynapse& model, double j_A_per_m2, double width_s) {
    Rng rng(1);
    DeviceState s = model.make_device(rng);
    model.set_level(s, 0.2, rng);
    const double q0_m = s.x[DomainWallSynapse::position_m];
    model.apply_pulse(s, Pulse{j_A_per_m2, width_s, +1}, rng);
    return s.x[DomainWallSynapse::position_m] - q0_m;
}

std::string text(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.4g", value);
    return buffer;
}

}  // namespace

// 15 log-spaced current densities from 0.5 J_c to 3e12 A/m^2 (J_c = 1.99e10, J_D = 1.30e12), two pulse
// widths. Below J_c both models must leave the wall on its site (dq = 0 exactly); above it the reduced
// displacement must be within 5 % of the full one (both end on sites, so 5 % is the same site count
// up to 20 sites). Each pair is recorded as a test property (docs/physics-sources.md has the table).
TEST(DomainWallAgreement, ReducedFollowsFullFromBelowThresholdTo3e12) {
    const DomainWallSynapse reduced = quiet_model("0");
    const DomainWallSynapse full = quiet_model("1");
    const double j_c = reduced.depinning_current_density_A_per_m2();
    const double j_low = 0.5 * j_c, j_high = 3e12;
    const int points = 15;
    for (const double width_s : {1.2e-9, 4e-9}) {
        for (int i = 0; i < points; ++i) {
            const double j = j_low * std::pow(j_high / j_low, static_cast<double>(i) / (points - 1));
            const double dq_reduced_m = displacement_m(reduced, j, width_s);
            const double dq_full_m = displacement_m(full, j, width_s);
            RecordProperty("dq_nm_full_reduced_at_" + text(j) + "_" + text(width_s),
                           text(dq_full_m * 1e9) + " " + text(dq_reduced_m * 1e9));
            if (j < j_c) {
                EXPECT_NEAR(dq_full_m, 0.0, 1e-12) << "J = " << j;
                EXPECT_NEAR(dq_reduced_m, 0.0, 1e-12) << "J = " << j;
            } else {
                EXPECT_NEAR(dq_reduced_m, dq_full_m, 0.05 * std::abs(dq_full_m) + 1e-12)
                    << "J = " << j << " A/m^2, t_p = " << width_s << " s";
            }
        }
    }
}

}  // namespace cimkit
