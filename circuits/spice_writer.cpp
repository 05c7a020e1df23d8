#include "circuits/spice_writer.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

std::string parameters_text(const std::vector<std::pair<std::string, double>>& parameters) {
    std::string out;
    for (const auto& [key, value] : parameters) out += " " + key + "=" + spice_number(value);
    return out;
}

struct Waveform {
    std::string operator()(const Dc& w) const { return "dc " + spice_number(w.value); }
    std::string operator()(const PulseWave& w) const {
        return "pulse(" + spice_number(w.low) + " " + spice_number(w.high) + " " + spice_number(w.delay_s) + " " +
               spice_number(w.rise_s) + " " + spice_number(w.fall_s) + " " + spice_number(w.width_s) + " " +
               spice_number(w.period_s) + ")";
    }
    std::string operator()(const PiecewiseLinear& w) const {
        std::string out = "pwl(";
        for (std::size_t i = 0; i < w.points.size(); ++i) {
            out += (i ? " " : "") + spice_number(w.points[i].first) + " " + spice_number(w.points[i].second);
        }
        return out + ")";
    }
    // No dc value: `V1 a 0 dc 0 external` crashed ngspice 39
    // (docs/ngspice-facts.md#external-sources).
    std::string operator()(const External&) const { return "external"; }
};

struct ElementLine {
    std::string name;
    std::string operator()(const Resistor& e) const { return name + " " + e.a + " " + e.b + " " + spice_number(e.resistance_ohm); }
    std::string operator()(const Capacitor& e) const {
        return name + " " + e.a + " " + e.b + " " + spice_number(e.capacitance_F) + " ic=" + spice_number(e.initial_V);
    }
    std::string operator()(const Source& e) const { return name + " " + e.plus + " " + e.minus + " " + std::visit(Waveform{}, e.waveform); }
    std::string operator()(const Mosfet& e) const {
        return name + " " + e.drain + " " + e.gate + " " + e.source + " " + e.bulk + " " + e.model +
               " w=" + spice_number(e.width_m) + " l=" + spice_number(e.length_m);
    }
    std::string operator()(const Behavioural& e) const {
        return name + " " + e.plus + " " + e.minus + (e.kind == Behavioural::Kind::current ? " i=" : " v=") + e.expression;
    }
    std::string operator()(const Vcvs& e) const {
        return name + " " + e.out_plus + " " + e.out_minus + " " + e.in_plus + " " + e.in_minus + " " + spice_number(e.gain);
    }
    std::string operator()(const Vccs& e) const {
        return name + " " + e.out_plus + " " + e.out_minus + " " + e.in_plus + " " + e.in_minus + " " + spice_number(e.gain_S);
    }
    std::string operator()(const Instance& e) const {
        std::string out = name;
        for (const auto& node : e.nodes) out += " " + node;
        return out + " " + e.subcircuit + parameters_text(e.parameters);
    }
    std::string operator()(const OsdiDevice& e) const {
        std::string out = name;
        for (const auto& node : e.nodes) out += " " + node;
        return out + " " + e.model + parameters_text(e.parameters);
    }
};

std::string element_line(const Element& element) { return std::visit(ElementLine{spice_name(element)}, element); }

struct AnalysisLine {
    std::string operator()(const OpAnalysis&) const { return ".op"; }
    std::string operator()(const DcAnalysis& a) const {
        return ".dc " + a.source + " " + spice_number(a.start) + " " + spice_number(a.stop) + " " + spice_number(a.step);
    }
    std::string operator()(const TranAnalysis& a) const {
        std::string out = ".tran " + spice_number(a.step_s) + " " + spice_number(a.stop_s);
        if (a.max_step_s > 0.0) out += " 0 " + spice_number(a.max_step_s);
        return out + (a.use_initial_conditions ? " uic" : "");
    }
    std::string operator()(const AcAnalysis& a) const {
        return ".ac dec " + std::to_string(a.points_per_decade) + " " + spice_number(a.start_Hz) + " " + spice_number(a.stop_Hz);
    }
};

// One comment line: a line break inside would start a SPICE card, so breaks become spaces.
std::string comment_line(std::string text) {
    for (char& c : text) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return "* " + text + "\n";
}

// The library's text between two comments naming it, so the netlist needs no file beside it.
std::string inlined_library(const std::filesystem::path& library, const std::filesystem::path& include_root) {
    std::ifstream in(library, std::ios::binary);
    if (!in) throw IoError(library.string(), "cannot read the library to inline it");
    std::ostringstream text;
    text << in.rdbuf();
    std::string body = text.str();
    if (!body.empty() && body.back() != '\n') body += '\n';
    const std::string name = include_root.empty() ? library.filename().string() : library.lexically_relative(include_root).generic_string();
    return comment_line("---- inlined from " + name + " ----") + body + comment_line("---- end of " + name + " ----");
}

std::string spice_text(const Netlist& netlist, const StandaloneText* standalone) {
    std::ostringstream out;
    out << netlist.title() << "\n";
    if (standalone) {
        for (const auto& line : standalone->header_comment) out << comment_line(line);
    }
    out << ".options klu";
    for (const auto& option : netlist.options()) out << " " << option;
    out << "\n";
    for (const auto& library : netlist.includes()) {
        if (standalone) {
            out << inlined_library(library, standalone->include_root);
        } else {
            out << ".include \"" << library.string() << "\"\n";
        }
    }
    for (const auto& model : netlist.models()) {
        out << ".model " << model.name << " " << model.type << " (" << parameters_text(model.parameters) << " )\n";
    }
    for (const auto& sub : netlist.subcircuits()) {
        out << ".subckt " << sub.name;
        for (const auto& port : sub.ports) out << " " << port;
        out << "\n";
        for (const auto& element : sub.elements) out << element_line(element) << "\n";
        out << ".ends " << sub.name << "\n";
    }
    for (const auto& element : netlist.elements()) out << element_line(element) << "\n";
    for (const auto& vector : netlist.saves()) out << ".save " << vector << "\n";
    for (const auto& analysis : netlist.analyses()) out << std::visit(AnalysisLine{}, analysis) << "\n";
    if (standalone) {
        for (const auto& card : standalone->cards) out << card << "\n";
    }
    out << ".end\n";
    return out.str();
}

}  // namespace

// The shortest text that reads back as the same double (fmt's `{}`: 0.4, not 0.40000000000000002).
// ngspice's own reader is not correctly rounded (docs/ngspice-facts.md#numbers-are-not-read-correctly-rounded),
// so neither this nor 17 digits reaches it as exactly this double in every case.
std::string spice_number(double value) { return fmt::format("{}", value); }

std::string to_spice(const Netlist& netlist) { return spice_text(netlist, nullptr); }

std::string to_standalone_spice(const Netlist& netlist, const StandaloneText& standalone) { return spice_text(netlist, &standalone); }

}  // namespace cimkit::circuits
