#pragma once
// Device-to-device spreads of a `spice:FILE:SUBCKT` device's parameters
// (docs/own-devices.md#declared-parameter-spreads).
//
// A spread NAME=SIGMA makes each device's instance parameter NAME its default on the .subckt line
// times exp(SIGMA z), z ~ N(0, 1) from the device's own seeded stream, spreads drawn in their order:
// a lognormal factor of median 1 (mean exp(SIGMA^2/2), relative sigma sqrt(exp(SIGMA^2) - 1)).
//
// Declared in the file, so the device carries them into every run that draws devices (`device
// pulses`, `characterize --experiment pulses|variability`): one line per parameter inside the
// subcircuit's `.subckt ... .ends` block,
//   *cimkit: spread NAME=SIGMA [lognormal]
// a SPICE comment to ngspice. NAME is a parameter with a literal numeric default on the .subckt
// line, not the state (x0 or the declared one below: the experiments set it); SIGMA in [0, 1]; each NAME once; `lognormal`,
// the only distribution, may be written out. Every other `*cimkit:` line (an unknown word, a line
// outside any .subckt block, or in the block of this subcircuit with a bad NAME or SIGMA) is a
// NetlistError naming the file and line (exit 2). `--spread NAME=SIGMA` on the command line
// replaces the declared sigma of the same NAME, or adds a spread after the declared ones.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "circuits/spice/netlist_text.hpp"
#include "devices/core/rng.hpp"
#include "devices/subcircuit_device.hpp"

namespace cimkit::analysis {

struct ParameterSpread {
    std::string name;    // a .param of the subcircuit with a numeric default
    double sigma = 0.0;  // of ln(factor)
};

// Spreads above it are refused: exp(3 SIGMA) at 3 sigma is already a factor of 20.
inline constexpr double max_spread_sigma = 1.0;

// "NAME=SIGMA" with a number after '='; nullopt when the text has not that form.
std::optional<ParameterSpread> parse_spread_text(const std::string& text);

// `--spread NAME=SIGMA` options: UsageError naming the text when one has not that form.
std::vector<ParameterSpread> parse_spread_options(const std::vector<std::string>& texts);

// What a subcircuit's `*cimkit:` lines declare: its spreads, its state parameter and its programming terminals.
//   *cimkit: state NAME
// names the state parameter (docs/own-devices.md#the-subcircuit-itself-as-a-device): a parameter with
// a literal numeric default on the .subckt line, at most one such line per block; without one the
// state is x0 (devices/subcircuit_device.hpp). A spread of the state is refused, whatever its name.
//   *cimkit: program A [B]
// names its programming terminal A and A's return B (devices/subcircuit_terminals.hpp): terminals on
// the .subckt line, two different ones, at most one such line per block.
//   *cimkit: drive KEY=VALUE ...
// the read and the nominal pulses its twin is characterised with, where the defaults (the VTEAM
// example's) do not fit (docs/own-devices.md#the-drive-of-a-subcircuit-device): keys drive_keys below,
// each at most once, values SPICE numbers (10n); a read voltage other than 0, pulses other than 0 V
// and different from each other, times above 0; at most one such line per block.
inline const std::vector<std::string> drive_keys = {"read_voltage_V", "potentiate_V", "depress_V", "pulse_width_s", "read_width_s", "edge_s"};
struct SubcircuitDeclarations {
    std::vector<ParameterSpread> spreads;
    std::string state_parameter = subcircuit_state_parameter;  // lower case
    std::vector<std::string> program_terminals;                // A [B], lower case; none without the line
    int program_line = 0;                                      // its line number in the file, 0 without
    std::map<std::string, double> drive;                       // the declared keys (drive_keys' spelling) and values
    int drive_line = 0;
};

// The `*cimkit:` declarations of the subcircuit whose .subckt card is line index `subckt_index` of
// `file` (names lower case), after checking every `*cimkit:` line of the file as above (NetlistError
// naming the file and the line). `numeric_defaults` and `terminals` are the subcircuit's (lower case).
SubcircuitDeclarations subcircuit_declarations(const spice::NetlistText& file, std::size_t subckt_index,
                                               const std::map<std::string, double>& numeric_defaults,
                                               const std::vector<std::string>& terminals);

// UsageError when a command-line spread names no parameter with a numeric default of `subcircuit`
// or its sigma is outside [0, max_spread_sigma].
void check_spread_options(const std::string& subcircuit, const std::map<std::string, double>& numeric_defaults,
                          const std::vector<ParameterSpread>& spreads);

// `declared` with each of `command_line` replacing the declared spread of its name (case-insensitive)
// or, when there is none, appended in its order.
std::vector<ParameterSpread> merge_spreads(const std::vector<ParameterSpread>& declared, const std::vector<ParameterSpread>& command_line);

// One device's instance parameters: `fixed`, then each spread's default times exp(sigma z) with z
// from `stream`, in the spreads' order (a spread of a fixed NAME replaces it). Names lower case.
std::map<std::string, double> draw_spread_parameters(const std::map<std::string, double>& numeric_defaults,
                                                     const std::vector<ParameterSpread>& spreads,
                                                     const std::map<std::string, double>& fixed, Rng& stream);

// "k_on=0.1, r_on=0.05" or "none".
std::string spreads_text(const std::vector<ParameterSpread>& spreads);

}  // namespace cimkit::analysis
