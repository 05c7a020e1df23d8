#pragma once
// The state of netlists/devices/vteam_memristor.lib (and of the programming-terminal variants in
// tests/netlists/gated_vteam.lib) after a train of the compact twin's nominal pulses, in closed form.
//
// VTEAM with p_win = 1 under a constant drive moves OFF as dx/dt = r (1 - x^2), so atanh(x) grows by
// r t, and ON likewise in 1 - x (the .lib header). A nominal pulse is a 10 ns plateau (-0.4 V ON,
// +0.04 V OFF, each an overdrive v/v_th - 1 of exactly 1, so r = |k|) between linear 0.1 ns edges
// that start and end at `ramp_from_V`: the read voltage (10 mV) across a two-terminal device, 0 V on
// a programming terminal. On an edge the overdrive rises linearly from 0 to 1 over the part beyond
// the threshold, a fraction (plateau - threshold) / (plateau - ramp_from_V) of the edge, and the rate
// goes as overdrive^alpha, whose mean over that part is 1 / (alpha + 1).
#include <cmath>
#include <vector>

namespace cimkit::test {

inline double vteam_x_after(double x, const std::vector<int>& polarities, double ramp_from_V) {
    const double width_s = 10e-9, edge_s = 0.1e-9;
    const double k_on = 3e6, k_off = 2e6, alpha_on = 3.0, alpha_off = 1.0;
    const double on_V = -0.4, v_on = -0.2, off_V = 0.04, v_off = 0.02;
    const double edge_on_s = 2.0 * edge_s * (on_V - v_on) / (on_V - ramp_from_V) / (alpha_on + 1.0);
    const double edge_off_s = 2.0 * edge_s * (off_V - v_off) / (off_V - ramp_from_V) / (alpha_off + 1.0);
    const double rate_on = k_on * (width_s + edge_on_s), rate_off = k_off * (width_s + edge_off_s);
    for (int p : polarities) x = p > 0 ? 1.0 - std::tanh(std::atanh(1.0 - x) + rate_on) : std::tanh(std::atanh(x) + rate_off);
    return x;
}

}  // namespace cimkit::test
