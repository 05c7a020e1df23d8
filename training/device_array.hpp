#pragma once
// The `compact` engine's weight array: a layer's weights held by devices of one DeviceModel, read
// through the devices' own I-V and updated by write pulses whose effect the device physics decides
// (docs/architecture.md#device-faces and docs/architecture.md#training-engines, issue 5).
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
// Read (multiply, y = W x). Input x_j drives its line at V_j = v_read clip(x_j, -x_max, x_max)/x_max
// (clipped inputs are counted). Each output line sums the real device currents,
//   I+_i = sum_j current_A(V_j, G+_ij),  I-_i = sum_j current_A(V_j, G-_ij),
//   y_i = w_max (I+_i - I-_i) / ((G_high - G_low) v_read / x_max),                      (2)
// so an ohmic device (domain wall, PCM) gives y = W x exactly (W from weights()), and a nonlinear
// I-V (gain cell cubic; a MOSFET with lambda > 0 or unequal V_T in a pair) shows in y.
// multiply_transposed (e = W^T d) drives the output lines with d and sums on the input lines, the
// transposed read of a crossbar, with the same two-terminal law current_A(V, state) for each device.
// That assumes the device conducts the same way whichever line drives it: true for the ohmic domain
// wall MTJ and PCM; for the MOSFET it means a symmetric source/drain with the gate held on its
// storage node (the level-1 law swaps source and drain for negative V); for the gain cell, whose
// input is a read-transistor gate, it is an idealisation (a real array needs a second read port or
// a digital transpose). The d -> voltage range is backward_input_max, or, when 0, max|d| of each
// vector (a digital gain before the DACs, undone after the ADCs, so d is never clipped).
// input_encoding: `amplitude` drives V_j as above. `pulse_width` drives every line at the fixed read
// voltage (+-v_read, by the input's sign) for a time proportional to |x_j| / x_max, as the gain-cell
// arrays of Leroux et al. (2025) encode inputs; a line then delivers the charge of
// (|x_j| / x_max) current_A(+-v_read, state) over the read window, so the output is linear in x
// whatever the device's I-V does between 0 and v_read (the I-V's dependence on the stored state
// stays). The spice engine drives amplitudes only and refuses it (forward_drive_V).
// two_phase_read: lines with negative inputs are driven with +|V| in a second read phase whose
// output is subtracted, i.e. each device contributes sign(V) current_A(|V|, state). For a device
// meant for one input polarity (the gain cell's pulse-width inputs) this removes the asymmetry of
// its I-V between +V and -V; the nonlinearity in |V| remains. Twice the read time on hardware.
// Cost: the states live in two contiguous column-major vectors (k = i + m j, Eigen's order;
// DeviceState is not an Eigen scalar) and reads reuse scratch vectors, so a read allocates only its
// result and costs 2 m n current_A calls (~2.3 ns each; 0.36 ms for 784 x 100). Lines at 0 V are
// skipped when the calibration found current_A(0, s) == 0.
//
// Update modes (UpdateMode, fixed at construction), for dw_ij = -lr delta_i x_j:
//   exact       each pair is re-programmed to w_ij + dw_ij (program-and-verify above): the ideal
//               update, stored in devices, no pulse physics.
//   pulse       n_ij = min(round(|dw_ij| / dw_pulse), max_pulses_per_update) nominal pulses through
//               DeviceModel::apply_pulse, dw_pulse = w_max dG_pulse / (G_high - G_low), dG_pulse the
//               mean conductance step of one nominal potentiating pulse at level 0.5
//               (DeviceCalibration). dw > 0 raises w: bidirectional pairs depress G- while G- is
//               above a floor of half a nominal step (in level), else potentiate G+; dw < 0 mirrors
//               that. Potentiate-only pairs (PCM) SET G+ for dw > 0 and G- for dw < 0.
//               Rounding drops the remainder, so an update smaller than dw_pulse / 2 never reaches
//               the device, and when the updates of one sign are systematically the smaller ones
//               (a network's many small corrections against few large ones) training drifts away.
//               accumulate_residual keeps a digital remainder per weight (the mixed-precision
//               scheme of Nandakumar et al., Front. Neurosci. 2020): n_ij is computed from
//               dw_ij + r_ij and r_ij <- dw_ij + r_ij - sign n_ij dw_pulse, bounded to
//               +-max_pulses_per_update dw_pulse. It is open-loop: it counts requested steps, not
//               the device's actual, nonlinear ones.
//               pulse_rounding picks n_ij from u = |dw_ij (+ r_ij)| / dw_pulse:
//                 nearest  n = round(u): a pulse from u >= 1/2, the remainder in [-1/2, 1/2] dw_pulse
//                          and of either sign;
//                 floor    n = floor(u): a pulse only from u >= 1, the remainder in [0, 1) dw_pulse
//                          with the sign of the request. This is the transfer rule of Nandakumar
//                          et al. 2020 (p = floor(|chi| / epsilon), chi <- chi - p epsilon sign chi).
//               With the remainder carried, both deliver the same total on average, but a stream of
//               small updates of random sign crosses the +-1/2 bounds of `nearest` far more often
//               than the +-1 bounds of `floor` (after a transfer at +1/2 the remainder sits at -1/2,
//               on the opposite bound): for Gaussian updates of sigma 0.1 dw_pulse, 15 600 against
//               1 800 pulses per 2e5 updates. Every pulse carries the device's cycle-to-cycle noise
//               and, on a potentiate-only pair, a pull towards w = 0, so fewer pulses for the same
//               net change is what a noisy, nonlinear device needs.
//   stochastic  Gokmen & Vlasov (Front. Neurosci. 2016) stochastic outer product, ESSOP-style
//               trains (Joshi et al., arXiv 2003.11256): for each of BL time slots, input line j
//               fires with probability p_j = min(1, c_x |x_j|) and output line i with
//               q_i = min(1, c_d |delta_i|); a coincidence applies one nominal pulse in the
//               direction of -sign(delta_i x_j), as above. With update management
//               c_x c_d = lr / (BL dw_pulse), c_x / c_d = max|delta| / max|x|, so
//               E[pulses_ij] = BL p_j q_i = |dw_ij| / dw_pulse while no probability exceeds 1
//               (larger requests saturate at p = 1). At most BL pulses per device per update;
//               max_pulses_per_update does not apply.
// The device physics (nonlinear and asymmetric steps, cycle-to-cycle and device-to-device noise,
// saturation at the ends of the range) acts through apply_pulse in both pulse modes.
//
// Weight levels (exact mode, weight_levels = L > 0): every write puts the pair on the grid
// w = n q, q = w_max / L, |n| <= L (a multi-level cell, as multi-level DRAM stores 2 bits per cell).
// An update first reads the pair and rounds it to its level n (undoing leakage and write noise
// below q / 2), then re-programs it to (n + m) q, where m is pulse_rounding's whole count of
// (dw + r) / q and, with accumulate_residual, r carries the rest digitally as in pulse mode; m = 0
// writes nothing. Level refresh (refresh_interval_s > 0, needs weight_levels): every
// refresh_interval_s of evolve() time each pair is read, rounded to its level and re-programmed
// there, like a DRAM refresh. A stored level survives as long as leakage between refreshes and
// the write noise stay below q / 2: for a leak towards 0 V at retention tau from the top of the
// range, v_dd interval / tau < (v_dd / 2L) roughly, i.e. interval < tau / (2L) (tau = 5 ms,
// L = 64: 39 us). evolve() advances time in steps that end on every refresh, so the interval holds
// whatever the caller's dt.
//
// Refresh (potentiate-only pairs, Joshi et al. ISCAS 2021; Nandakumar et al. 2020): after an update,
// a pair with either device above refresh_threshold of its saturation level (PCM: g_sat/g_max, its
// device-to-device factor; 1 for other models) is read (1), both devices are cleared (the model's
// abrupt depression pulse, PCM RESET; set_level(0) for a device with gradual depression that was
// made potentiate-only by option), and w is re-programmed onto one device; |w| is capped so that the
// device lands at most at 0.9 refresh_threshold of its saturation level (the cap is counted as a
// clipped weight). Bidirectional pairs keep one device near level 0 and are never refreshed.
//
// Time: evolve(dt) advances drift (PCM) and leakage (MOSFET gate, gain cell) of every device.
//
// Seeds: all draws come from the Rng given at construction (device-to-device variation from
// stream 0, programming from stream 1, update pulses from stream 2, evolve() from stream 3), or
// from the Rng passed to evolve(dt, rng). Same seed and inputs: bit-identical devices.
//
// Ownership: the array keeps a reference to the model, which must outlive it. multiply() updates a
// mutable counter (clipped inputs), so an array is not to be read from two threads at once.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "devices/core/rng.hpp"
#include "devices/device_model.hpp"
#include "training/array_options.hpp"
#include "training/weight_array.hpp"

