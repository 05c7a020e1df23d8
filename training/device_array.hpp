#pragma once
// The `compact` engine's weight array: a layer's weights held by devices of one DeviceModel, read
// through the devices' own I-V and updated by write pulses whose effect the device physics decides
// (docs/architecture.md#device-faces, docs/architecture.md#training-engines and
// docs/architecture.md#device-arrays, issue 5).
//
// DeviceArray puts together one part per concern, each documented in its own file:
//   training/device_array/calibration.hpp     what the array measures of the model once (G range,
//                                             pulse step, programming noise, gradual depression)
//   training/device_array/pair_storage.hpp    the differential pairs: states, the weight mapping (1),
//                                             program-and-verify and nominal pulses
//   training/device_array/read_model.hpp      the reads (2): amplitude or pulse-width inputs,
//                                             two-phase reads, forward and transposed; drift
//                                             compensation
//   training/update_rules/                    one update rule per file (exact, pulse, stochastic),
//                                             chosen by update_mode from registry.cpp
//   training/device_array/refresh_policy.hpp  refresh of potentiate-only pairs, the weight-level
//                                             grid and level refresh
//   training/device_array/checkpoint.hpp      the typed checkpoint and its run-file blocks
// What the array needs to know about a device model beyond its I-V and pulses comes from the model's
// declared capabilities (DeviceModel::saturation_level) or the calibration, never from its type.
//
// Time: evolve(dt) advances drift (PCM) and leakage (MOSFET gate, gain cell) of every device, with
// level refresh on its schedule.
//
// Seeds: all draws come from the Rng given at construction (device-to-device variation from
// stream 0, programming from stream 1, update pulses from stream 2, evolve() from stream 3, read
// noise from stream 5), or from the Rng passed to evolve(dt, rng). Same seed and inputs:
// bit-identical devices and reads.
//
// Ownership: the array keeps a reference to the model, which must outlive it. multiply() updates a
// mutable counter (clipped inputs), so an array is not to be read from two threads at once.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "devices/core/rng.hpp"
#include "devices/device_model.hpp"
#include "training/array_options.hpp"
#include "training/device_array/calibration.hpp"
#include "training/device_array/pair_storage.hpp"
#include "training/device_array/pulse_replay.hpp"
#include "training/device_array/read_model.hpp"
#include "training/device_array/refresh_policy.hpp"
#include "training/weight_array.hpp"

namespace cimkit::training {

class UpdateRule;
class PairWriter;
struct DeviceArrayCheckpointShape;

class DeviceArray final : public WeightArray {
public:
    // Makes 2 m n devices and programs `initial_weights` (m x n) into them. `model` must outlive the
    // array. Throws ParameterError for invalid options or an empty or non-finite matrix. An explicit
    // pair_policy overrides the calibration's verdict (bidirectional on PCM makes every depression
    // a RESET: a legitimate, if poor, experiment).
    DeviceArray(const DeviceModel& model, const DeviceCalibration& calibration, const Eigen::MatrixXf& initial_weights,
                const DeviceArrayOptions& options, Rng rng);
    // The same, calibrating the model first with rng.stream(4).
    DeviceArray(const DeviceModel& model, const Eigen::MatrixXf& initial_weights, const DeviceArrayOptions& options, Rng rng);
    ~DeviceArray() override;
    DeviceArray(const DeviceArray&) = delete;
    DeviceArray& operator=(const DeviceArray&) = delete;

    Eigen::VectorXf multiply(const Eigen::VectorXf& x) const override;
    Eigen::VectorXf multiply_transposed(const Eigen::VectorXf& d) const override;
    // By the array's update rule (update_mode).
    void apply_outer_product(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, float learning_rate) override;
    Eigen::MatrixXf weights() const override;  // (1) from conductance_S of every pair

    // W <- W + dw (m x n) by the array's update rule (a rule that cannot, such as stochastic, refuses
    // with ParameterError): the update an external circuit computed (the spice engine's update
    // circuit), delivered to the devices as apply_outer_product would deliver -lr delta x^T.
    void apply_weight_changes(const Eigen::MatrixXf& dw) override;

    // Runs `write` with a PairWriter on this array's pairs, refresh policy, remainders and update
    // stream, as the update rule gets it: for an engine that delivers the rule's writes from its own
    // circuit (the spice update circuit driven by ESSOP's trains, training/spice_array.cpp).
    void write_pairs(const std::function<void(PairWriter&)>& write);

    // From now on, the pulses of every write (an update, a refresh's RESETs) are replayed by `replay` on
    // the devices' own circuit once the write is over, and its states replace the model's predictions
    // (training/device_array/pulse_replay.hpp). An empty function stops it.
    void set_pulse_replay(PulseReplay replay);

