#include "circuits/batched_read.hpp"

#include <algorithm>
#include <cmath>

#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {

BatchedRead::BatchedRead(std::vector<std::string> row_sources, std::vector<std::string> outputs)
    : row_sources_(std::move(row_sources)), outputs_(std::move(outputs)) {}

namespace {

// Sample k owns simulated time [k, k + 1) s; the last point of a run sits at t = K and belongs to K - 1.
Eigen::Index sample_at(double time_s, Eigen::Index samples) {
    const auto k = static_cast<Eigen::Index>(std::floor(time_s + 1e-9));
    return std::clamp<Eigen::Index>(k, 0, samples - 1);
}

}  // namespace

Eigen::MatrixXd BatchedRead::run(spice::Engine& engine, const Eigen::MatrixXd& inputs_V) {
    check_batch_inputs("BatchedRead", inputs_V, row_sources_.size());
    const Eigen::Index samples = inputs_V.rows();
    inputs_V_ = inputs_V;
    for (std::size_t i = 0; i < row_sources_.size(); ++i) {
        const auto column = static_cast<Eigen::Index>(i);
        engine.set_external_voltage(row_sources_[i], [this, column](double time_s) {
            return inputs_V_(sample_at(time_s, inputs_V_.rows()), column);
        });
    }
    const auto values = engine.run_and_read(batched_transient(samples), batched_vectors(outputs_));
    last_time_points_ = static_cast<long>(values.front().size());
    return samples_from_time_points(values, samples);
}

std::string batched_transient(long samples) {
    // tstep 1 s, tstop K s, tmax 1 s: at most one step per sample once ngspice's first, shorter steps
    // have ramped up (they all fall inside sample 0). No capacitor sees the input, so the step size
    // never matters for accuracy, only for the count of solves.
    return "tran 1 " + spice_number(static_cast<double>(samples)) + " 0 1";
}

std::vector<std::string> batched_vectors(const std::vector<std::string>& outputs) {
    std::vector<std::string> vectors{"time"};
    vectors.insert(vectors.end(), outputs.begin(), outputs.end());
    return vectors;
}

void check_batch_inputs(const std::string& who, const Eigen::MatrixXd& inputs_V, std::size_t row_sources) {
    if (inputs_V.rows() < 1 || inputs_V.cols() != static_cast<Eigen::Index>(row_sources)) {
        throw UsageError(who + ": inputs are " + std::to_string(inputs_V.rows()) + " x " + std::to_string(inputs_V.cols()) +
                         ", expected K >= 1 samples x " + std::to_string(row_sources) + " row sources");
    }
}

Eigen::MatrixXd samples_from_time_points(const std::vector<std::vector<double>>& values, long samples) {
    const std::vector<double>& time_s = values.front();
    Eigen::MatrixXd out(samples, static_cast<Eigen::Index>(values.size()) - 1);
    std::vector<bool> seen(static_cast<std::size_t>(samples), false);
    for (std::size_t p = 0; p < time_s.size(); ++p) {
        const Eigen::Index k = sample_at(time_s[p], samples);
        seen[static_cast<std::size_t>(k)] = true;
        for (std::size_t j = 1; j < values.size(); ++j) out(k, static_cast<Eigen::Index>(j) - 1) = values[j].at(p);
    }
    const auto missing = std::find(seen.begin(), seen.end(), false);
    if (missing != seen.end()) {
        throw Error("batched read: ngspice took no time point inside sample " + std::to_string(missing - seen.begin()) +
                    "'s interval of the batched transient");
    }
    return out;
}

}  // namespace cimkit::circuits
