#pragma once
// Small statistics used by the characterisation fits.
#include <vector>

namespace cimkit::analysis {

double mean(const std::vector<double>& values);
double standard_deviation(const std::vector<double>& values);  // sample (n - 1)

struct LineFit {
    double slope;
    double intercept;
};
// Least-squares y = slope x + intercept. Needs at least two distinct x.
LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y);

// n points log-spaced from `first` to `last` inclusive.
std::vector<double> log_space(double first, double last, int points_per_decade);

}  // namespace cimkit::analysis
