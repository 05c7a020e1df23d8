#include "circuits/crossbar.hpp"

#include <cmath>
#include <filesystem>

#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

std::string index_name(const std::string& prefix, int i) { return prefix + "_" + std::to_string(i); }
std::string cell_name(const std::string& prefix, int i, int j) {
    return prefix + "_" + std::to_string(i) + "_" + std::to_string(j);
}

// Node of cell (i, j) on its row and on its column, after merging ideal wires.
std::string row_node(const CrossbarGeometry& g, int i, int j) {
    return g.row_wire_ohm > 0.0 ? cell_name("r", i, j) : index_name("in", i);
}
std::string column_node(const CrossbarGeometry& g, int i, int j) {
    return g.column_wire_ohm > 0.0 ? cell_name("c", i, j) : index_name("col", j);
}

void add_wires(Netlist& netlist, const CrossbarGeometry& g) {
    for (int i = 0; i < g.rows && g.row_wire_ohm > 0.0; ++i) {
        netlist.add(Resistor{cell_name("wr", i, 0), index_name("in", i), row_node(g, i, 0), g.row_wire_ohm});
        for (int j = 1; j < g.columns; ++j) {
            netlist.add(Resistor{cell_name("wr", i, j), row_node(g, i, j - 1), row_node(g, i, j), g.row_wire_ohm});
        }
    }
    for (int j = 0; j < g.columns && g.column_wire_ohm > 0.0; ++j) {
        for (int i = 1; i < g.rows; ++i) {
            netlist.add(Resistor{cell_name("wc", i, j), column_node(g, i - 1, j), column_node(g, i, j), g.column_wire_ohm});
        }
        netlist.add(Resistor{cell_name("wc", g.rows, j), column_node(g, g.rows - 1, j), index_name("col", j), g.column_wire_ohm});
    }
}

void add_word_line(Netlist& netlist, const AccessTransistor& access) {
    netlist.add_model(ModelCard{"nsel", "nmos", {{"level", 1}, {"kp", access.kp_A_per_V2}, {"vto", access.vto_V},
                                                 {"gamma", 0.0}, {"is", 1e-30}}});
    netlist.add(Source{Source::Kind::voltage, "wl", "wl", "0", Dc{access.v_wordline_V}});
}

void add_tia_readout(Netlist& netlist, const CrossbarGeometry& g, const TiaReadout& tia) {
    const auto library = std::filesystem::absolute(tia.netlist_dir / "peripherals" / "tia.lib");
    if (!std::filesystem::exists(library)) throw IoError(library.string(), "TIA subcircuit not found");
    netlist.include(library);
    for (int j = 0; j < g.columns; ++j) {
        netlist.add(Instance{index_name("tia", j), {index_name("col", j), index_name("out", j)}, "tia",
                             {{"a0", tia.open_loop_gain}, {"rf", tia.feedback_ohm}}});
        netlist.save("v(" + index_name("out", j) + ")");
    }
}

// Trapezoidal integral of y(t).
double integrate(const std::vector<double>& t, const std::vector<double>& y) {
    double sum = 0.0;
    for (std::size_t k = 1; k < t.size(); ++k) sum += 0.5 * (y[k] + y[k - 1]) * (t[k] - t[k - 1]);
    return sum;
}

// Linear interpolation of y at time t_s.
double sample(const std::vector<double>& t, const std::vector<double>& y, double t_s) {
    for (std::size_t k = 1; k < t.size(); ++k) {
        if (t[k] >= t_s) {
            const double f = (t_s - t[k - 1]) / (t[k] - t[k - 1]);
            return y[k - 1] + f * (y[k] - y[k - 1]);
        }
    }
    return y.back();
}

}  // namespace

void validate_geometry(const CrossbarGeometry& g) {
    auto fail = [](const std::string& what) { throw ParameterError("crossbar: " + what); };
    if (g.rows < 1 || g.rows > 100000) fail("rows = " + std::to_string(g.rows) + " is outside [1, 100000]");
    if (g.columns < 1 || g.columns > 100000) fail("columns = " + std::to_string(g.columns) + " is outside [1, 100000]");
    if (static_cast<double>(g.rows) * g.columns > 1e7) fail("rows x columns is above 10^7 devices");
    if (!std::isfinite(g.row_wire_ohm) || g.row_wire_ohm < 0.0) fail("row wire resistance must be >= 0 Ohm");
    if (!std::isfinite(g.column_wire_ohm) || g.column_wire_ohm < 0.0) fail("column wire resistance must be >= 0 Ohm");
}

