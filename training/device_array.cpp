#include "training/device_array.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <tuple>
#include <memory>
#include <sstream>
#include <utility>

#include "devices/core/errors.hpp"
#include "devices/pcm.hpp"

namespace cimkit::training {
namespace {

std::string number(double value) {
    std::ostringstream out;
    out.precision(6);
    out << value;
    return out.str();
}

[[noreturn]] void fail(const std::string& rule) { throw ParameterError("device array: " + rule); }

void require_at_least_one(const std::string& field, int value) {
    if (value < 1) fail(field + " = " + std::to_string(value) + " must be >= 1");
}

void check_weights(const Eigen::MatrixXf& w) {
    if (w.rows() < 1 || w.cols() < 1) {
        fail("initial weights are " + std::to_string(w.rows()) + " x " + std::to_string(w.cols()) +
             "; an array needs at least one row and one column");
    }
    for (Eigen::Index j = 0; j < w.cols(); ++j) {
        for (Eigen::Index i = 0; i < w.rows(); ++i) {
            if (!std::isfinite(w(i, j))) {
                fail("initial weight (" + std::to_string(i) + ", " + std::to_string(j) + ") = " + number(w(i, j)) + " is not finite");
            }
        }
    }
}

// Running sums of calibrate_device.
struct CalibrationSums {
    double low = 0.0, high = 0.0, mid = 0.0, noise_sq = 0.0, up = 0.0, down = 0.0;
    bool zero_current = true;
};

// One device: its conductance at levels 0 and 1, twice at 0.5, and one nominal pulse each way.
void calibrate_one(const DeviceModel& model, Rng& rng, CalibrationSums& sums) {
    DeviceState device = model.make_device(rng);
    const auto read = [&](const DeviceState& s) {
        sums.zero_current = sums.zero_current && model.current_A(0.0, s) == 0.0;
        return model.conductance_S(s);
    };
    model.set_level(device, 0.0, rng);
    sums.low += read(device);
    model.set_level(device, 1.0, rng);
    sums.high += read(device);
    DeviceState again = device;
    model.set_level(device, 0.5, rng);
    model.set_level(again, 0.5, rng);
    const double g_mid = read(device);
    sums.mid += g_mid;
    // Two programmings of the same device differ by programming noise only (its variation cancels):
    // var(g1 - g2) = 2 sigma^2.
    sums.noise_sq += 0.5 * (g_mid - read(again)) * (g_mid - read(again));
    DeviceState up = device, down = device;
    model.apply_pulse(up, model.nominal_pulse(+1), rng);
    model.apply_pulse(down, model.nominal_pulse(-1), rng);
    sums.up += read(up) - g_mid;
    sums.down += read(down) - g_mid;
}

}  // namespace

DeviceCalibration calibrate_device(const DeviceModel& model, int samples, Rng& rng) {
    require_at_least_one("calibration_samples", samples);
    CalibrationSums sums;
    for (int s = 0; s < samples; ++s) calibrate_one(model, rng, sums);
    const double n = samples;
    DeviceCalibration c;
    c.g_low_S = sums.low / n;
    c.g_high_S = sums.high / n;
    c.g_mid_S = sums.mid / n;
    c.programming_noise_S = std::sqrt(sums.noise_sq / n);
    c.dg_potentiate_S = sums.up / n;
    c.dg_depress_S = sums.down / n;
    c.zero_current_at_zero_bias = sums.zero_current;
    if (!(c.g_range_S() > 0.0)) {
        fail("device '" + model.name() + "': G at level 1 (" + number(c.g_high_S) + " S) must exceed G at level 0 (" +
             number(c.g_low_S) + " S)");
    }
    if (!(c.dg_potentiate_S > 0.0)) {
        fail("device '" + model.name() + "': a nominal +1 pulse at mid-range must raise G (measured " + number(c.dg_potentiate_S) + " S)");
    }
    return c;
}

DeviceArray::DeviceArray(const DeviceModel& model, const DeviceCalibration& calibration, const Eigen::MatrixXf& initial_weights,
                         const DeviceArrayOptions& options, Rng rng)
    : model_(model),
      pcm_(dynamic_cast<const PcmDevice*>(&model)),
      calibration_(calibration),
      options_(options),
      rows_(static_cast<int>(initial_weights.rows())),
      cols_(static_cast<int>(initial_weights.cols())),
      potentiate_only_(options.pair_policy == PairPolicy::automatic ? !calibration.gradual_depression()
                                                                    : options.pair_policy == PairPolicy::potentiate_only),
      dw_pulse_(options.w_max * calibration.dg_potentiate_S / calibration.g_range_S()),
      depress_floor_level_(0.5 * calibration.dg_potentiate_S / calibration.g_range_S()),
      potentiate_pulse_(model.nominal_pulse(+1)),
      depress_pulse_(model.nominal_pulse(-1)),
      base_rng_(rng),
      device_rng_(rng.stream(0)),
      program_rng_(rng.stream(1)),
      update_rng_(rng.stream(2)),
      evolve_rng_(rng.stream(3)) {
    validate(options_);
    check_weights(initial_weights);
    if (!(calibration_.g_range_S() > 0.0 && calibration_.dg_potentiate_S > 0.0)) {
        fail("calibration of '" + model.name() + "' has an empty range or no potentiation (use calibrate_device)");
    }
    const std::size_t count = static_cast<std::size_t>(rows_) * static_cast<std::size_t>(cols_);
    plus_.reserve(count);
    minus_.reserve(count);
    for (std::size_t k = 0; k < count; ++k) {
        plus_.push_back(model_.make_device(device_rng_));
        minus_.push_back(model_.make_device(device_rng_));
    }
    if (options_.accumulate_residual) residual_.assign(count, 0.0);
    program_initial(initial_weights);
}

DeviceArray::DeviceArray(const DeviceModel& model, const Eigen::MatrixXf& initial_weights, const DeviceArrayOptions& options, Rng rng)
    : DeviceArray(model,
                  [&] {
                      validate(options);
                      Rng calibration_rng = rng.stream(4);
                      return calibrate_device(model, options.calibration_samples, calibration_rng);
                  }(),
                  initial_weights, options, rng) {}

// ---- mapping and programming ----

double DeviceArray::pair_weight(std::size_t k) const {
    const double dg = model_.conductance_S(plus_[k]) - model_.conductance_S(minus_[k]);
    return options_.w_max * dg / calibration_.g_range_S();
}

double DeviceArray::clip_weight(double w, double limit) {
    if (std::abs(w) <= limit) return w;
    ++counters_.clipped_weights;
    return std::copysign(limit, w);
}

void DeviceArray::program_initial(const Eigen::MatrixXf& initial_weights) {
    for (int j = 0; j < cols_; ++j) {
        for (int i = 0; i < rows_; ++i) {
            const std::size_t k = index(i, j);
            const double w = clip_weight(initial_weights(i, j), options_.w_max);
            model_.set_level(plus_[k], 0.0, program_rng_);
            model_.set_level(minus_[k], 0.0, program_rng_);
            counters_.programming_writes += 2;
            DeviceState& on = w >= 0.0 ? plus_[k] : minus_[k];
            const DeviceState& off = w >= 0.0 ? minus_[k] : plus_[k];
            program_device(on, model_.conductance_S(off) + std::abs(w) * calibration_.g_range_S() / options_.w_max);
        }
    }
}

// Re-programs pair k to hold w: on the device of w's sign, relative to the partner's actual
// conductance. If the partner held the old weight (it is the higher of the two), it is cleared first.
void DeviceArray::program_pair(std::size_t k, double w) {
    w = clip_weight(w, options_.w_max);
    DeviceState& on = w >= 0.0 ? plus_[k] : minus_[k];
    DeviceState& off = w >= 0.0 ? minus_[k] : plus_[k];
    if (model_.level(off) > model_.level(on)) {
        model_.set_level(off, 0.0, program_rng_);
        ++counters_.programming_writes;
    }
    program_device(on, model_.conductance_S(off) + std::abs(w) * calibration_.g_range_S() / options_.w_max);
}

// Program-and-verify (header): a first write on the nominal line, then Newton corrections on the
// measured conductance. The tolerance never goes below twice the model's programming noise, since
// no number of retries of one noisy write can beat it without averaging the noise away.
void DeviceArray::program_device(DeviceState& device, double g_target_S) {
    const double range = calibration_.g_range_S();
    const double tolerance = std::max(options_.program_tolerance * range, 2.0 * calibration_.programming_noise_S);
    double f = std::clamp((g_target_S - calibration_.g_low_S) / range, 0.0, 1.0);
    for (int attempt = 0; attempt < options_.program_verify_iterations; ++attempt) {
        model_.set_level(device, f, program_rng_);
        ++counters_.programming_writes;
        const double error = g_target_S - model_.conductance_S(device);
        if (std::abs(error) <= tolerance) return;
        const double slope = model_.dconductance_dlevel_S(device);
        if (!(slope > 0.0)) return;
        const double next = std::clamp(f + error / slope, 0.0, 1.0);
        if (next == f) return;  // pinned at an end of the range
        f = next;
    }
}

// ---- read ----

double DeviceArray::read_scale(double input_max) const {
    return drift_gain_ * options_.w_max * input_max / (calibration_.g_range_S() * model_.read_voltage_V());
}

std::uint64_t DeviceArray::drive_voltages(const Eigen::VectorXf& input, double input_max, Eigen::VectorXd& volts) const {
    const double v_read = model_.read_voltage_V();
    std::uint64_t clipped = 0;
    volts.resize(input.size());
    for (Eigen::Index j = 0; j < input.size(); ++j) {
        double u = input(j) / input_max;
        if (std::abs(u) > 1.0) {
            u = std::copysign(1.0, u);
            ++clipped;
        }
        volts(j) = v_read * u;
    }
    return clipped;
}

double DeviceArray::line_current_A(double v, const DeviceState& device) const {
    if (options_.input_encoding == InputEncoding::pulse_width) {
        const double v_read = model_.read_voltage_V(), duty = std::abs(v) / v_read;
        if (v >= 0.0) return duty * model_.current_A(v_read, device);
        return options_.two_phase_read ? -duty * model_.current_A(v_read, device) : duty * model_.current_A(-v_read, device);
    }
    if (options_.two_phase_read && v < 0.0) return -model_.current_A(-v, device);
    return model_.current_A(v, device);
}

// The voltage across a line's devices while it conducts (read energy): v itself, or +-v_read for
// pulse-width inputs (whose line currents above are already averaged over the read window).
double DeviceArray::line_voltage_V(double v) const {
    if (options_.input_encoding == InputEncoding::pulse_width && v != 0.0) return std::copysign(model_.read_voltage_V(), v);
    return v;
}

// Column by column (the storage order): each input line adds its devices' currents to every output.
Eigen::VectorXf DeviceArray::multiply(const Eigen::VectorXf& x) const {
    assert(x.size() == cols_);
    ReadScratch& s = forward_scratch_;
    counters_.clipped_inputs += drive_voltages(x, options_.x_max, s.volts);
    s.plus_A.setZero(rows_);
    s.minus_A.setZero(rows_);
    double power_W = 0.0;
    for (int j = 0; j < cols_; ++j) {
        const double v = s.volts(j);
        if (v == 0.0 && calibration_.zero_current_at_zero_bias) continue;
        const DeviceState* plus = &plus_[index(0, j)];
        const DeviceState* minus = &minus_[index(0, j)];
        double line_A = 0.0;
        for (int i = 0; i < rows_; ++i) {
            const double plus_A = line_current_A(v, plus[i]), minus_A = line_current_A(v, minus[i]);
            s.plus_A(i) += plus_A;
            s.minus_A(i) += minus_A;
            line_A += plus_A + minus_A;
        }
        power_W += line_voltage_V(v) * line_A;
    }
    counters_.read_energy_J += power_W * options_.read_time_s;
    return forward_output(s.plus_A - s.minus_A);
}

Eigen::VectorXd DeviceArray::forward_drive_V(const Eigen::VectorXf& x) const {
    assert(x.size() == cols_);
    if (options_.input_encoding == InputEncoding::pulse_width) {
        fail("input_encoding = pulse_width is not drawn in the spice engine's read circuit (it drives line voltages); use amplitude");
    }
    Eigen::VectorXd volts;
    counters_.clipped_inputs += drive_voltages(x, options_.x_max, volts);
    return volts;
}

Eigen::VectorXf DeviceArray::forward_output(const Eigen::VectorXd& net_current_A) const {
    assert(net_current_A.size() == rows_);
    return (net_current_A * read_scale(options_.x_max)).cast<float>();
}

// The output lines are driven with d, each input line sums its column of devices.
Eigen::VectorXf DeviceArray::multiply_transposed(const Eigen::VectorXf& d) const {
    assert(d.size() == rows_);
    const double d_max = options_.backward_input_max > 0.0 ? options_.backward_input_max : d.cwiseAbs().maxCoeff();
    if (!(d_max > 0.0)) return Eigen::VectorXf::Zero(cols_);
    ReadScratch& s = backward_scratch_;
    counters_.clipped_inputs += drive_voltages(d, d_max, s.volts);
    s.plus_A.setZero(cols_);
    s.minus_A.setZero(cols_);
    const bool skip_zero = calibration_.zero_current_at_zero_bias;
    double power_W = 0.0;
    for (int j = 0; j < cols_; ++j) {
        const DeviceState* plus = &plus_[index(0, j)];
        const DeviceState* minus = &minus_[index(0, j)];
        double sum_plus = 0.0, sum_minus = 0.0;
        for (int i = 0; i < rows_; ++i) {
            const double v = s.volts(i);
            if (v == 0.0 && skip_zero) continue;
            const double plus_A = line_current_A(v, plus[i]), minus_A = line_current_A(v, minus[i]);
            sum_plus += plus_A;
            sum_minus += minus_A;
            power_W += line_voltage_V(v) * (plus_A + minus_A);
        }
        s.plus_A(j) = sum_plus;
        s.minus_A(j) = sum_minus;
    }
    counters_.read_energy_J += power_W * options_.read_time_s;
    return ((s.plus_A - s.minus_A) * read_scale(d_max)).cast<float>();
}

Eigen::MatrixXf DeviceArray::weights() const {
    Eigen::MatrixXf w(rows_, cols_);
    for (int j = 0; j < cols_; ++j) {
        for (int i = 0; i < rows_; ++i) w(i, j) = static_cast<float>(pair_weight(index(i, j)));
    }
    return w;
}

Eigen::MatrixXd DeviceArray::conductances_S(PairSide side) const {
    const std::vector<DeviceState>& devices = side == PairSide::plus ? plus_ : minus_;
    Eigen::MatrixXd g(rows_, cols_);
    for (int j = 0; j < cols_; ++j) {
        for (int i = 0; i < rows_; ++i) g(i, j) = model_.conductance_S(devices[index(i, j)]);
    }
    return g;
}

Eigen::MatrixXd DeviceArray::levels(PairSide side) const {
    const std::vector<DeviceState>& devices = side == PairSide::plus ? plus_ : minus_;
    Eigen::MatrixXd l(rows_, cols_);
    for (int j = 0; j < cols_; ++j) {
        for (int i = 0; i < rows_; ++i) l(i, j) = model_.level(devices[index(i, j)]);
    }
    return l;
}

const DeviceState& DeviceArray::device(int row, int col, PairSide side) const {
    assert(row >= 0 && row < rows_ && col >= 0 && col < cols_);
    return side == PairSide::plus ? plus_[index(row, col)] : minus_[index(row, col)];
}

// ---- update ----

void DeviceArray::apply_outer_product(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, float learning_rate) {
    assert(x.size() == cols_ && delta.size() == rows_);
    const double lr = learning_rate;
    const auto dw = [&](int i, int j) { return -lr * static_cast<double>(delta(i)) * static_cast<double>(x(j)); };
    switch (options_.update_mode) {
        case UpdateMode::exact: update_exact(dw); return;
        case UpdateMode::pulse: update_pulse(dw); return;
        case UpdateMode::stochastic: update_stochastic(x, delta, lr); return;
    }
}

void DeviceArray::apply_weight_changes(const Eigen::MatrixXf& dw) {
    assert(dw.rows() == rows_ && dw.cols() == cols_);
    const auto change = [&](int i, int j) { return static_cast<double>(dw(i, j)); };
    switch (options_.update_mode) {
        case UpdateMode::exact: update_exact(change); return;
        case UpdateMode::pulse: update_pulse(change); return;
        case UpdateMode::stochastic: fail("update_mode = stochastic draws its own pulse trains; it cannot apply a given dW");
    }
}

template <typename WeightChange>
void DeviceArray::update_exact(const WeightChange& weight_change) {
    if (options_.weight_levels > 0) {
        update_levels(weight_change);
        return;
    }
    for (int j = 0; j < cols_; ++j) {
        for (int i = 0; i < rows_; ++i) {
            const double dw = weight_change(i, j);
            if (dw == 0.0) continue;
            const std::size_t k = index(i, j);
            program_pair(k, pair_weight(k) + dw);
        }
    }
}

template <typename WeightChange>
void DeviceArray::update_pulse(const WeightChange& weight_change) {
    const int cap = options_.max_pulses_per_update;
    const bool carry = options_.accumulate_residual;
    const bool use_floor = options_.pulse_rounding == PulseRounding::floor;
    const double first = use_floor ? 1.0 : 0.5;  // the smallest u that gives one pulse
    for (int j = 0; j < cols_; ++j) {
        for (int i = 0; i < rows_; ++i) {
            const std::size_t k = index(i, j);
            const double dw = weight_change(i, j) + (carry ? residual_[k] : 0.0);
            const double pulses = std::abs(dw) / dw_pulse_;
            if (!(pulses >= first)) {  // rounds to 0 (or is NaN)
                if (carry && std::isfinite(dw)) residual_[k] = dw;
                continue;
            }
            int count = cap;
            if (pulses < cap + first) {
                count = static_cast<int>(use_floor ? std::floor(pulses) : std::round(pulses));
            } else {
                ++counters_.capped_updates;
            }
            if (carry) {
                const double bound = cap * dw_pulse_;
                residual_[k] = std::clamp(dw - std::copysign(count * dw_pulse_, dw), -bound, bound);
            }
            pulse_pair(k, dw > 0.0 ? +1 : -1, count);
            if (potentiate_only_) refresh_if_needed(k);
        }
    }
}

// The level grid (header): read, round to the level, move by whole levels, keep the rest digitally.
template <typename WeightChange>
void DeviceArray::update_levels(const WeightChange& weight_change) {
    const double q = level_step();
    const bool carry = options_.accumulate_residual;
    const bool use_floor = options_.pulse_rounding == PulseRounding::floor;
    for (int j = 0; j < cols_; ++j) {
        for (int i = 0; i < rows_; ++i) {
            const std::size_t k = index(i, j);
            const double dw = weight_change(i, j) + (carry ? residual_[k] : 0.0);
            const double u = std::abs(dw) / q;
            const double steps = use_floor ? std::floor(u) : std::round(u);
            if (!(steps >= 1.0)) {  // no whole level (or NaN)
                if (carry && std::isfinite(dw)) residual_[k] = dw;
                continue;
            }
            const double signed_steps = std::copysign(steps, dw);
            if (carry) residual_[k] = dw - signed_steps * q;
            program_pair(k, nearest_level_weight(k) + signed_steps * q);
        }
    }
}

double DeviceArray::nearest_level_weight(std::size_t k) const {
    const double q = level_step();
    return std::clamp(std::round(pair_weight(k) / q), -static_cast<double>(options_.weight_levels),
                      static_cast<double>(options_.weight_levels)) * q;
}

void DeviceArray::refresh_levels() {
    for (std::size_t k = 0; k < plus_.size(); ++k) {
        program_pair(k, nearest_level_weight(k));
        ++counters_.refreshes;
    }
}

// Gokmen-Vlasov stochastic trains with update management (header). Every line draws in every slot,
// fired or not, so the stream's use does not depend on the data.
void DeviceArray::update_stochastic(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, double lr) {
    const double x_max = x.cwiseAbs().maxCoeff(), d_max = delta.cwiseAbs().maxCoeff();
    if (!(x_max > 0.0 && d_max > 0.0 && lr > 0.0)) return;
    const int bit_length = options_.stochastic_bit_length;
    const double gain = lr / (bit_length * dw_pulse_);
    const double c_x = std::sqrt(gain * d_max / x_max), c_d = std::sqrt(gain * x_max / d_max);
    input_fires_.resize(static_cast<std::size_t>(cols_));
    output_fires_.resize(static_cast<std::size_t>(rows_));
    for (int slot = 0; slot < bit_length; ++slot) {
        for (int j = 0; j < cols_; ++j) input_fires_[j] = update_rng_.uniform() < c_x * std::abs(x(j));
        for (int i = 0; i < rows_; ++i) output_fires_[i] = update_rng_.uniform() < c_d * std::abs(delta(i));
        for (int j = 0; j < cols_; ++j) {
            if (!input_fires_[j]) continue;
            for (int i = 0; i < rows_; ++i) {
                if (output_fires_[i]) pulse_pair(index(i, j), (delta(i) > 0.0f) == (x(j) > 0.0f) ? -1 : +1, 1);
            }
        }
    }
    if (!potentiate_only_) return;
    for (std::size_t k = 0; k < plus_.size(); ++k) refresh_if_needed(k);
}

// `count` nominal pulses moving w in `direction` (+1 up, -1 down). Bidirectional pairs depress the
// device that holds weight of the other sign while it is above the floor, else potentiate.
void DeviceArray::pulse_pair(std::size_t k, int direction, int count) {
    DeviceState& up = direction > 0 ? plus_[k] : minus_[k];
    DeviceState& down = direction > 0 ? minus_[k] : plus_[k];
    for (int p = 0; p < count; ++p) {
        if (!potentiate_only_ && model_.level(down) > depress_floor_level_) {
            model_.apply_pulse(down, depress_pulse_, update_rng_);
        } else {
            model_.apply_pulse(up, potentiate_pulse_, update_rng_);
        }
    }
    counters_.update_pulses += static_cast<std::uint64_t>(count);
}

// The level at which potentiation stops: PCM saturates at g_sat = m g_max (device-to-device m), so a
// device with m < refresh_threshold would otherwise never trigger a refresh. DeviceModel has no such
// query yet; the other models saturate at level 1.
double DeviceArray::saturation_level(const DeviceState& device) const {
    return pcm_ ? pcm_->g_sat_S(device) / pcm_->g_max_S() : 1.0;
}

void DeviceArray::refresh_if_needed(std::size_t k) {
    const double threshold = options_.refresh_threshold;
    if (model_.level(plus_[k]) > threshold * saturation_level(plus_[k]) ||
        model_.level(minus_[k]) > threshold * saturation_level(minus_[k])) {
        refresh(k);
    }
}

// To level 0: the abrupt depression pulse (PCM RESET) where depression is abrupt, else set_level(0).
void DeviceArray::clear_device(DeviceState& device) {
    if (calibration_.gradual_depression()) {
        model_.set_level(device, 0.0, program_rng_);
        ++counters_.programming_writes;
        return;
    }
    model_.apply_pulse(device, depress_pulse_, update_rng_);
    ++counters_.update_pulses;
}

void DeviceArray::refresh(std::size_t k) {
    const double w = pair_weight(k);
    clear_device(plus_[k]);
    clear_device(minus_[k]);
    DeviceState& on = w >= 0.0 ? plus_[k] : minus_[k];
    const DeviceState& off = w >= 0.0 ? minus_[k] : plus_[k];
    const double g_target_S = model_.conductance_S(off) + std::abs(w) * calibration_.g_range_S() / options_.w_max;
    const double level_cap = 0.9 * options_.refresh_threshold * saturation_level(on);
    const double g_cap_S = calibration_.g_low_S + level_cap * calibration_.g_range_S();
    if (g_target_S > g_cap_S) ++counters_.clipped_weights;
    program_device(on, std::min(g_target_S, g_cap_S));
    ++counters_.refreshes;
}

// ---- time ----

void DeviceArray::leak(double dt_s, Rng& rng) {
    for (std::size_t k = 0; k < plus_.size(); ++k) {
        model_.evolve(plus_[k], dt_s, rng);
        model_.evolve(minus_[k], dt_s, rng);
    }
}

// With level refresh, time advances in steps that end on each refresh.
void DeviceArray::evolve(double dt_s, Rng& rng) {
    const double interval = options_.refresh_interval_s;
    if (!(interval > 0.0)) {
        leak(dt_s, rng);
        return;
    }
    double left = dt_s;
    while (left > 0.0) {
        const double step = std::min(left, interval - since_refresh_s_);
        leak(step, rng);
        left -= step;
        since_refresh_s_ += step;
        if (since_refresh_s_ >= interval * (1.0 - 1e-12)) {
            refresh_levels();
            since_refresh_s_ = 0.0;
        }
    }
}

void DeviceArray::evolve(double dt_s) { evolve(dt_s, evolve_rng_); }

// ---- epochs, activity, checkpoints ----

void DeviceArray::start_epoch(int epoch) {
    const auto e = static_cast<std::uint64_t>(epoch);
    program_rng_ = base_rng_.stream(1).stream(e);
    update_rng_ = base_rng_.stream(2).stream(e);
    evolve_rng_ = base_rng_.stream(3).stream(e);
}

double DeviceArray::all_on_read_A() const {
    const double v = model_.read_voltage_V();
    double sum_A = 0.0;
    for (std::size_t k = 0; k < plus_.size(); ++k) sum_A += model_.current_A(v, plus_[k]) + model_.current_A(v, minus_[k]);
    return sum_A;
}

void DeviceArray::record_drift_reference() {
    drift_reference_A_ = all_on_read_A();
    drift_gain_ = 1.0;
}

void DeviceArray::compensate_drift() {
    const double now_A = all_on_read_A();
    if (drift_reference_A_ > 0.0 && now_A > 0.0) drift_gain_ = drift_reference_A_ / now_A;
}

ArrayActivity DeviceArray::activity() const {
    return {counters_.update_pulses, counters_.read_energy_J, std::numeric_limits<double>::quiet_NaN()};
}

std::map<std::string, Eigen::MatrixXd> DeviceArray::conductances_S() const {
    return {{"plus", conductances_S(PairSide::plus)}, {"minus", conductances_S(PairSide::minus)}};
}

namespace {

constexpr std::size_t state_size = std::tuple_size<decltype(DeviceState::x)>::value;

// Into `out`'s existing storage when it is large enough.
void flatten(const std::vector<DeviceState>& devices, std::vector<double>& out) {
    out.resize(devices.size() * state_size);
    for (std::size_t k = 0; k < devices.size(); ++k) {
        std::copy_n(devices[k].x.begin(), state_size, out.begin() + static_cast<std::ptrdiff_t>(k * state_size));
    }
}

void unflatten(const std::vector<double>& values, std::vector<DeviceState>& devices) {
    for (std::size_t k = 0; k < devices.size(); ++k) {
        std::copy_n(values.begin() + static_cast<std::ptrdiff_t>(k * state_size), state_size, devices[k].x.begin());
    }
}

}  // namespace

ArrayCheckpoint DeviceArray::checkpoint() const {
    ArrayCheckpoint out;
    checkpoint_into(out);
    return out;
}

void DeviceArray::checkpoint_into(ArrayCheckpoint& out) const {
    const DeviceArrayCounters& c = counters_;
    flatten(plus_, out["plus"]);
    flatten(minus_, out["minus"]);
    out["counters"] = {static_cast<double>(c.update_pulses), static_cast<double>(c.refreshes), static_cast<double>(c.clipped_inputs),
                       static_cast<double>(c.clipped_weights), static_cast<double>(c.capped_updates),
                       static_cast<double>(c.programming_writes), c.read_energy_J};
    if (options_.accumulate_residual) out["residual"] = residual_;
    if (options_.refresh_interval_s > 0.0) out["refresh_clock"] = {since_refresh_s_};
    // The epoch's random streams where they stand, for a resume in the middle of an epoch (at an
    // epoch boundary start_epoch re-derives them anyway).
    std::vector<double>& streams = out["rng"];
    streams.clear();
    for (const Rng* rng : {&program_rng_, &update_rng_, &evolve_rng_}) {
        const std::vector<double> state = rng->state();
        streams.insert(streams.end(), state.begin(), state.end());
    }
}

void DeviceArray::restore(const ArrayCheckpoint& checkpoint) {
    const std::size_t values = plus_.size() * state_size;
    unflatten(checkpoint_block(checkpoint, "plus", values), plus_);
    unflatten(checkpoint_block(checkpoint, "minus", values), minus_);
    if (options_.accumulate_residual) residual_ = checkpoint_block(checkpoint, "residual", residual_.size());
    if (options_.refresh_interval_s > 0.0) since_refresh_s_ = checkpoint_block(checkpoint, "refresh_clock", 1)[0];
    if (checkpoint.count("rng")) {  // absent in files written before the streams were checkpointed
        const std::size_t n = Rng::state_size();
        const auto& streams = checkpoint_block(checkpoint, "rng", 3 * n);
        Rng* targets[] = {&program_rng_, &update_rng_, &evolve_rng_};
        for (std::size_t r = 0; r < 3; ++r) {
            targets[r]->restore(std::vector<double>(streams.begin() + static_cast<std::ptrdiff_t>(r * n),
                                                    streams.begin() + static_cast<std::ptrdiff_t>((r + 1) * n)));
        }
    }
    const auto& c = checkpoint_block(checkpoint, "counters", 7);
    const auto count = [](double v) {  // checked first: a corrupt run file must not reach an out-of-range cast
        if (!(v >= 0.0 && v < 0x1p64)) throw ParameterError("checkpoint: block 'counters' holds " + std::to_string(v) + ", not a count");
        return static_cast<std::uint64_t>(v);
    };
    counters_ = {count(c[0]), count(c[1]), count(c[2]), count(c[3]), count(c[4]), count(c[5]), c[6]};
}

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
        return std::make_unique<DeviceArray>(model, calibration, initial_weights, options, Rng(seed).stream(static_cast<std::uint64_t>(layer)));
    };
}

}  // namespace cimkit::training
