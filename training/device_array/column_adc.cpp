#include "training/device_array/column_adc.hpp"

#include <algorithm>
#include <cmath>

namespace cimkit::training {

ColumnAdc::ColumnAdc(const DeviceArrayOptions& options)
    : bits_(options.adc_bits),
      bound_(options.adc_bound),
      step_(2.0 * options.adc_bound / std::ldexp(1.0, options.adc_bits)),
      energy_per_conversion_J_(options.adc_energy_per_step_J * std::ldexp(1.0, options.adc_bits)) {}

double ColumnAdc::quantise(double u) const {
    const double top = bound_ - 0.5 * step_;
    return std::clamp((std::floor(u / step_) + 0.5) * step_, -top, top);
}

double ColumnAdc::convert(Eigen::VectorXd& u) const {
    for (Eigen::Index i = 0; i < u.size(); ++i) u(i) = quantise(u(i));
    return static_cast<double>(u.size()) * energy_per_conversion_J_;
}

}  // namespace cimkit::training
