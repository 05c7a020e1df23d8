#pragma once
// A typed SPICE netlist: elements, subcircuits, model cards, includes, analyses.
//
// Built in C++ and turned into SPICE text in exactly one place (spice_writer.cpp), so generated text
// can be checked against golden files without running ngspice. Every name is validated when it is
// added ([a-z0-9_]+, lower case, as ngspice folds case anyway), and behavioural expressions are
// checked for characters that could end a line, so no generated line can carry another.
//
// An element's SPICE name is its type letter followed by its name: Resistor{"cell_0_1"} is written
// "rcell_0_1", a voltage Source{"row_0"} "vrow_0" (whose current ngspice calls i(vrow_0)).
#include <filesystem>
#include <string>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace cimkit::circuits {

struct Resistor {
    std::string name, a, b;
    double resistance_ohm;
};

struct Capacitor {
    std::string name, a, b;
    double capacitance_F;
    double initial_V = 0.0;  // written as ic= (used with uic / .ic)
};

struct Dc {
    double value;
};
struct PulseWave {
    double low, high, delay_s, rise_s, fall_s, width_s, period_s;
};
struct PiecewiseLinear {
    std::vector<std::pair<double, double>> points;  // (time_s, value)
};
struct External {};  // value supplied by C++ at every time point (Engine::set_external_*)

struct Source {
    enum class Kind { voltage, current };
    Kind kind;
    std::string name, plus, minus;
    std::variant<Dc, PulseWave, PiecewiseLinear, External> waveform;
};

struct Mosfet {
    std::string name, drain, gate, source, bulk, model;
    double width_m, length_m;
};

// B-source: `expression` in ngspice's behavioural syntax, e.g. "v(a,b)*1e-6".
struct Behavioural {
    enum class Kind { voltage, current };
    Kind kind;
    std::string name, plus, minus, expression;
};

// Voltage-controlled voltage source (op-amp core).
struct Vcvs {
    std::string name, out_plus, out_minus, in_plus, in_minus;
    double gain;
};

// Voltage-controlled current source: gain_S * V(in_plus, in_minus) flows from out_plus through the
// source to out_minus (SPICE's G element).
struct Vccs {
    std::string name, out_plus, out_minus, in_plus, in_minus;
    double gain_S;
};

struct Instance {
    std::string name;
    std::vector<std::string> nodes;
    std::string subcircuit;
    std::vector<std::pair<std::string, double>> parameters;
};

// A device of a loaded OSDI library (ngspice's N element): "N<name> <nodes> <model> key=value ...",
// the model a .model card of the library's device type. cimkit writes only its own device
// (circuits/spice/osdi_table.hpp), whose library the engine loads itself.
struct OsdiDevice {
    std::string name;
    std::vector<std::string> nodes;
    std::string model;
    std::vector<std::pair<std::string, double>> parameters;
};

using Element = std::variant<Resistor, Capacitor, Source, Mosfet, Behavioural, Vcvs, Vccs, Instance, OsdiDevice>;

struct ModelCard {
    std::string name, type;  // type: nmos, pmos, d, ...
    std::vector<std::pair<std::string, double>> parameters;
};

struct Subcircuit {
    std::string name;
    std::vector<std::string> ports;
    std::vector<Element> elements;
};

struct OpAnalysis {};
struct DcAnalysis {
    std::string source;  // the source's SPICE name ("vrow_0")
    double start, stop, step;
};
struct TranAnalysis {
    double step_s, stop_s;
    double max_step_s = 0.0;  // 0: ngspice's default
    bool use_initial_conditions = false;
};
struct AcAnalysis {
    int points_per_decade;
    double start_Hz, stop_Hz;
};
using Analysis = std::variant<OpAnalysis, DcAnalysis, TranAnalysis, AcAnalysis>;

// The SPICE name of an element: its type letter and its name.
std::string spice_name(const Element& element);

class Netlist {
public:
    explicit Netlist(std::string title);

    // Each throws NetlistError naming the element and the rule when a name, node, value or
    // expression is invalid, or an element name is used twice.
    void add(Element element);
    void add_model(ModelCard model);
    void add_subcircuit(Subcircuit subcircuit);
    void include(const std::filesystem::path& library);  // absolute path; a second include of it is dropped
    void add_analysis(Analysis analysis);
    void save(const std::string& vector);  // .save entry, e.g. "i(vcol_0)"
    // A simulator option written after "klu" on the .options line, e.g. option("method", "gear");
    // name and value match [a-z0-9_.]+ (NetlistError otherwise).
    void option(const std::string& name, const std::string& value);

    const std::string& title() const { return title_; }
    const std::vector<Element>& elements() const { return elements_; }
    const std::vector<ModelCard>& models() const { return models_; }
    const std::vector<Subcircuit>& subcircuits() const { return subcircuits_; }
    const std::vector<std::filesystem::path>& includes() const { return includes_; }
    const std::vector<Analysis>& analyses() const { return analyses_; }
    const std::vector<std::string>& saves() const { return saves_; }
    const std::vector<std::string>& options() const { return options_; }  // "name=value"

private:
    std::string title_;
    std::vector<Element> elements_;
    std::unordered_set<std::string> element_names_;  // a set: a 784x100 tile has ~10^5 elements
    std::vector<ModelCard> models_;
    std::vector<Subcircuit> subcircuits_;
    std::vector<std::filesystem::path> includes_;
    std::vector<Analysis> analyses_;
    std::vector<std::string> saves_;
    std::vector<std::string> options_;
};

// Validation used by Netlist and the writer: [a-z0-9_]+ for names and nodes.
bool is_valid_name(const std::string& name);

}  // namespace cimkit::circuits
