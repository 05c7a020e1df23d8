#pragma once
// Checks a netlist written by someone else before it reaches ngspice, reading it as ngspice does.
//
// A SPICE netlist is code: a .control block or a `*#` line runs ngspice commands (`shell` among
// them), `*ng_script` turns a file into a control script, .pre_osdi and the XSPICE model d_cosim
// load shared libraries, d_process starts a program, and .include/.lib and several XSPICE models
// read any file on the host. Those are refused unless the user opts in (--allow-control).
//
// ngspice matches dot-commands by prefix and case-insensitively (`.controls` is `.control`, `.incl`
// is `.include`), so the guard does too. Every included file is read and checked the same way,
// after resolving it as ngspice does (the netlist's folder, which is the worker's working
// directory, then the including file's folder); its real path, symlinks resolved, must stay inside
// the netlist's folder. This is the first of two walls: the worker that runs the netlist is also
// sandboxed (circuits/spice/sandbox.hpp), so a rule missing here does not open the host.
#include <filesystem>
#include <vector>

#include "circuits/spice/netlist_text.hpp"

namespace cimkit::circuits {

struct NetlistPolicy {
    bool allow_control = false;  // accept everything above (only for netlists you trust)
    // An analysis card asking for more points than this (`.ac lin 2000000000 ...`, a `.tran` whose
    // stop time is 10^12 print steps) is refused: it would fill memory or run for hours.
    double max_analysis_points = 1e7;
};

// What a checked netlist will read.
struct NetlistReads {
    std::filesystem::path folder;                       // the netlist's folder, real path; empty for text
    std::vector<std::filesystem::path> included_files;  // real paths, each once, in the order met
};

// Throws NetlistError naming the file (the included one, where the rule broke there), the line and
// the rule when the netlist breaks the policy, and when an include cannot be found, loops, or nests
// deeper than 16 files, and when an analysis asks for more than max_analysis_points points. With
// allow_control nothing is checked and nothing is read.
NetlistReads check_untrusted_netlist(const spice::NetlistText& netlist, const NetlistPolicy& policy);

}  // namespace cimkit::circuits
