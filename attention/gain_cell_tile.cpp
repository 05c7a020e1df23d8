#include "attention/gain_cell_tile.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "attention/gain_cell_attention.hpp"
#include "circuits/faces/gain_cell_faces.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::attention {
namespace {

using circuits::Behavioural;
using circuits::Capacitor;
using circuits::Netlist;
using circuits::Source;

constexpr double wordline_high_V = gain_cell_published_v_in_V;  // 0.9 V: the law's read voltage
constexpr double supply_V = 0.9;
constexpr double ramp_edge_s = 1e-12;  // the ramp's reset edges: their time is the pulses' only width error

std::string indexed(const std::string& prefix, std::size_t i) { return prefix + "_" + std::to_string(i); }
std::string indexed(const std::string& prefix, std::size_t i, std::size_t j) { return indexed(prefix, i) + "_" + std::to_string(j); }

// The phases of one token, from t = 0.
struct Timing {
    double first_edge_s, ramp_start_s, ramp_end_s, stop_s;
};

Timing timing(const TileCircuit& c) {
    Timing t{};
    t.first_edge_s = c.edge_s;
    t.ramp_start_s = t.first_edge_s + c.t_max_s + 2.0 * c.edge_s;  // every word line is low again
    t.ramp_end_s = t.ramp_start_s + ramp_edge_s + c.t_max_s;
    t.stop_s = t.ramp_end_s + ramp_edge_s + c.edge_s;
    return t;
}

// A 0.9 V trapezoid whose area is 0.9 V q T_max: width between the half-height points q T_max.
Source wordline(std::size_t d, double q, const TileCircuit& c, const Timing& t) {
    const std::string node = indexed("wl", d);
    if (q <= 0.0) return Source{Source::Kind::voltage, node, node, "0", circuits::Dc{0.0}};
    const double width_s = q * c.t_max_s, edge_s = std::min(c.edge_s, width_s);
    return Source{Source::Kind::voltage, node, node, "0",
                  circuits::PulseWave{0.0, wordline_high_V, t.first_edge_s, edge_s, edge_s, width_s - edge_s, 10.0 * t.stop_s}};
}

// Cell (n, d) of an array between the supplies and `line`: while its row is at 0.9 V the read
// transistor carries read_scale_A f(0.9 V, V_store - 0.45 V) (the published law), and in proportion
// below, so a trapezoid row pulse delivers exactly its width times that current. The stored voltage
// does not move during the nanoseconds of a read (the storage node only gates the read transistor),
// so the law is evaluated once, here, and the cell is a linear transconductance: sourced from the
// +0.9 V supply when f > 0, sunk into the -0.9 V one when f < 0, each supply delivering 0.9 V |I|.
void add_cell(Netlist& netlist, const std::string& array, std::size_t n, std::size_t d, double stored_V, const std::string& row,
              const std::string& line, const TileCircuit& c) {
    static const WeightPolynomial law = weight_polynomial(GainCellReadModel::published_kernel);
    const double gain_S = c.read_scale_A * evaluate(law, stored_V - gain_cell_weight_offset_V) / wordline_high_V;
    if (gain_S >= 0.0) {
        netlist.add(circuits::Vccs{indexed(array + "cell", n, d), array + "supp", line, row, "0", gain_S});
    } else {
        netlist.add(circuits::Vccs{indexed(array + "cell", n, d), line, array + "supn", row, "0", -gain_S});
    }
}

// Transistor cell (n, d): storage capacitor, write transistor (off), read transistor from `row` to
// `line` (held at 0 V) with its gate on the storage node.
void add_transistor_cell(Netlist& netlist, const std::string& array, std::size_t n, std::size_t d, double stored_V,
                         const std::string& row, const std::string& line, const TileCircuit& c) {
    using T = circuits::GainCellReadTransistor;
    const std::string store = indexed("s" + array, n, d);
    netlist.add(Capacitor{store, store, "0", c.c_store_F, stored_V});
    netlist.add(circuits::Mosfet{indexed("w" + array, n, d), "wbl", "wwl", store, "0", "ngc", T::width_m, T::length_m});
    netlist.add(circuits::Mosfet{indexed("r" + array, n, d), row, store, line, line, "ngc", T::width_m, T::length_m});
}

// An integrating line: `node` integrates on `farad`. Behavioural cells inject into it directly; the
// transistor cells' line is held at 0 V by a sense source whose current is mirrored into `node`.
// Returns the node the cells connect to.
std::string add_integrating_line(Netlist& netlist, const std::string& node, double farad, const TileCircuit& c) {
    netlist.add(Capacitor{"i" + node, node, "0", farad, 0.0});
    if (c.cells == TileCircuit::Cells::behavioural) return node;
    const std::string line = "l" + node;
    netlist.add(Source{Source::Kind::voltage, "s" + node, line, "0", circuits::Dc{0.0}});
    netlist.add(Behavioural{Behavioural::Kind::current, "m" + node, "0", node, "i(vs" + node + ")"});
    return line;
}

void add_supplies(Netlist& netlist, const std::string& array) {
    netlist.add(Source{Source::Kind::voltage, array + "supp", array + "supp", "0", circuits::Dc{supply_V}});
    netlist.add(Source{Source::Kind::voltage, array + "supn", array + "supn", "0", circuits::Dc{-supply_V}});
}

// Above any column voltage the keys can produce, so that no comparator fires outside the ramp.
double ramp_rest_V(const TileQuery& q, const HeadSettings& s, const TileCircuit& c) {
    using T = circuits::GainCellReadTransistor;
    const WeightPolynomial a = weight_polynomial(GainCellReadModel::published_kernel);
    double largest_f = 0.5 * T::kp_A_per_V2 * (T::width_m / T::length_m) * std::pow(stored_max_V - T::vto_V, 2) / c.read_scale_A;
    for (double w = -0.45; w <= 0.45; w += 0.001) largest_f = std::max(largest_f, std::abs(evaluate(a, w)));
    double total_q = 0.0;
    for (double x : q.query) total_q += x;
    return wordline_high_V * (1.0 + total_q * largest_f / s.score_saturation) + 1.0;
}

double trapezoid(const std::vector<double>& t, const std::vector<double>& y) {
    double sum = 0.0;
    for (std::size_t k = 1; k < t.size(); ++k) sum += 0.5 * (y[k] + y[k - 1]) * (t[k] - t[k - 1]);
    return sum;
}

void check(const TileQuery& q) {
    const auto dims = static_cast<Eigen::Index>(q.query.size());
    if (dims < 1 || q.key_V.rows() < 1 || q.key_V.cols() != dims || q.value_V.rows() != q.key_V.rows() || q.value_V.cols() != dims) {
        throw UsageError("attention tile: expected keys x " + std::to_string(dims) + " key and value voltages for " +
                         std::to_string(dims) + " query dimensions");
    }
}

}  // namespace

