#pragma once
// How a DeviceArray (training/device_array.hpp) is read: the matrix-vector products through the
// devices' own I-V, forward and transposed, and the global drift compensation that scales them.
//
// Read (multiply, y = W x). Input x_j drives its line at V_j = v_read clip(x_j, -x_max, x_max)/x_max
// (clipped inputs are counted). With array.dac_bits = b > 0 the drivers are DACs: the fraction
// u = clip(x_j)/x_max becomes round(u (2^b - 1)) / (2^b - 1), b bits of |u| with the sign as the
// driver's polarity (8 bits: the 255 levels of an 8-bit image; 1 bit: on, off or negative), in
// every read of both engines and in pulse-width encoding (a quantised pulse width) alike. Every
// driven line's DAC converts once per read, at array.dac_energy_per_step_J x 2^b (energy_dac_J).
// Each output line sums the real device currents,
//   I+_i = sum_j current_A(V_j, G+_ij),  I-_i = sum_j current_A(V_j, G-_ij),
//   y_i = w_max (I+_i - I-_i) / ((G_high - G_low) v_read / x_max),                      (2)
// so an ohmic device (PCM) gives y = W x exactly (W from (1) in
// training/device_array/pair_storage.hpp), and a nonlinear I-V (gain cell cubic; a MOSFET with
// lambda > 0 or unequal V_T in a pair; the domain wall's MTJ, whose TMR falls with bias) shows in y.
// multiply_transposed (e = W^T d) drives the output lines and sums on the input lines, the
// transposed read of a crossbar: output i's lines at V_i = v_read d_i / d_max, and input line j sums
//   e_j ~ sum_i current_A(V_i, G+_ij) - current_A(V_i, G-_ij),
// with the same two-terminal law current_A(V, state) for each device. Both devices of a pair share
// the input line that senses them, so on hardware the subtraction takes either two phases (the G+
// lines driven, then the G- lines, the difference taken digitally) or, for a device whose I-V is
// odd (DeviceModel::odd_read_current: PCM, the domain wall's MTJ), one phase with the G- line at
// -V_i, whose current into the input line is then exactly -current_A(V_i, G-_ij). A non-odd device
// (the MOSFET, whose gate sits at a fixed potential: at -V_i its source moves and V_GS grows) takes
// the two phases and twice the read window (training/sample_latency.hpp). The transposed read
// assumes the device conducts the same way whichever line drives it: true for PCM and the MTJ; for
// the MOSFET it means a symmetric source/drain with the gate held on its storage node; for the gain
// cell, whose input is a read-transistor gate, it is an idealisation (a real array needs a second
// read port or a digital transpose). The spice engine draws the same drives
// (training/spice_array.hpp). The d -> voltage range is backward_input_max, or, when 0, max|d| of
// each vector (a digital gain before the DACs, undone after the ADCs, so d is never clipped).
//
// input_encoding: `amplitude` drives V_j as above. `pulse_width` drives every line at the fixed read
// voltage (+-v_read, by the input's sign) for a time proportional to |x_j| / x_max, as the gain-cell
// arrays of Leroux et al. (2025) encode inputs; a line then delivers the charge of
// (|x_j| / x_max) current_A(+-v_read, state) over the read window, so the output is linear in x
// whatever the device's I-V does between 0 and v_read (the I-V's dependence on the stored state
// stays). The spice engine draws it as pulses into charge integrators in its batched forward read
// only (training/reloaded_read.hpp); its transposed read refuses it (backward_drive_V).
// two_phase_read: lines with negative inputs are driven with +|V| in a second read phase whose
// output is subtracted, i.e. each device contributes sign(V) current_A(|V|, state). For a device
// meant for one input polarity (the gain cell's pulse-width inputs) this removes the asymmetry of
// its I-V between +V and -V; the nonlinearity in |V| remains. Twice the read time on hardware.
//
// Cost: reads reuse scratch vectors, so a read allocates only its result and costs 2 m n current_A
// calls (~2.3 ns each; 0.36 ms for 784 x 100); an ohmic model's devices are read from the dense
// conductances of the read cache instead (training/device_array/read_cache.hpp), the same bits. Lines at 0 V are skipped when the calibration found
// current_A(0, s) == 0. Read energy: read_time_s sum_j V_supply(V_j) sum_devices |I|, counted per
// read (DeviceModel::read_supply_V): for a two-terminal device V_supply = |V_j|, the power its line
// delivers; for the gain cell, whose signed current comes from its read supplies at +-v_dd
// (circuits/faces/gain_cell_faces.cpp), v_dd |I| whatever the line's voltage.
//
// Read noise (devices whose DeviceModel::has_read_noise(), PCM): every read, forward or transposed,
// is a fresh draw. Each device's conductance fluctuates independently by r = read_noise_relative,
// so its current by |I| r, and an output line's summed current by the Gaussian of variance
// sum_j (I+_ij r+_ij)^2 + (I-_ij r-_ij)^2: one normal per output line and read, drawn in line order
// from the array's read stream: the same distribution as a draw per device, with one draw per
// output line instead of one per device. The spice engine solves the noise-free currents and forward_output adds the same
// per-line noise for the same drive (exact for ohmic devices on the ideal virtual-ground read-out).
// A read is one input vector through one layer (one sample, forward or transposed).
//
// Wires (array.wire_ohm > 0, or line ends: array.driver_ohm > 0, a read-out with an input resistance):
// the forward read solves the array with that resistance on every row and column segment, the
// drivers' output resistance before each row's first cell and the read-out's input resistance after
// each column's last (circuits/crossbar_newton.hpp: Newton on the nodal equations with the devices'
// own current_between_A; for an ohmic model, DeviceModel::ohmic_read, the linear network's line
// relaxation, circuits/crossbar_relaxation.hpp). The physical layout is the spice engine's tile:
// input line j is row j, the two lines of output i are columns 2i (G+) and 2i + 1 (G-), each sensed
// at 0 V at its far end. The whole layer is one array (the spice engine refuses wires on a layer
// split into tiles). The read
// noise is drawn from the ideal-wire device currents (the wires change them by the IR drop, a second-
// order change to a fluctuation), and the read energy is the drivers' sum V_j D_j, which includes
// the wires' dissipation (for a device that draws its read current from its own supply, the gain
// cell, the supplies' energy as without wires). The transposed read solves the same network driven
// from the output lines' sense ends and sensed at the input lines' driver ends (wired_transposed).
// Cost per read, about 2 n m nodes: Newton's sparse solves take milliseconds for Iris and 0.5 to 3 s
// for 784 x 100; the relaxation of an ohmic 784 x 100 layer about 10 ms.
//
// Wire capacitance (array.wire_farad = C per segment node): a read charges each driven line from 0 V
// to its voltage, and the driver delivers C_line V^2 for it (half dissipated while charging through
// the wires, the stored half when the line discharges after the read), C_line = C times the line's
// cells: 2m for an input line of the forward read, n for each output line of the transposed read.
// The sensed lines sit at virtual ground and swing by no more than the IR drop, neglected. Counted in
// energy_wire_J, in both engines (the spice engine's operating point has no time for a capacitor to
// draw charge in). cimkit crossbar measures the same C V^2 from a transient (circuits.md).
//
// Column converter (array.adc_bits > 0, training/device_array/column_adc.hpp): every output line's
// net current, read noise included, is converted before the digital gains (w_max, the input range,
// drift compensation) turn it into (2); the same in the spice engine, after ngspice's currents.
//
// Drift compensation (global drift compensation, Joshi et al., Nat. Commun. 11:2473, 2020; as in
// aihwkit's GlobalDriftCompensation, docs/physics-sources.md; training/weight_array.hpp): the
// calibration read drives each input line alone at v_read and sums the magnitudes of the outputs,
// sum_ij |I+_ij - I-_ij|; record_drift_reference() takes it at programming time, and
// compensate_drift() scales every later read by the ratio of that reference to the same read now.
#include <cstdint>

