#pragma once
// The power-of-two scaling of the `essop` update rule (training/update_rules/essop.cpp, where the
// scheme is described): for one update with max |x| = x_max and max |delta| = d_max, line j fires in
// a slot with probability p_j = |x_j| 2^-input_shift, line i with q_i = gain |delta_i| 2^-output_shift,
// and every coincidence gives pulses_per_coincidence pulses, so that
//   E[pulses_ij] = BL p_j q_i pulses_per_coincidence = lr |delta_i x_j| / dw_pulse.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "devices/core/rng.hpp"
#include "training/array_options.hpp"

namespace cimkit::training {

class PairWriter;

struct EssopScaling {
    double gain = 0.0;             // lr / (BL dw_pulse)
    int input_shift = 0;           // k_x (+ u when K < 0)
    int output_shift = 0;          // k_d (+ (-K - u) when K < 0)
    int pulses_per_coincidence = 1;  // 2^K when K > 0 (K at most max_essop_shift)
};

// K above this is cut to it (a request of more than 2^16 pulses per coincidence is a learning rate
// no device takes); the expectation then falls short by 2^(K - max_essop_shift).
inline constexpr int max_essop_shift = 16;

// The uniform line `line` compares with its probability in a slot whose shared draw is r, under
// array.essop_lines = rotated: frac(r + frac(line phi)), phi the golden ratio. Each line's value is
// uniform on [0, 1) when r is, so its train keeps its mean; the fixed offsets (a Weyl sequence,
// spread as evenly as any over [0, 1)) make lines fire in different slots instead of all together.
double essop_rotated_uniform(double r, int line);

// x_max, d_max, learning_rate > 0.
EssopScaling essop_scaling(double x_max, double d_max, double learning_rate, int bit_length, double pulse_weight_step);

// The trains of one ESSOP update, drawn by the one piece of code that both the compact rule and the
// spice update circuit (training/spice_array.cpp) use: all stochastic_bit_length slots from the
// update stream first, then the pulses (apply_essop_counts). Because no device pulse draws from the
// stream between two slots, the same seed gives the same bits in both engines, and the circuit's
// integrated coincidences can be compared with coincidence_counts count for count.
class EssopTrains {
public:
    // Sets the lines' probabilities for x (inputs, the array's columns) and delta (outputs, its rows);
    // false, and nothing to draw, when max |x|, max |delta| or lr is not > 0.
    bool prepare(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, double lr, const DeviceArrayOptions& options,
                 double pulse_weight_step);
    // Draws every slot's bits from `rng`, slot after slot: 2 numbers per slot (shared, rotated) or one
    // per line (independent), fired or not, so the stream's use does not depend on the data.
    void draw(Rng& rng);
    bool input_fires(int slot, int j) const { return input_fires_[at(slot, j, inputs())] != 0; }
    bool output_fires(int slot, int i) const { return output_fires_[at(slot, i, outputs())] != 0; }
    int inputs() const { return static_cast<int>(input_p_.size()); }
    int outputs() const { return static_cast<int>(output_q_.size()); }
    // n_ij, the slots in which output i and input j both fire, at j outputs + i (input-major, the
    // update circuit's row-major order: its rows are the inputs).
    std::vector<int> coincidence_counts() const;
    const EssopScaling& scaling() const { return scaling_; }
    int bit_length() const { return bit_length_; }
    // The numbers one update draws (all its slots): for EpochMetrics::update_random_numbers.
    std::uint64_t random_numbers() const;

private:
    static std::size_t at(int slot, int line, int lines) {
        return static_cast<std::size_t>(slot) * static_cast<std::size_t>(lines) + static_cast<std::size_t>(line);
    }
    void set_offsets(int n);
    // One slot's bits of the lines with probabilities p, from the slot's shared draw r, into fires[0, p.size()).
    void fire(double r, const std::vector<double>& p, unsigned char* fires) const;

    EssopScaling scaling_;
    EssopLines lines_ = EssopLines::rotated;
    int bit_length_ = 0;
    std::vector<double> input_p_, output_q_, offsets_;       // reused by every update
    std::vector<unsigned char> input_fires_, output_fires_;  // slot-major: bit_length x lines
};

// Ends an ESSOP update whose coincidences are counts (input-major, as coincidence_counts): pair (i, j)
// gets n_ij pulses_per_coincidence pulses in the direction -sign(delta_i x_j), pairs in input-major
// order; the draws are counted and saturated potentiate-only pairs refreshed. The compact rule passes
// the counts of its bits, the update circuit the coincidences its storage nodes integrated.
void apply_essop_counts(PairWriter& pairs, const Eigen::VectorXf& x, const Eigen::VectorXf& delta, const EssopTrains& trains,
                        const std::vector<int>& counts);

}  // namespace cimkit::training