Netlist build_crossbar_read(const CrossbarGeometry& g, const DeviceFace& face, const std::vector<DeviceState>& states,
                            const std::vector<double>& inputs_V, const CrossbarCircuitOptions& options) {
    const ReadTiming& timing = options.timing;
    validate_geometry(g);
    if (states.size() != static_cast<std::size_t>(g.rows) * static_cast<std::size_t>(g.columns) ||
        inputs_V.size() != static_cast<std::size_t>(g.rows)) {
        throw ParameterError("crossbar: expected " + std::to_string(g.rows) + " x " + std::to_string(g.columns) +
                             " states and " + std::to_string(g.rows) + " inputs");
    }
    Netlist netlist("cimkit crossbar " + std::to_string(g.rows) + "x" + std::to_string(g.columns) + " " + face.name());
    face.add_shared(netlist);
    const double t_end = 2.0 * timing.edge_s + timing.read_s;
    for (int i = 0; i < g.rows; ++i) {
        const double v = inputs_V[static_cast<std::size_t>(i)];
        netlist.add(Source{Source::Kind::voltage, index_name("row", i), index_name("in", i), "0",
                           PiecewiseLinear{{{0.0, 0.0}, {timing.edge_s, v}, {timing.edge_s + timing.read_s, v}, {t_end, 0.0}}}});
        netlist.save("v(" + index_name("in", i) + ")");
        netlist.save("i(" + index_name("vrow", i) + ")");
    }
    if (options.tia_readout) {
        add_tia_readout(netlist, g, options.tia);
    } else {
        for (int j = 0; j < g.columns; ++j) {
            netlist.add(Source{Source::Kind::voltage, index_name("sense", j), index_name("col", j), "0", Dc{0.0}});
            netlist.save("i(" + index_name("vsense", j) + ")");
        }
    }
    add_wires(netlist, g);
    if (options.access_transistor) add_word_line(netlist, options.access);
    for (int i = 0; i < g.rows; ++i) {
        for (int j = 0; j < g.columns; ++j) {
            const auto& state = states[static_cast<std::size_t>(i) * static_cast<std::size_t>(g.columns) + static_cast<std::size_t>(j)];
            const std::string tag = std::to_string(i) + "_" + std::to_string(j);
            std::string device_column = column_node(g, i, j);
            if (options.access_transistor) {
                device_column = "m_" + tag;
                netlist.add(Mosfet{"sel_" + tag, device_column, "wl", column_node(g, i, j), column_node(g, i, j), "nsel",
                                   options.access.width_m, options.access.length_m});
            }
            face.add_device(netlist, tag, row_node(g, i, j), device_column, state);
        }
    }
    // Steps fine enough to resolve the edges; the plateau needs few points (the circuit is static).
    netlist.add_analysis(TranAnalysis{timing.edge_s / 4.0, t_end, timing.edge_s / 2.0, face.needs_initial_conditions()});
    return netlist;
}

CrossbarReadout read_crossbar(const spice::Plot& tran, const CrossbarGeometry& g, const CrossbarCircuitOptions& options) {
    const auto& t = tran.vector("time").real;
    CrossbarReadout out;
    out.read_latency_s = options.timing.edge_s + 0.5 * options.timing.read_s;
    for (int j = 0; j < g.columns; ++j) {
        if (options.tia_readout) {
            // V_out = -I rf a0/(1 + a0)  =>  I = -V_out (1 + a0)/(a0 rf)
            const double v = sample(t, tran.vector("v(" + index_name("out", j) + ")").real, out.read_latency_s);
            const double a0 = options.tia.open_loop_gain;
            out.column_output_V.push_back(v);
            out.column_current_A.push_back(-v * (1.0 + a0) / (a0 * options.tia.feedback_ohm));
        } else {
            out.column_current_A.push_back(sample(t, tran.vector("i(" + index_name("vsense", j) + ")").real, out.read_latency_s));
        }
    }
    for (int i = 0; i < g.rows; ++i) {
        const auto& v = tran.vector("v(" + index_name("in", i) + ")").real;
        const auto& current = tran.vector("i(" + index_name("vrow", i) + ")").real;
        std::vector<double> power(t.size());
        // ngspice's source current flows from + through the source to -: delivered power is -V I.
        for (std::size_t k = 0; k < t.size(); ++k) power[k] = -v[k] * current[k];
        out.read_energy_J += integrate(t, power);
    }
    return out;
}

}  // namespace cimkit::circuits
