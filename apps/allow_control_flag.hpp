#pragma once
// `--allow-control` on every command that accepts a `spice:FILE:SUBCKT` device (characterize, crossbar,
// train, device pulses) and on sweep, which passes it to every point: the user trusts the subcircuit
// files the command names (analysis/subcircuit_trust.hpp). A command-line flag only: a config, sweep
// or run file cannot set it.
#include <CLI/CLI.hpp>

namespace cimkit::apps {

void add_allow_control_flag(CLI::App& cmd, bool& allow_control);

}  // namespace cimkit::apps
