#pragma once
// The one place where a typed Netlist becomes SPICE text (docs/architecture.md#one-spice-writer).
//
// Numbers are printed with 17 significant digits, so the text round-trips the doubles exactly.
// Every netlist sets `.options klu` (ngspice 46's KLU solver;
// docs/ngspice-facts.md#klu-is-not-the-default).
#include <string>

#include "circuits/netlist.hpp"

namespace cimkit::circuits {

std::string to_spice(const Netlist& netlist);

// "%.17g": the number as written into netlists.
std::string spice_number(double value);

}  // namespace cimkit::circuits