namespace cimkit {
class PcmDevice;
}

namespace cimkit::training {

// What the array needs to know about a model, measured once: means over `samples` fresh devices, so
// device-to-device and cycle-to-cycle noise average out to the nominal device's figures, up to the
// noise's nonlinear effects (clipping at the range ends). The DeviceModel interface cannot make a
// noise-free nominal device; for that, calibrate a twin model built with the noise settings at 0.
struct DeviceCalibration {
    double g_low_S = 0.0;          // mean conductance_S after set_level(0)
    double g_high_S = 0.0;         // mean conductance_S after set_level(1)
    double g_mid_S = 0.0;          // mean conductance_S after set_level(0.5)
    double programming_noise_S = 0.0;  // sigma of set_level(0.5), from two programmings of each device
    double dg_potentiate_S = 0.0;  // mean change of one nominal +1 pulse from level 0.5
    double dg_depress_S = 0.0;     // mean change of one nominal -1 pulse from level 0.5 (< 0)
    bool zero_current_at_zero_bias = true;  // current_A(0, s) == 0 at levels 0, 0.5, 1

    double g_range_S() const { return g_high_S - g_low_S; }
    // Depression is gradual when one nominal -1 pulse moves G down by at most 4 potentiation steps.
    bool gradual_depression() const { return dg_depress_S < 0.0 && -dg_depress_S <= 4.0 * dg_potentiate_S; }
};

// Throws ParameterError if the model's range is empty (G_high <= G_low) or a nominal pulse does not
// potentiate at mid-range.
DeviceCalibration calibrate_device(const DeviceModel& model, int samples, Rng& rng);

struct DeviceArrayCounters {
    std::uint64_t update_pulses = 0;       // write pulses through apply_pulse (updates and refresh RESETs)
    std::uint64_t refreshes = 0;           // pairs refreshed (potentiate-only refresh or level refresh)
    std::uint64_t clipped_inputs = 0;      // read inputs beyond +-x_max (forward) or +-backward_input_max
    std::uint64_t clipped_weights = 0;     // programming targets cut to the representable range
    std::uint64_t capped_updates = 0;      // pulse-mode updates cut to max_pulses_per_update
    std::uint64_t programming_writes = 0;  // set_level calls (initial weights, exact updates, refresh)
    double read_energy_J = 0.0;  // sum over reads of read_time_s sum_j V_j (line j's current)
};

enum class PairSide { plus, minus };

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

