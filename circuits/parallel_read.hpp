#pragma once
// Batched reads (batched_read.hpp) spread over a pool of ngspice worker processes (spice::Worker),
// one per core: each worker holds its own copy of the circuit and runs a contiguous share of the
// samples as its own batched transient; the shares run at the same time, one thread waiting on each
// worker. Workers are recycled after `max_solves_before_recycle` solves (ngspice leaks a little per
// command) and a crashed worker costs one call (spice::WorkerCrashed), after which the pool reloads
// the circuit and can be used again.
//
//   ParallelRead pool(2, netlist_text, "layer 0", row_sources, column_vectors);
//   Eigen::MatrixXd currents_A = pool.run(inputs_V);   // K x rows -> K x outputs, as BatchedRead
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "circuits/spice/worker.hpp"

namespace cimkit::circuits {

class ParallelRead {
public:
    // Starts `workers` (>= 1) worker processes and loads `netlist_text` into each. Throws UsageError
    // for workers < 1, and what Worker::load throws.
    ParallelRead(int workers, std::string netlist_text, std::string origin, std::vector<std::string> row_sources,
                 std::vector<std::string> outputs, spice::WorkerOptions options = {});
    ~ParallelRead();

    // Samples (rows of inputs_V) split in contiguous shares, one per worker; the result is the same as
    // one BatchedRead over all of them.
    Eigen::MatrixXd run(const Eigen::MatrixXd& inputs_V);

    int workers() const { return static_cast<int>(workers_.size()); }
    std::size_t children_rss_bytes() const;  // the workers' resident memory together

private:
    Eigen::MatrixXd run_share(spice::Worker& worker, const Eigen::MatrixXd& inputs_V);

    std::string netlist_text_, origin_;
    std::vector<std::string> row_sources_, outputs_;
    std::vector<std::unique_ptr<spice::Worker>> workers_;
};

}  // namespace cimkit::circuits
