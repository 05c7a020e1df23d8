#pragma once
// The terminals of a `spice:FILE:SUBCKT` device, in its .subckt order
// (docs/own-devices.md#separate-programming-terminals).
//
// Every device has two read terminals, p and n, read as I(p -> n) at the read voltage. Without a
// declaration they are all it has: a write pulse is the signed plateau across p and n (the VTEAM
// example). A subcircuit whose state is moved through other terminals (a gate, the heavy-metal line
// of a spin-orbit-torque cell) declares them in its block:
//   *cimkit: program A [B]
// A is driven by the write pulses (the plateau, signed as the twin's potentiate_V and depress_V) and
// held at 0 V while the device is read; B, when given, is A's return, held at 0 V throughout. The two
// other terminals, in .subckt order, are p and n, and both sit at 0 V during a pulse, so a pulse
// reaches the state through A alone and a read's current is the read path's alone.
#include <string>
#include <vector>

namespace cimkit {

enum class SubcircuitTerminal { read_p, read_n, program, program_return };

struct SubcircuitTerminals {
    std::vector<SubcircuitTerminal> order = {SubcircuitTerminal::read_p, SubcircuitTerminal::read_n};

    // Whether a pulse goes to a programming terminal A rather than across p and n.
    bool separate_programming() const;
    // The nodes of an instance in .subckt order: p, n, A at `program` (ground while reading), B at ground.
    std::vector<std::string> nodes(const std::string& p, const std::string& n, const std::string& program = "0") const;
    // The same as text: "p n A B".
    std::string nodes_text(const std::string& p, const std::string& n, const std::string& program = "0") const;
};

}  // namespace cimkit
