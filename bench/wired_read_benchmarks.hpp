#pragma once
// Benchmark of the compact engine's wired read (see harness.hpp for what a case reports).
#include "bench/harness.hpp"

namespace cimkit::bench {

CaseReport compact_wired_read(const BenchOptions& options);  // line relaxation against Newton, ms per read

}  // namespace cimkit::bench
