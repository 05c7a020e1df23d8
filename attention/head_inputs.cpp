#include "attention/head_inputs.hpp"

#include <cmath>
#include <fmt/format.h>
#include <utility>

#include "devices/core/errors.hpp"
#include "devices/core/rng.hpp"

namespace cimkit::attention {
namespace {

Matrix uniform_matrix(Rng& rng, int rows, int cols, double low, double high) {
    Matrix m(rows, cols);
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < cols; ++j) m(i, j) = low + (high - low) * rng.uniform();
    }
    return m;
}

void require_range(const Matrix& m, const std::string& origin, const std::string& name, double low, double high,
                   const std::string& unit) {
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
            const double v = m(i, j);
            if (!std::isfinite(v) || v < low || v > high) {
                throw UsageError(origin + ": " + name + "[" + std::to_string(i) + "][" + std::to_string(j) + "] = " +
                                 fmt::format("{:g}", v) + ": expected a value in [" + fmt::format("{:g}", low) + ", " +
                                 fmt::format("{:g}", high) + "]" + unit);
            }
        }
    }
}

}  // namespace

HeadInputs random_head_inputs(int tokens, int head_dim, std::uint64_t seed) {
    Rng rng(seed);
    HeadInputs in;
    in.query = uniform_matrix(rng, tokens, head_dim, 0.0, 1.0);
    in.key_V = uniform_matrix(rng, tokens, head_dim, stored_min_V, stored_max_V);
    in.value_V = uniform_matrix(rng, tokens, head_dim, stored_min_V, stored_max_V);
    return in;
}

void validate(const HeadInputs& in, const std::string& origin) {
    if (in.query.rows() < 1 || in.query.cols() < 1) {
        throw UsageError(origin + ": query: expected at least one token and one dimension, got " +
                         std::to_string(in.query.rows()) + " x " + std::to_string(in.query.cols()));
    }
    for (const auto& [name, m] : {std::pair<const char*, const Matrix*>{"key_V", &in.key_V}, {"value_V", &in.value_V}}) {
        if (m->rows() != in.query.rows() || m->cols() != in.query.cols()) {
            throw UsageError(origin + ": " + name + " is " + std::to_string(m->rows()) + " x " + std::to_string(m->cols()) +
                             ": expected the query's shape, " + std::to_string(in.query.rows()) + " x " +
                             std::to_string(in.query.cols()) + " (tokens x head dimension)");
        }
    }
    require_range(in.query, origin, "query", 0.0, 1.0, " (a pulse width as a fraction of T_max)");
    require_range(in.key_V, origin, "key_V", stored_min_V, stored_max_V, " V (the gain cell's write range)");
    require_range(in.value_V, origin, "value_V", stored_min_V, stored_max_V, " V (the gain cell's write range)");
}

}  // namespace cimkit::attention
