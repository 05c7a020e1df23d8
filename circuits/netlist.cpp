#include "circuits/netlist.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

[[noreturn]] void refuse(const std::string& what, const std::string& rule) {
    throw NetlistError("<generated netlist>", 0, "", what + ": " + rule);
}

void check_name(const std::string& what, const std::string& name) {
    if (!is_valid_name(name)) refuse(what, "name '" + name + "' must match [a-z0-9_]+");
}

void check_value(const std::string& what, double value, bool positive) {
    if (!std::isfinite(value)) refuse(what, "value must be finite");
    if (positive && !(value > 0.0)) refuse(what, "value must be > 0");
}

// Behavioural expressions may use ngspice's operators and functions but nothing that ends a line,
// starts a comment or a new card.
void check_expression(const std::string& what, const std::string& expression) {
    if (expression.empty()) refuse(what, "empty expression");
    for (char c : expression) {
        const bool ok = std::isalnum(static_cast<unsigned char>(c)) || std::string(" _+-*/^().,<>=!&|?:").find(c) != std::string::npos;
        if (!ok) refuse(what, std::string("expression has a forbidden character '") + c + "'");
    }
    if (std::count(expression.begin(), expression.end(), '(') != std::count(expression.begin(), expression.end(), ')')) {
        refuse(what, "unbalanced parentheses in expression");
    }
}

struct ElementChecker {
    std::string what;
    void nodes(std::initializer_list<const std::string*> list) const {
        for (const auto* n : list) check_name(what + " node", *n);
    }
    void operator()(const Resistor& e) const { nodes({&e.a, &e.b}); check_value(what, e.resistance_ohm, true); }
    void operator()(const Capacitor& e) const {
        nodes({&e.a, &e.b});
        check_value(what, e.capacitance_F, true);
        check_value(what, e.initial_V, false);
    }
    void operator()(const Source& e) const {
        nodes({&e.plus, &e.minus});
        if (const auto* dc = std::get_if<Dc>(&e.waveform)) check_value(what, dc->value, false);
        if (const auto* pwl = std::get_if<PiecewiseLinear>(&e.waveform)) {
            for (const auto& [t, v] : pwl->points) {
                check_value(what, t, false);
                check_value(what, v, false);
            }
        }
    }
    void operator()(const Mosfet& e) const {
        nodes({&e.drain, &e.gate, &e.source, &e.bulk});
        check_name(what + " model", e.model);
        check_value(what, e.width_m, true);
        check_value(what, e.length_m, true);
    }
    void operator()(const Behavioural& e) const { nodes({&e.plus, &e.minus}); check_expression(what, e.expression); }
    void operator()(const Vcvs& e) const {
        nodes({&e.out_plus, &e.out_minus, &e.in_plus, &e.in_minus});
        check_value(what, e.gain, false);
    }
    void operator()(const Vccs& e) const {
        nodes({&e.out_plus, &e.out_minus, &e.in_plus, &e.in_minus});
        check_value(what, e.gain_S, false);
    }
    void operator()(const Instance& e) const {
        for (const auto& n : e.nodes) check_name(what + " node", n);
        check_name(what + " subcircuit", e.subcircuit);
        parameters(e.parameters);
    }
    void operator()(const OsdiDevice& e) const {
        for (const auto& n : e.nodes) check_name(what + " node", n);
        check_name(what + " model", e.model);
        parameters(e.parameters);
    }
    void parameters(const std::vector<std::pair<std::string, double>>& list) const {
        for (const auto& [key, value] : list) {
            check_name(what + " parameter", key);
            check_value(what, value, false);
        }
    }
};

std::string element_name(const Element& element) {
    return std::visit([](const auto& e) { return e.name; }, element);
}

void check_element(const Element& element) {
    const std::string name = element_name(element);
    check_name("element", name);
    std::visit(ElementChecker{"element '" + spice_name(element) + "'"}, element);
}

}  // namespace

bool is_valid_name(const std::string& name) {
    if (name.empty() || name.size() > 200) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

std::string spice_name(const Element& element) {
    struct Letter {
        char operator()(const Resistor&) const { return 'r'; }
        char operator()(const Capacitor&) const { return 'c'; }
        char operator()(const Source& s) const { return s.kind == Source::Kind::voltage ? 'v' : 'i'; }
        char operator()(const Mosfet&) const { return 'm'; }
        char operator()(const Behavioural&) const { return 'b'; }
        char operator()(const Vcvs&) const { return 'e'; }
        char operator()(const Vccs&) const { return 'g'; }
        char operator()(const Instance&) const { return 'x'; }
        char operator()(const OsdiDevice&) const { return 'n'; }
    };
    return std::string(1, std::visit(Letter{}, element)) + element_name(element);
}

Netlist::Netlist(std::string title) : title_(std::move(title)) {
    if (title_.find_first_of("\n\r") != std::string::npos) refuse("title", "must be one line");
}

void Netlist::add(Element element) {
    check_element(element);
    const std::string name = spice_name(element);
    if (!element_names_.insert(name).second) refuse("element '" + name + "'", "defined twice");
    elements_.push_back(std::move(element));
}

void Netlist::add_model(ModelCard model) {
    check_name("model", model.name);
    check_name("model type", model.type);
    for (const auto& [key, value] : model.parameters) {
        check_name("model '" + model.name + "' parameter", key);
        check_value("model '" + model.name + "'", value, false);
    }
    models_.push_back(std::move(model));
}

void Netlist::add_subcircuit(Subcircuit subcircuit) {
    check_name("subcircuit", subcircuit.name);
    for (const auto& port : subcircuit.ports) check_name("subcircuit '" + subcircuit.name + "' port", port);
    for (const auto& element : subcircuit.elements) check_element(element);
    subcircuits_.push_back(std::move(subcircuit));
}

void Netlist::include(const std::filesystem::path& library) {
    const std::string text = library.string();
    if (!library.is_absolute() || text.find_first_of("\"\n\r") != std::string::npos) {
        refuse("include", "'" + text + "' must be an absolute path without quotes or line breaks");
    }
    // A library's subcircuits may be defined once per netlist; every tile that uses one asks for it.
    if (std::find(includes_.begin(), includes_.end(), library) == includes_.end()) includes_.push_back(library);
}

void Netlist::add_analysis(Analysis analysis) {
    if (const auto* dc = std::get_if<DcAnalysis>(&analysis)) {
        if (!is_valid_name(dc->source)) refuse("dc analysis", "source '" + dc->source + "' is not a valid name");
    }
    if (const auto* tran = std::get_if<TranAnalysis>(&analysis)) {
        check_value("tran analysis", tran->step_s, true);
        check_value("tran analysis", tran->stop_s, true);
    }
    analyses_.push_back(std::move(analysis));
}

void Netlist::save(const std::string& vector) {
    check_expression("save", vector);
    saves_.push_back(vector);
}

void Netlist::option(const std::string& name, const std::string& value) {
    const auto plain = [](const std::string& text) {
        return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
            return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '.';
        });
    };
    if (!plain(name) || !plain(value)) refuse("option '" + name + "=" + value + "'", "name and value must match [a-z0-9_.]+");
    options_.push_back(name + "=" + value);
}

}  // namespace cimkit::circuits