#include <Eigen/Core>

#include "circuits/crossbar_network.hpp"
#include "circuits/crossbar_relaxation.hpp"
#include "devices/core/rng.hpp"
#include "training/array_options.hpp"
#include "training/device_array/column_adc.hpp"
#include "training/device_array/pair_storage.hpp"

namespace cimkit::training {

class ReadModel {
public:
    // Reads devices of `model` (which must outlive the read model; the pairs passed in hold them).
    ReadModel(const DeviceModel& model, const DeviceArrayOptions& options);

    // y = W x (2) through the devices of `pairs`; counts clipped inputs and read energy.
    // Read noise from read_rng.
    Eigen::VectorXf multiply(const PairStorage& pairs, const Eigen::VectorXf& x, DeviceArrayCounters& counters, Rng& read_rng) const;
    // e = W^T d, the output lines driven.
    Eigen::VectorXf multiply_transposed(const PairStorage& pairs, const Eigen::VectorXf& d, DeviceArrayCounters& counters,
                                        Rng& read_rng) const;

    // The forward read split in two, for an engine that sums the line currents itself (ngspice):
    // the input line voltages (counting clipped inputs; under pulse widths, the V_j that stands for each
    // pulse) and the outputs (2)
    // from the summed output line currents I+_i - I-_i under those voltages, with read noise added.
    Eigen::VectorXd forward_drive_V(const Eigen::VectorXf& x, DeviceArrayCounters& counters) const;
    Eigen::VectorXf forward_output(const PairStorage& pairs, const Eigen::VectorXd& volts, const Eigen::VectorXd& net_current_A,
                                   DeviceArrayCounters& counters, Rng& read_rng) const;

