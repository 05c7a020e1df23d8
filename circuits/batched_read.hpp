#pragma once
// Many forward reads of one loaded circuit in one ngspice transient: sample k drives the EXTERNAL
// row sources during simulated time [k, k + 1) s, and the column currents of the last time point
// inside that interval are sample k's outputs (docs/ngspice-facts.md#op-versus-batched-transient:
// a transient step starts Newton from the previous solution, so this is 10-80x cheaper per sample
// than an `op` for nonlinear arrays and about 10x for resistive ones).
//
// Valid only for circuits whose read has no memory: resistors, transistors without intrinsic
// capacitances and gates held by sources (every face in device_face.hpp at read voltages). A face
// whose state lives on a capacitor that the read could disturb (gain_cell_transistor) would carry
// charge from one sample to the next; use one `op` per sample there.
//
//   BatchedRead read{row_sources, column_vectors};
//   Eigen::MatrixXd currents_A = read.run(engine, inputs_V);   // inputs K x rows -> K x columns
#include <string>
#include <vector>

#include <Eigen/Core>

#include "circuits/spice/engine.hpp"

namespace cimkit::circuits {

// The transient command that runs K samples, and the mapping of its time points back to samples: the
// output rows of the last point inside each sample's interval (`values` holds "time" first, then the
// outputs, as run_and_read returns them). Throws cimkit::Error naming a sample without a time point.
std::string batched_transient(long samples);
// "time" followed by `outputs`: what a batched transient reads back.
std::vector<std::string> batched_vectors(const std::vector<std::string>& outputs);
// Throws UsageError unless `inputs_V` is K >= 1 samples x `row_sources` columns; `who` names the caller.
void check_batch_inputs(const std::string& who, const Eigen::MatrixXd& inputs_V, std::size_t row_sources);
Eigen::MatrixXd samples_from_time_points(const std::vector<std::vector<double>>& values, long samples);

class BatchedRead {
public:
    // `row_sources`: instance names of the EXTERNAL voltage sources that carry the inputs (column i of
    // the input matrix drives row_sources[i]); `outputs`: ngspice vector names read per sample (e.g.
    // tile_column_current_vector). The circuit must be loaded (or be loaded before run()) with those
    // sources; run() registers their functions, replacing earlier ones of the same names.
    BatchedRead(std::vector<std::string> row_sources, std::vector<std::string> outputs);

    // Runs samples 0..K-1 (the rows of `inputs_V`, K >= 1) as one transient and returns K x outputs.
    // Throws cimkit::Error if ngspice left a sample without a time point (it never should: the time
    // step is capped at 1 s), and what Engine::run_and_read throws.
    Eigen::MatrixXd run(spice::Engine& engine, const Eigen::MatrixXd& inputs_V);

    // Accepted time points of the last run (K plus ngspice's start-up steps): solver work, for benchmarks.
    long last_time_points() const { return last_time_points_; }

private:
    std::vector<std::string> row_sources_;
    std::vector<std::string> outputs_;
    Eigen::MatrixXd inputs_V_;  // the live table the source functions read
    long last_time_points_ = 0;
};

}  // namespace cimkit::circuits
