#pragma once
// The devices of a DeviceArray (training/device_array.hpp): two per weight, how their conductances
// map to the weight, and the two ways a pair is written, program-and-verify and nominal pulses.
//
// Differential pairs. Weight w_ij is held by two devices, G+_ij and G-_ij, of the same model:
//   w = w_max (G+ - G-) / (G_high - G_low)                                             (1)
// G_low, G_high are the mean read conductances of the model at levels 0 and 1 (DeviceCalibration),
// so one fully-on device against a device at level 0 represents w_max. A weight is programmed onto
// G+ (w > 0) or G- (w < 0), the other device at level 0. Because (1) is a difference, an offset
// common to both devices cancels: the gain cell, whose read conductance is signed (negative below
// V_store = 0.45 V), still maps linearly, with w = 0 at both devices at level 0 and w = +-w_max at
// one device at level 1 (V_store = v_dd) against the other at level 0.
//
// Programming (initial weights, `exact` updates, refresh) is program-and-verify on the target
// conductance G_target = G_other + |w| (G_high - G_low)/w_max, where G_other is the partner's actual
// conductance: set_level(f) with f from the nominal line (G_target - G_low)/(G_high - G_low), then
// Newton corrections f += (G_target - G)/(dG/dlevel) until |G - G_target| is within the tolerance
// max(program_tolerance (G_high - G_low), 2 sigma_prog), at most program_verify_iterations writes.
// That corrects deterministic curve errors (the gain cell's quadratic G(V_store), a MOSFET's V_T
// offset). sigma_prog, the model's measured programming noise, bounds the tolerance from below:
// a model's set_level already stands for its own verified programming, so a retry loop must not
// average its noise away. Targets beyond +-w_max are clipped and counted (clipped_weights).
//
// Pulses (the `pulse` and `stochastic` update rules) are nominal pulses through
// DeviceModel::apply_pulse, each moving w by about dw_pulse = w_max dG_pulse / (G_high - G_low),
// dG_pulse the mean conductance step of one nominal potentiating pulse at level 0.5
// (DeviceCalibration). A pulse that raises w: bidirectional pairs depress G- while G- is above a
// floor of half a nominal step (in level), else potentiate G+; lowering w mirrors that.
// Potentiate-only pairs (PCM) SET G+ to raise w and G- to lower it, and need refresh
// (training/device_array/refresh_policy.hpp). The device physics (nonlinear and asymmetric steps,
// cycle-to-cycle and device-to-device noise, saturation at the ends of the range) acts through
// apply_pulse.
//
// Storage: the states live in two contiguous column-major vectors (k = i + m j, Eigen's order;
// DeviceState is not an Eigen scalar) whose addresses are stable for the array's life, so a circuit
// may read them live (training/spice_array.hpp). Every device change goes through this class, which
// keeps the read cache (training/device_array/read_cache.hpp) equal to the states.
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "devices/core/rng.hpp"
#include "devices/device_model.hpp"
#include "training/array_options.hpp"
#include "training/device_array/calibration.hpp"
#include "training/device_array/pair_side.hpp"
#include "training/device_array/pulse_replay.hpp"
#include "training/device_array/read_cache.hpp"

namespace cimkit::training {

struct DeviceArrayCounters {
    std::uint64_t update_pulses = 0;       // write pulses through apply_pulse (updates and refresh RESETs)
    std::uint64_t refreshes = 0;           // pairs refreshed (potentiate-only refresh or level refresh)
    std::uint64_t clipped_inputs = 0;      // read inputs beyond +-x_max (forward) or +-backward_input_max
    std::uint64_t clipped_weights = 0;     // programming targets cut to the representable range
    std::uint64_t capped_updates = 0;      // pulse-mode updates cut to max_pulses_per_update
    std::uint64_t programming_writes = 0;  // set_level calls (initial weights, exact updates, refresh)
    double read_energy_J = 0.0;  // sum over reads of read_time_s sum_j V_j (line j's current)
    double write_energy_J = 0.0;  // DeviceModel::write_energy_J of every pulse, program_energy_J of every set_level
    double adc_energy_J = 0.0;    // the output lines' conversions (training/device_array/column_adc.hpp)
    double wire_energy_J = 0.0;   // charging the driven lines' capacitance (array.wire_farad)
    double dac_energy_J = 0.0;    // the driven lines' DAC conversions (array.dac_bits)
    std::uint64_t update_random_numbers = 0;  // uniform draws of the update rule (stochastic, essop)
};

// What a write draws its noise from and counts in: the array's streams (training/device_array.hpp,
// Seeds) and counters.
struct WriteContext {
    Rng& program;  // set_level: initial weights, program-and-verify, refresh
    Rng& update;   // apply_pulse: update pulses and refresh RESETs
    DeviceArrayCounters& counters;
};

class PairStorage {
public:
    // rows x cols pairs of fresh devices of `model` (which must outlive the storage), drawn from
    // `device_rng` pair by pair, G+ first; none is programmed yet. An explicit pair_policy overrides
    // the calibration's verdict on depression (bidirectional on PCM makes every depression a RESET:
    // a legitimate, if poor, experiment).
    PairStorage(const DeviceModel& model, const DeviceCalibration& calibration, const DeviceArrayOptions& options, int rows, int cols,
                Rng& device_rng);

