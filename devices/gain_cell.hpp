#pragma once
// Analog gain cell (2T/3T charge-storage cell): the weight is the voltage on a storage capacitor,
// read non-destructively by a read transistor with pulse-width encoded inputs.
//
// Source: Leroux et al., "Analog in-memory computing attention mechanism for fast and
// energy-efficient large language models", arXiv 2409.19315 (Nat. Comput. Sci. 2025).
//
// Storage node (an ODE integrated with CVODE, devices/ode):
//   C_S dV/dt = -I_leak(V),  I_leak = C_S (V - v_rest_V)/retention_tau_s * sinh(u)/u,
//   u = (V - v_rest_V)/leak_nonlinearity_V
// The sinh factor models subthreshold leakage of the write transistor; with leak_nonlinearity_V = inf
// it is 1 and V(t) = v_rest + (V0 - v_rest) exp(-t/tau) (about 5 ms for silicon write transistors,
// far longer for oxide semiconductors), which evolve() applies exactly; the nonlinear law goes
// through CVODE.
//
// Write: the write transistor (on-resistance r_write_ohm) connects the node to the write line for the
// pulse width: V <- V_w + (V - V_w) exp(-t_p/(r_write C_S)), V_w = v_dd_V for polarity +1 and 0 V for
// -1. Each write, and each set_level (a verified write ends the same way), adds kT/C noise,
// sigma = sqrt(k_B T / C_S).
//
// Read (the multiply), x = V_in, y = V_store:
//   published cubic, read_model = 0: f(x, y) = sum_{i+j<=3} C_ij (y - 0.45)^i x^j  (coefficients in
//     docs/physics-sources.md#gain-cell, from the paper's public code). The fit has terms without
//     x (a read-out offset); the cell current is taken as I = read_scale_A * (f(x, y) - f(0, y)),
//     so no input gives no current.
//   linear fit, read_model = 1: I = read_scale_A * 19.3 x (y - 0.45).
// The signed weight is y - 0.45 V, so the read "conductance" I(v_read)/v_read may be negative.
// Pulse-width inputs: the charge delivered in a read of width t_in is Q = I(v_read, y) t_in.
#include "devices/device_model.hpp"

namespace cimkit {

const ParameterTable& gain_cell_parameter_table();

// gain_cell_parameter_table() by field: the same validated values as parameters(), typed, for code
// that builds on this device (its SPICE faces, circuits/faces/gain_cell_faces.cpp). Descriptions in
// the table; read_model holds 0 or 1.
struct GainCellParameters {
    double v_dd_V, v_rest_V, c_store_F, retention_tau_s, leak_nonlinearity_V;  // storage node
    double r_write_ohm, write_width_s, temperature_K;                         // write
    double v_read_V, read_scale_A, read_model;                                // read
    double c_spread_d2d, tau_spread_d2d;                                      // variability
};

// The published polynomial f(x, y) of Leroux et al., in the paper's output units.
double gain_cell_polynomial(double v_in_V, double v_store_V);

class GainCell final : public DeviceModel {
public:
    enum Slot { store_V = 0, capacitance_scale = 1, tau_scale = 2 };

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
    double dconductance_dlevel_S(const DeviceState& state) const override;
    void apply_pulse(DeviceState& state, const Pulse& pulse, Rng& rng) const override;
    void evolve(DeviceState& state, double dt_s, Rng& rng) const override;
    Pulse nominal_pulse(int polarity) const override;
    Unit pulse_amplitude_unit() const override { return Unit::volt; }
    double read_voltage_V() const override { return v_read_V_; }
    RetentionKind retention_kind() const override { return RetentionKind::leakage; }
    double iv_sweep_limit_V() const override { return v_dd_V_; }

    // The read current as a cubic in the input: I(x) = read_scale_A x (a1 + a2 x + a3 x^2), its
    // coefficients set by the stored voltage (either read model). The SPICE face writes the same cubic.
    struct ReadPolynomial {
        double a1, a2, a3;  // per V, per V^2, per V^3, in units of read_scale_A
    };
    ReadPolynomial read_polynomial(const DeviceState& state) const;
    double read_scale_A() const { return read_scale_A_; }

    // Charge delivered by a read pulse of width t_in at the read voltage (pulse-width encoding).
    double output_charge_C(double input_width_s, const DeviceState& state) const;
    // Leakage rate dV/dt of the storage node at voltage v (V/s), for the device's tau.
    double leakage_rate_V_per_s(double v_V, const DeviceState& state) const;

private:
    Parameters parameters_;
    GainCellParameters typed_parameters_;
    double v_dd_V_, v_rest_V_, c_store_F_, retention_tau_s_, leak_nonlinearity_V_;
    double r_write_ohm_, write_width_s_, temperature_K_, v_read_V_, read_scale_A_;
    int read_model_;
    double c_spread_d2d_, tau_spread_d2d_;
};

}  // namespace cimkit
