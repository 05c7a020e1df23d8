#include "analysis/characterization/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "devices/core/errors.hpp"

namespace cimkit::analysis {

double mean(const std::vector<double>& values) {
    if (values.empty()) return 0.0;
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double standard_deviation(const std::vector<double>& values) {
    if (values.size() < 2) return 0.0;
    // Identical values, infinities included (a device that never leaks has tau = inf), have no spread.
    if (std::all_of(values.begin(), values.end(), [&](double v) { return v == values.front(); })) return 0.0;
    const double m = mean(values);
    double sum2 = 0.0;
    for (double v : values) sum2 += (v - m) * (v - m);
    return std::sqrt(sum2 / static_cast<double>(values.size() - 1));
}

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
    const double mx = mean(x), my = mean(y);
    double sxx = 0.0, sxy = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        sxx += (x[i] - mx) * (x[i] - mx);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    if (x.size() < 2 || sxx == 0.0) throw Error("fit_line: needs at least two distinct x values");
    const double slope = sxy / sxx;
    return {slope, my - slope * mx};
}

std::vector<double> log_space(double first, double last, int points_per_decade) {
    const double decades = std::log10(last / first);
    const int n = static_cast<int>(std::ceil(decades * points_per_decade)) + 1;
    std::vector<double> out;
    for (int i = 0; i < n; ++i) out.push_back(first * std::pow(10.0, decades * i / (n - 1)));
    return out;
}

}  // namespace cimkit::analysis
