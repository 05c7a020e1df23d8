#include "circuits/crossbar_energy.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "circuits/crossbar/builder.hpp"
#include "circuits/crossbar/stage_factory.hpp"
#include "circuits/crossbar/waveforms.hpp"
#include "circuits/crossbar_settling.hpp"

namespace cimkit::circuits {
namespace {

const CrossbarNames names;

// Energy a source delivers: ngspice's source current flows from + through the source to -, so the
// delivered power is -V I.
double delivered_J(const std::vector<double>& t, const std::vector<double>& v, const std::vector<double>& current) {
    std::vector<double> power(t.size());
    for (std::size_t k = 0; k < t.size(); ++k) power[k] = -v[k] * current[k];
    return integrate(t, power);
}

// The plot's vectors by name, indexed once: a wired array has rows x columns of line nodes, too
// many to look up one by one (Plot::vector walks the list).
class PlotIndex {
public:
    explicit PlotIndex(const spice::Plot& tran) : tran_(tran) {
        for (const auto& vector : tran.vectors) by_name_.emplace(vector.name, &vector);
    }
    const std::vector<double>& operator()(const std::string& name) const {
        const auto found = by_name_.find(name);
        // Plot::vector throws the error that names the plot and the missing vector.
        return found == by_name_.end() ? tran_.vector(name).real : found->second->real;
    }
    const std::vector<double>& time() const { return (*this)("time"); }

private:
    const spice::Plot& tran_;
    std::unordered_map<std::string, const spice::Vector*> by_name_;
};

// Node voltages at one instant, by node name.
class NodeVoltages {
public:
    NodeVoltages(const PlotIndex& plot, double t_s) : plot_(plot), t_s_(t_s) {}
    double operator()(const std::string& node) const { return sample(plot_.time(), plot_("v(" + node + ")"), t_s_); }

private:
    const PlotIndex& plot_;
    double t_s_;
};

// sum_seg dV^2 / R and sum_n C V^2 over the wire segments and their nodes at one instant.
struct LinePowers {
    double conduction_W = 0.0;
    double charge_J = 0.0;
};

LinePowers line_powers(const NodeVoltages& v, const CrossbarGeometry& g) {
    LinePowers out;
    for (int i = 0; i < g.rows && g.row_wire_ohm > 0.0; ++i) {
        // The first segment starts where the row is driven: behind the driver's resistance if any.
        double previous_V = v(g.driver_ohm > 0.0 ? names.line("drv", i) : names.row_input(i));
        for (int j = 0; j < g.columns; ++j) {
            const double node_V = v(names.cell("r", i, j));
            out.conduction_W += (previous_V - node_V) * (previous_V - node_V) / g.row_wire_ohm;
            out.charge_J += g.row_wire_farad * node_V * node_V;
            previous_V = node_V;
        }
    }
    for (int j = 0; j < g.columns && g.column_wire_ohm > 0.0; ++j) {
        double previous_V = v(names.cell("c", 0, j));
        out.charge_J += g.column_wire_farad * previous_V * previous_V;
        for (int i = 1; i <= g.rows; ++i) {
            const double node_V = v(i == g.rows ? names.column_output(j) : names.cell("c", i, j));
            out.conduction_W += (previous_V - node_V) * (previous_V - node_V) / g.column_wire_ohm;
            if (i < g.rows) out.charge_J += g.column_wire_farad * node_V * node_V;
            previous_V = node_V;
        }
    }
    return out;
}

// sum_i (v(in_i) - v(drv_i))^2 / R_d over the drivers' output resistors at one instant.
double driver_conduction_W(const NodeVoltages& v, const CrossbarGeometry& g) {
    double power_W = 0.0;
    for (int i = 0; i < g.rows && g.driver_ohm > 0.0; ++i) {
        const double drop_V = v(names.row_input(i)) - v(names.line("drv", i));
        power_W += drop_V * drop_V / g.driver_ohm;
    }
    return power_W;
}

// integral u(t)^2 dt with u = V_in(t) / V_in(t_s) of the row driven hardest (all rows share the
// pulse's shape); 0 when no row is driven.
double pulse_shape_s(const PlotIndex& plot, int rows, double t_s) {
    const auto& t = plot.time();
    int hardest = -1;
    double hardest_V = 0.0;
    for (int i = 0; i < rows; ++i) {
        const double v = std::abs(sample(t, plot("v(" + names.row_input(i) + ")"), t_s));
        if (v > hardest_V) hardest = i, hardest_V = v;
    }
    if (hardest < 0) return 0.0;
    std::vector<double> u_squared(t.size());
    const auto& v = plot("v(" + names.row_input(hardest) + ")");
    for (std::size_t k = 0; k < t.size(); ++k) u_squared[k] = (v[k] / hardest_V) * (v[k] / hardest_V);
    return integrate(t, u_squared);
}

double row_driver_energy_J(const PlotIndex& plot, int rows) {
    double energy_J = 0.0;
    for (int i = 0; i < rows; ++i) {
        energy_J += delivered_J(plot.time(), plot("v(" + names.row_input(i) + ")"), plot("i(" + names.line("vrow", i) + ")"));
    }
    return energy_J;
}

double read_supply_energy_J(const spice::Plot& tran, const PlotIndex& plot) {
    double energy_J = 0.0;
    const std::string supply_current = std::string("i(v") + read_supply_prefix;
    for (const auto& vector : tran.vectors) {
        if (vector.name.rfind(supply_current, 0) != 0) continue;
        const std::string node = vector.name.substr(3, vector.name.size() - 4);  // i(v<node>) -> <node>
        energy_J += delivered_J(plot.time(), plot("v(" + node + ")"), vector.real);
    }
    return energy_J;
}

}  // namespace

void save_line_nodes(Netlist& netlist, const CrossbarGeometry& g) {
    if (has_line_resistors(g)) netlist.save("all");
}

void keep_saved_vectors(spice::Plot& tran, const std::vector<std::string>& saves) {
    const std::unordered_set<std::string> kept(saves.begin(), saves.end());
    auto& vectors = tran.vectors;
    vectors.erase(std::remove_if(vectors.begin(), vectors.end(), [&](const spice::Vector& v) { return !v.is_scale && kept.count(v.name) == 0; }),
                  vectors.end());
}

double row_driver_energy_J(const spice::Plot& tran, int rows) { return row_driver_energy_J(PlotIndex(tran), rows); }

double read_supply_energy_J(const spice::Plot& tran) { return read_supply_energy_J(tran, PlotIndex(tran)); }

CrossbarEnergy crossbar_energy(const spice::Plot& tran, const CrossbarGeometry& g, const CrossbarCircuitOptions& options) {
    const ReadTiming timing = settled_read_timing(g, options);
    const PlotIndex plot(tran);
    const auto& t = plot.time();
    const double t_settled_s = settled_time_s(t, timing.edge_s + timing.read_s);
    CrossbarEnergy e;
    e.row_drivers_J = row_driver_energy_J(plot, g.rows);
    e.read_supplies_J = read_supply_energy_J(tran, plot);
    const CrossbarStages stages = make_peripheral_stages(options.peripherals, timing);
    const ColumnReadout& readout = column_readout(stages);
    for (int j = 0; j < g.columns; ++j) {
        const auto& values = plot(plot_vector_name(readout.column_vector(names, j)));
        e.readout_amplifiers_J += readout.delivered_energy_J(t, values);
        e.readout_J += readout.dissipated_energy_J(t, values);
    }
    e.total_J = e.row_drivers_J + e.read_supplies_J + e.readout_amplifiers_J;
    const NodeVoltages settled(plot, t_settled_s);
    const LinePowers lines = line_powers(settled, g);
    const double shape_s = pulse_shape_s(plot, g.rows, t_settled_s);
    e.wire_resistance_J = lines.conduction_W * shape_s;
    e.driver_resistance_J = driver_conduction_W(settled, g) * shape_s;
    e.wire_capacitance_J = lines.charge_J;
    e.devices_J = e.total_J - e.wire_resistance_J - e.driver_resistance_J - e.wire_capacitance_J - e.readout_J;
    return e;
}

}  // namespace cimkit::circuits