Netlist build_tile_netlist(const TileQuery& q, const HeadSettings& s, const TileCircuit& c) {
    check(q);
    const auto keys = static_cast<std::size_t>(q.key_V.rows()), dims = q.query.size();
    const Timing t = timing(c);
    Netlist netlist("cimkit gain-cell attention tile " + std::to_string(keys) + " keys x " + std::to_string(dims));
    const bool transistors = c.cells == TileCircuit::Cells::transistor;
    if (transistors) {
        circuits::add_gain_cell_transistor_shared(netlist);
    } else {
        add_supplies(netlist, "k");
        add_supplies(netlist, "v");
    }
    const auto cell = [&](const std::string& array, std::size_t n, std::size_t d, double stored_V, const std::string& row, const std::string& line) {
        if (transistors) {
            add_transistor_cell(netlist, array, n, d, stored_V, row, line, c);
        } else {
            add_cell(netlist, array, n, d, stored_V, row, line, c);
        }
    };
    for (std::size_t d = 0; d < dims; ++d) {
        netlist.add(wordline(d, q.query[d], c, t));
        if (transistors) {
            netlist.save("v(" + indexed("wl", d) + ")");
            netlist.save("i(v" + indexed("wl", d) + ")");
        }
    }
    const double rest_V = ramp_rest_V(q, s, c);
    netlist.add(Source{Source::Kind::voltage, "ramp", "ramp", "0",
                       circuits::PiecewiseLinear{{{0.0, rest_V},
                                                  {t.ramp_start_s, rest_V},
                                                  {t.ramp_start_s + ramp_edge_s, 0.0},
                                                  {t.ramp_end_s, wordline_high_V},
                                                  {t.ramp_end_s + ramp_edge_s, rest_V}}}});
    const double c_int_F = s.score_saturation * c.read_scale_A * c.t_max_s / wordline_high_V;
    const double c_out_F = s.output_saturation * c.read_scale_A * c.t_max_s / wordline_high_V;
    const std::string width = circuits::spice_number(c.comparator_width_V);
    std::vector<std::string> output_lines;
    for (std::size_t d = 0; d < dims; ++d) {
        output_lines.push_back(add_integrating_line(netlist, indexed("out", d), c_out_F, c));
        netlist.save("v(" + indexed("out", d) + ")");
    }
    for (std::size_t n = 0; n < keys; ++n) {
        const std::string column = indexed("col", n), pulse = indexed("a", n);
        const std::string line = add_integrating_line(netlist, column, c_int_F, c);
        for (std::size_t d = 0; d < dims; ++d) {
            cell("k", n, d, q.key_V(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d)), indexed("wl", d), line);
        }
        netlist.add(Behavioural{Behavioural::Kind::voltage, indexed("cmp", n), pulse, "0",
                                "0.45*(1+tanh((v(" + column + ")-v(ramp))/" + width + "))"});
        // Transistor cells draw their current from the pulse: a 0 V source in the row measures it.
        std::string row = pulse;
        if (transistors) {
            row = indexed("r", n);
            netlist.add(Source{Source::Kind::voltage, indexed("row", n), pulse, row, circuits::Dc{0.0}});
            netlist.save("i(v" + indexed("row", n) + ")");
        }
        for (std::size_t d = 0; d < dims; ++d) {
            cell("v", n, d, q.value_V(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d)), row, output_lines[d]);
        }
        netlist.save("v(" + column + ")");
        netlist.save("v(" + pulse + ")");
    }
    if (!transistors) {
        for (const char* supply : {"ksupp", "ksupn", "vsupp", "vsupn"}) netlist.save(std::string("i(v") + supply + ")");
    }
    // Storage nodes and integrators have no DC path: the transient starts from their charges (uic).
    netlist.add_analysis(circuits::TranAnalysis{c.max_step_s, t.stop_s, c.max_step_s, true});
    return netlist;
}

