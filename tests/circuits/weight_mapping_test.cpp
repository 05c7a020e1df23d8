#include "circuits/weight_mapping.hpp"

#include <gtest/gtest.h>

#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

// Column currents of an ideal crossbar of devices linear in their level: G = g0 + dg level.
std::vector<double> currents(const std::vector<double>& levels, const std::vector<double>& v, int columns) {
    const double g0 = 2e-6, dg = 10e-6;
    std::vector<double> out(static_cast<std::size_t>(columns), 0.0);
    for (std::size_t i = 0; i < v.size(); ++i) {
        for (int j = 0; j < columns; ++j) out[static_cast<std::size_t>(j)] += v[i] * (g0 + dg * levels[i * columns + j]);
    }
    return out;
}

}  // namespace

// differential: dg sum_i V_i w_ij; reference column: dg/2 sum_i V_i w_ij (g0 cancels in both).
TEST(WeightMapping, DifferentialAndReferenceOutputsAreLinearInTheWeights) {
    const std::vector<double> w{0.5, -1.0, 0.0, 0.25, -0.75, 1.0};  // 3 rows x 2 columns
    const std::vector<double> v{0.1, 0.2, 0.3};
    for (auto scheme : {WeightScheme::differential, WeightScheme::reference_column}) {
        const int columns = physical_columns(scheme, 2);
        const auto out = weight_column_outputs(scheme, currents(physical_levels(scheme, w, 3, 2), v, columns), 2);
        const double factor = scheme == WeightScheme::differential ? 10e-6 : 5e-6;
        for (int j = 0; j < 2; ++j) {
            double expected = 0.0;
            for (int i = 0; i < 3; ++i) expected += v[i] * w[i * 2 + j];
            EXPECT_NEAR(out[j], factor * expected, 1e-18) << to_string(scheme) << " column " << j;
        }
    }
}

TEST(WeightMapping, LayoutAndValidation) {
    EXPECT_EQ(physical_columns(WeightScheme::differential, 10), 20);
    EXPECT_EQ(physical_columns(WeightScheme::reference_column, 10), 11);
    EXPECT_EQ(physical_levels(WeightScheme::single, {-1.0, 1.0}, 1, 2), (std::vector<double>{0.0, 1.0}));
    EXPECT_THROW(physical_levels(WeightScheme::single, {1.5}, 1, 1), ParameterError);
    EXPECT_THROW(physical_levels(WeightScheme::single, {0.1, 0.2}, 1, 1), ParameterError);
    EXPECT_THROW(parse_weight_scheme("triple"), UsageError);
    EXPECT_EQ(parse_weight_scheme("reference"), WeightScheme::reference_column);
}

}  // namespace cimkit::circuits
