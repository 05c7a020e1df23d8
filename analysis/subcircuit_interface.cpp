#include "analysis/subcircuit_interface.hpp"

#include <algorithm>

#include "analysis/subcircuit_trust.hpp"
#include "circuits/analysis_size.hpp"
#include "circuits/netlist_guard.hpp"
#include "circuits/spice/netlist_text.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::analysis {
namespace fs = std::filesystem;
namespace {

constexpr const char* prefix = "spice:";

// `a = b` and `a =b` as one word `a=b`, as ngspice reads parameter assignments.
std::string glue_assignments(std::string card) {
    for (std::size_t at = card.find('='); at != std::string::npos; at = card.find('=', at + 1)) {
        std::size_t left = at;
        while (left > 0 && (card[left - 1] == ' ' || card[left - 1] == '\t')) --left;
        std::size_t right = at + 1;
        while (right < card.size() && (card[right] == ' ' || card[right] == '\t')) ++right;
        card = card.substr(0, left) + "=" + card.substr(right);
        at = left;
    }
    return card;
}

// The card starting at line `index` with its `+` continuation lines (comments and blanks between).
std::string card_at(const spice::NetlistText& file, std::size_t index) {
    std::string card = file.lines[index];
    for (std::size_t k = index + 1; k < file.lines.size(); ++k) {
        const std::string next = text::trim(file.lines[k]);
        if (next.empty() || next.front() == '*') continue;
        if (next.front() != '+') break;
        card += " " + next.substr(1);
    }
    return card;
}

// The roles of `ports` (.subckt order): the declared programming terminal A and its return B, and the
// other two, in order, p and n. `refusal` makes the error of another count, naming the .subckt line.
template <class Refusal>
SubcircuitTerminals read_and_program_terminals(const std::vector<std::string>& ports, const std::vector<std::string>& program, Refusal refusal) {
    SubcircuitTerminals terminals;
    terminals.order.clear();
    std::size_t read = 0;  // the ports not declared for programming: p, then n (a third is refused below)
    for (const std::string& port : ports) {
        if (!program.empty() && port == program[0]) {
            terminals.order.push_back(SubcircuitTerminal::program);
        } else if (program.size() == 2 && port == program[1]) {
            terminals.order.push_back(SubcircuitTerminal::program_return);
        } else {
            terminals.order.push_back(read++ == 0 ? SubcircuitTerminal::read_p : SubcircuitTerminal::read_n);
        }
    }
    if (read != 2) {
        if (program.empty()) {
            throw refusal("has " + std::to_string(ports.size()) + " terminals; expected 2 (p, n) for a device, or declare its programming " +
                          "terminal with '*cimkit: program A [B]' in its block (docs/own-devices.md)");
        }
        throw refusal("has " + std::to_string(ports.size()) + " terminals, " + std::to_string(ports.size() - read) +
                      " of them declared for programming (" + text::join(program, ", ") + "); expected 2 others to read it (p, n)");
    }
    return terminals;
}

}  // namespace

bool is_spice_device_name(const std::string& name) { return text::starts_with(text::to_lower(name), prefix); }

SpiceDeviceName parse_spice_device_name(const std::string& name) {
    const std::string rest = is_spice_device_name(name) ? name.substr(std::string(prefix).size()) : "";
    const std::size_t colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) {
        throw UsageError("device '" + name + "': expected spice:FILE:SUBCKT (a netlist file and the name of a subcircuit in it)");
    }
    return {rest.substr(0, colon), rest.substr(colon + 1)};
}

SubcircuitInterface check_spice_device(const SpiceDeviceName& device) {
    const auto file = spice::NetlistText::from_file(device.file);
    // The file is included, not run as a netlist: its first line is a card, not a title. So the
    // guard sees it through a two-line wrapper that includes it, from its own folder.
    spice::NetlistText wrapper;
    wrapper.origin = "<device pulses of " + device.file.string() + ">";
    wrapper.directory = file.directory;
    wrapper.lines = {"* device pulses", ".include " + fs::absolute(device.file).string()};
    // With --allow-control (subcircuit_trust.hpp) nothing is checked and the file is not read.
    circuits::check_untrusted_netlist(wrapper, circuits::NetlistPolicy{subcircuit_files_trusted()});
    note_trusted_subcircuit_file(device.file);

    std::vector<std::string> defined;
    for (std::size_t i = 0; i < file.lines.size(); ++i) {
        const std::string line = text::trim(file.lines[i]);
        if (!text::starts_with(text::to_lower(line), ".subckt")) continue;
        const auto tokens = text::words(glue_assignments(card_at(file, i)), " \t\f\v\r");  // white space but the line ends
        if (tokens.size() < 2) continue;
        defined.push_back(tokens[1]);
        if (!text::iequals(tokens[1], device.subcircuit)) continue;
        SubcircuitInterface found;
        found.name = tokens[1];
        for (std::size_t k = 2; k < tokens.size(); ++k) {
            const std::string word = text::to_lower(tokens[k]);
            const std::size_t eq = word.find('=');
            if (word == "params:") continue;
            if (eq == std::string::npos) {
                found.ports.push_back(word);
            } else if (const auto value = circuits::spice_number(word.substr(eq + 1))) {
                found.numeric_defaults[word.substr(0, eq)] = *value;
            }
        }
        SubcircuitDeclarations declared = subcircuit_declarations(file, i, found.numeric_defaults, found.ports);
        found.terminals = read_and_program_terminals(found.ports, declared.program_terminals, [&](const std::string& what) {
            return NetlistError(file.origin, static_cast<int>(i + 1), line, "subcircuit '" + found.name + "' " + what);
        });
        found.drive = std::move(declared.drive);
        found.declared_spreads = std::move(declared.spreads);
        found.state_parameter = std::move(declared.state_parameter);
        return found;
    }
    throw NetlistError(file.origin, 0, "",
                       "no subcircuit '" + device.subcircuit + "'; the file defines: " + (defined.empty() ? "none" : text::join(defined, ", ")));
}

}  // namespace cimkit::analysis
