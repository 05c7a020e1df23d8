#include "training/device_array/refresh_policy.hpp"

#include <algorithm>
#include <cmath>

namespace cimkit::training {

RefreshPolicy::RefreshPolicy(const DeviceArrayOptions& options)
    : refresh_threshold_(options.refresh_threshold),
      w_max_(options.w_max),
      weight_levels_(options.weight_levels),
      refresh_interval_s_(options.refresh_interval_s) {}

// ---- potentiate-only refresh ----

void RefreshPolicy::refresh_if_saturated(PairStorage& pairs, std::size_t k, WriteContext& write) const {
    if (!pairs.potentiate_only()) return;
    const DeviceModel& model = pairs.model();
    const DeviceState& plus = pairs.states(PairSide::plus)[k];
    const DeviceState& minus = pairs.states(PairSide::minus)[k];
    if (model.level(plus) > refresh_threshold_ * model.saturation_level(plus) ||
        model.level(minus) > refresh_threshold_ * model.saturation_level(minus)) {
        refresh(pairs, k, write);
    }
}

// To level 0: the abrupt depression pulse (PCM RESET) where depression is abrupt, else set_level(0).
void RefreshPolicy::clear_device(PairStorage& pairs, DeviceState& device, WriteContext& write) const {
    if (pairs.calibration().gradual_depression()) {
        pairs.program_to_zero(device, write);
        return;
    }
    pairs.depress(device, write);
}

void RefreshPolicy::refresh(PairStorage& pairs, std::size_t k, WriteContext& write) const {
    const double w = pairs.pair_weight(k);
    DeviceState& plus = pairs.states(PairSide::plus)[k];
    DeviceState& minus = pairs.states(PairSide::minus)[k];
    clear_device(pairs, plus, write);
    clear_device(pairs, minus, write);
    DeviceState& on = w >= 0.0 ? plus : minus;
    const DeviceState& off = w >= 0.0 ? minus : plus;
    const DeviceCalibration& calibration = pairs.calibration();
    const double g_target_S = pairs.target_conductance_S(off, w);
    const double level_cap = 0.9 * refresh_threshold_ * pairs.model().saturation_level(on);
    const double g_cap_S = calibration.g_low_S + level_cap * calibration.g_range_S();
    if (g_target_S > g_cap_S) ++write.counters.clipped_weights;
    pairs.program_device(on, std::min(g_target_S, g_cap_S), write);
    ++write.counters.refreshes;
}

// ---- weight levels ----

double RefreshPolicy::nearest_level_weight(const PairStorage& pairs, std::size_t k) const {
    const double q = level_step();
    return std::clamp(std::round(pairs.pair_weight(k) / q), -static_cast<double>(weight_levels_), static_cast<double>(weight_levels_)) * q;
}

void RefreshPolicy::refresh_levels(PairStorage& pairs, WriteContext& write) const {
    for (std::size_t k = 0; k < pairs.size(); ++k) {
        pairs.program_pair(k, nearest_level_weight(pairs, k), write);
        ++write.counters.refreshes;
    }
}

// With level refresh, time advances in steps that end on each refresh.
void RefreshPolicy::evolve(PairStorage& pairs, double dt_s, Rng& rng, WriteContext& write) {
    const double interval = refresh_interval_s_;
    if (!(interval > 0.0)) {
        pairs.evolve(dt_s, rng);
        return;
    }
    double left = dt_s;
    while (left > 0.0) {
        const double step = std::min(left, interval - since_refresh_s_);
        pairs.evolve(step, rng);
        left -= step;
        since_refresh_s_ += step;
        if (since_refresh_s_ >= interval * (1.0 - 1e-12)) {
            refresh_levels(pairs, write);
            since_refresh_s_ = 0.0;
        }
    }
}

}  // namespace cimkit::training
