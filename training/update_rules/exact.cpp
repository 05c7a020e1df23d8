// Update rule `exact`: each pair is re-programmed to w_ij + dw_ij by program-and-verify
// (training/device_array/pair_storage.hpp): the ideal update, stored in devices, no pulse physics.
//
// With weight levels (weight_levels = L > 0; training/device_array/refresh_policy.hpp) an update
// first reads the pair and rounds it to its level n (undoing leakage and write noise below q / 2),
// then re-programs it to (n + m) q, where m is pulse_rounding's whole count of (dw + r) / q and, with
// accumulate_residual, r carries the rest digitally as in the `pulse` rule
// (training/update_rules/pulse.cpp); m = 0 writes nothing.
#include <cmath>
#include <memory>

#include "training/array_options.hpp"
#include "training/update_rules/registry.hpp"
#include "training/update_rules/update_rule.hpp"

namespace cimkit::training {
namespace {

class ExactRule final : public PerWeightRule<ExactRule> {
public:
    template <typename Change>
    void update(PairWriter& pairs, const Change& weight_change) {
        if (pairs.options().weight_levels > 0) {
            update_levels(pairs, weight_change);
            return;
        }
        for (int j = 0; j < pairs.cols(); ++j) {
            for (int i = 0; i < pairs.rows(); ++i) {
                const double dw = weight_change(i, j);
                if (dw == 0.0) continue;
                const std::size_t k = pairs.index(i, j);
                pairs.program_pair(k, pairs.pair_weight(k) + dw);
            }
        }
    }

private:
    // The level grid (above): read, round to the level, move by whole levels, keep the rest digitally.
    template <typename Change>
    void update_levels(PairWriter& pairs, const Change& weight_change) {
        const double q = pairs.level_step();
        const bool carry = pairs.options().accumulate_residual;
        const bool use_floor = pairs.options().pulse_rounding == PulseRounding::floor;
        for (int j = 0; j < pairs.cols(); ++j) {
            for (int i = 0; i < pairs.rows(); ++i) {
                const std::size_t k = pairs.index(i, j);
                const double dw = weight_change(i, j) + (carry ? pairs.residual(k) : 0.0);
                const double u = std::abs(dw) / q;
                const double steps = use_floor ? std::floor(u) : std::round(u);
                if (!(steps >= 1.0)) {  // no whole level (or NaN)
                    if (carry && std::isfinite(dw)) pairs.residual(k) = dw;
                    continue;
                }
                const double signed_steps = std::copysign(steps, dw);
                if (carry) pairs.residual(k) = dw - signed_steps * q;
                pairs.program_pair(k, pairs.nearest_level_weight(k) + signed_steps * q);
            }
        }
    }
};

}  // namespace

UpdateRuleInfo exact_update_rule() {
    UpdateRuleInfo info;
    info.name = "exact";
    info.summary = "the ideal dW, programmed into the devices by program-and-verify";
    info.writes_weight_levels = true;
    // Every round of program-and-verify writes one pulse and reads it back.
    info.update_time_s = [](const DeviceArrayOptions& o, double pulse_s) { return o.program_verify_iterations * (pulse_s + o.read_time_s); };
    info.make = [] { return std::unique_ptr<UpdateRule>(std::make_unique<ExactRule>()); };
    return info;
}

}  // namespace cimkit::training
