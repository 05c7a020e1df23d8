#pragma once
// Benchmarks of training runs (see harness.hpp for what a case reports).
#include "bench/harness.hpp"

namespace cimkit::bench {

CaseReport compact_train(const BenchOptions& options);     // samples/s of the compact engine
CaseReport mnist_spice_epoch(const BenchOptions& options);  // spice-engine training rate, projected to an epoch
CaseReport dw_per_sample_spice_epoch(const BenchOptions& options);  // 784-10 domain wall, per-sample SGD, reads in ngspice
CaseReport iris_spice_train(const BenchOptions& options);  // wall time of the default `cimkit train`
CaseReport iris_full_spice(const BenchOptions& options);   // wall time of the iris_mosfet_full_spice preset

}  // namespace cimkit::bench
