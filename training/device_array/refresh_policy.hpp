#pragma once
// When and how a DeviceArray (training/device_array.hpp) re-writes pairs it was not asked to change:
// the refresh of potentiate-only pairs near saturation, and the weight-level grid with its periodic
// level refresh.
//
// Refresh (potentiate-only pairs, Joshi et al. ISCAS 2021; Nandakumar et al. 2020): after an update,
// a pair with either device above refresh_threshold of its saturation level
// (DeviceModel::saturation_level: PCM's g_sat/g_max, its device-to-device factor; 1 for the other
// models) is read (1), both devices are cleared (the model's abrupt depression pulse, PCM RESET;
// set_level(0) for a device with gradual depression that was made potentiate-only by option), and w
// is re-programmed onto one device; |w| is capped so that the device lands at most at
// 0.9 refresh_threshold of its saturation level (the cap is counted as a clipped weight).
// Bidirectional pairs keep one device near level 0 and are never refreshed.
//
// Weight levels (weight_levels = L > 0, written by the `exact` update rule): every write puts the
// pair on the grid w = n q, q = w_max / L, |n| <= L (a multi-level cell, as multi-level DRAM stores
// 2 bits per cell). Level refresh (refresh_interval_s > 0, needs weight_levels): every
// refresh_interval_s of evolve() time each pair is read, rounded to its level and re-programmed
// there, like a DRAM refresh. A stored level survives as long as leakage between refreshes and the
// write noise stay below q / 2: for a leak towards 0 V at retention tau from the top of the range,
// v_dd interval / tau < (v_dd / 2L) roughly, i.e. interval < tau / (2L) (tau = 5 ms, L = 64: 39 us).
// evolve() advances time in steps that end on every refresh, so the interval holds whatever the
// caller's dt.
#include <cstddef>

#include "devices/core/rng.hpp"
#include "training/array_options.hpp"
#include "training/device_array/pair_storage.hpp"

namespace cimkit::training {

class RefreshPolicy {
public:
    explicit RefreshPolicy(const DeviceArrayOptions& options);

    // Potentiate-only pairs: refreshes pair k if either device is above refresh_threshold of its
    // saturation level. Does nothing for bidirectional pairs.
    void refresh_if_saturated(PairStorage& pairs, std::size_t k, WriteContext& write) const;

    // The level grid: q = w_max / L, and the grid weight nearest pair k's weight (clamped to +-L q).
    double level_step() const { return w_max_ / weight_levels_; }
    double nearest_level_weight(const PairStorage& pairs, std::size_t k) const;

    // Drift and leakage of every device over dt_s (drawing from `rng`), with a level refresh
    // whenever refresh_interval_s of evolve() time has passed.
    void evolve(PairStorage& pairs, double dt_s, Rng& rng, WriteContext& write);
    // evolve() time since the last level refresh (checkpointed with level refresh on).
    double since_refresh_s() const { return since_refresh_s_; }
    void set_since_refresh_s(double seconds) { since_refresh_s_ = seconds; }

private:
    void refresh(PairStorage& pairs, std::size_t k, WriteContext& write) const;
    void clear_device(PairStorage& pairs, DeviceState& device, WriteContext& write) const;
    void refresh_levels(PairStorage& pairs, WriteContext& write) const;

    double refresh_threshold_;
    double w_max_;
    int weight_levels_;
    double refresh_interval_s_;
    double since_refresh_s_ = 0.0;
};

}  // namespace cimkit::training