    // The transposed read split the same way: the output-line voltages V_i with the range of d they stand for (0: d is all zeros, nothing to drive), and the outputs
    // e_j from the summed input-line currents under that drive, with read noise added.
    struct BackwardDrive {
        Eigen::VectorXd volts;
        double d_max = 0.0;
    };
    BackwardDrive backward_drive_V(const Eigen::VectorXf& d, DeviceArrayCounters& counters) const;
    Eigen::VectorXf backward_output(const PairStorage& pairs, const BackwardDrive& drive, const Eigen::VectorXd& net_current_A,
                                    DeviceArrayCounters& counters, Rng& read_rng) const;

    void record_drift_reference(const PairStorage& pairs);
    void compensate_drift(const PairStorage& pairs);
    void remove_drift_compensation() { drift_gain_ = 1.0; }  // the reference stays

private:
    double read_scale(const PairStorage& pairs, double input_max) const;
    // The outputs (2) from the net line currents, through the column converter where there is one
    // (its energy counted), then the digital gains.
    Eigen::VectorXf output(const PairStorage& pairs, const Eigen::VectorXd& net_A, double input_max, DeviceArrayCounters& counters) const;
    // Called once per device and read: the model is a member, not an argument, so that the call
    // stays as cheap as the device's own current_A (measured: an extra argument cost 8 % of a
    // compact PCM training run).
    double line_current_A(double v, const DeviceState& device) const;
    // The same for an ohmic model's device of conductance g_S (the read cache's): line_current_A
    // with current_A(u, device) written g_S u, the same bits (training/device_array/read_cache.hpp).
    double ohmic_line_current_A(double v, double g_S) const;
    // What both of them do with the input encoding: the current a line at drive v delivers through
    // a device whose current at u volts is current(u) (inlined: no call per device is added).
    template <typename Current>
    double encoded_current_A(double v, const Current& current) const;
    double line_voltage_V(double v) const;
    // sum_j C cells_per_line line_voltage_V(V_j)^2 over the driven lines.
    double wire_charge_J(const Eigen::VectorXd& volts, int cells_per_line) const;
    // The forward read through the wires: replaces the ideal-wire net line currents and, where the
    // rows supply the devices, the drivers' power.
    void wired_forward(const PairStorage& pairs, const Eigen::VectorXd& volts, Eigen::VectorXd& net_A, double& power_W) const;
    // The wired network of `driven` x `lines` devices, device (r, c) = state_of(r, c), for solve_wired:
    // an ohmic model's conductances (wired_g_S_), another model's states (wired_states_, row-major).
    template <typename StateOf>
    void lay_out(Eigen::Index driven, Eigen::Index lines, const StateOf& state_of) const;
    // The network lay_out left, solved under `volts` (one per driven line): line relaxation for an
    // ohmic model, Newton otherwise. The result stays valid until the next wired solve.
    const circuits::CrossbarSolution& solve_wired(Eigen::Index lines, const Eigen::VectorXd& volts, const circuits::CrossbarWires& wires) const;
    // The same for the transposed read (volts: one per output line pair, as drive_voltages gives them).
    void wired_transposed(const PairStorage& pairs, const Eigen::VectorXd& volts, Eigen::VectorXd& net_A, double& power_W) const;
    double backward_range(const Eigen::VectorXf& d) const;  // backward_input_max, or max|d| when it is 0
    // The line voltages of `input`; counts the clipped inputs and the DACs' conversions.
    void drive_voltages(const Eigen::VectorXf& input, double input_max, Eigen::VectorXd& volts, DeviceArrayCounters& counters) const;
    double calibration_read_A(const PairStorage& pairs) const;
    // The read-noise variance of one pair's two currents, and its draw onto the output lines. Defined
    // here so that the forward read's loop inlines it (as a call it was 8 % of a compact PCM run).
    static double noise_variance_A2(double plus_A, double plus_relative, double minus_A, double minus_relative) {
        const double plus_sigma_A = plus_A * plus_relative, minus_sigma_A = minus_A * minus_relative;
        return plus_sigma_A * plus_sigma_A + minus_sigma_A * minus_sigma_A;
    }
    static void add_noise(const Eigen::VectorXd& variance_A2, Eigen::VectorXd& net_A, Rng& read_rng);

