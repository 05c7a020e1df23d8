// Update rule `stochastic`: the stochastic outer product of Gokmen & Vlasov (Front. Neurosci. 2016),
// ESSOP-style trains (Joshi et al., arXiv 2003.11256). For each of BL time slots, input line j fires
// with probability p_j = min(1, c_x |x_j|) and output line i with q_i = min(1, c_d |delta_i|); a
// coincidence applies one nominal pulse in the direction of -sign(delta_i x_j)
// (training/device_array/pair_storage.hpp, Pulses). With update management
// c_x c_d = lr / (BL dw_pulse), c_x / c_d = max|delta| / max|x|, so
// E[pulses_ij] = BL p_j q_i = |dw_ij| / dw_pulse while no probability exceeds 1 (larger requests
// saturate at p = 1). At most BL pulses per device per update; max_pulses_per_update does not apply.
// Potentiate-only pairs near saturation are refreshed after the whole update
// (training/device_array/refresh_policy.hpp).
//
// The trains are drawn from one sample's x and delta, so the rule cannot write a dW given from
// outside (a mini-batch's sum, the spice update circuit).
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "training/device_array/refusal.hpp"
#include "training/array_options.hpp"
#include "training/update_rules/registry.hpp"
#include "training/update_rules/update_rule.hpp"

namespace cimkit::training {
namespace {

class StochasticRule final : public UpdateRule {
public:
    // Every line draws in every slot, fired or not, so the stream's use does not depend on the data.
    void apply_outer_product(PairWriter& pairs, const Eigen::VectorXf& x, const Eigen::VectorXf& delta, double lr) override {
        const double x_max = x.cwiseAbs().maxCoeff(), d_max = delta.cwiseAbs().maxCoeff();
        if (!(x_max > 0.0 && d_max > 0.0 && lr > 0.0)) return;
        const int rows = pairs.rows(), cols = pairs.cols();
        const int bit_length = pairs.options().stochastic_bit_length;
        const double gain = lr / (bit_length * pairs.pulse_weight_step());
        const double c_x = std::sqrt(gain * d_max / x_max), c_d = std::sqrt(gain * x_max / d_max);
        Rng& rng = pairs.update_stream();
        input_fires_.resize(static_cast<std::size_t>(cols));
        output_fires_.resize(static_cast<std::size_t>(rows));
        for (int slot = 0; slot < bit_length; ++slot) {
            for (int j = 0; j < cols; ++j) input_fires_[j] = rng.uniform() < c_x * std::abs(x(j));
            for (int i = 0; i < rows; ++i) output_fires_[i] = rng.uniform() < c_d * std::abs(delta(i));
            for (int j = 0; j < cols; ++j) {
                if (!input_fires_[j]) continue;
                for (int i = 0; i < rows; ++i) {
                    if (output_fires_[i]) pairs.pulse_pair(pairs.index(i, j), (delta(i) > 0.0f) == (x(j) > 0.0f) ? -1 : +1, 1);
                }
            }
        }
        // One draw per line and slot (Gokmen & Vlasov's independent trains): BL (rows + columns).
        pairs.count_random_numbers(static_cast<std::uint64_t>(bit_length) * static_cast<std::uint64_t>(rows + cols));
        for (std::size_t k = 0; k < pairs.size(); ++k) pairs.refresh_if_saturated(k);
    }

    void apply_weight_changes(PairWriter&, const Eigen::MatrixXf&) override {
        refuse("update_mode = stochastic draws its own pulse trains; it cannot apply a given dW");
    }

private:
    std::vector<unsigned char> input_fires_, output_fires_;  // scratch, reused by every update
};

}  // namespace

UpdateRuleInfo stochastic_update_rule() {
    UpdateRuleInfo info;
    info.name = "stochastic";
    info.summary = "stochastic pulse trains whose coincidences deliver dW on average";
    info.applies_weight_changes = false;
    // A potentiating and a depressing phase of stochastic_bit_length slots each.
    info.update_time_s = [](const DeviceArrayOptions& o, double pulse_s) { return 2.0 * o.stochastic_bit_length * pulse_s; };
    info.make = [] { return std::unique_ptr<UpdateRule>(std::make_unique<StochasticRule>()); };
    return info;
}

}  // namespace cimkit::training
