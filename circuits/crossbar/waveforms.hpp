#pragma once
// Two operations on a transient's sampled waveforms, shared by the read-out, settling and energy
// meters of a one-shot crossbar read (circuits/crossbar.hpp) and the batched pulse-width read
// (training/reloaded_read.hpp).
#include <algorithm>
#include <vector>

namespace cimkit::circuits {

// Trapezoidal integral of y(t) over the whole waveform.
inline double integrate(const std::vector<double>& t, const std::vector<double>& y) {
    double sum = 0.0;
    for (std::size_t k = 1; k < t.size(); ++k) sum += 0.5 * (y[k] + y[k - 1]) * (t[k] - t[k - 1]);
    return sum;
}

// Linear interpolation of y at time t_s (the last value after the end), between the first point
// after the start at or past t_s and the one before it. `t` rises, so the point is a binary search:
// callers sample many vectors of long transients.
inline double sample(const std::vector<double>& t, const std::vector<double>& y, double t_s) {
    if (t.size() < 2) return y.back();
    const auto k = static_cast<std::size_t>(std::lower_bound(t.begin() + 1, t.end(), t_s) - t.begin());
    if (k == t.size()) return y.back();
    const double f = (t_s - t[k - 1]) / (t[k] - t[k - 1]);
    return y[k - 1] + f * (y[k] - y[k - 1]);
}

}  // namespace cimkit::circuits
