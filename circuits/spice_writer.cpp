#include "circuits/spice_writer.hpp"

#include <cstdio>
#include <sstream>

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

}  // namespace

std::string spice_number(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    return buffer;
}

std::string to_spice(const Netlist& netlist) {
    std::ostringstream out;
    out << netlist.title() << "\n";
    out << ".options klu";
    for (const auto& option : netlist.options()) out << " " << option;
    out << "\n";
    for (const auto& library : netlist.includes()) out << ".include \"" << library.string() << "\"\n";
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
    out << ".end\n";
    return out.str();
}

}  // namespace cimkit::circuits
