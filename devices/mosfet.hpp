#pragma once
// MOSFET synapse: a conventional silicon transistor in triode whose gate voltage, held on a storage
// capacitor, is the weight.
//
// Source: Dey, Sharda, Saxena, Kaushik, Singh, Bhowmik, "On-chip learning in a conventional silicon
// MOSFET based analog hardware neural network", arXiv 1907.00625 (BioCAS 2019).
//
// I-V: the ngspice level-1 (Shichman-Hodges) law with the same parameters as the model card
// netlists/models/mosfet_synapse.lib, so the compact and SPICE faces agree:
//   triode     (V_DS < V_GS - V_T): I_D = kp (W/L) (V_GS - V_T - V_DS/2) V_DS (1 + lambda V_DS)
//   saturation (V_DS >= V_GS - V_T): I_D = kp/2 (W/L) (V_GS - V_T)^2 (1 + lambda V_DS)
//   cut-off    (V_GS <= V_T):         I_D = 0
// with source and drain swapped for negative V. In an array the gate is held at V_G to ground and the
// column line (source) need not be at 0 V: current_between_A takes V_GS = V_G - min(v_row, v_column),
// V_DS = |v_row - v_column|, as the SPICE face's transistor sees them (circuits/faces/mosfet_faces.cpp). For small V_DS, G ~ kp (W/L) (V_G - V_T): linear in
// the stored gate voltage.
//
// Write: a charge pulse of current I_p and width t_p moves the gate by dV_G = I_p t_p / C_G, clipped
// to [v_g_min_V, v_g_max_V] (the charge pump's rails). Linear and symmetric, as the paper claims.
// Write energy: the pump sources a potentiating pulse's charge I_p t_p from its upper rail, so it
// draws v_g_max_V I_p t_p (a lower bound: a real pump needs headroom above the rail); a depressing
// pulse sinks the charge towards the lower rail and draws nothing. A set_level draws the charge that
// raised the gate, C_G (V_after - V_before) from the same rail (0 when it lowered the gate).
// Retention: the gate node leaks through its off write transistor and its junction
// (devices/storage_leakage.hpp, the same law and defaults as the gain cell's storage node). With the
// defaults a gate well above kT/q droops by about 9 V/s on 100 fF; presets that need the weight for
// longer hold the write word line below 0 V (word_line_off_V), as DRAM does.
// Variability: device-to-device spread of C_G (step size, and the droop rate with it), of V_T and of
// the leakage current; cycle-to-cycle step noise.
// Threshold mismatch (Pelgrom, devices/threshold_mismatch.hpp): V_T = vto_V + dV_T per device,
// dV_T ~ N(0, sigma^2), sigma = a_vt_V_m / sqrt(2 w_m l_m) (10.6 mV for the defaults), drawn in
// make_device after the step scale. In triode the read conductance is linear in dV_T:
// G = beta (V_G - V_T - dV_T - v_read/2), so sigma(G)/G = sigma / (V_G - V_T - v_read/2).
#include "devices/device_model.hpp"
#include "devices/storage_leakage.hpp"

namespace cimkit {

const ParameterTable& mosfet_parameter_table();

// mosfet_parameter_table() by field: the same validated values as parameters(), typed, for code that
// builds on this device (its SPICE faces, circuits/faces/mosfet_faces.cpp). Descriptions in the table.
// It ends with the storage leakage's rows (storage_leakage.hpp).
struct MosfetParameters {
    double kp_A_per_V2, vto_V, lambda_per_V, w_m, l_m;  // level-1 channel: the SPICE model card
    double v_g_min_V, v_g_max_V, c_gate_F;              // gate storage
    double pulse_current_A, pulse_width_s;              // write pulse
    double v_read_V;
    double step_noise_c2c, step_spread_d2d, a_vt_V_m;  // variability
    StorageLeakage leakage;  // the storage leakage's six rows
};

class MosfetSynapse final : public DeviceModel {
public:
    enum Slot { gate_V = 0, step_scale = 1, vto_offset_V = 2, leak_scale = 3 };

    explicit MosfetSynapse(const std::vector<Setting>& settings = {});

    const std::string& name() const override;
    const Parameters& parameters() const override { return parameters_; }
    const MosfetParameters& typed_parameters() const { return typed_parameters_; }
    DeviceState make_device(Rng& rng) const override;
    void set_level(DeviceState& state, double fraction, Rng& rng) const override;
    double level(const DeviceState& state) const override;
    double conductance_S(const DeviceState& state) const override;
    double current_A(double v_V, const DeviceState& state) const override;
    double dcurrent_dv_S(double v_V, const DeviceState& state) const override;
    TerminalCurrent current_between_A(double v_row_V, double v_column_V, const DeviceState& state) const override;
    double dconductance_dlevel_S(const DeviceState& state) const override;
    void apply_pulse(DeviceState& state, const Pulse& pulse, Rng& rng) const override;
    double write_energy_J(const DeviceState& before, const DeviceState& after, const Pulse& pulse) const override;
    double program_energy_J(const DeviceState& before, const DeviceState& after) const override;
    void evolve(DeviceState& state, double dt_s, Rng& rng) const override;
    Pulse nominal_pulse(int polarity) const override;
    Unit pulse_amplitude_unit() const override { return Unit::ampere; }
    double read_voltage_V() const override { return v_read_V_; }
    RetentionKind retention_kind() const override { return RetentionKind::leakage; }
    double iv_sweep_limit_V() const override { return 1.0; }

private:
    Parameters parameters_;
    MosfetParameters typed_parameters_;
    double beta_A_per_V2_, vto_V_, lambda_per_V_;
    double v_g_min_V_, v_g_max_V_, c_gate_F_, pulse_current_A_, pulse_width_s_;
    double v_read_V_;
    double step_noise_c2c_, step_spread_d2d_, vto_sigma_V_;
    StorageLeakage leakage_;
};

}  // namespace cimkit