CellLaw transistor_cell_law(spice::Engine& engine, const TileCircuit& c) {
    Netlist netlist("cimkit gain-cell attention: the transistor cell's law");
    circuits::add_gain_cell_transistor_shared(netlist);
    netlist.add(Source{Source::Kind::voltage, "row", "row", "0", circuits::Dc{wordline_high_V}});
    netlist.add(Source{Source::Kind::voltage, "store", "store", "0", circuits::Dc{0.0}});
    netlist.add(Source{Source::Kind::voltage, "line", "line", "0", circuits::Dc{0.0}});
    using T = circuits::GainCellReadTransistor;
    netlist.add(circuits::Mosfet{"read", "row", "store", "line", "line", "ngc", T::width_m, T::length_m});
    constexpr double step_V = 1e-3;
    netlist.add_analysis(circuits::DcAnalysis{"vstore", stored_min_V, stored_max_V, step_V});
    engine.load(spice::NetlistText::from_string(circuits::to_spice(netlist), "<" + netlist.title() + ">"));
    engine.run();
    const auto plots = engine.plots();
    const auto dc = std::find_if(plots.begin(), plots.end(), [](const spice::Plot& p) { return p.analysis == "dc"; });
    if (dc == plots.end()) throw Error("attention tile: ngspice produced no DC sweep of the transistor cell");
    std::vector<double> law = dc->vector("i(vline)").real;  // drain to source, into the line's source
    for (double& i : law) i /= c.read_scale_A;
    engine.clear();
    return CellLaw::tabulated(stored_min_V - gain_cell_weight_offset_V, step_V, std::move(law));
}

