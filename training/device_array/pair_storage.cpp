#include "training/device_array/pair_storage.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <functional>

namespace cimkit::training {

PairStorage::PairStorage(const DeviceModel& model, const DeviceCalibration& calibration, const DeviceArrayOptions& options, int rows,
                         int cols, Rng& device_rng)
    : model_(model),
      calibration_(calibration),
      w_max_(options.w_max),
      program_tolerance_(options.program_tolerance),
      program_verify_iterations_(options.program_verify_iterations),
      rows_(rows),
      cols_(cols),
      potentiate_only_(options.pair_policy == PairPolicy::automatic ? !calibration.gradual_depression()
                                                                    : options.pair_policy == PairPolicy::potentiate_only),
      dw_pulse_(options.w_max * calibration.dg_potentiate_S / calibration.g_range_S()),
      depress_floor_level_(0.5 * calibration.dg_potentiate_S / calibration.g_range_S()),
      potentiate_pulse_(model.nominal_pulse(+1)),
      depress_pulse_(model.nominal_pulse(-1)),
      cache_(model, rows, cols) {
    const std::size_t count = static_cast<std::size_t>(rows_) * static_cast<std::size_t>(cols_);
    plus_.reserve(count);
    minus_.reserve(count);
    for (std::size_t k = 0; k < count; ++k) {
        plus_.push_back(model_.make_device(device_rng));
        minus_.push_back(model_.make_device(device_rng));
    }
    cache_.rebuild(plus_, minus_);
}

// ---- mapping ----

double PairStorage::pair_weight(std::size_t k) const {
    const double dg = model_.conductance_S(plus_[k]) - model_.conductance_S(minus_[k]);
    return w_max_ * dg / calibration_.g_range_S();
}

double PairStorage::target_conductance_S(const DeviceState& partner, double w) const {
    return model_.conductance_S(partner) + std::abs(w) * calibration_.g_range_S() / w_max_;
}

Eigen::MatrixXf PairStorage::weights() const {
    Eigen::MatrixXf w(rows_, cols_);
    for (int j = 0; j < cols_; ++j) {
        for (int i = 0; i < rows_; ++i) w(i, j) = static_cast<float>(pair_weight(index(i, j)));
    }
    return w;
}

Eigen::MatrixXd PairStorage::conductances_S(PairSide side) const {
    const std::vector<DeviceState>& devices = states(side);
    Eigen::MatrixXd g(rows_, cols_);
    for (int j = 0; j < cols_; ++j) {
        for (int i = 0; i < rows_; ++i) g(i, j) = model_.conductance_S(devices[index(i, j)]);
    }
    return g;
}

Eigen::MatrixXd PairStorage::levels(PairSide side) const {
    const std::vector<DeviceState>& devices = states(side);
    Eigen::MatrixXd l(rows_, cols_);
    for (int j = 0; j < cols_; ++j) {
        for (int i = 0; i < rows_; ++i) l(i, j) = model_.level(devices[index(i, j)]);
    }
    return l;
}

double PairStorage::clip_weight(double w, DeviceArrayCounters& counters) const {
    if (std::abs(w) <= w_max_) return w;
    ++counters.clipped_weights;
    return std::copysign(w_max_, w);
}

// ---- programming ----

void PairStorage::program_initial(const Eigen::MatrixXf& weights, WriteContext& write) {
    for (int j = 0; j < cols_; ++j) {
        for (int i = 0; i < rows_; ++i) {
            const std::size_t k = index(i, j);
            const double w = clip_weight(weights(i, j), write.counters);
            program_level(plus_[k], 0.0, write);
            program_level(minus_[k], 0.0, write);
            DeviceState& on = w >= 0.0 ? plus_[k] : minus_[k];
            const DeviceState& off = w >= 0.0 ? minus_[k] : plus_[k];
            program_device(on, target_conductance_S(off, w), write);
        }
    }
}

void PairStorage::program_pair(std::size_t k, double w, WriteContext& write) {
    w = clip_weight(w, write.counters);
    DeviceState& on = w >= 0.0 ? plus_[k] : minus_[k];
    DeviceState& off = w >= 0.0 ? minus_[k] : plus_[k];
    if (model_.level(off) > model_.level(on)) program_to_zero(off, write);
    program_device(on, target_conductance_S(off, w), write);
}

// Program-and-verify (header): a first write on the nominal line, then Newton corrections on the
// measured conductance. The tolerance never goes below twice the model's programming noise, since
// no number of retries of one noisy write can beat it without averaging the noise away.
void PairStorage::program_device(DeviceState& device, double g_target_S, WriteContext& write) {
    const double range = calibration_.g_range_S();
    const double tolerance = std::max(program_tolerance_ * range, 2.0 * calibration_.programming_noise_S);
    double f = std::clamp((g_target_S - calibration_.g_low_S) / range, 0.0, 1.0);
    for (int attempt = 0; attempt < program_verify_iterations_; ++attempt) {
        program_level(device, f, write);
        const double error = g_target_S - model_.conductance_S(device);
        if (std::abs(error) <= tolerance) return;
        const double slope = model_.dconductance_dlevel_S(device);
        if (!(slope > 0.0)) return;
        const double next = std::clamp(f + error / slope, 0.0, 1.0);
        if (next == f) return;  // pinned at an end of the range
        f = next;
    }
}

void PairStorage::program_to_zero(DeviceState& device, WriteContext& write) { program_level(device, 0.0, write); }

void PairStorage::program_level(DeviceState& device, double level, WriteContext& write) {
    if (recording_) {
        // The state is set absolutely: the pulses before it no longer decide where the device ends.
        if (const auto open = open_history_.find(&device); open != open_history_.end()) {
            histories_[open->second].polarities.clear();
            open_history_.erase(open);
        }
    }
    const DeviceState before = device;
    model_.set_level(device, level, write.program);
    written(device);
    ++write.counters.programming_writes;
    write.counters.write_energy_J += model_.program_energy_J(before, device);
}

// ---- pulses and time ----

void PairStorage::pulse_device(DeviceState& device, const Pulse& pulse, WriteContext& write) {
    if (recording_) {
        auto [open, first] = open_history_.emplace(&device, histories_.size());
        if (first) {
            const auto [side, index] = locate(device);
            histories_.push_back({side, index, device, device, {}});
        }
        histories_[open->second].polarities.push_back(pulse.polarity);
    }
    const DeviceState before = device;
    model_.apply_pulse(device, pulse, write.update);
    written(device);
    write.counters.write_energy_J += model_.write_energy_J(before, device, pulse);
}

// Bidirectional pairs depress the device that holds weight of the other sign while it is above the
// floor, else potentiate (header).
void PairStorage::pulse_pair(std::size_t k, int direction, int count, WriteContext& write) {
    DeviceState& up = direction > 0 ? plus_[k] : minus_[k];
    DeviceState& down = direction > 0 ? minus_[k] : plus_[k];
    for (int p = 0; p < count; ++p) {
        if (!potentiate_only_ && model_.level(down) > depress_floor_level_) {
            pulse_device(down, depress_pulse_, write);
        } else {
            pulse_device(up, potentiate_pulse_, write);
        }
    }
    write.counters.update_pulses += static_cast<std::uint64_t>(count);
}

void PairStorage::depress(DeviceState& device, WriteContext& write) {
    pulse_device(device, depress_pulse_, write);
    ++write.counters.update_pulses;
}

void PairStorage::evolve(double dt_s, Rng& rng) {
    for (std::size_t k = 0; k < plus_.size(); ++k) {
        model_.evolve(plus_[k], dt_s, rng);
        model_.evolve(minus_[k], dt_s, rng);
    }
    cache_.rebuild(plus_, minus_);  // drift moves every device
}

// The writers above take a device by reference (the refresh policy hands them pairs' devices): its
// side and index follow from its address. std::less orders pointers into different vectors.
std::pair<PairSide, std::size_t> PairStorage::locate(const DeviceState& device) const {
    const std::less<const DeviceState*> before;
    const DeviceState* at = &device;
    if (!before(at, plus_.data()) && before(at, plus_.data() + plus_.size())) return {PairSide::plus, static_cast<std::size_t>(at - plus_.data())};
    assert(!before(at, minus_.data()) && before(at, minus_.data() + minus_.size()));
    return {PairSide::minus, static_cast<std::size_t>(at - minus_.data())};
}

void PairStorage::written(const DeviceState& device) {
    if (!cache_.active()) return;
    const auto [side, index] = locate(device);
    cache_.update(side, index, device);
}

// ---- replay ----

void PairStorage::record_pulses(bool on) {
    recording_ = on;
    histories_.clear();
    open_history_.clear();
}

std::vector<PulseHistory> PairStorage::take_pulse_histories() {
    std::vector<PulseHistory> taken;
    for (PulseHistory& h : histories_) {
        if (h.polarities.empty()) continue;  // programmed after its pulses
        h.predicted = states(h.side)[h.index];
        taken.push_back(std::move(h));
    }
    histories_.clear();
    open_history_.clear();
    return taken;
}

void PairStorage::replace(PairSide side, std::size_t index, const DeviceState& state) {
    DeviceState& device = states(side).at(index);
    device = state;
    written(device);
}

}  // namespace cimkit::training
