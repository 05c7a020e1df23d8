#pragma once
// Two operations on a transient's sampled waveforms, shared by the read-out, settling and energy
// meters of a one-shot crossbar read (circuits/crossbar.hpp).
#include <vector>

namespace cimkit::circuits {

// Trapezoidal integral of y(t) over the whole waveform.
inline double integrate(const std::vector<double>& t, const std::vector<double>& y) {
    double sum = 0.0;
    for (std::size_t k = 1; k < t.size(); ++k) sum += 0.5 * (y[k] + y[k - 1]) * (t[k] - t[k - 1]);
    return sum;
}

// Linear interpolation of y at time t_s (the last value after the end).
inline double sample(const std::vector<double>& t, const std::vector<double>& y, double t_s) {
    for (std::size_t k = 1; k < t.size(); ++k) {
        if (t[k] >= t_s) {
            const double f = (t_s - t[k - 1]) / (t[k] - t[k - 1]);
            return y[k - 1] + f * (y[k] - y[k - 1]);
        }
    }
    return y.back();
}

}  // namespace cimkit::circuits
