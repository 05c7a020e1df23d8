#pragma once
// The one place where a typed Netlist becomes SPICE text (docs/architecture.md#one-spice-writer).
//
// Numbers are printed as the shortest text that reads back as the same double (fmt's `{}`), so the
// text round-trips the doubles exactly. Every netlist sets `.options klu` (ngspice 46's KLU solver;
// docs/ngspice-facts.md#klu-is-not-the-default).
#include <filesystem>
#include <string>
#include <vector>

#include "circuits/netlist.hpp"

namespace cimkit::circuits {

std::string to_spice(const Netlist& netlist);

// A netlist for standalone `ngspice -b` and `cimkit simulate` (`--emit-netlist`): a comment header
// after the title, every `.include`d library copied in between comments naming it (the file runs
// from any folder, and the netlist guard reads nothing outside it), and cards such as `.meas`
// before `.end` so that ngspice -b has results to print.
struct StandaloneText {
    std::vector<std::string> header_comment;  // one "* " line each; line breaks become spaces
    std::filesystem::path include_root;       // inlined libraries are named relative to it
    std::vector<std::string> cards;
};
std::string to_standalone_spice(const Netlist& netlist, const StandaloneText& standalone);

// Shortest round-trip text of the number as written into netlists, e.g. "0.4", "1e-09".
std::string spice_number(double value);

}  // namespace cimkit::circuits
