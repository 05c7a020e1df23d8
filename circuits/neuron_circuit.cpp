#include "circuits/neuron_circuit.hpp"

#include <cmath>
#include <cstddef>
#include <sstream>
#include <utility>

#include "circuits/error_multiplier.hpp"
#include "circuits/netlist.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

const std::vector<NeuronCircuitSpec>& known_circuits() {
    // sigmoid_mos: the NMOS differential pair; its input window is the one its library's logistic fit
    // uses (vmid +- 0.5 V), well beyond the pair's saturation at +-183 mV.
    // relu_mos: the source follower, from 0 V (off: its threshold is 0.4 V) to 1.4 V.
    static const std::vector<NeuronCircuitSpec> circuits{
        {"sigmoid_mos", "sigmoid_mos.lib", "sigmoid_mos", "vdd", "supply", 0.9, 0.5, NeuronShape::sigmoid},
        {"relu_mos", "relu_mos.lib", "relu_mos", "vdd", "supply", 0.7, 0.7, NeuronShape::rectifier},
    };
    return circuits;
}

std::filesystem::path library_path(const NeuronCircuitSpec& spec, const std::filesystem::path& netlist_dir) {
    const auto library = std::filesystem::absolute(netlist_dir / "peripherals" / spec.library);
    if (!std::filesystem::is_regular_file(library)) throw IoError(library.string(), "neuron circuit library not found");
    return library;
}

// ngspice's default reltol (1e-3) would let a reported output sit 1e-3 of its value from the solution
// (docs/ngspice-facts.md); the twin and the resident circuit must agree far better than that.
void tight_tolerances(Netlist& netlist) {
    netlist.option("reltol", "0.000001");
    netlist.option("vntol", "0.000000001");
}

// The vectors of one neuron instance's supply: its node voltage and its source's branch current.
std::string supply_node(const NeuronCircuitSpec& spec, const std::string& instance) {
    return "x" + instance + "." + spec.supply_node;
}
std::string supply_branch(const NeuronCircuitSpec& spec, const std::string& instance) {
    return "v.x" + instance + "." + spec.supply_source + "#branch";
}

// The power a supply source delivers: its current flows from + through the source, so a source
// delivering power has a negative branch current.
double delivered_W(double node_V, double branch_A) { return -node_V * branch_A; }

Instance neuron(const NeuronCircuitSpec& spec, const std::string& name, const std::string& in, const std::string& out) {
    return Instance{name, {in, out}, spec.subcircuit, {}};
}

// Unit k's names: the neuron's ("in_3", "n_3", "out_3") and its derivative circuit's copies ("inp_3",
// "inm_3", ...): `side` is "", "p" or "m".
// One neuron "n" from `in` to `out`, its input source "vin" driven by `input`: the netlist of the
// one-neuron measurements.
Netlist single_neuron(const NeuronCircuitSpec& spec, const std::filesystem::path& netlist_dir, const std::string& purpose,
                      decltype(Source::waveform) input) {
    Netlist netlist("cimkit neuron " + purpose + " " + spec.name);
    netlist.include(library_path(spec, netlist_dir));
    tight_tolerances(netlist);
    netlist.add(Source{Source::Kind::voltage, "in", "in", "0", std::move(input)});
    netlist.add(neuron(spec, "n", "in", "out"));
    return netlist;
}

std::string unit_name(const std::string& what, const std::string& side, int k) { return what + side + "_" + std::to_string(k); }
constexpr const char* sides[] = {"", "p", "m"};

}  // namespace

const NeuronCircuitSpec& neuron_circuit(const std::string& name) {
    std::string known;
    for (const auto& spec : known_circuits()) {
        if (spec.name == name) return spec;
        known += (known.empty() ? "" : ", ") + spec.name;
    }
    throw ParameterError("neuron circuit '" + name + "' is unknown (known: " + known + ")");
}

