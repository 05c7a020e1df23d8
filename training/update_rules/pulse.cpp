// Update rule `pulse`: n_ij = min(round(|dw_ij| / dw_pulse), max_pulses_per_update) nominal pulses
// on pair ij (training/device_array/pair_storage.hpp, Pulses), in the direction of dw_ij;
// potentiate-only pairs are refreshed after their pulses when a device nears saturation
// (training/device_array/refresh_policy.hpp).
//
// Rounding drops the remainder, so an update smaller than dw_pulse / 2 never reaches the device,
// and when the updates of one sign are systematically the smaller ones (a network's many small
// corrections against few large ones) training drifts away. accumulate_residual keeps a digital
// remainder per weight (the mixed-precision scheme of Nandakumar et al., Front. Neurosci. 2020):
// n_ij is computed from dw_ij + r_ij and r_ij <- dw_ij + r_ij - sign n_ij dw_pulse, bounded to
// +-max_pulses_per_update dw_pulse. It is open-loop: it counts requested steps, not the device's
// actual, nonlinear ones.
// pulse_rounding picks n_ij from u = |dw_ij (+ r_ij)| / dw_pulse:
//   nearest  n = round(u): a pulse from u >= 1/2, the remainder in [-1/2, 1/2] dw_pulse and of
//            either sign;
//   floor    n = floor(u): a pulse only from u >= 1, the remainder in [0, 1) dw_pulse with the sign
//            of the request. This is the transfer rule of Nandakumar et al. 2020
//            (p = floor(|chi| / epsilon), chi <- chi - p epsilon sign chi).
// With the remainder carried, both deliver the same total on average, but a stream of small updates
// of random sign crosses the +-1/2 bounds of `nearest` far more often than the +-1 bounds of `floor`
// (after a transfer at +1/2 the remainder sits at -1/2, on the opposite bound): for Gaussian updates
// of sigma 0.1 dw_pulse, 15 600 against 1 800 pulses per 2e5 updates. Every pulse carries the
// device's cycle-to-cycle noise and, on a potentiate-only pair, a pull towards w = 0, so fewer pulses
// for the same net change is what a noisy, nonlinear device needs.
#include <algorithm>
#include <cmath>
#include <memory>

#include "training/array_options.hpp"
#include "training/update_rules/registry.hpp"
#include "training/update_rules/update_rule.hpp"

namespace cimkit::training {
namespace {

class PulseRule final : public PerWeightRule<PulseRule> {
public:
    template <typename Change>
    void update(PairWriter& pairs, const Change& weight_change) {
        const DeviceArrayOptions& options = pairs.options();
        const int cap = options.max_pulses_per_update;
        const bool carry = options.accumulate_residual;
        const bool use_floor = options.pulse_rounding == PulseRounding::floor;
        const double first = use_floor ? 1.0 : 0.5;  // the smallest u that gives one pulse
        const double dw_pulse = pairs.pulse_weight_step();
        // Below this a change cannot reach `first` pulses, so write() would only store it as the
        // remainder. The margin (1e-9 relative, far above the two roundings of this product and of
        // write()'s division) keeps the quotient of every change below it under `first`, so the
        // shortcut gives write()'s bits. With floor rounding a remainder lies in [0, 1) dw_pulse, so
        // the bound must sit just under one pulse, not at a fraction of it: at half a pulse, half of
        // all weights (the remainders above 1/2) took write()'s division on every update.
        const double surely_below = first * dw_pulse * (1.0 - 1e-9);
        const int rows = pairs.rows(), cols = pairs.cols();
        // The remainders stay where they are during an update (pulses and refreshes do not touch them).
        double* residual = carry ? &pairs.residual(0) : nullptr;
        // Pair k's writes for a change dw (remainder included) that may be worth a pulse.
        const auto write = [&](double dw, std::size_t k) {
            const double pulses = std::abs(dw) / dw_pulse;
            if (!(pulses >= first)) {  // rounds to 0 (or is NaN)
                if (carry && std::isfinite(dw)) residual[k] = dw;
                return;
            }
            int count = cap;
            if (pulses < cap + first) {
                count = static_cast<int>(use_floor ? std::floor(pulses) : std::round(pulses));
            } else {
                pairs.count_capped_update();
            }
            if (carry) {
                const double bound = cap * dw_pulse;
                residual[k] = std::clamp(dw - std::copysign(count * dw_pulse, dw), -bound, bound);
            }
            pairs.pulse_pair(k, dw > 0.0 ? +1 : -1, count);
            pairs.refresh_if_saturated(k);
        };
        for (int j = 0; j < cols; ++j) {
            const std::size_t first_k = pairs.index(0, j);
            if (weight_change.zero_column(j)) {
                // Every change in the column is +-0: dw_ij = r_ij exactly (a remainder is never -0,
                // and r + -0 = r), so write() would leave the pair and its remainder as they are
                // unless the remainder alone is worth a pulse (possible after a capped update).
                // Skipping the others gives the same bits without the work, for most of an MNIST
                // image's lines.
                if (!carry) continue;
                for (int i = 0; i < rows; ++i) {
                    const std::size_t k = first_k + static_cast<std::size_t>(i);
                    if (!(std::abs(residual[k]) < surely_below)) write(weight_change(i, j) + residual[k], k);
                }
                continue;
            }
            for (int i = 0; i < rows; ++i) {
                const std::size_t k = first_k + static_cast<std::size_t>(i);
                const double dw = weight_change(i, j) + (carry ? residual[k] : 0.0);
                // Most changes are below a pulse: what write() would do for them, without its
                // division (|dw| < surely_below is finite and gives 0 pulses).
                if (std::abs(dw) < surely_below) {
                    if (carry) residual[k] = dw;
                    continue;
                }
                write(dw, k);
            }
        }
    }
};

}  // namespace

UpdateRuleInfo pulse_update_rule() {
    UpdateRuleInfo info;
    info.name = "pulse";
    info.summary = "dW rounded to whole nominal pulses through the device physics";
    // A potentiating and a depressing phase of at most max_pulses_per_update pulses each.
    info.update_time_s = [](const DeviceArrayOptions& o, double pulse_s) { return 2.0 * o.max_pulses_per_update * pulse_s; };
    info.make = [] { return std::unique_ptr<UpdateRule>(std::make_unique<PulseRule>()); };
    return info;
}

}  // namespace cimkit::training
