#pragma once
// The compact face of a synaptic device (docs/architecture.md#device-faces).
//
// A DeviceModel holds validated parameters and no per-device data; a DeviceState holds one device:
// its dynamic state and the device-to-device variation drawn when it was made. Models are immutable
// after construction, so one model serves every device of an array and every thread.
//
// Conventions shared by all models:
//   - conductance_S(state) is the small-signal read conductance at read_voltage_V(), noise-free;
//     read_conductance_S() adds read noise where the device has it (PCM).
//   - current_A(v, state) is the device current for a voltage v across it (positive v, positive
//     current), and dcurrent_dv_S its analytic derivative (checked against finite differences).
//   - current_between_A(v_row, v_column, state) is the current a device delivers into its column line
//     with the row line at v_row and the column line at v_column (both to ground), with its partial
//     derivatives: what a crossbar with wire resistance needs (circuits/crossbar_newton.hpp). For a
//     two-terminal device it is current_A(v_row - v_column); a device whose current also depends on a
//     terminal held to ground (the MOSFET's gate) or that only senses the row (the gain cell) overrides it.
//   - apply_pulse() moves the state by one write pulse; polarity +1 potentiates (raises G), -1
//     depresses. Cycle-to-cycle noise is drawn from the rng passed in.
//   - evolve(state, dt) advances drift and retention over dt seconds with no pulse.
#include <array>
#include <cmath>
#include <string>

#include "devices/core/parameters.hpp"
#include "devices/core/rng.hpp"
#include "devices/core/units.hpp"

namespace cimkit {

struct Pulse {
    double amplitude = 0.0;  // in the model's pulse_amplitude_unit(), > 0
    double width_s = 0.0;    // > 0
    int polarity = +1;       // +1 potentiate, -1 depress
};

// One device. The meaning of each slot is documented by the model (an enum of indices in its header).
struct DeviceState {
    std::array<double, 8> x{};
};

// The current into the column line at given row and column voltages, and its partial derivatives.
struct TerminalCurrent {
    double i_A = 0.0;
    double di_dv_row_S = 0.0;
    double di_dv_column_S = 0.0;
};

// What happens to a programmed device left alone; decides how retention is characterised.
enum class RetentionKind {
    none,     // no systematic decay; the state can move only by rare discrete events (domain-wall thermal hops)
    leakage,  // a storage node discharges through its write transistor and junction (MOSFET gate, gain cell)
    drift,    // the conductance decays as a power law (t/t0)^-nu (PCM)
};

class DeviceModel {
public:
    virtual ~DeviceModel() = default;

    virtual const std::string& name() const = 0;
    virtual const Parameters& parameters() const = 0;

    // A new device at the low-conductance end of its range, with device-to-device variation drawn
    // from `rng`.
    virtual DeviceState make_device(Rng& rng) const = 0;
    // Puts the device at `fraction` (0..1) of its programmable range, as a program-and-verify loop
    // would (used for I-V at several states, retention from a known start, refresh). Keeps its
    // device-to-device variation; programming noise, where the device has it, comes from `rng`.
    virtual void set_level(DeviceState& state, double fraction, Rng& rng) const = 0;
    // Where the device is within its range, 0..1 (inverse of set_level, ignoring drift and noise).
    virtual double level(const DeviceState& state) const = 0;