    // Drift and leakage of every device over dt_s seconds (no pulse).
    void evolve(double dt_s, Rng& rng);
    void evolve(double dt_s) override;  // with the array's own evolve stream
    // Re-derives the programming, update and evolve streams from (construction seed, epoch).
    void start_epoch(int epoch) override;
    void record_drift_reference() override;
    void compensate_drift() override;
    void remove_drift_compensation() override;
    ArrayActivity activity() const override;  // no update circuit: its energy is 0
    std::map<std::string, Eigen::MatrixXd> conductances_S() const override;  // "plus", "minus"
    // The blocks of DeviceArrayCheckpoint (training/device_array/checkpoint.hpp): "plus", "minus"
    // (8 doubles per device, column-major), "counters", "residual" when accumulate_residual is on,
    // "refresh_clock" when level refresh is on, "rng".
    ArrayCheckpoint checkpoint() const override;
    void checkpoint_into(ArrayCheckpoint& out) const override;
    void restore(const ArrayCheckpoint& checkpoint) override;

    // The forward read split in two, for an engine that sums the line currents itself (ngspice):
    // the input line voltages (counting clipped inputs) and the outputs (2) from the summed output
    // line currents I+_i - I-_i under those voltages, with the devices' read noise added (a fresh
    // draw per call, training/device_array/read_model.hpp). read_energy_J is the caller's to add
    // (add_read_energy).
    Eigen::VectorXd forward_drive_V(const Eigen::VectorXf& x) const;
    Eigen::VectorXf forward_output(const Eigen::VectorXd& volts, const Eigen::VectorXd& net_current_A) const;
    // The transposed read split the same way (ReadModel::backward_drive_V): the output-line
    // voltages, each G- line driven at the opposite voltage, and e = W^T d from the summed input-line
    // currents.
    ReadModel::BackwardDrive backward_drive_V(const Eigen::VectorXf& d) const;
    Eigen::VectorXf backward_output(const ReadModel::BackwardDrive& drive, const Eigen::VectorXd& net_current_A) const;
    void add_read_energy(double energy_J) const { counters_.read_energy_J += energy_J; }
    // The devices in storage order (column-major, k = i + m j); addresses are stable for the
    // array's life, so a circuit may read them live.
    const std::vector<DeviceState>& states(PairSide side) const { return pairs_.states(side); }
    const DeviceModel& model() const { return pairs_.model(); }

    int rows() const { return pairs_.rows(); }
    int cols() const { return pairs_.cols(); }
    const DeviceArrayCounters& counters() const { return counters_; }
    const DeviceCalibration& calibration() const { return pairs_.calibration(); }
    const DeviceArrayOptions& options() const { return options_; }
    bool potentiate_only() const { return pairs_.potentiate_only(); }
    double pulse_weight_step() const { return pairs_.pulse_weight_step(); }  // dw_pulse of the pulse rules
    Eigen::MatrixXd conductances_S(PairSide side) const { return pairs_.conductances_S(side); }  // m x n, conductance_S
    Eigen::MatrixXd levels(PairSide side) const { return pairs_.levels(side); }                  // m x n, DeviceModel::level
    const DeviceState& device(int row, int col, PairSide side) const;

private:
    WriteContext writes() { return {program_rng_, update_rng_, counters_}; }
    // After a write: the replay of its pulses, when there is one.
    void replay_pulses();
    DeviceArrayCheckpointShape checkpoint_shape() const;

    DeviceArrayOptions options_;
    Rng base_rng_;  // the construction seed, from which start_epoch derives the streams
    Rng device_rng_, program_rng_, update_rng_, evolve_rng_;
    mutable Rng read_rng_;  // reads are const; their noise draws advance this stream
    mutable DeviceArrayCounters counters_;  // reads count clipped inputs and read energy
    PairStorage pairs_;
    ReadModel read_;
    RefreshPolicy refresh_;
    std::vector<double> residual_;  // accumulate_residual: per-weight remainder, storage order
    std::unique_ptr<UpdateRule> rule_;
    PulseReplay replay_;
};

// A Network ArrayFactory that builds every layer on devices of `model` (which must outlive the
// network): the model is calibrated once with Rng(seed).stream(calibration_stream), and layer l's
// array draws from Rng(seed).stream(l). Validates `options` (ParameterError).
inline constexpr std::uint64_t calibration_stream = 1u << 20;
ArrayFactory make_device_array_factory(const DeviceModel& model, DeviceArrayOptions options, std::uint64_t seed);
// The same with a given calibration, e.g. one measured on a noise-free twin of `model` (the
// population means above include the noise's effect: for default PCM, dw_pulse comes out 7 % above
// the noise-free device's, mostly because clipping at g_sat lowers the mean G_high).
ArrayFactory make_device_array_factory(const DeviceModel& model, const DeviceCalibration& calibration, DeviceArrayOptions options,
                                       std::uint64_t seed);

}  // namespace cimkit::training
