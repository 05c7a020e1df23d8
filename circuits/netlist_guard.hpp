#pragma once
// Checks a netlist written by someone else before it reaches ngspice.
//
// A SPICE netlist is code: a .control block can run `shell`, `*ng_script` turns the whole file into a
// control script, .pre_osdi loads a shared library, and .include/.lib read any file on the host.
// Those are refused unless the user opts in (--allow-control).
#include "circuits/spice/netlist_text.hpp"

namespace cimkit::circuits {

struct NetlistPolicy {
    bool allow_control = false;  // .control/.endc, *ng_script, .pre_osdi, includes outside the netlist's folder
};

// Throws NetlistError naming the file, the line and the rule when the netlist breaks the policy.
void check_untrusted_netlist(const spice::NetlistText& netlist, const NetlistPolicy& policy);

}  // namespace cimkit::circuits