    virtual double conductance_S(const DeviceState& state) const = 0;
    virtual double read_conductance_S(const DeviceState& state, Rng&) const { return conductance_S(state); }
    // Read noise as a relative conductance fluctuation: one read sees g (1 + r N(0,1)) with
    // r = read_noise_relative(state), so a device's read current I gets a spread |I| r. An array
    // sums the independent spreads of a line's devices (training/device_array/read_model.hpp).
    virtual bool has_read_noise() const { return false; }
    virtual double read_noise_relative(const DeviceState& /*state*/) const { return 0.0; }
    virtual double current_A(double v_V, const DeviceState& state) const = 0;
    virtual double dcurrent_dv_S(double v_V, const DeviceState& state) const = 0;
    virtual TerminalCurrent current_between_A(double v_row_V, double v_column_V, const DeviceState& state) const {
        const double v_V = v_row_V - v_column_V;
        const double g_S = dcurrent_dv_S(v_V, state);
        return {current_A(v_V, state), g_S, -g_S};
    }
    // True when the row line supplies the read current (a two-terminal device, a transistor whose drain
    // is the row); false when the row only gates a cell that draws from its own read supply (the gain
    // cell): the row line then carries no current.
    virtual bool row_supplies_read_current() const { return true; }
    // True when current_A(-v, s) == -current_A(v, s) for every state, bit for bit: the device conducts
    // the same whichever terminal is driven and with either polarity (PCM, the MTJ; checked by
    // DeviceModels.OddReadCurrentIsDeclaredTruthfully). A transposed read can then drive a pair's two
    // lines with opposite voltages in one phase (training/device_array/read_model.hpp); otherwise
    // (a MOSFET whose gate sits at a fixed potential, the gain cell) it reads the pair in two phases.
    virtual bool odd_read_current() const { return false; }
    // True when current_A(v, s) == conductance_S(s) * v for every voltage and state, bit for bit: an
    // ohmic device (PCM, table devices; checked by Registry.OhmicReadIsDeclaredTruthfully). A wired
    // read of such devices is a linear network, which the compact engine solves by line relaxation
    // (circuits/crossbar_relaxation.hpp) instead of Newton.
    virtual bool ohmic_read() const { return false; }
    // dG/d(level): how the read conductance moves with the state, analytic (checked against finite
    // differences); training uses it to turn a conductance change into pulses.
    virtual double dconductance_dlevel_S(const DeviceState& state) const = 0;

    virtual void apply_pulse(DeviceState& state, const Pulse& pulse, Rng& rng) const = 0;
    // Energy one write pulse draws from its supplies, J (>= 0), given the device before and after
    // apply_pulse (a charge-stored device needs both: the charge that moved). Each model states its
    // law in its header; none recovers energy, so a pulse that only discharges a node costs nothing.
    virtual double write_energy_J(const DeviceState& before, const DeviceState& after, const Pulse& pulse) const = 0;
    // Energy of a set_level (a program-and-verify write) that took the device from `before` to
    // `after`: the least a write circuit spends to get there with the model's own write, nominal
    // pulses or a charge from the write line (each model states how it counts).
    virtual double program_energy_J(const DeviceState& before, const DeviceState& after) const = 0;
    virtual void evolve(DeviceState& state, double dt_s, Rng& rng) const = 0;

    // The write pulse the model's table describes, with the given polarity.
    virtual Pulse nominal_pulse(int polarity) const = 0;
    virtual Unit pulse_amplitude_unit() const = 0;
    virtual double read_voltage_V() const = 0;
    // The voltage the read current is drawn across when the line is driven at line_V: the line itself
    // for a two-terminal device; a three-terminal cell's own read supply (the gain cell's v_dd_V).
    // Read energy is this voltage times |I| times the read time.
    virtual double read_supply_V(double line_V) const { return std::abs(line_V); }
    // Voltage range over which an I-V sweep is meaningful for this device.
    virtual double iv_sweep_limit_V() const = 0;
    virtual RetentionKind retention_kind() const { return RetentionKind::none; }
    // A state read back from a file: recomputes the slots a model derives from the others (caches),
    // so a checkpoint written before a cached slot existed resumes as the model's own state would.
    virtual void refresh_derived(DeviceState& /*state*/) const {}

    // Capabilities an array asks of a model instead of checking its type
    // (docs/architecture.md#device-arrays):
    // The level (as level()) at which gradual potentiation of this device stops: 1 for a device
    // that reaches the top of its range; lower where the device's own saturation lies below it.
    // A refresh policy compares a device's level with this, so that a device that saturates early
    // is still refreshed before it stops responding.
    virtual double saturation_level(const DeviceState& /*state*/) const { return 1.0; }
};

}  // namespace cimkit
