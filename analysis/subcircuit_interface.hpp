#pragma once
// The declared interface of a `spice:FILE:SUBCKT` device (docs/own-devices.md#the-subcircuit-itself-as-a-device),
// read from the user's file before ngspice sees it: the file passes the netlist guard, then the
// subcircuit's `.subckt` card gives its terminals and numeric parameter defaults, and its `*cimkit:`
// lines (analysis/subcircuit_spreads.hpp) its spreads, state parameter, programming terminals and
// drive. The file may come from a stranger: every refusal is a NetlistError naming the file and the
// line (exit 2); tests/fuzz/subcircuit_interface_fuzz.cpp feeds it arbitrary files.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "analysis/subcircuit_spreads.hpp"
#include "devices/subcircuit_terminals.hpp"

namespace cimkit::analysis {

struct SpiceDeviceName {
    std::filesystem::path file;
    std::string subcircuit;
};
// "spice:FILE:SUBCKT" (the last ':' separates the subcircuit). UsageError naming the text otherwise.
SpiceDeviceName parse_spice_device_name(const std::string& name);
bool is_spice_device_name(const std::string& name);

// What the `.subckt` card (continuation lines joined) and the `*cimkit:` lines of a subcircuit declare.
struct SubcircuitInterface {
    std::string name;
    std::vector<std::string> ports;
    std::map<std::string, double> numeric_defaults;  // params: NAME=VALUE with a literal number, lower case
    std::vector<ParameterSpread> declared_spreads;   // its `*cimkit: spread` lines (subcircuit_spreads.hpp)
    std::string state_parameter = subcircuit_state_parameter;  // x0, or its `*cimkit: state NAME` (lower case)
    SubcircuitTerminals terminals;                             // p n, or with its `*cimkit: program A [B]`
    std::map<std::string, double> drive;                       // its `*cimkit: drive` (drive_keys' spelling)
};
// Guards the file (NetlistError naming its file and line), then finds the subcircuit: NetlistError
// naming the file and the subcircuits it does define when there is none of that name, or naming the
// line when it has not exactly two terminals besides its declared programming ones, or a `*cimkit:`
// line that is not a good declaration.
SubcircuitInterface check_spice_device(const SpiceDeviceName& device);

}  // namespace cimkit::analysis
