#pragma once
// How signed weights w in [-1, 1] become device levels, and how the physical column currents
// become one output per weight column.
//
//   single            one device per weight, level = (w + 1)/2; output = I_j (offset by the
//                     w = 0 current, which the caller subtracts or learns as a bias)
//   differential      two devices per weight in adjacent columns 2j (G+) and 2j+1 (G-),
//                     levels max(w, 0) and max(-w, 0); output = I+ - I-
//   reference_column  one device per weight at level (w + 1)/2 plus one shared column of devices at
//                     level 1/2; output = I_j - I_ref
// For a device linear in its level, G = G0 + dG level, the differential output is dG sum_i V_i w_ij
// and the reference-column output dG/2 sum_i V_i w_ij.
#include <string>
#include <vector>

namespace cimkit::circuits {

enum class WeightScheme { single, differential, reference_column };

// "single", "differential", "reference" -> scheme; anything else is a UsageError listing them.
WeightScheme parse_weight_scheme(const std::string& text);
std::string to_string(WeightScheme scheme);

int physical_columns(WeightScheme scheme, int weight_columns);

// Levels of the physical array (rows x physical_columns, row-major) for weights (rows x
// weight_columns, row-major). Throws ParameterError for a weight outside [-1, 1] or a size mismatch.
std::vector<double> physical_levels(WeightScheme scheme, const std::vector<double>& weights, int rows, int weight_columns);

// One output per weight column from the physical column currents.
std::vector<double> weight_column_outputs(WeightScheme scheme, const std::vector<double>& physical_currents_A,
                                          int weight_columns);

}  // namespace cimkit::circuits
