#pragma once
// A user's SPICE subcircuit as a device: `spice:FILE:SUBCKT` (docs/own-devices.md#a-spice-subcircuit-as-a-device).
//
// The declared interface of the subcircuit: exactly two terminals (p, n), and its state as the
// `.param` x0 (a numeric default on the .subckt line; the normalised state, swept over [0, 1]), so
// that an instance `X... p n SUBCKT x0=<x>` read by a DC operating point is the device at state x.
//
// The compact model is the subcircuit's twin, built from its own ngspice characterisation
// (analysis/subcircuit_twin.hpp), with no fitting of noisy data:
//   G(x)         the read conductance at x0 = x on a grid of states (one `op` at the read voltage);
//                it must be strictly monotone, and x(G) is its inverse, linear between grid points
//   pulses       a table device (devices/table_device.hpp) in conductance space whose mean step at
//                each state is the step one nominal pulse gives in an ngspice transient started at
//                that state; no noise (the subcircuit is deterministic), and the device-to-device
//                window and step spreads of the file's declared parameter spreads (`*cimkit: spread`,
//                measured by an ngspice Monte Carlo; none without a declaration)
// The spice face (circuits/faces/subcircuit_faces.cpp) draws a device at conductance G as the
// subcircuit itself with x0 = x(G).
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "devices/table_device.hpp"

namespace cimkit {

// The fixed name of the state parameter of a subcircuit device (the VTEAM example's x0).
inline constexpr const char* subcircuit_state_parameter = "x0";

// What the characterisation measured: the twin of one subcircuit.
struct SubcircuitTwin {
    std::filesystem::path file;  // absolute
    std::string subcircuit;      // as the .subckt line spells it
    std::string file_content;    // the file as characterised (recorded in output files)
    double read_voltage_V = 0.0;
    std::vector<double> state_x;    // strictly increasing, from 0 to 1
    std::vector<double> state_g_S;  // G(state_x), strictly monotone (either way)
    TableDeviceData table;          // the pulse response in conductance space

    // x(G): the inverse of G(x), linear between grid points, clamped to the grid's ends.
    double state_of_conductance(double g_S) const;
};

// The subcircuit file as it is now (IoError naming it when it cannot be read).
std::string subcircuit_file_content(const std::filesystem::path& file);

// The compact twin: a table device of the twin's table, named "subcircuit" (the name its SPICE
// faces are registered under), with the twin at hand for the faces.
class SubcircuitDevice final : public DeviceModel {
public:
    // UsageError for any setting: the subcircuit's parameters are its .subckt defaults.
    explicit SubcircuitDevice(std::shared_ptr<const SubcircuitTwin> twin, std::shared_ptr<const LoadedTable> table,
                              const std::vector<Setting>& settings = {});

    const SubcircuitTwin& twin() const { return *twin_; }

    const std::string& name() const override;
    const Parameters& parameters() const override { return table_.parameters(); }
    DeviceState make_device(Rng& rng) const override { return table_.make_device(rng); }
    void set_level(DeviceState& state, double fraction, Rng& rng) const override { table_.set_level(state, fraction, rng); }
    double level(const DeviceState& state) const override { return table_.level(state); }
    double conductance_S(const DeviceState& state) const override { return table_.conductance_S(state); }
    double current_A(double v_V, const DeviceState& state) const override { return table_.current_A(v_V, state); }
    double dcurrent_dv_S(double v_V, const DeviceState& state) const override { return table_.dcurrent_dv_S(v_V, state); }
    bool odd_read_current() const override { return table_.odd_read_current(); }
    double dconductance_dlevel_S(const DeviceState& state) const override { return table_.dconductance_dlevel_S(state); }
    void apply_pulse(DeviceState& state, const Pulse& pulse, Rng& rng) const override { table_.apply_pulse(state, pulse, rng); }
    double write_energy_J(const DeviceState& before, const DeviceState& after, const Pulse& pulse) const override {
        return table_.write_energy_J(before, after, pulse);
    }
    double program_energy_J(const DeviceState& before, const DeviceState& after) const override {
        return table_.program_energy_J(before, after);
    }
    void evolve(DeviceState& state, double dt_s, Rng& rng) const override { table_.evolve(state, dt_s, rng); }
    Pulse nominal_pulse(int polarity) const override { return table_.nominal_pulse(polarity); }
    Unit pulse_amplitude_unit() const override { return table_.pulse_amplitude_unit(); }
    double read_voltage_V() const override { return table_.read_voltage_V(); }
    double iv_sweep_limit_V() const override { return table_.iv_sweep_limit_V(); }
    RetentionKind retention_kind() const override { return table_.retention_kind(); }
    void refresh_derived(DeviceState& state) const override { table_.refresh_derived(state); }

private:
    std::shared_ptr<const SubcircuitTwin> twin_;
    TableDevice table_;
};

// Characterises `spice:FILE:SUBCKT` (FILE absolute or relative to the current folder). Installed by
// the layer that runs ngspice (analysis/subcircuit_twin.hpp): the device models do not link ngspice.
using SubcircuitCharacteriser = std::function<std::shared_ptr<const SubcircuitTwin>(const std::string& name)>;
void set_subcircuit_characteriser(SubcircuitCharacteriser characteriser);
// The installed characteriser's twin of `name`; UsageError when none is installed.
std::shared_ptr<const SubcircuitTwin> characterise_subcircuit(const std::string& name);

}  // namespace cimkit
