#pragma once
// A device measured rather than modelled: its pulse response is a table fitted to pulse data
// (`cimkit device fit`, devices/table_device_fit.hpp) and read from a TOML file
// (devices/table_device_file.hpp). Chosen as `table:FILE` wherever a device name is accepted;
// plain `table` is the reference table below. docs/own-devices.md walks through it.
//
// What the table holds (TableDeviceData):
//   window       g_min_S, g_max_S, and their device-to-device spreads (relative sigmas)
//   step laws    per direction, N states g_k (strictly increasing) with the mean conductance step of
//                one nominal pulse m_k and its cycle-to-cycle standard deviation s_k at g_k;
//                linear between states, constant beyond the first and last state
//   d2d steps    step_spread_d2d, the relative sigma of a device's step scale
//   drift        g(t) = g_prog ((t + t0)/t0)^(-nu), t since the last pulse; nu = 0: none
//   pulses       the nominal pulses the data were taken with, and the read voltage
//
// One device is the nominal table mapped onto its own window: with its window [a, b] drawn as
// a = g_min_S (1 + g_min_spread_d2d N1), b = g_max_S (1 + g_max_spread_d2d (rho N1 + sqrt(1 - rho^2) N2))
// (rho = g_spread_correlation) and its step scale c = 1 + step_spread_d2d N3 (N1, N2, N3 drawn in that
// order, each normal bounded at 3 sigma), a device at g is at
// g_nom = g_min_S + (g - a) (g_max_S - g_min_S)/(b - a) of the table, and with r = (b - a)/(g_max_S - g_min_S):
//   apply_pulse   g' = clip(g + r (c n m(g_nom) + step_noise_scale sqrt(n) s(g_nom) N(0,1)), a, b)
//                 n = (amplitude width) / (nominal amplitude width) of that direction: the table was
//                 measured with the nominal pulse only, so another pulse is taken as n nominal ones
//                 (an extrapolation: mean steps add, independent noises add in quadrature).
//                 g is the drifted conductance; the pulse restarts the drift clock at g'.
//   set_level(f)  g = a + f (b - a), exactly: the data hold no program-and-verify noise.
//   level         (g_prog - a)/(b - a).
//   I-V           I = g(t) V, ohmic (the table was measured at read_voltage_V; the I-V sweep stays
//                 within +-read_voltage_V).
// Write energy: the cell is ohmic during the pulse too, so a pulse of amplitude V and width t draws
// V^2 t (g_before + g_after)/2 (the conductance taken as moving linearly during the pulse). A
// set_level is priced as the nominal pulses of the mean law (noise-free) that walk the device from
// its conductance to the target, at most max_program_pulses; the walk stops when the next step
// would overshoot by more than half a step or the law no longer moves the device.
#include <memory>
#include <string>
#include <vector>

#include "devices/device_model.hpp"

namespace cimkit {

// The step law of one direction, at N states.
struct StepLaw {
    std::vector<double> g_S;          // conductance before the pulse, strictly increasing
    std::vector<double> mean_step_S;  // mean step of one nominal pulse at g_S (signed)
    std::vector<double> sigma_S;      // cycle-to-cycle standard deviation of that step (>= 0)
    std::vector<double> steps;        // how many measured steps each state was fitted from (0: not fitted)

