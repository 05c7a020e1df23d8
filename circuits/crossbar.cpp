#include "circuits/crossbar.hpp"

#include <algorithm>
#include <cmath>

#include "circuits/crossbar/builder.hpp"
#include "circuits/crossbar/stage_factory.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

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
    CrossbarStages stages = make_peripheral_stages(options.peripherals, timing);
    stages.push_back(make_pulse_row_driver(inputs_V, timing));
    if (g.row_wire_ohm > 0.0 || g.column_wire_ohm > 0.0) stages.push_back(make_segment_wires(g.row_wire_ohm, g.column_wire_ohm));
    const auto state = [&](int i, int j) -> const DeviceState& {
        return states[static_cast<std::size_t>(i) * static_cast<std::size_t>(g.columns) + static_cast<std::size_t>(j)];
    };
    add_crossbar(netlist, CrossbarNames{}, g.rows, g.columns, face, state, stages);
    save_read_supplies(netlist);
    const double t_end = 2.0 * timing.edge_s + timing.read_s;
    // Steps fine enough to resolve the edges; the plateau needs few points (the circuit is static).
    const bool initial_conditions = face.needs_initial_conditions() ||
                                    std::any_of(stages.begin(), stages.end(), [](const auto& s) { return s->needs_initial_conditions(); });
    netlist.add_analysis(TranAnalysis{timing.edge_s / 4.0, t_end, timing.edge_s / 2.0, initial_conditions});
    return netlist;
}

CrossbarReadout read_crossbar(const spice::Plot& tran, const CrossbarGeometry& g, const CrossbarCircuitOptions& options) {
    const CrossbarStages stages = make_peripheral_stages(options.peripherals, options.timing);
    const ColumnReadout& readout = column_readout(stages);
    const CrossbarNames names;
    const auto& t = tran.vector("time").real;
    CrossbarReadout out;
    out.read_latency_s = options.timing.edge_s + 0.5 * options.timing.read_s;
    for (int j = 0; j < g.columns; ++j) {
        const double value = sample(t, tran.vector(plot_vector_name(readout.column_vector(names, j))).real, out.read_latency_s);
        if (readout.reads_output_voltage()) out.column_output_V.push_back(value);
        out.column_current_A.push_back(readout.column_current_A(value));
    }
    for (int i = 0; i < g.rows; ++i) {
        const auto& v = tran.vector("v(" + names.row_input(i) + ")").real;
        const auto& current = tran.vector("i(" + names.line("vrow", i) + ")").real;
        std::vector<double> power(t.size());
        // ngspice's source current flows from + through the source to -: delivered power is -V I.
        for (std::size_t k = 0; k < t.size(); ++k) power[k] = -v[k] * current[k];
        out.read_energy_J += integrate(t, power);
    }
    // Supplies that devices draw from themselves (add_read_supply in circuits/device_face.hpp).
    const std::string supply_current = std::string("i(v") + read_supply_prefix;
    for (const auto& vector : tran.vectors) {
        if (vector.name.rfind(supply_current, 0) != 0) continue;
        const std::string node = vector.name.substr(3, vector.name.size() - 4);  // i(v<node>) -> <node>
        const auto& v = tran.vector("v(" + node + ")").real;
        std::vector<double> power(t.size());
        for (std::size_t k = 0; k < t.size(); ++k) power[k] = -v[k] * vector.real[k];
        out.read_energy_J += integrate(t, power);
    }
    return out;
}

}  // namespace cimkit::circuits