TileRead run_tile(spice::Engine& engine, const TileQuery& q, const HeadSettings& s, const TileCircuit& c) {
    const circuits::Netlist netlist = build_tile_netlist(q, s, c);
    engine.load(spice::NetlistText::from_string(circuits::to_spice(netlist), "<" + netlist.title() + ">"));
    engine.run();
    const auto plots = engine.plots();
    const auto tran = std::find_if(plots.begin(), plots.end(), [](const spice::Plot& p) { return p.analysis == "tran"; });
    if (tran == plots.end()) throw Error("attention tile: ngspice produced no transient plot");
    const std::vector<double>& time = tran->vector("time").real;
    const Timing t = timing(c);
    const double unit_charge_C = c.read_scale_A * c.t_max_s;
    const double c_int_F = s.score_saturation * unit_charge_C / wordline_high_V;
    const double c_out_F = s.output_saturation * unit_charge_C / wordline_high_V;
    TileRead r;
    double last_pulse_end_s = t.ramp_start_s;
    for (Eigen::Index n = 0; n < q.key_V.rows(); ++n) {
        const std::vector<double>& column = tran->vector("v(" + indexed("col", static_cast<std::size_t>(n)) + ")").real;
        const std::vector<double>& pulse = tran->vector("v(" + indexed("a", static_cast<std::size_t>(n)) + ")").real;
        r.scores.push_back(c_int_F * column.back() / (unit_charge_C * s.score_saturation));
        r.pulses.push_back(trapezoid(time, pulse) / (wordline_high_V * c.t_max_s));
        for (std::size_t k = time.size(); k-- > 0;) {
            if (pulse[k] > 0.5 * wordline_high_V) {
                last_pulse_end_s = std::max(last_pulse_end_s, time[k]);
                break;
            }
        }
    }
    for (std::size_t d = 0; d < q.query.size(); ++d) {
        r.outputs.push_back(c_out_F * tran->vector("v(" + indexed("out", d) + ")").real.back() / unit_charge_C);
    }
    const auto delivered_J = [&](const char* supply, double volts) {
        const std::vector<double>& current = tran->vector(std::string("i(v") + supply + ")").real;
        std::vector<double> power(current.size());
        for (std::size_t k = 0; k < current.size(); ++k) power[k] = -volts * current[k];
        return trapezoid(time, power);
    };
    if (c.cells == TileCircuit::Cells::behavioural) {
        r.energy_scores_J = delivered_J("ksupp", supply_V) + delivered_J("ksupn", -supply_V);
        r.energy_outputs_J = delivered_J("vsupp", supply_V) + delivered_J("vsupn", -supply_V);
    } else {
        // -v i of each word-line source; v i of each row's 0 V sense source, whose current the pulse delivers.
        const auto energy = [&](const std::string& voltage, const std::string& current, double sign) {
            const std::vector<double>& v = tran->vector(voltage).real;
            const std::vector<double>& i = tran->vector(current).real;
            std::vector<double> power(i.size());
            for (std::size_t k = 0; k < i.size(); ++k) power[k] = sign * v[k] * i[k];
            return trapezoid(time, power);
        };
        for (std::size_t d = 0; d < q.query.size(); ++d) {
            r.energy_scores_J += energy("v(" + indexed("wl", d) + ")", "i(v" + indexed("wl", d) + ")", -1.0);
        }
        for (Eigen::Index n = 0; n < q.key_V.rows(); ++n) {
            const auto k = static_cast<std::size_t>(n);
            r.energy_outputs_J += energy("v(" + indexed("a", k) + ")", "i(v" + indexed("row", k) + ")", 1.0);
        }
    }
    r.latency_s = last_pulse_end_s - t.first_edge_s;
    engine.clear();
    return r;
}

}  // namespace cimkit::attention
