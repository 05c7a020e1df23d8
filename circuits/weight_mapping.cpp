#include "circuits/weight_mapping.hpp"

#include <algorithm>
#include <cmath>

#include "devices/core/errors.hpp"

namespace cimkit::circuits {

WeightScheme parse_weight_scheme(const std::string& text) {
    if (text == "single") return WeightScheme::single;
    if (text == "differential") return WeightScheme::differential;
    if (text == "reference") return WeightScheme::reference_column;
    throw UsageError("weight scheme '" + text + "' is not one of: single, differential, reference");
}

std::string to_string(WeightScheme scheme) {
    switch (scheme) {
        case WeightScheme::single: return "single";
        case WeightScheme::differential: return "differential";
        case WeightScheme::reference_column: return "reference";
    }
    return "?";
}

int physical_columns(WeightScheme scheme, int weight_columns) {
    switch (scheme) {
        case WeightScheme::single: return weight_columns;
        case WeightScheme::differential: return 2 * weight_columns;
        case WeightScheme::reference_column: return weight_columns + 1;
    }
    return weight_columns;
}

std::vector<double> physical_levels(WeightScheme scheme, const std::vector<double>& weights, int rows, int weight_columns) {
    if (weights.size() != static_cast<std::size_t>(rows) * static_cast<std::size_t>(weight_columns)) {
        throw ParameterError("weight mapping: expected " + std::to_string(rows) + " x " + std::to_string(weight_columns) + " weights");
    }
    const int columns = physical_columns(scheme, weight_columns);
    std::vector<double> levels(static_cast<std::size_t>(rows) * static_cast<std::size_t>(columns), 0.5);
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < weight_columns; ++j) {
            const double w = weights[static_cast<std::size_t>(i * weight_columns + j)];
            if (!(std::abs(w) <= 1.0)) throw ParameterError("weight mapping: w = " + std::to_string(w) + " is outside [-1, 1]");
            const auto row = static_cast<std::size_t>(i * columns);
            if (scheme == WeightScheme::differential) {
                levels[row + static_cast<std::size_t>(2 * j)] = std::max(w, 0.0);
                levels[row + static_cast<std::size_t>(2 * j + 1)] = std::max(-w, 0.0);
            } else {
                levels[row + static_cast<std::size_t>(j)] = 0.5 * (w + 1.0);  // the reference column keeps 0.5
            }
        }
    }
    return levels;
}

std::vector<double> weight_column_outputs(WeightScheme scheme, const std::vector<double>& currents_A, int weight_columns) {
    if (currents_A.size() != static_cast<std::size_t>(physical_columns(scheme, weight_columns))) {
        throw ParameterError("weight mapping: expected " + std::to_string(physical_columns(scheme, weight_columns)) +
                             " column currents");
    }
    std::vector<double> out(static_cast<std::size_t>(weight_columns));
    for (std::size_t j = 0; j < out.size(); ++j) {
        switch (scheme) {
            case WeightScheme::single: out[j] = currents_A[j]; break;
            case WeightScheme::differential: out[j] = currents_A[2 * j] - currents_A[2 * j + 1]; break;
            case WeightScheme::reference_column: out[j] = currents_A[j] - currents_A.back(); break;
        }
    }
    return out;
}

}  // namespace cimkit::circuits