    int rows() const { return rows_; }
    int cols() const { return cols_; }
    std::size_t size() const { return plus_.size(); }  // pairs
    std::size_t index(int row, int col) const { return static_cast<std::size_t>(row) + static_cast<std::size_t>(rows_) * col; }
    const DeviceModel& model() const { return model_; }
    const DeviceCalibration& calibration() const { return calibration_; }
    double w_max() const { return w_max_; }
    bool potentiate_only() const { return potentiate_only_; }
    double pulse_weight_step() const { return dw_pulse_; }  // dw_pulse

    const std::vector<DeviceState>& states(PairSide side) const { return side == PairSide::plus ? plus_ : minus_; }
    // For writing states directly (a checkpoint's restore): call states_changed() afterwards, so
    // that the read cache follows. Writes through the methods below keep it up to date themselves.
    std::vector<DeviceState>& states(PairSide side) { return side == PairSide::plus ? plus_ : minus_; }
    void states_changed() { cache_.rebuild(plus_, minus_); }
    // The dense conductances (and read noise) of an ohmic model's devices; inactive for other models.
    const ReadCache& read_cache() const { return cache_; }

    double pair_weight(std::size_t k) const;  // (1)
    // G_partner + |w| (G_high - G_low) / w_max: where the device that holds w must be.
    double target_conductance_S(const DeviceState& partner, double w) const;
    Eigen::MatrixXf weights() const;                      // (1) for every pair
    Eigen::MatrixXd conductances_S(PairSide side) const;  // m x n, conductance_S
    Eigen::MatrixXd levels(PairSide side) const;          // m x n, DeviceModel::level

    // Both devices to level 0, then each weight (clipped to +-w_max) onto one device.
    void program_initial(const Eigen::MatrixXf& weights, WriteContext& write);
    // Pair k to hold w (clipped to +-w_max), on the device of w's sign, relative to the partner's
    // actual conductance; a partner that held the old weight (the higher of the two) is cleared first.
    void program_pair(std::size_t k, double w, WriteContext& write);
    // Program-and-verify one device onto g_target_S.
    void program_device(DeviceState& device, double g_target_S, WriteContext& write);
    // set_level(0), counted as a programming write.
    void program_to_zero(DeviceState& device, WriteContext& write);
    // `count` nominal pulses moving w in `direction` (+1 up, -1 down).
    void pulse_pair(std::size_t k, int direction, int count, WriteContext& write);
    // One nominal depressing pulse (PCM RESET), counted as an update pulse.
    void depress(DeviceState& device, WriteContext& write);
    // Drift and leakage of every device over dt_s, no pulse.
    void evolve(double dt_s, Rng& rng);

    // Notes for a replay of the pulses on the devices' own circuit (training/device_array/pulse_replay.hpp):
    // while recording, every pulse is noted, with the device's state before its first one, and still
    // applied through the model; a programming write drops the device's notes.
    void record_pulses(bool on);
    // The notes since the last call, each with the model's predicted state, and a fresh start.
    std::vector<PulseHistory> take_pulse_histories();
    // Puts a replay's result in the place of device (side, index); the read cache follows.
    void replace(PairSide side, std::size_t index, const DeviceState& state);

private:
    double clip_weight(double w, DeviceArrayCounters& counters) const;
    // One pulse through the model, its write energy counted.
    void pulse_device(DeviceState& device, const Pulse& pulse, WriteContext& write);
    // One set_level, counted as a programming write with its energy.
    void program_level(DeviceState& device, double level, WriteContext& write);
    // After a write to `device`, one of this storage's states: its read-cache entries.
    void written(const DeviceState& device);
    // The side and index of one of this storage's states, from its address.
    std::pair<PairSide, std::size_t> locate(const DeviceState& device) const;

    const DeviceModel& model_;
    DeviceCalibration calibration_;
    double w_max_;
    double program_tolerance_;
    int program_verify_iterations_;
    int rows_, cols_;
    bool potentiate_only_;
    double dw_pulse_;             // weight change of one nominal potentiating pulse at mid-range
    double depress_floor_level_;  // bidirectional: depress the held device only above this level
    Pulse potentiate_pulse_, depress_pulse_;
    std::vector<DeviceState> plus_, minus_;  // column-major m x n, Eigen's order: k = i + m j
    ReadCache cache_;
    bool recording_ = false;
    std::vector<PulseHistory> histories_;
    std::unordered_map<const DeviceState*, std::size_t> open_history_;  // device -> its entry in histories_
};

}  // namespace cimkit::training
