#pragma once
// `--allow-control` for `spice:FILE:SUBCKT` devices (docs/own-devices.md#--allow-control-a-subcircuit-file-you-trust,
// docs/security.md): the user's decision, on the command line, to trust every subcircuit file the
// command names. Then the file is not read by the netlist guard (circuits/netlist_guard.hpp) and the
// workers that run it are not sandboxed; ngspice reads it as written, so its .control blocks and `*#`
// lines run at every load of every deck that includes it (measured with ngspice 46: it runs the
// control language of included files, also inside a .subckt block).
//
// Process-wide, because a device name reaches its characterisation through the device registry,
// which carries no options. Only main() sets it, from the command line: never a config key, a sweep
// file's argument or a run file's record, since those may come from someone else.
#include <filesystem>

namespace cimkit::analysis {

void trust_subcircuit_files();
bool subcircuit_files_trusted();

// When trusted: one line on stderr per file per process saying what the flag does to it.
void note_trusted_subcircuit_file(const std::filesystem::path& file);

}  // namespace cimkit::analysis