    const DeviceModel& model_;
    double x_max_, backward_input_max_, read_time_s_;
    double dac_levels_;  // 2^dac_bits - 1 levels of |u|; 0: analog drivers
    double dac_energy_per_conversion_J_;  // dac_energy_per_step_J 2^dac_bits; 0: analog drivers
    InputEncoding input_encoding_;
    ColumnAdc adc_;
    bool two_phase_read_;
    double wire_farad_;
    // The forward read's network: row drivers behind array.driver_ohm, columns sensed through the
    // read-out's input resistance. The transposed read turns it round: the output lines driven by the
    // read-out's ideal sources, the input lines sensed through their drivers' output resistance.
    circuits::CrossbarWires forward_wires_, transposed_wires_;
    bool read_noise_;  // the model has read noise
    double drift_reference_A_ = 0.0;  // calibration read when the reference was recorded
    double drift_gain_ = 1.0;         // read scale correction from compensate_drift()
    double v_read_V_;                 // the model's read_voltage_V()
    struct ReadScratch {
        Eigen::VectorXd volts, plus_A, minus_A, variance_A2;  // sized on first use, reused by every read
        Eigen::VectorXd supply_V;  // the transposed read's read_supply_V of each driven line
    };
    // Adds one column's pairs to the forward read's line sums (and noise variances) and returns the
    // column's sum_i |I+_i| + |I-_i|: currents(i) gives pair i's two line currents, noise(i) their
    // devices' read_noise_relative (asked only for a model with read noise).
    template <typename Currents, typename Noise>
    double add_column(int rows, const Currents& currents, const Noise& noise, ReadScratch& s) const;
    mutable ReadScratch forward_scratch_, backward_scratch_;
    mutable std::vector<DeviceState> wired_states_;  // the wired read's device layout (models Newton solves), reused
    mutable Eigen::MatrixXd wired_g_S_;                // the same layout's conductances (ohmic models), reused
    mutable circuits::CrossbarRelaxation relaxation_;   // ohmic models' solver and its buffers
    mutable circuits::CrossbarSolution newton_solution_;  // other models' last solution
};

}  // namespace cimkit::training
