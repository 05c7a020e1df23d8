#include "devices/gain_cell_read.hpp"

namespace cimkit {
namespace {

// C[i][j]: i = power of (V_store - 0.45), j = power of V_in (docs/physics-sources.md#gain-cell:
// the ten coefficients of Leroux et al.'s public code, in its order i = 0..3, j = 0..3-i).
constexpr double published[4][4] = {{0.17393044, 0.15653739, 0.14088365, 0.12679529},
                                    {5.51975209, 4.96777688, 4.4709992, 0.0},
                                    {-1.44776001, -1.30298401, 0.0, 0.0},
                                    {46.05483778, 0.0, 0.0, 0.0}};

// sum_i C_ij w^i for one power j of V_in.
double coefficient_of_v_in(int j, double w) {
    double sum = 0.0;
    for (int i = 3 - j; i >= 0; --i) sum = sum * w + published[i][j];
    return sum;
}

}  // namespace

GainCellReadPolynomial gain_cell_read_polynomial(GainCellReadModel model, double v_store_V) {
    const double w = v_store_V - gain_cell_weight_offset_V;
    if (model == GainCellReadModel::linear_surrogate) {
        return {0.0, gain_cell_surrogate_slope_per_V * w / gain_cell_published_v_in_V, 0.0, 0.0};
    }
    return {coefficient_of_v_in(0, w), coefficient_of_v_in(1, w), coefficient_of_v_in(2, w), coefficient_of_v_in(3, w)};
}

std::vector<GainCellReadTerm> gain_cell_read_terms(GainCellReadModel model) {
    if (model == GainCellReadModel::linear_surrogate) {
        return {{gain_cell_surrogate_slope_per_V / gain_cell_published_v_in_V, 1, 1}};
    }
    std::vector<GainCellReadTerm> terms;
    for (int i = 0; i < 4; ++i) {
        for (int j = 0; i + j < 4; ++j) terms.push_back({published[i][j], i, j});
    }
    return terms;
}

double gain_cell_polynomial(double v_in_V, double v_store_V) {
    return gain_cell_read_polynomial(GainCellReadModel::published_kernel, v_store_V).at(v_in_V);
}

double gain_cell_polynomial_dv_store(double v_in_V, double v_store_V) {
    const double w = v_store_V - gain_cell_weight_offset_V;
    double sum = 0.0, x_power = 1.0;
    for (int j = 0; j < 4; ++j, x_power *= v_in_V) {
        double d_dw = 0.0, w_power = 1.0;
        for (int i = 1; i + j < 4; ++i, w_power *= w) d_dw += i * published[i][j] * w_power;
        sum += d_dw * x_power;
    }
    return sum;
}

}  // namespace cimkit
