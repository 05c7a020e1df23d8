#pragma once
// The compact twin of a `spice:FILE:SUBCKT` device (devices/subcircuit_device.hpp), characterised
// through ngspice once per process and file content (docs/own-devices.md#a-spice-subcircuit-as-a-device).
//
// 1. The interface is checked (check_spice_device: the netlist guard, the terminals, the `*cimkit:`
//    declarations) and the state parameter, x0 or the file's `*cimkit: state NAME` (x0 below stands
//    for it), must have a numeric default on the .subckt line.
// 2. G(x): an `op` of three instances (x0 = 0, 0.5, 1: does it converge?), then one `op` of state_grid_points instances at x0 = 0 .. 1, each driven by its own source at
//    the read voltage; G = I / V. It must be finite, positive and strictly monotone.
// 3. The pulse table: pulse_table_states states evenly spaced in G over the window, each one
//    instance started at x0 = x(G) in one transient (`uic`) with a read, one nominal pulse and a read
//    (the waveform of `device pulses`, analysis/spice_pulse_trains.hpp, with the file's declared
//    drive), once per direction; the mean
//    step of the state is the difference of the two reads.
// 4. Declared spreads (`*cimkit: spread`, analysis/subcircuit_spreads.hpp), when the file has any: a
//    Monte Carlo of twin_spread_devices devices through ngspice (analysis/subcircuit_monte_carlo.hpp)
//    gives the table its device-to-device window and step spreads, so the compact engine draws
//    devices that vary as the subcircuit's do (subcircuit_twin.cpp, add_declared_spreads, says how).
// Every refusal (guard, terminals, no x0, an op that fails, a non-monotone or non-positive G(x),
// pulses that do not move the device) is a NetlistError naming the file and the subcircuit (exit 2).
#include <memory>
#include <string>

#include "analysis/spice_pulse_trains.hpp"
#include "devices/subcircuit_device.hpp"

namespace cimkit::analysis {

inline constexpr int state_grid_points = 1001;
inline constexpr int pulse_table_states = 32;
inline constexpr int twin_spread_devices = 200;
inline constexpr double max_twin_spread = 0.3;  // a table device's largest d2d spread (devices/table_device.cpp)

// The twin of `name` ("spice:FILE:SUBCKT"), characterised with the read and nominal pulses of
// SpicePulsePlan's defaults or the file's `*cimkit: drive` (declared_pulse_plan); cached per absolute
// file, subcircuit and file content.
std::shared_ptr<const SubcircuitTwin> subcircuit_twin(const std::string& name);

// Makes `spice:FILE:SUBCKT` a device wherever a device name is accepted (set_subcircuit_characteriser).
void install_subcircuit_devices();

}  // namespace cimkit::analysis
