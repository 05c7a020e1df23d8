#include "attention/cell_law.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "attention/gain_cell_attention.hpp"

namespace cimkit::attention {

CellLaw CellLaw::of(GainCellReadModel law) {
    CellLaw c;
    c.name_ = law == GainCellReadModel::linear_surrogate ? "linear" : "published";
    const WeightPolynomial a = weight_polynomial(law);
    c.polynomial_.assign(a.begin(), a.end());
    return c;
}

CellLaw CellLaw::tabulated(double first_w_V, double step_w_V, std::vector<double> values) {
    CellLaw c;
    c.name_ = "tabulated";
    c.first_w_V_ = first_w_V;
    c.step_w_V_ = step_w_V;
    c.table_ = std::move(values);
    return c;
}

double CellLaw::at(double w_V) const {
    if (!polynomial_.empty()) return polynomial_[0] + w_V * (polynomial_[1] + w_V * (polynomial_[2] + w_V * polynomial_[3]));
    const double position = std::clamp((w_V - first_w_V_) / step_w_V_, 0.0, static_cast<double>(table_.size() - 1));
    const auto below = std::min(static_cast<std::size_t>(position), table_.size() - 2);
    const double fraction = position - static_cast<double>(below);
    return table_[below] + fraction * (table_[below + 1] - table_[below]);
}

}  // namespace cimkit::attention
