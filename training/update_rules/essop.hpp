#pragma once
// The power-of-two scaling of the `essop` update rule (training/update_rules/essop.cpp, where the
// scheme is described): for one update with max |x| = x_max and max |delta| = d_max, line j fires in
// a slot with probability p_j = |x_j| 2^-input_shift, line i with q_i = gain |delta_i| 2^-output_shift,
// and every coincidence gives pulses_per_coincidence pulses, so that
//   E[pulses_ij] = BL p_j q_i pulses_per_coincidence = lr |delta_i x_j| / dw_pulse.
namespace cimkit::training {

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

}  // namespace cimkit::training
