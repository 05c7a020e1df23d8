#pragma once
// How a DeviceArray (training/device_array.hpp) turns a requested weight change into writes: one
// update rule per file in this folder, behind the interface below, chosen by name
// (DeviceArrayOptions::update_mode) from the list in training/update_rules/registry.cpp.
//
// A training step asks for dw_ij = -lr delta_i x_j (apply_outer_product); an external circuit or a
// mini-batch gives dw directly (apply_weight_changes). A rule decides how many pulses or which
// program-and-verify writes deliver it, through a PairWriter: the pairs' programming and pulses
// (training/device_array/pair_storage.hpp), the refresh and level policy
// (training/device_array/refresh_policy.hpp), the array's per-weight digital remainder and its
// update stream. The rules' random draws come only from that stream, in a fixed order, so a seed
// gives the same devices (training/device_array.hpp, Seeds).
//
// Adding a rule: a new file here defining `UpdateRuleInfo <name>_update_rule()`, plus its line in
// registry.cpp (docs/architecture.md#device-arrays).
#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "devices/core/rng.hpp"
#include "training/array_options.hpp"
#include "training/device_array/pair_storage.hpp"
#include "training/device_array/refresh_policy.hpp"

namespace cimkit::training {

// What an update rule may do to an array's pairs: one per update, built by the array.
class PairWriter {
public:
    PairWriter(PairStorage& pairs, const RefreshPolicy& refresh, const DeviceArrayOptions& options, std::vector<double>& residual,
               WriteContext write)
        : pairs_(pairs), refresh_(refresh), options_(options), residual_(residual), write_(write) {}

    int rows() const { return pairs_.rows(); }
    int cols() const { return pairs_.cols(); }
    std::size_t size() const { return pairs_.size(); }
    std::size_t index(int row, int col) const { return pairs_.index(row, col); }
    const DeviceArrayOptions& options() const { return options_; }
    double pulse_weight_step() const { return pairs_.pulse_weight_step(); }  // dw_pulse

    double pair_weight(std::size_t k) const { return pairs_.pair_weight(k); }
    // Program-and-verify pair k onto w (clipped to +-w_max).
    void program_pair(std::size_t k, double w) { pairs_.program_pair(k, w, write_); }
    // `count` nominal pulses moving w in `direction` (+1 up, -1 down); counted as update pulses.
    void pulse_pair(std::size_t k, int direction, int count) { pairs_.pulse_pair(k, direction, count, write_); }
    // After pulses: a potentiate-only pair near saturation is refreshed (no-op for bidirectional pairs).
    void refresh_if_saturated(std::size_t k) { refresh_.refresh_if_saturated(pairs_, k, write_); }
    double level_step() const { return refresh_.level_step(); }
    double nearest_level_weight(std::size_t k) const { return refresh_.nearest_level_weight(pairs_, k); }

    // Weight k's digital remainder (accumulate_residual; empty otherwise).
    double& residual(std::size_t k) { return residual_[k]; }
    Rng& update_stream() { return write_.update; }
    // A rule that draws from update_stream() counts its draws here (EpochMetrics::update_random_numbers).
    void count_random_numbers(std::uint64_t draws) { write_.counters.update_random_numbers += draws; }
    void count_capped_update() { ++write_.counters.capped_updates; }

private:
    PairStorage& pairs_;
    const RefreshPolicy& refresh_;
    const DeviceArrayOptions& options_;
    std::vector<double>& residual_;
    WriteContext write_;
};

class UpdateRule {
public:
    virtual ~UpdateRule() = default;
    // W <- W - learning_rate delta x^T; delta has size m, x size n.
    virtual void apply_outer_product(PairWriter& pairs, const Eigen::VectorXf& x, const Eigen::VectorXf& delta, double learning_rate) = 0;
    // W <- W + dw (m x n). A rule that cannot (UpdateRuleInfo::applies_weight_changes false) throws
    // ParameterError saying why.
    virtual void apply_weight_changes(PairWriter& pairs, const Eigen::MatrixXf& dw) = 0;
};

// The requested change of weight (i, j), in double: of a training step, dw_ij = -lr delta_i x_j
// (the products in this order, as every rule has always computed them), or of a given matrix.
// zero_column(j): every change in column j is +-0 (or NaN, for a non-finite delta_i), known without
// asking for them: an input x_j = 0 (most pixels of an MNIST image) changes no weight of its line.
struct OuterProductChange {
    const Eigen::VectorXf& x;
    const Eigen::VectorXf& delta;
    double learning_rate;
    double operator()(int i, int j) const { return -learning_rate * static_cast<double>(delta(i)) * static_cast<double>(x(j)); }
    bool zero_column(int j) const { return x(j) == 0.0f; }
};
struct GivenChange {
    const Eigen::MatrixXf& dw;
    double operator()(int i, int j) const { return static_cast<double>(dw(i, j)); }
    bool zero_column(int) const { return false; }
};

// For a rule that writes each weight's change on its own, whatever its origin: Rule defines
//   template <typename Change> void update(PairWriter& pairs, const Change& dw);
// with dw(i, j) the requested change, and both entry points call it.
template <typename Rule>
class PerWeightRule : public UpdateRule {
public:
    void apply_outer_product(PairWriter& pairs, const Eigen::VectorXf& x, const Eigen::VectorXf& delta, double learning_rate) final {
        static_cast<Rule*>(this)->update(pairs, OuterProductChange{x, delta, learning_rate});
    }
    void apply_weight_changes(PairWriter& pairs, const Eigen::MatrixXf& dw) final {
        static_cast<Rule*>(this)->update(pairs, GivenChange{dw});
    }
};

}  // namespace cimkit::training