NeuronTransfer measure_transfer(const NeuronCircuitSpec& spec, const std::filesystem::path& netlist_dir, int points) {
    if (points < 3) throw ParameterError("neuron transfer: " + std::to_string(points) + " points; expected at least 3");
    Netlist netlist = single_neuron(spec, netlist_dir, "transfer", Dc{spec.center_V});
    const double step_V = 2.0 * spec.window_V / (points - 1);
    // A half step past the end, so rounding in ngspice's sweep never drops the last point.
    netlist.add_analysis(DcAnalysis{"vin", spec.center_V - spec.window_V, spec.center_V + spec.window_V + 0.5 * step_V, step_V});

    spice::Worker worker;
    worker.load(to_spice(netlist), "<" + netlist.title() + ">");
    const spice::AllPlots all = worker.run_all();
    if (all.plots.empty()) throw Error("neuron transfer " + spec.name + ": the DC sweep produced no plot");
    const spice::Plot& dc = all.plots.front();
    NeuronTransfer transfer;
    transfer.input_V = dc.vector("in").real;
    transfer.output_V = dc.vector("out").real;
    const std::vector<double>& supply_V = dc.vector(supply_node(spec, "n")).real;
    const std::vector<double>& supply_A = dc.vector(supply_branch(spec, "n")).real;
    if (transfer.input_V.size() != static_cast<std::size_t>(points)) {
        throw Error("neuron transfer " + spec.name + ": the DC sweep gave " + std::to_string(transfer.input_V.size()) +
                    " points; expected " + std::to_string(points));
    }
    for (std::size_t i = 0; i < supply_V.size(); ++i) transfer.supply_power_W.push_back(delivered_W(supply_V[i], supply_A[i]));
    return transfer;
}

double measure_settling_s(const NeuronCircuitSpec& spec, const std::filesystem::path& netlist_dir, int bits) {
    constexpr double edge_s = 1e-12, stop_s = 50e-9, step_s = 5e-12;
    const double low_V = spec.center_V - spec.window_V, high_V = spec.center_V + spec.window_V;
    const Netlist netlist =
        single_neuron(spec, netlist_dir, "settling", PulseWave{low_V, high_V, 0.0, edge_s, edge_s, 2.0 * stop_s, 4.0 * stop_s});
    spice::Worker worker;
    worker.load(to_spice(netlist), "<" + netlist.title() + ">");
    std::ostringstream tran;
    tran.precision(17);
    tran << "tran " << step_s << " " << stop_s << " 0 " << step_s;
    const auto values = worker.run_and_read(tran.str(), {"time", "out"});
    const std::vector<double>& t = values.at(0);
    const std::vector<double>& out = values.at(1);
    const double final_V = out.back(), half_lsb_V = std::abs(final_V - out.front()) / std::ldexp(1.0, bits + 1);
    double settled_s = 0.0;
    for (std::size_t k = 0; k < t.size(); ++k) {
        if (std::abs(out[k] - final_V) > half_lsb_V) settled_s = k + 1 < t.size() ? t[k + 1] : t[k];
    }
    return settled_s;
}

