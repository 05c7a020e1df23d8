#pragma once
// Benchmarks of one MVM through ngspice (see harness.hpp for what a case reports).
#include "bench/harness.hpp"

namespace cimkit::bench {

CaseReport spice_forward(const BenchOptions& options);    // samples/s per circuit, batched transient
CaseReport reload_baseline(const BenchOptions& options);  // the script way, and spice-forward's speed-up
CaseReport scaling(const BenchOptions& options);          // ms/sample against devices, plain and optimised
CaseReport memory(const BenchOptions& options);           // RSS growth over repeated solves
CaseReport pool_scaling(const BenchOptions& options);     // 1 against 2 worker processes

}  // namespace cimkit::bench
