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

// x_max, d_max, learning_rate > 0.
EssopScaling essop_scaling(double x_max, double d_max, double learning_rate, int bit_length, double pulse_weight_step);

}  // namespace cimkit::training