ResidentNeuronLayer::ResidentNeuronLayer(const NeuronCircuitSpec& spec, int units, double slope_step_V,
                                         const std::filesystem::path& netlist_dir, bool error_multipliers)
    : units_(units), slope_step_V_(slope_step_V), error_multipliers_(error_multipliers) {
    if (units < 1) throw ParameterError("neuron layer: " + std::to_string(units) + " units; expected at least 1");
    if (!(slope_step_V > 0.0)) throw ParameterError("neuron layer: slope step " + std::to_string(slope_step_V) + " V; expected > 0");
    Netlist netlist("cimkit neuron layer " + spec.name + " x" + std::to_string(units));
    netlist.include(library_path(spec, netlist_dir));
    if (error_multipliers) include_error_multiplier(netlist, netlist_dir);
    tight_tolerances(netlist);
    for (int k = 0; k < units; ++k) {
        // The neuron on in_k and the derivative circuit's two copies on inp_k = in_k + step and
        // inm_k = in_k - step (three EXTERNAL sources: the offsets are exact, as a matched pair's would be).
        for (const char* side : sides) {
            const std::string in = unit_name("in", side, k);
            netlist.add(Source{Source::Kind::voltage, in, in, "0", External{}});
            netlist.add(neuron(spec, unit_name("n", side, k), in, unit_name("out", side, k)));
        }
        if (error_multipliers) {
            add_error_multiplier(netlist, std::to_string(k), unit_name("out", "p", k), unit_name("out", "m", k), External{}, External{});
        }
    }
    netlist.add_analysis(OpAnalysis{});
    worker_.load(to_spice(netlist), "<" + netlist.title() + ">");
    for (int k = 0; k < units; ++k) {
        for (const char* side : sides) vectors_.push_back(unit_name("out", side, k));
        for (const char* side : sides) {
            vectors_.push_back(supply_node(spec, unit_name("n", side, k)));
            vectors_.push_back(supply_branch(spec, unit_name("n", side, k)));
        }
        if (error_multipliers) {
            const MultiplierNames n = multiplier_names(std::to_string(k));
            for (const std::string& v : {n.out_plus_branch, n.out_minus_branch, n.y_plus_branch, n.y_minus_branch}) vectors_.push_back(v);
        }
    }
}

ResidentNeuronLayer::Solution ResidentNeuronLayer::solve(const std::vector<double>& input_V, const std::vector<double>& error_V) {
    const auto units = static_cast<std::size_t>(units_);
    if (input_V.size() != units) {
        throw ParameterError("neuron layer: " + std::to_string(input_V.size()) + " inputs for " + std::to_string(units_) + " units");
    }
    if (!error_V.empty() && (!error_multipliers_ || error_V.size() != units)) {
        throw ParameterError("neuron layer: " + std::to_string(error_V.size()) + " error inputs for " + std::to_string(units_) + " units " +
                             (error_multipliers_ ? "with error multipliers" : "without error multipliers"));
    }
    for (int k = 0; k < units_; ++k) {
        const double v = input_V[static_cast<std::size_t>(k)];
        worker_.set_external_table("v" + unit_name("in", "", k), {v}, 1.0);
        worker_.set_external_table("v" + unit_name("in", "p", k), {v + slope_step_V_}, 1.0);
        worker_.set_external_table("v" + unit_name("in", "m", k), {v - slope_step_V_}, 1.0);
        if (error_multipliers_) {
            const double y = error_V.empty() ? 0.0 : error_V[static_cast<std::size_t>(k)];
            const MultiplierNames n = multiplier_names(std::to_string(k));
            worker_.set_external_table("v" + n.y_plus_source, {y}, 1.0);
            worker_.set_external_table("v" + n.y_minus_source, {-y}, 1.0);
        }
    }
    const std::vector<std::vector<double>> values = worker_.run_and_read("op", vectors_);
    Solution s;
    // Three outputs, three (node, branch) supply pairs, then the multiplier's four branches.
    const std::size_t per_unit = error_multipliers_ ? 13 : 9;
    for (std::size_t k = 0; k < units; ++k) {
        const auto at = [&](std::size_t i) { return values[per_unit * k + i].front(); };
        s.output_V.push_back(at(0));
        s.plus_output_V.push_back(at(1));
        s.minus_output_V.push_back(at(2));
        s.neuron_power_W += delivered_W(at(3), at(4));
        s.derivative_power_W += delivered_W(at(5), at(6)) + delivered_W(at(7), at(8));
        if (error_multipliers_) {
            const double y = error_V.empty() ? 0.0 : error_V[k];
            s.product_A.push_back(product_current_A(at(9), at(10)));
            s.product_power_W += multiplier_power_W(y, at(11), -y, at(12));
        }
    }
    return s;
}

}  // namespace cimkit::circuits