    Eigen::VectorXf multiply(const Eigen::VectorXf& x) const override;
    Eigen::VectorXf multiply_transposed(const Eigen::VectorXf& d) const override;
    void apply_outer_product(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, float learning_rate) override;
    Eigen::MatrixXf weights() const override;  // (1) from conductance_S of every pair

    // W <- W + dw (m x n) by the array's update mode (exact or pulse; a stochastic array refuses
    // with ParameterError): the update an external circuit computed (the spice engine's update
    // circuit), delivered to the devices as apply_outer_product would deliver -lr delta x^T.
    void apply_weight_changes(const Eigen::MatrixXf& dw) override;

    // Drift and leakage of every device over dt_s seconds (no pulse).
    void evolve(double dt_s, Rng& rng);
    void evolve(double dt_s) override;  // with the array's own evolve stream
    // Re-derives the programming, update and evolve streams from (construction seed, epoch).
    void start_epoch(int epoch) override;
    void record_drift_reference() override;
    void compensate_drift() override;
    ArrayActivity activity() const override;  // update energy NaN: the compact engine has no update circuit
    std::map<std::string, Eigen::MatrixXd> conductances_S() const override;  // "plus", "minus"
    // "plus", "minus" (8 doubles per device, column-major), "counters", "residual" when
    // accumulate_residual is on, "refresh_clock" when level refresh is on.
    ArrayCheckpoint checkpoint() const override;
    void checkpoint_into(ArrayCheckpoint& out) const override;
    void restore(const ArrayCheckpoint& checkpoint) override;

