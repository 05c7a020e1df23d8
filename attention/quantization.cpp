#include "attention/quantization.hpp"

#include <cmath>

namespace cimkit::attention {

double quantize(double value, int levels, double span) {
    if (levels == 0) return value;
    const double step = span / (levels - 1);
    // nearbyint rounds half to even in the default rounding mode, as torch.round does.
    return step * std::nearbyint(value / step);
}

}  // namespace cimkit::attention
