#include "apps/allow_control_flag.hpp"

namespace cimkit::apps {

void add_allow_control_flag(CLI::App& cmd, bool& allow_control) {
    cmd.add_flag("--allow-control", allow_control,
                 "Trust the spice:FILE:SUBCKT device files: no netlist guard (.control, *#, .pre_osdi, includes outside "
                 "the file's folder are accepted), no sandbox; ngspice runs their .control blocks at every load "
                 "(only for files you trust)");
}

}  // namespace cimkit::apps
