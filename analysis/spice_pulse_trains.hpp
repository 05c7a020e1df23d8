#pragma once
// Pulse trains of a user's SPICE subcircuit, run through ngspice, as the pulse data `cimkit device
// fit` reads (devices/table_device_pulses.hpp; docs/own-devices.md#a-spice-subcircuit-as-a-device).
//
// The device is `spice:FILE:SUBCKT`: a subcircuit in FILE with two read terminals (p, n) and, when it
// declares them, separate programming terminals (devices/subcircuit_terminals.hpp). FILE is the
// user's: it passes the netlist guard (circuits/netlist_guard.hpp: no .control, no includes escaping
// its folder) and ngspice runs in a sandboxed worker confined to FILE's folder, as for `simulate`;
// with --allow-control neither (analysis/subcircuit_trust.hpp).
//
// Each device is one instance of the subcircuit driven by its own piecewise-linear source; all its
// cycles are ONE transient (the state carries from cycle to cycle): a read, then per cycle `up`
// potentiating and `down` depressing pulses, each followed by a read at the read voltage. The read
// conductance is the transient's current at the middle of the read divided by the read voltage.
// Device-to-device variation: the spreads the file declares with the plan's (command-line) spreads
// merged in (analysis/subcircuit_spreads.hpp): each spread NAME=SIGMA sets the instance's .param NAME
// to its default in the .subckt line times exp(SIGMA z), z ~ N(0, 1) from the device's own seeded
// stream (in the order of the merged spreads). Read noise (optional): every read times (1 + read_noise z).
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "analysis/subcircuit_interface.hpp"
#include "devices/table_device_pulses.hpp"

namespace cimkit::analysis {

struct SpicePulsePlan {
    int devices = 8, cycles = 2, up = 100, down = 100;
    // Defaults fit netlists/devices/vteam_memristor.lib: potentiation is the negative (ON) pulse, and
    // the read voltage is below both thresholds, so reads do not disturb the state.
    double read_voltage_V = 0.01;
    double potentiate_V = -0.4;
    double depress_V = 0.04;
    double pulse_width_s = 10e-9;
    double read_width_s = 10e-9;
    double edge_s = 0.1e-9;  // rise and fall of every level change
    // Instance parameters of every device (NAME=VALUE, a .param with a numeric default on the
    // .subckt line), e.g. the state x0 a train starts from; a spread of the same NAME replaces it.
    std::map<std::string, double> parameters;
    std::vector<ParameterSpread> spreads;  // the command line's: merged into the file's declared spreads
    double read_noise = 0.0;  // relative sigma of each read
    double timeout_s = 600.0;
};
// The plan's read and pulses as `subcircuit` declares them (`*cimkit: drive`), the defaults above
// for the keys it does not declare: what its twin is characterised with.
SpicePulsePlan declared_pulse_plan(const SubcircuitInterface& subcircuit);
// The value of drive key `key` (drive_keys) in `plan`.
double& drive_value(SpicePulsePlan& plan, const std::string& key);

// The drive of one device: a piecewise-linear voltage (corners) and the times of its reads, in the
// order of the rows (per cycle: pulse 0, then pulses 1..up+down).
// With separate programming terminals (devices/subcircuit_terminals.hpp) the same corners split in two:
// p gets the reads (0 V during the plateaus), A the plateaus (0 V during the reads).
struct PulseWaveform {
    std::vector<double> times_s, values_V;  // across p and n: the reads and the plateaus
    std::vector<double> read_V, program_V;  // p's and A's, with separate programming terminals
    std::vector<double> read_times_s;
    double stop_s = 0.0;
};
PulseWaveform pulse_waveform(const SpicePulsePlan& plan);
// An ngspice source value, "PWL(t0 v0 t1 v1 ...)".
std::string pwl_text(const std::vector<double>& times_s, const std::vector<double>& values_V);

// The deck lines of one device `x<id>` of `subcircuit` with instance `parameters` ("NAME=VALUE ..."),
// its read current i(v<id>) from the source v<id> at node n<id>:
//   driven by `w`: v<id> carries the whole waveform, or, with separate programming terminals, the
//   reads, and va<id> at node a<id> the plateaus on A;
//   read at a constant `read_voltage_V`: v<id> at that voltage, A at 0 V.
std::string driven_device_text(const SubcircuitTerminals& terminals, const PulseWaveform& w, const std::string& id,
                               const std::string& subcircuit, const std::string& parameters);
std::string read_device_text(const SubcircuitTerminals& terminals, double read_voltage_V, const std::string& id,
                             const std::string& subcircuit, const std::string& parameters);
// The value of `series` (a transient vector over `time_s`) at t_s, linear between time points.
double value_at(const std::vector<double>& time_s, const std::vector<double>& series, double t_s);

// The deck for ngspice: FILE included by its absolute path, one driven device per device (its current
// i(vd<d>)). `parameters[d]` are device d's instance parameters (NAME=VALUE).
std::string pulse_deck(const SpiceDeviceName& device, const SubcircuitTerminals& terminals, const SpicePulsePlan& plan,
                       const std::vector<std::map<std::string, double>>& parameters);

// Checks the file, draws each device's parameters, runs the transient and returns the reads.
PulseData spice_pulse_trains(const SpiceDeviceName& device, const SpicePulsePlan& plan, std::uint64_t seed);

}  // namespace cimkit::analysis