    // The forward read split in two, for an engine that sums the line currents itself (ngspice):
    // the input line voltages (counting clipped inputs) and the outputs (2) from the summed output
    // line currents I+_i - I-_i. read_energy_J is the caller's to add (add_read_energy).
    Eigen::VectorXd forward_drive_V(const Eigen::VectorXf& x) const;
    Eigen::VectorXf forward_output(const Eigen::VectorXd& net_current_A) const;
    void add_read_energy(double energy_J) const { counters_.read_energy_J += energy_J; }
    // The devices in storage order (column-major, k = i + m j); addresses are stable for the
    // array's life, so a circuit may read them live.
    const std::vector<DeviceState>& states(PairSide side) const { return side == PairSide::plus ? plus_ : minus_; }
    const DeviceModel& model() const { return model_; }

    int rows() const { return rows_; }
    int cols() const { return cols_; }
    const DeviceArrayCounters& counters() const { return counters_; }
    const DeviceCalibration& calibration() const { return calibration_; }
    const DeviceArrayOptions& options() const { return options_; }
    bool potentiate_only() const { return potentiate_only_; }
    double pulse_weight_step() const { return dw_pulse_; }  // dw_pulse of the pulse modes
    Eigen::MatrixXd conductances_S(PairSide side) const;    // m x n, conductance_S
    Eigen::MatrixXd levels(PairSide side) const;            // m x n, DeviceModel::level
    const DeviceState& device(int row, int col, PairSide side) const;

private:
    std::size_t index(int row, int col) const { return static_cast<std::size_t>(row) + static_cast<std::size_t>(rows_) * col; }
    double pair_weight(std::size_t k) const;
    double all_on_read_A() const;
    double read_scale(double input_max) const;
    double line_current_A(double v, const DeviceState& device) const;
    double line_voltage_V(double v) const;
    std::uint64_t drive_voltages(const Eigen::VectorXf& input, double input_max, Eigen::VectorXd& volts) const;
    void program_initial(const Eigen::MatrixXf& initial_weights);
    void program_pair(std::size_t k, double w);
    void program_device(DeviceState& device, double g_target_S);
    double clip_weight(double w, double limit);
    template <typename WeightChange>
    void update_exact(const WeightChange& dw);
    template <typename WeightChange>
    void update_pulse(const WeightChange& dw);
    void update_stochastic(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, double lr);
    void pulse_pair(std::size_t k, int direction, int count);
    double saturation_level(const DeviceState& device) const;
    void clear_device(DeviceState& device);
    void refresh_if_needed(std::size_t k);
    void refresh(std::size_t k);
    template <typename WeightChange>
    void update_levels(const WeightChange& dw);
    double level_step() const { return options_.w_max / options_.weight_levels; }
    double nearest_level_weight(std::size_t k) const;
    void refresh_levels();
    void leak(double dt_s, Rng& rng);

    const DeviceModel& model_;
    const PcmDevice* pcm_;  // the model if it is PCM (its per-device saturation level), else null
    DeviceCalibration calibration_;
    DeviceArrayOptions options_;
    int rows_, cols_;
    bool potentiate_only_;
    double dw_pulse_;              // weight change of one nominal potentiating pulse at mid-range
    double depress_floor_level_;   // bidirectional: depress the held device only above this level
    Pulse potentiate_pulse_, depress_pulse_;
    std::vector<DeviceState> plus_, minus_;  // column-major m x n, Eigen's order: k = i + m j
    std::vector<double> residual_;           // accumulate_residual: per-weight remainder, same order
    double drift_reference_A_ = 0.0;         // all-inputs-on read current when the reference was recorded
    double drift_gain_ = 1.0;                // read scale correction from compensate_drift()
    double since_refresh_s_ = 0.0;           // level refresh: evolve() time since the last one
    Rng base_rng_;  // the construction seed, from which start_epoch derives the streams
    Rng device_rng_, program_rng_, update_rng_, evolve_rng_;
    mutable DeviceArrayCounters counters_;  // reads count clipped inputs
    struct ReadScratch {
        Eigen::VectorXd volts, plus_A, minus_A;  // sized on first use, reused by every read
    };
    mutable ReadScratch forward_scratch_, backward_scratch_;
    std::vector<unsigned char> input_fires_, output_fires_;  // stochastic scratch
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