    double mean_at(double g_S) const;
    double sigma_at(double g_S) const;
};

struct TableDeviceData {
    double g_min_S = 0.0, g_max_S = 0.0;
    double g_min_spread_d2d = 0.0, g_max_spread_d2d = 0.0, step_spread_d2d = 0.0;
    // The correlation of a device's g_min and g_max draws: 1 when a device's whole window scales
    // (the domain wall's d2d factor), 0 when its ends vary apart. Without it a scaled window is
    // drawn as two independent ends, and its width spreads twice as much as the data's.
    double g_spread_correlation = 0.0;
    StepLaw potentiate, depress;
    double read_voltage_V = 0.2;
    double potentiate_amplitude_V = 1.0, potentiate_width_s = 100e-9;
    double depress_amplitude_V = 1.0, depress_width_s = 100e-9;
    double drift_nu = 0.0, drift_t0_s = 1.0;
    std::string origin;  // the file it was read from; "" for the reference table
};

// The reference table of plain `table`: a soft-bounds device (the step falls linearly to zero at
// the far end of the window, aihwkit's SoftBoundsDevice law; docs/physics-sources.md#table-device),
// 1 to 20 uS, a step of 1/50 of the window at the near end, c2c sigma 30 % of that step.
const TableDeviceData& reference_table_data();

// A table with its parameter table: the scalar knobs (read and pulse voltages, pulse widths, spreads,
// drift, noise scale) with the file's values as defaults, so `device.<param>` overrides them.
struct LoadedTable {
    TableDeviceData data;
    ParameterTable parameters;
};
std::shared_ptr<const LoadedTable> load_table(TableDeviceData data);

class TableDevice final : public DeviceModel {
public:
    enum Slot {
        g_prog_S = 0,       // conductance at the last pulse or set_level (before drift)
        time_s = 1,         // time since then
        drift_factor = 2,   // ((t + t0)/t0)^-nu at time_s (cached)
        g_low_S = 3,        // this device's window [a, b]
        g_high_S = 4,
        step_scale = 5,     // this device's step scale c
    };
    static constexpr int max_program_pulses = 10000;

    explicit TableDevice(std::shared_ptr<const LoadedTable> table, const std::vector<Setting>& settings = {});

    const std::string& name() const override;
    const Parameters& parameters() const override { return parameters_; }
    const TableDeviceData& data() const { return table_->data; }
    DeviceState make_device(Rng& rng) const override;
    void set_level(DeviceState& state, double fraction, Rng& rng) const override;
    double level(const DeviceState& state) const override;
    double conductance_S(const DeviceState& state) const override { return state.x[g_prog_S] * state.x[drift_factor]; }
    double current_A(double v_V, const DeviceState& state) const override { return conductance_S(state) * v_V; }
    double dcurrent_dv_S(double, const DeviceState& state) const override { return conductance_S(state); }
    bool odd_read_current() const override { return true; }  // I = G V
    bool ohmic_read() const override { return true; }        // current_A = conductance_S * v
    double dconductance_dlevel_S(const DeviceState& state) const override;
    void apply_pulse(DeviceState& state, const Pulse& pulse, Rng& rng) const override;
    double write_energy_J(const DeviceState& before, const DeviceState& after, const Pulse& pulse) const override;
    double program_energy_J(const DeviceState& before, const DeviceState& after) const override;
    void evolve(DeviceState& state, double dt_s, Rng& rng) const override;
    Pulse nominal_pulse(int polarity) const override;
    Unit pulse_amplitude_unit() const override { return Unit::volt; }
    double read_voltage_V() const override { return read_voltage_V_; }
    double iv_sweep_limit_V() const override { return read_voltage_V_; }
    RetentionKind retention_kind() const override { return drift_nu_ > 0.0 ? RetentionKind::drift : RetentionKind::none; }
    void refresh_derived(DeviceState& state) const override { update_drift(state); }

    // The mean step of one nominal pulse of `polarity` for this device at conductance g_S.
    double mean_step_S(const DeviceState& state, double g_S, int polarity) const;
    // The device at conductance g_S, as a write that ends there leaves it (its drift clock restarts):
    // for a circuit that moved the device itself (a subcircuit's pulses replayed in ngspice).
    void set_conductance(DeviceState& state, double g_S) const { program(state, g_S); }

private:
    void update_drift(DeviceState& state) const;
    void program(DeviceState& state, double g_S) const;  // g_prog = g_S, drift clock to zero
    double nominal_g_S(const DeviceState& state, double g_S) const;
    double window_ratio(const DeviceState& state) const;

    std::shared_ptr<const LoadedTable> table_;
    Parameters parameters_;
    double read_voltage_V_, potentiate_amplitude_V_, potentiate_width_s_, depress_amplitude_V_, depress_width_s_;
    double step_noise_scale_, g_min_spread_d2d_, g_max_spread_d2d_, g_spread_correlation_, step_spread_d2d_, drift_nu_, drift_t0_s_;
};

}  // namespace cimkit
