#include "training/device_array.hpp"

#include <cassert>
#include <cmath>
#include <utility>

#include "training/device_array/checkpoint.hpp"
#include "training/device_array/refusal.hpp"
#include "training/update_rules/registry.hpp"
#include "training/update_rules/update_rule.hpp"

namespace cimkit::training {
namespace {

void check_weights(const Eigen::MatrixXf& w) {
    if (w.rows() < 1 || w.cols() < 1) {
        refuse("initial weights are " + std::to_string(w.rows()) + " x " + std::to_string(w.cols()) +
               "; an array needs at least one row and one column");
    }
    for (Eigen::Index j = 0; j < w.cols(); ++j) {
        for (Eigen::Index i = 0; i < w.rows(); ++i) {
            if (!std::isfinite(w(i, j))) {
                refuse("initial weight (" + std::to_string(i) + ", " + std::to_string(j) + ") = " + format_value(w(i, j)) + " is not finite");
            }
        }
    }
}

// Everything the constructor refuses, checked before any device is made.
const DeviceArrayOptions& checked(const DeviceModel& model, const DeviceCalibration& calibration, const Eigen::MatrixXf& initial_weights,
                                  const DeviceArrayOptions& options) {
    validate(options);
    check_weights(initial_weights);
    if (!(calibration.g_range_S() > 0.0 && calibration.dg_potentiate_S > 0.0)) {
        refuse("calibration of '" + model.name() + "' has an empty range or no potentiation (use calibrate_device)");
    }
    return options;
}

}  // namespace

DeviceArray::DeviceArray(const DeviceModel& model, const DeviceCalibration& calibration, const Eigen::MatrixXf& initial_weights,
                         const DeviceArrayOptions& options, Rng rng)
    : options_(checked(model, calibration, initial_weights, options)),
      base_rng_(rng),
      device_rng_(rng.stream(0)),
      program_rng_(rng.stream(1)),
      update_rng_(rng.stream(2)),
      evolve_rng_(rng.stream(3)),
      read_rng_(rng.stream(5)),
      pairs_(model, calibration, options_, static_cast<int>(initial_weights.rows()), static_cast<int>(initial_weights.cols()), device_rng_),
      read_(model, options_),
      refresh_(options_),
      rule_(find_update_rule(options_.update_mode).make()) {
    if (options_.accumulate_residual) residual_.assign(pairs_.size(), 0.0);
    WriteContext write = writes();
    pairs_.program_initial(initial_weights, write);
}

DeviceArray::DeviceArray(const DeviceModel& model, const Eigen::MatrixXf& initial_weights, const DeviceArrayOptions& options, Rng rng)
    : DeviceArray(model,
                  [&] {
                      validate(options);
                      Rng calibration_rng = rng.stream(4);
                      return calibrate_device(model, options.calibration_samples, calibration_rng);
                  }(),
                  initial_weights, options, rng) {}

DeviceArray::~DeviceArray() = default;

// ---- read ----

Eigen::VectorXf DeviceArray::multiply(const Eigen::VectorXf& x) const { return read_.multiply(pairs_, x, counters_, read_rng_); }

Eigen::VectorXf DeviceArray::multiply_transposed(const Eigen::VectorXf& d) const {
    return read_.multiply_transposed(pairs_, d, counters_, read_rng_);
}

Eigen::VectorXd DeviceArray::forward_drive_V(const Eigen::VectorXf& x) const {
    assert(x.size() == cols());
    return read_.forward_drive_V(x, counters_);
}

Eigen::VectorXf DeviceArray::forward_output(const Eigen::VectorXd& volts, const Eigen::VectorXd& net_current_A) const {
    return read_.forward_output(pairs_, volts, net_current_A, counters_, read_rng_);
}

ReadModel::BackwardDrive DeviceArray::backward_drive_V(const Eigen::VectorXf& d) const {
    assert(d.size() == rows());
    return read_.backward_drive_V(d, counters_);
}

Eigen::VectorXf DeviceArray::backward_output(const ReadModel::BackwardDrive& drive, const Eigen::VectorXd& net_current_A) const {
    return read_.backward_output(pairs_, drive, net_current_A, counters_, read_rng_);
}

Eigen::MatrixXf DeviceArray::weights() const { return pairs_.weights(); }

std::map<std::string, Eigen::MatrixXd> DeviceArray::conductances_S() const {
    return {{"plus", conductances_S(PairSide::plus)}, {"minus", conductances_S(PairSide::minus)}};
}

const DeviceState& DeviceArray::device(int row, int col, PairSide side) const {
    assert(row >= 0 && row < rows() && col >= 0 && col < cols());
    return pairs_.states(side)[pairs_.index(row, col)];
}

void DeviceArray::record_drift_reference() { read_.record_drift_reference(pairs_); }

void DeviceArray::compensate_drift() { read_.compensate_drift(pairs_); }

void DeviceArray::remove_drift_compensation() { read_.remove_drift_compensation(); }

// ---- update ----

void DeviceArray::apply_outer_product(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, float learning_rate) {
    assert(x.size() == cols() && delta.size() == rows());
    write_pairs([&](PairWriter& writer) { rule_->apply_outer_product(writer, x, delta, learning_rate); });
}

void DeviceArray::apply_weight_changes(const Eigen::MatrixXf& dw) {
    assert(dw.rows() == rows() && dw.cols() == cols());
    write_pairs([&](PairWriter& writer) { rule_->apply_weight_changes(writer, dw); });
}

void DeviceArray::write_pairs(const std::function<void(PairWriter&)>& write) {
    {
        PairWriter writer(pairs_, refresh_, options_, residual_, writes());
        write(writer);
    }
    replay_pulses();
}

void DeviceArray::set_pulse_replay(PulseReplay replay) {
    replay_ = std::move(replay);
    pairs_.record_pulses(static_cast<bool>(replay_));
}

void DeviceArray::replay_pulses() {
    if (!replay_) return;
    const std::vector<PulseHistory> histories = pairs_.take_pulse_histories();
    if (histories.empty()) return;
    const std::vector<DeviceState> reached = replay_(histories);
    assert(reached.size() == histories.size());
    for (std::size_t h = 0; h < histories.size(); ++h) pairs_.replace(histories[h].side, histories[h].index, reached[h]);
}

// ---- time and epochs ----

void DeviceArray::evolve(double dt_s, Rng& rng) {
    {
        WriteContext write = writes();
        refresh_.evolve(pairs_, dt_s, rng, write);
    }
    replay_pulses();
}

void DeviceArray::evolve(double dt_s) { evolve(dt_s, evolve_rng_); }

void DeviceArray::start_epoch(int epoch) {
    const auto e = static_cast<std::uint64_t>(epoch);
    program_rng_ = base_rng_.stream(1).stream(e);
    update_rng_ = base_rng_.stream(2).stream(e);
    evolve_rng_ = base_rng_.stream(3).stream(e);
    read_rng_ = base_rng_.stream(5).stream(e);
}

ArrayActivity DeviceArray::activity() const {
    ArrayActivity a;
    a.update_pulses = counters_.update_pulses;
    a.update_random_numbers = counters_.update_random_numbers;
    a.read_energy_J = counters_.read_energy_J;
    a.write_energy_J = counters_.write_energy_J;
    a.adc_energy_J = counters_.adc_energy_J;
    a.wire_energy_J = counters_.wire_energy_J;
    a.dac_energy_J = counters_.dac_energy_J;
    return a;
}

// ---- checkpoints ----

DeviceArrayCheckpointShape DeviceArray::checkpoint_shape() const {
    return {pairs_.size(), options_.accumulate_residual, options_.refresh_interval_s > 0.0};
}

ArrayCheckpoint DeviceArray::checkpoint() const {
    ArrayCheckpoint out;
    checkpoint_into(out);
    return out;
}

void DeviceArray::checkpoint_into(ArrayCheckpoint& out) const {
    DeviceArrayCheckpoint typed = take_storage(out, checkpoint_shape());
    flatten_states(pairs_.states(PairSide::plus), typed.plus_states);
    flatten_states(pairs_.states(PairSide::minus), typed.minus_states);
    typed.counters = counters_;
    if (typed.residual) *typed.residual = residual_;
    if (typed.since_refresh_s) typed.since_refresh_s = refresh_.since_refresh_s();
    // The epoch's streams where they stand, for a resume in the middle of an epoch (at an epoch
    // boundary start_epoch re-derives them anyway).
    typed.streams = DeviceArrayCheckpoint::Streams{program_rng_.state(), update_rng_.state(), evolve_rng_.state(), read_rng_.state()};
    write_blocks(std::move(typed), out);
}

void DeviceArray::restore(const ArrayCheckpoint& checkpoint) {
    DeviceArrayCheckpoint typed = read_blocks(checkpoint, checkpoint_shape());
    unflatten_states(typed.plus_states, pairs_.states(PairSide::plus));
    unflatten_states(typed.minus_states, pairs_.states(PairSide::minus));
    for (const PairSide side : {PairSide::plus, PairSide::minus}) {
        for (DeviceState& state : pairs_.states(side)) model().refresh_derived(state);
    }
    pairs_.states_changed();
    if (typed.residual) residual_ = std::move(*typed.residual);
    if (typed.since_refresh_s) refresh_.set_since_refresh_s(*typed.since_refresh_s);
    if (typed.streams) {
        program_rng_.restore(typed.streams->program);
        update_rng_.restore(typed.streams->update);
        evolve_rng_.restore(typed.streams->evolve);
        if (!typed.streams->read.empty()) read_rng_.restore(typed.streams->read);
    }
    counters_ = typed.counters;
}

// ---- factories ----

ArrayFactory make_device_array_factory(const DeviceModel& model, DeviceArrayOptions options, std::uint64_t seed) {
    validate(options);
    Rng calibration_rng = Rng(seed).stream(calibration_stream);
    const DeviceCalibration calibration = calibrate_device(model, options.calibration_samples, calibration_rng);
    return make_device_array_factory(model, calibration, std::move(options), seed);
}

ArrayFactory make_device_array_factory(const DeviceModel& model, const DeviceCalibration& calibration, DeviceArrayOptions options,
                                       std::uint64_t seed) {
    validate(options);
    return [&model, options, calibration, seed](int layer, const Eigen::MatrixXf& initial_weights) -> std::unique_ptr<WeightArray> {
        return std::make_unique<DeviceArray>(model, calibration, initial_weights, options_for_layer(options, layer),
                                             Rng(seed).stream(static_cast<std::uint64_t>(layer)));
    };
}

}  // namespace cimkit::training
