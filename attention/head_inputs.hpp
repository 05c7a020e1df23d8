#pragma once
// What one attention head reads (docs/attention.md#inputs): for T tokens of head dimension D,
//   query  T x D  pulse widths as a fraction of T_max, in [0, 1] (the word-line pulse of a query),
//   key_V  T x D  voltages written on the storage nodes of the first array, in [0, 0.9] V,
//   value_V T x D voltages written on the storage nodes of the second array, in [0, 0.9] V.
// A stored voltage carries the signed weight V - 0.45 V (devices/gain_cell_read.hpp).
#include <Eigen/Dense>
#include <cstdint>
#include <string>

namespace cimkit::attention {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

inline constexpr double stored_min_V = 0.0;
inline constexpr double stored_max_V = 0.9;  // the gain cell's supply: the write range

struct HeadInputs {
    Matrix query;
    Matrix key_V;
    Matrix value_V;
    int tokens() const { return static_cast<int>(query.rows()); }
    int head_dim() const { return static_cast<int>(query.cols()); }
};

// Seeded inputs: every element uniform over its range (queries [0, 1], keys and values [0, 0.9] V),
// drawn query, key, value in row-major order from Rng(seed).
HeadInputs random_head_inputs(int tokens, int head_dim, std::uint64_t seed);

// Throws UsageError naming `origin`, the matrix and the element [token][d] that is out of range or not
// finite, or the matrices whose shapes differ.
void validate(const HeadInputs& inputs, const std::string& origin);

}  // namespace cimkit::attention
