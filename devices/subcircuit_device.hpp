#pragma once
// A user's SPICE subcircuit as a device: `spice:FILE:SUBCKT` (docs/own-devices.md#a-spice-subcircuit-as-a-device).
//
// The declared interface of the subcircuit: two read terminals (p, n) that also program it, or with
// separate programming terminals (devices/subcircuit_terminals.hpp), and its state as the
// `.param` x0 (a numeric default on the .subckt line; the normalised state, swept over [0, 1]), so
// that an instance `X... p n SUBCKT x0=<x>` (any programming terminal at 0 V) read by a DC operating
// point is the device at state x.
// A file may give the state parameter another name with `*cimkit: state NAME` in the subcircuit's
// block (analysis/subcircuit_spreads.hpp); x0 below stands for it.
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

#include "devices/forwarding_device.hpp"
#include "devices/subcircuit_terminals.hpp"
#include "devices/table_device.hpp"

namespace cimkit {

// The name of the state parameter of a subcircuit device when its file declares none (the VTEAM example's x0).
inline constexpr const char* subcircuit_state_parameter = "x0";

// The most instances of a subcircuit device in one ngspice transient, for the batched read's tiles
// (circuits/faces/subcircuit_faces.cpp) and the replayed writes (circuits/subcircuit_writes.hpp).
// The VTEAM example's two B-sources per instance cost 17-27 us per instance and Newton load in decks
// of 300 to 7840 instances, 3 to 5 us in decks of 100 to 200 (ngspice-46, rusage;
// docs/performance-notes.md#subcircuit-devices-in-the-batched-read); 80 and 160 read a 784 x 10
// layer equally fast (bench/subcircuit_read_cost.cpp).
inline constexpr int subcircuit_instances_per_transient = 160;

// What the characterisation measured: the twin of one subcircuit.
struct SubcircuitTwin {
    std::filesystem::path file;  // absolute
    std::string subcircuit;      // as the .subckt line spells it
    std::string state_parameter = subcircuit_state_parameter;  // x0 or the file's `*cimkit: state NAME`, lower case
    SubcircuitTerminals terminals;  // p n, or with the file's `*cimkit: program A [B]`
    std::string file_content;    // the file as characterised (recorded in output files)
    double read_voltage_V = 0.0;
    // The drive of its nominal pulses, as characterised (signed: which terminal goes positive matters
    // to the subcircuit; the table keeps magnitudes): potentiate_V raises G, depress_V lowers it, each
    // a plateau of pulse_width_s between linear edges of edge_s, with a read of read_width_s at
    // read_voltage_V before and after. A circuit that replays a nominal pulse draws this waveform.
    double potentiate_V = 0.0, depress_V = 0.0;
    double pulse_width_s = 0.0, edge_s = 0.0, read_width_s = 0.0;
    std::vector<double> state_x;    // strictly increasing, from 0 to 1
    std::vector<double> state_g_S;  // G(state_x), strictly monotone (either way)
    TableDeviceData table;          // the pulse response in conductance space

    // x(G): the inverse of G(x), linear between grid points, clamped to the grid's ends.
    double state_of_conductance(double g_S) const;
};

// The subcircuit file as it is now (IoError naming it when it cannot be read).
std::string subcircuit_file_content(const std::filesystem::path& file);

// The compact twin: a table device of the twin's table, named "subcircuit" (the name its SPICE
// faces are registered under), with the twin at hand for the faces. Every other call is the table
// device's (devices/forwarding_device.hpp), its ohmic read included: I = G V exactly, so the compact
// engine reads it from its read cache (training/device_array/read_cache.hpp) and solves a wired read
// as a linear network.
class SubcircuitDevice final : public ForwardingDevice<TableDevice> {
public:
    // UsageError for any setting: the subcircuit's parameters are its .subckt defaults.
    explicit SubcircuitDevice(std::shared_ptr<const SubcircuitTwin> twin, std::shared_ptr<const LoadedTable> table,
                              const std::vector<Setting>& settings = {});

    const SubcircuitTwin& twin() const { return *twin_; }
    const std::shared_ptr<const SubcircuitTwin>& twin_shared() const { return twin_; }
    // The device at the conductance its subcircuit was read at (TableDevice::set_conductance).
    void set_conductance(DeviceState& state, double g_S) const { inner().set_conductance(state, g_S); }

    const std::string& name() const override;

private:
    std::shared_ptr<const SubcircuitTwin> twin_;
};

// Characterises `spice:FILE:SUBCKT` (FILE absolute or relative to the current folder). Installed by
// the layer that runs ngspice (analysis/subcircuit_twin.hpp): the device models do not link ngspice.
using SubcircuitCharacteriser = std::function<std::shared_ptr<const SubcircuitTwin>(const std::string& name)>;
void set_subcircuit_characteriser(SubcircuitCharacteriser characteriser);
// The installed characteriser's twin of `name`; UsageError when none is installed.
std::shared_ptr<const SubcircuitTwin> characterise_subcircuit(const std::string& name);

}  // namespace cimkit
