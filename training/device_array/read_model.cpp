#include "training/device_array/read_model.hpp"

#include <cassert>
#include <cmath>
#include <utility>

#include "circuits/crossbar_newton.hpp"
#include "training/device_array/refusal.hpp"

namespace cimkit::training {

ReadModel::ReadModel(const DeviceModel& model, const DeviceArrayOptions& options)
    : model_(model),
      x_max_(options.x_max),
      backward_input_max_(options.backward_input_max),
      read_time_s_(options.read_time_s),
      dac_levels_(options.dac_bits > 0 ? std::ldexp(1.0, options.dac_bits) - 1.0 : 0.0),
      dac_energy_per_conversion_J_(options.dac_bits > 0 ? options.dac_energy_per_step_J * std::ldexp(1.0, options.dac_bits) : 0.0),
      input_encoding_(options.input_encoding),
      adc_(options),
      two_phase_read_(options.two_phase_read),
      wire_farad_(options.wire_farad),
      forward_wires_{options.wire_ohm, options.wire_ohm, options.driver_ohm, options.readout_input_ohm},
      transposed_wires_{options.wire_ohm, options.wire_ohm, 0.0, options.driver_ohm},
      read_noise_(model.has_read_noise()),
      v_read_V_(model.read_voltage_V()) {}

double ReadModel::read_scale(const PairStorage& pairs, double input_max) const {
    return drift_gain_ * pairs.w_max() * input_max / (pairs.calibration().g_range_S() * model_.read_voltage_V());
}

Eigen::VectorXf ReadModel::output(const PairStorage& pairs, const Eigen::VectorXd& net_A, double input_max,
                                  DeviceArrayCounters& counters) const {
    // Without a converter the one combined scale, as before converters existed (the same numbers bit
    // for bit); with one, the converter sits between the analog scale and the digital gains.
    if (!adc_.active()) return (net_A * read_scale(pairs, input_max)).cast<float>();
    Eigen::VectorXd u = net_A / (pairs.calibration().g_range_S() * model_.read_voltage_V());
    counters.adc_energy_J += adc_.convert(u);
    return (u * (drift_gain_ * pairs.w_max() * input_max)).cast<float>();
}

void ReadModel::drive_voltages(const Eigen::VectorXf& input, double input_max, Eigen::VectorXd& volts, DeviceArrayCounters& counters) const {
    const double v_read = model_.read_voltage_V();
    std::uint64_t clipped = 0;
    volts.resize(input.size());
    for (Eigen::Index j = 0; j < input.size(); ++j) {
        double u = input(j) / input_max;
        if (std::abs(u) > 1.0) {
            u = std::copysign(1.0, u);
            ++clipped;
        }
        if (dac_levels_ > 0.0) u = std::round(u * dac_levels_) / dac_levels_;
        volts(j) = v_read * u;
    }
    counters.clipped_inputs += clipped;
    counters.dac_energy_J += static_cast<double>(input.size()) * dac_energy_per_conversion_J_;
}

template <typename Current>
double ReadModel::encoded_current_A(double v, const Current& current) const {
    if (input_encoding_ == InputEncoding::pulse_width) {
        const double duty = std::abs(v) / v_read_V_;
        if (v >= 0.0) return duty * current(v_read_V_);
        return two_phase_read_ ? -duty * current(v_read_V_) : duty * current(-v_read_V_);
    }
    if (two_phase_read_ && v < 0.0) return -current(-v);
    return current(v);
}

double ReadModel::line_current_A(double v, const DeviceState& device) const {
    return encoded_current_A(v, [&](double u) { return model_.current_A(u, device); });
}

double ReadModel::ohmic_line_current_A(double v, double g_S) const {
    return encoded_current_A(v, [g_S](double u) { return g_S * u; });
}

double ReadModel::line_voltage_V(double v) const {
    if (input_encoding_ == InputEncoding::pulse_width && v != 0.0) return std::copysign(model_.read_voltage_V(), v);
    return v;
}

// The inner loop of the forward read, one column, whichever way the devices are read.
template <typename Currents, typename Noise>
double ReadModel::add_column(int rows, const Currents& currents, const Noise& noise, ReadScratch& s) const {
    double* plus_sum_A = s.plus_A.data();
    double* minus_sum_A = s.minus_A.data();
    double* variance_A2 = s.variance_A2.data();
    double line_A = 0.0;
    for (int i = 0; i < rows; ++i) {
        const auto [plus_A, minus_A] = currents(i);
        plus_sum_A[i] += plus_A;
        minus_sum_A[i] += minus_A;
        line_A += std::abs(plus_A) + std::abs(minus_A);
        if (read_noise_) {
            const auto [plus_relative, minus_relative] = noise(i);
            variance_A2[i] += noise_variance_A2(plus_A, plus_relative, minus_A, minus_relative);
        }
    }
    return line_A;
}

// One draw per output line, in line order: the sum of the line's independent device fluctuations.
void ReadModel::add_noise(const Eigen::VectorXd& variance_A2, Eigen::VectorXd& net_A, Rng& read_rng) {
    for (Eigen::Index i = 0; i < net_A.size(); ++i) net_A(i) += std::sqrt(variance_A2(i)) * read_rng.normal();
}

// Column by column (the storage order): each input line adds its devices' currents to every output.
Eigen::VectorXf ReadModel::multiply(const PairStorage& pairs, const Eigen::VectorXf& x, DeviceArrayCounters& counters, Rng& read_rng) const {
    const int rows = pairs.rows(), cols = pairs.cols();
    assert(x.size() == cols);
    ReadScratch& s = forward_scratch_;
    drive_voltages(x, x_max_, s.volts, counters);
    s.plus_A.setZero(rows);
    s.minus_A.setZero(rows);
    s.variance_A2.setZero(rows);
    const bool skip_zero = pairs.calibration().zero_current_at_zero_bias;
    double power_W = 0.0;
    const ReadCache& cache = pairs.read_cache();
    for (int j = 0; j < cols; ++j) {
        const double v = s.volts(j);
        if (v == 0.0 && skip_zero) continue;
        const std::size_t first = pairs.index(0, j);
        double line_A = 0.0;
        if (cache.active()) {
            const double* g_plus_S = cache.conductances_S(PairSide::plus).data() + first;
            const double* g_minus_S = cache.conductances_S(PairSide::minus).data() + first;
            const double* r_plus = cache.has_read_noise() ? cache.read_noise_relative(PairSide::plus).data() + first : nullptr;
            const double* r_minus = cache.has_read_noise() ? cache.read_noise_relative(PairSide::minus).data() + first : nullptr;
            const auto noise = [&](int i) { return std::pair{r_plus[i], r_minus[i]}; };
            if (input_encoding_ == InputEncoding::amplitude) {
                // ohmic_line_current_A's amplitude cases written out, the same bits: g v, and for the
                // second phase of a two-phase read -(g (-v)), which is g v exactly (IEEE products are
                // symmetric in sign). Half the cost of the call per device.
                line_A = add_column(rows, [&](int i) { return std::pair{g_plus_S[i] * v, g_minus_S[i] * v}; }, noise, s);
            } else {
                line_A = add_column(
                    rows, [&](int i) { return std::pair{ohmic_line_current_A(v, g_plus_S[i]), ohmic_line_current_A(v, g_minus_S[i])}; },
                    noise, s);
            }
        } else {
            const DeviceState* plus = &pairs.states(PairSide::plus)[first];
            const DeviceState* minus = &pairs.states(PairSide::minus)[first];
            line_A = add_column(
                rows, [&](int i) { return std::pair{line_current_A(v, plus[i]), line_current_A(v, minus[i])}; },
                [&](int i) { return std::pair{model_.read_noise_relative(plus[i]), model_.read_noise_relative(minus[i])}; }, s);
        }
        power_W += model_.read_supply_V(line_voltage_V(v)) * line_A;
    }
    Eigen::VectorXd net_A = s.plus_A - s.minus_A;
    if (circuits::has_resistance(forward_wires_)) wired_forward(pairs, s.volts, net_A, power_W);
    counters.read_energy_J += power_W * read_time_s_;
    counters.wire_energy_J += wire_charge_J(s.volts, 2 * rows);
    if (read_noise_) add_noise(s.variance_A2, net_A, read_rng);
    return output(pairs, net_A, x_max_, counters);
}

double ReadModel::wire_charge_J(const Eigen::VectorXd& volts, int cells_per_line) const {
    if (wire_farad_ == 0.0) return 0.0;
    double sum_V2 = 0.0;
    for (Eigen::Index j = 0; j < volts.size(); ++j) {
        const double line_V = line_voltage_V(volts(j));
        sum_V2 += line_V * line_V;
    }
    return wire_farad_ * cells_per_line * sum_V2;
}

// A linear network for an ohmic model: line relaxation on the devices' conductances, which gives the
// same currents (to 1e-12 of the largest voltage) at ~1 % of Newton's cost at MNIST size. So an ohmic
// layout keeps only the conductances, and no state is copied for it.
template <typename StateOf>
void ReadModel::lay_out(Eigen::Index driven, Eigen::Index lines, const StateOf& state_of) const {
    if (model_.ohmic_read()) {
        wired_g_S_.resize(driven, lines);
        for (Eigen::Index c = 0; c < lines; ++c) {
            for (Eigen::Index r = 0; r < driven; ++r) wired_g_S_(r, c) = model_.conductance_S(state_of(r, c));
        }
        return;
    }
    wired_states_.resize(static_cast<std::size_t>(driven * lines));
    for (Eigen::Index r = 0; r < driven; ++r) {
        for (Eigen::Index c = 0; c < lines; ++c) wired_states_[static_cast<std::size_t>(r * lines + c)] = state_of(r, c);
    }
}

const circuits::CrossbarSolution& ReadModel::solve_wired(Eigen::Index lines, const Eigen::VectorXd& volts,
                                                        const circuits::CrossbarWires& wires) const {
    if (model_.ohmic_read()) return relaxation_.solve(wired_g_S_, volts, wires);
    newton_solution_ = circuits::solve_nonlinear_crossbar(model_, wired_states_, lines, volts, wires);
    return newton_solution_;
}

void ReadModel::wired_forward(const PairStorage& pairs, const Eigen::VectorXd& volts, Eigen::VectorXd& net_A, double& power_W) const {
    const int outputs = pairs.rows(), inputs = pairs.cols();
    const int lines = 2 * outputs;
    const std::vector<DeviceState>& plus = pairs.states(PairSide::plus);
    const std::vector<DeviceState>& minus = pairs.states(PairSide::minus);
    // Input line j is row j; output i's G+ device is on column 2i, its G- on 2i + 1.
    lay_out(inputs, lines, [&](Eigen::Index j, Eigen::Index line) -> const DeviceState& {
        const std::size_t k = pairs.index(static_cast<int>(line / 2), static_cast<int>(j));
        return line % 2 == 0 ? plus[k] : minus[k];
    });
    const circuits::CrossbarSolution& solution = solve_wired(lines, volts, forward_wires_);
    for (int i = 0; i < outputs; ++i) net_A(i) = solution.column_current_A(2 * i) - solution.column_current_A(2 * i + 1);
    if (model_.row_supplies_read_current()) power_W = volts.dot(solution.driver_current_A);
}

// Under pulse-width inputs the drive V_j stands for a pulse of height sign(V_j) V_read and width
// |V_j|/V_read read_time_s, which only the batched strategy's integrator read draws
// (training/reloaded_read.hpp; the settings refuse the others).
Eigen::VectorXd ReadModel::forward_drive_V(const Eigen::VectorXf& x, DeviceArrayCounters& counters) const {
    Eigen::VectorXd volts;
    drive_voltages(x, x_max_, volts, counters);
    return volts;
}

// The circuit summed the noise-free device currents; the read noise of the same devices under the
// same line voltages is added to each output line here (exact for ohmic devices on virtual-ground
// columns, the ideal read-out).
Eigen::VectorXf ReadModel::forward_output(const PairStorage& pairs, const Eigen::VectorXd& volts, const Eigen::VectorXd& net_current_A,
                                          DeviceArrayCounters& counters, Rng& read_rng) const {
    const int rows = pairs.rows(), cols = pairs.cols();
    assert(net_current_A.size() == rows && volts.size() == cols);
    Eigen::VectorXd net_A = net_current_A;
    counters.wire_energy_J += wire_charge_J(volts, 2 * rows);
    if (read_noise_) {
        Eigen::VectorXd variance_A2 = Eigen::VectorXd::Zero(rows);
        for (int j = 0; j < cols; ++j) {
            const double v = volts(j);
            const DeviceState* plus = &pairs.states(PairSide::plus)[pairs.index(0, j)];
            const DeviceState* minus = &pairs.states(PairSide::minus)[pairs.index(0, j)];
            for (int i = 0; i < rows; ++i) {
                variance_A2(i) += noise_variance_A2(line_current_A(v, plus[i]), model_.read_noise_relative(plus[i]),
                                                    line_current_A(v, minus[i]), model_.read_noise_relative(minus[i]));
            }
        }
        add_noise(variance_A2, net_A, read_rng);
    }
    return output(pairs, net_A, x_max_, counters);
}

double ReadModel::backward_range(const Eigen::VectorXf& d) const {
    return backward_input_max_ > 0.0 ? backward_input_max_ : static_cast<double>(d.cwiseAbs().maxCoeff());
}

// The output lines are driven with d, each input line sums its column of devices (the two-phase sum,
// the same bits as the one-phase complementary drive for a device with an odd I-V).
Eigen::VectorXf ReadModel::multiply_transposed(const PairStorage& pairs, const Eigen::VectorXf& d, DeviceArrayCounters& counters,
                                               Rng& read_rng) const {
    const int rows = pairs.rows(), cols = pairs.cols();
    assert(d.size() == rows);
    const double d_max = backward_range(d);
    if (!(d_max > 0.0)) return Eigen::VectorXf::Zero(cols);
    ReadScratch& s = backward_scratch_;
    drive_voltages(d, d_max, s.volts, counters);
    s.plus_A.setZero(cols);
    s.minus_A.setZero(cols);
    s.variance_A2.setZero(cols);
    const bool skip_zero = pairs.calibration().zero_current_at_zero_bias;
    // Each output line's supply voltage, taken once per read instead of once per device.
    s.supply_V.resize(rows);
    for (int i = 0; i < rows; ++i) s.supply_V(i) = model_.read_supply_V(line_voltage_V(s.volts(i)));
    const ReadCache& cache = pairs.read_cache();
    double power_W = 0.0;
    for (int j = 0; j < cols; ++j) {
        const std::size_t first = pairs.index(0, j);
        const DeviceState* plus = &pairs.states(PairSide::plus)[first];
        const DeviceState* minus = &pairs.states(PairSide::minus)[first];
        const double* g_plus_S = cache.active() ? cache.conductances_S(PairSide::plus).data() + first : nullptr;
        const double* g_minus_S = cache.active() ? cache.conductances_S(PairSide::minus).data() + first : nullptr;
        const double* r_plus = cache.has_read_noise() ? cache.read_noise_relative(PairSide::plus).data() + first : nullptr;
        const double* r_minus = cache.has_read_noise() ? cache.read_noise_relative(PairSide::minus).data() + first : nullptr;
        double sum_plus = 0.0, sum_minus = 0.0, variance_A2 = 0.0;
        for (int i = 0; i < rows; ++i) {
            const double v = s.volts(i);
            if (v == 0.0 && skip_zero) continue;
            const double plus_A = g_plus_S ? ohmic_line_current_A(v, g_plus_S[i]) : line_current_A(v, plus[i]);
            const double minus_A = g_minus_S ? ohmic_line_current_A(v, g_minus_S[i]) : line_current_A(v, minus[i]);
            sum_plus += plus_A;
            sum_minus += minus_A;
            power_W += s.supply_V(i) * (std::abs(plus_A) + std::abs(minus_A));
            if (read_noise_) {
                const double plus_relative = r_plus ? r_plus[i] : model_.read_noise_relative(plus[i]);
                const double minus_relative = r_minus ? r_minus[i] : model_.read_noise_relative(minus[i]);
                variance_A2 += noise_variance_A2(plus_A, plus_relative, minus_A, minus_relative);
            }
        }
        s.plus_A(j) = sum_plus;
        s.minus_A(j) = sum_minus;
        s.variance_A2(j) = variance_A2;
    }
    Eigen::VectorXd net_A = s.plus_A - s.minus_A;
    if (circuits::has_resistance(transposed_wires_)) wired_transposed(pairs, s.volts, net_A, power_W);
    counters.read_energy_J += power_W * read_time_s_;
    counters.wire_energy_J += 2.0 * wire_charge_J(s.volts, cols);  // each output's G+ and G- lines
    if (read_noise_) add_noise(s.variance_A2, net_A, read_rng);
    return output(pairs, net_A, d_max, counters);
}

// The transposed read is the forward network turned around: the output lines become the driven
// lines (driven from their sense end), the input lines the sensed ones (sensed at their driver end).
// Numbered as circuits/crossbar_network.hpp numbers a forward array, with both orders reversed:
// driven line r = 2m - 1 - (output line), sensed line c = n - 1 - (input line), device (r, c) =
// the device of input n - 1 - c on output line 2m - 1 - r. Then each driven line's first node is
// the one nearest the old sense end and each sensed line's last node the one nearest the old
// driver, so every segment of the array keeps its place (tests/training/wired_read_test.cpp checks
// the reciprocity this gives: for ohmic devices, the transposed read's matrix is the transpose of
// the forward one's). One solve with the complementary drive for a device with an odd I-V, else
// one per phase (the G+ lines driven, the G- lines at 0 V; then the other way round).
void ReadModel::wired_transposed(const PairStorage& pairs, const Eigen::VectorXd& volts, Eigen::VectorXd& net_A, double& power_W) const {
    const int outputs = pairs.rows(), inputs = pairs.cols();
    const int lines = 2 * outputs;
    const std::vector<DeviceState>& plus = pairs.states(PairSide::plus);
    const std::vector<DeviceState>& minus = pairs.states(PairSide::minus);
    lay_out(lines, inputs, [&](Eigen::Index r, Eigen::Index c) -> const DeviceState& {
        const Eigen::Index line = lines - 1 - r;
        const std::size_t k = pairs.index(static_cast<int>(line / 2), static_cast<int>(inputs - 1 - c));
        return line % 2 == 0 ? plus[k] : minus[k];
    });
    // The sensed currents of one solve with G+ lines at plus_sign V_i and G- lines at minus_sign V_i.
    const auto solve = [&](double plus_sign, double minus_sign, double& phase_power_W) {
        Eigen::VectorXd line_V(lines);
        for (int i = 0; i < outputs; ++i) {
            line_V(lines - 1 - 2 * i) = plus_sign * volts(i);
            line_V(lines - 2 - 2 * i) = minus_sign * volts(i);
        }
        const circuits::CrossbarSolution& solution = solve_wired(inputs, line_V, transposed_wires_);
        phase_power_W = line_V.dot(solution.driver_current_A);
        Eigen::VectorXd sensed_A(inputs);
        for (int j = 0; j < inputs; ++j) sensed_A(j) = solution.column_current_A(inputs - 1 - j);
        return sensed_A;
    };
    double wired_power_W = 0.0;
    if (model_.odd_read_current()) {
        net_A = solve(1.0, -1.0, wired_power_W);
    } else {
        double minus_power_W = 0.0;
        net_A = solve(1.0, 0.0, wired_power_W) - solve(0.0, 1.0, minus_power_W);
        wired_power_W += minus_power_W;
    }
    if (model_.row_supplies_read_current()) power_W = wired_power_W;
}

ReadModel::BackwardDrive ReadModel::backward_drive_V(const Eigen::VectorXf& d, DeviceArrayCounters& counters) const {
    if (input_encoding_ == InputEncoding::pulse_width) {
        refuse("input_encoding = pulse_width is not drawn in the spice engine's transposed read (it drives line voltages); use amplitude");
    }
    BackwardDrive drive;
    drive.d_max = backward_range(d);
    if (drive.d_max > 0.0) {
        drive_voltages(d, drive.d_max, drive.volts, counters);
    } else {
        drive.volts = Eigen::VectorXd::Zero(d.size());
    }
    return drive;
}

// As forward_output, for the transposed read: the noise of the same devices under the same
// complementary drive, one draw per input line.
Eigen::VectorXf ReadModel::backward_output(const PairStorage& pairs, const BackwardDrive& drive, const Eigen::VectorXd& net_current_A,
                                           DeviceArrayCounters& counters, Rng& read_rng) const {
    const int rows = pairs.rows(), cols = pairs.cols();
    assert(net_current_A.size() == cols && drive.volts.size() == rows);
    if (!(drive.d_max > 0.0)) return Eigen::VectorXf::Zero(cols);
    Eigen::VectorXd net_A = net_current_A;
    counters.wire_energy_J += 2.0 * wire_charge_J(drive.volts, cols);
    if (read_noise_) {
        Eigen::VectorXd variance_A2 = Eigen::VectorXd::Zero(cols);
        for (int j = 0; j < cols; ++j) {
            const DeviceState* plus = &pairs.states(PairSide::plus)[pairs.index(0, j)];
            const DeviceState* minus = &pairs.states(PairSide::minus)[pairs.index(0, j)];
            for (int i = 0; i < rows; ++i) {
                const double v = drive.volts(i);
                variance_A2(j) += noise_variance_A2(line_current_A(v, plus[i]), model_.read_noise_relative(plus[i]),
                                                    line_current_A(v, minus[i]), model_.read_noise_relative(minus[i]));
            }
        }
        add_noise(variance_A2, net_A, read_rng);
    }
    return output(pairs, net_A, drive.d_max, counters);
}

// Each input line driven alone at v_read (the one-hot calibration inputs), the magnitudes of the
// differential outputs summed: sum_ij |I+_ij - I-_ij|, noise-free (over m n weights the read noise
// of this sum is negligible, and |.| of a noisy read would bias it).
double ReadModel::calibration_read_A(const PairStorage& pairs) const {
    const double v = model_.read_voltage_V();
    const std::vector<DeviceState>& plus = pairs.states(PairSide::plus);
    const std::vector<DeviceState>& minus = pairs.states(PairSide::minus);
    double sum_A = 0.0;
    for (std::size_t k = 0; k < plus.size(); ++k) sum_A += std::abs(model_.current_A(v, plus[k]) - model_.current_A(v, minus[k]));
    return sum_A;
}

void ReadModel::record_drift_reference(const PairStorage& pairs) {
    drift_reference_A_ = calibration_read_A(pairs);
    drift_gain_ = 1.0;
}

void ReadModel::compensate_drift(const PairStorage& pairs) {
    const double now_A = calibration_read_A(pairs);
    if (drift_reference_A_ > 0.0 && now_A > 0.0) drift_gain_ = drift_reference_A_ / now_A;
}

}  // namespace cimkit::training
