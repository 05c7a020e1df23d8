#pragma once
// Benchmarks of the gain-cell attention block (docs/attention.md; see harness.hpp for what a case reports).
#include "bench/harness.hpp"

namespace cimkit::bench {

// One query token through one 64 x 64 ngspice tile, against the compact block for the same token.
CaseReport attention_tile(const BenchOptions& options);

}  // namespace cimkit::bench
