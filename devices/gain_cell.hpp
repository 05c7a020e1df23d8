#pragma once
// Analog gain cell (2T/3T charge-storage cell): the weight is the voltage on a storage capacitor,
// read non-destructively by a read transistor with pulse-width encoded inputs.
//
// Source: Leroux et al., "Analog in-memory computing attention mechanism for fast and
// energy-efficient large language models", arXiv 2409.19315 (Nat. Comput. Sci. 2025).
//
// Storage node: C_S dV/dt = -I_leak(V), the off write transistor's subthreshold current and the
// node junction's leakage (devices/storage_leakage.hpp, shared with the MOSFET synapse, solved
// exactly). With the defaults a node written to 0.9 V loses half of it in 5 ms, the retention of
// silicon write transistors Leroux et al. quote; oxide-semiconductor ones leak orders of magnitude
// less (write_off_current_A). Each device's leakage current varies by leak_spread_d2d.
//
// Write: the write transistor (on-resistance r_write_ohm) connects the node to the write line for the
// pulse width: V <- V_w + (V - V_w) exp(-t_p/(r_write C_S)), V_w = v_dd_V for polarity +1 and 0 V for
// -1. Each write, and each set_level (a verified write ends the same way), adds kT/C noise,
// sigma = sqrt(k_B T / C_S).
// Write energy: the write line at V_w supplies the charge the node gains, V_w C_S (V_after - V_before);
// a discharging pulse draws nothing. A set_level drives the write line to the target, so it draws
// V_after C_S (V_after - V_before) when it raised the node.
//
// Read (the multiply): the kernel of Leroux et al. (devices/gain_cell_read.hpp). An input pulse of
// width t_in at word-line voltage V_in = v_read_V (0.9 V, the paper's) delivers
//   Q = read_scale_A f(V_in, V_store - 0.45) t_in      (read_model = 0, all ten published terms),
//   Q = read_scale_A 19.3 (V_in / 0.9) (V_store - 0.45) t_in   (read_model = 1, linear surrogate),
// i.e. current_A(V, state) = read_scale_A f(V, V_store - 0.45), signed (f < 0 below V_store ~ 0.41 V).
// The paper evaluates f at V_in = 0.9 V only; current_A at other V is the same fit extrapolated
// (at V = 0 it is f(0, w) = sum_i C_i0 w^i, not 0: with pulse-width inputs a zero input is no pulse
// and no charge). The cell is three-terminal: the read transistor draws I from its read supply into
// the output line (a positive I from +v_dd_V, a negative one sunk into -v_dd_V); the input line only
// gates it (circuits/faces/gain_cell_faces.cpp), so a read costs v_dd_V |I| t_in from the supplies.
// Read-transistor mismatch (Pelgrom, devices/threshold_mismatch.hpp): each cell's read transistor has
// its own threshold offset dV_T ~ N(0, sigma^2), sigma = read_a_vt_V_m / sqrt(2 read_w_m read_l_m)
// (10.6 mV for the defaults), drawn in make_device after the capacitance and leakage scales. The read
// transistor's gate is the storage node, so the offset shifts the storage voltage it sees: every read
// law above takes V_store - dV_T in place of V_store, f(V_in, V_store - dV_T - 0.45), and
// sigma(I) = read_scale_A |df/dw| sigma to first order.
#include "devices/device_model.hpp"
#include "devices/gain_cell_read.hpp"
#include "devices/storage_leakage.hpp"

namespace cimkit {

const ParameterTable& gain_cell_parameter_table();

// gain_cell_parameter_table() by field: the same validated values as parameters(), typed, for code
// that builds on this device (its SPICE faces, circuits/faces/gain_cell_faces.cpp). Descriptions in
// the table; read_model holds 0 or 1. It ends with the storage leakage's rows (storage_leakage.hpp).
struct GainCellParameters {
    double v_dd_V, c_store_F;                  // storage node
    double r_write_ohm, write_width_s;         // write
    double v_read_V, read_scale_A, read_model;  // read
    double c_spread_d2d;                       // variability
    double read_a_vt_V_m, read_w_m, read_l_m;  // read-transistor mismatch
    StorageLeakage leakage;  // the storage leakage's six rows
};

class GainCell final : public DeviceModel {
public:
    enum Slot { store_V = 0, capacitance_scale = 1, leak_scale = 2, read_vth_offset_V = 3 };

    explicit GainCell(const std::vector<Setting>& settings = {});

    const std::string& name() const override;
    const Parameters& parameters() const override { return parameters_; }
    const GainCellParameters& typed_parameters() const { return typed_parameters_; }
    DeviceState make_device(Rng& rng) const override;
    void set_level(DeviceState& state, double fraction, Rng& rng) const override;
    double level(const DeviceState& state) const override;
    double conductance_S(const DeviceState& state) const override;
    double current_A(double v_V, const DeviceState& state) const override;
    double dcurrent_dv_S(double v_V, const DeviceState& state) const override;
    // The row sets V_in = v_row; the supplies source the current, whatever the column's voltage.
    TerminalCurrent current_between_A(double v_row_V, double v_column_V, const DeviceState& state) const override;
    bool row_supplies_read_current() const override { return false; }
    double dconductance_dlevel_S(const DeviceState& state) const override;
    void apply_pulse(DeviceState& state, const Pulse& pulse, Rng& rng) const override;
    double write_energy_J(const DeviceState& before, const DeviceState& after, const Pulse& pulse) const override;
    double program_energy_J(const DeviceState& before, const DeviceState& after) const override;
    void evolve(DeviceState& state, double dt_s, Rng& rng) const override;
    Pulse nominal_pulse(int polarity) const override;
    Unit pulse_amplitude_unit() const override { return Unit::volt; }
    double read_voltage_V() const override { return v_read_V_; }
    double read_supply_V(double) const override { return v_dd_V_; }
    RetentionKind retention_kind() const override { return RetentionKind::leakage; }
    double iv_sweep_limit_V() const override { return v_dd_V_; }

    // The read current as a cubic in the read voltage, I(V) = read_scale_A (c0 + c1 V + c2 V^2 + c3 V^3),
    // its coefficients set by the stored voltage and read_model (devices/gain_cell_read.hpp).
    GainCellReadPolynomial read_polynomial(const DeviceState& state) const;
    double read_scale_A() const { return read_scale_A_; }

    // Charge delivered by a read pulse of width t_in at the read voltage (pulse-width encoding).
    double output_charge_C(double input_width_s, const DeviceState& state) const;
    const StorageLeakage& storage_leakage() const { return leakage_; }
    // The storage voltage the read transistor responds to, V_store - dV_T (its threshold offset).
    static double read_gate_V(const DeviceState& state) { return state.x[store_V] - state.x[read_vth_offset_V]; }

private:
    Parameters parameters_;
    GainCellParameters typed_parameters_;
    double v_dd_V_, c_store_F_;
    double r_write_ohm_, write_width_s_, v_read_V_, read_scale_A_;
    GainCellReadModel read_model_;
    double c_spread_d2d_, read_vth_sigma_V_;
    StorageLeakage leakage_;
};

}  // namespace cimkit
