#include "circuits/crossbar.hpp"

#include <algorithm>
#include <cmath>

#include "circuits/crossbar/builder.hpp"
#include "circuits/crossbar/stage_factory.hpp"
#include "circuits/crossbar/waveforms.hpp"
#include "circuits/crossbar_energy.hpp"
#include "circuits/crossbar_settling.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {
void validate_geometry(const CrossbarGeometry& g) {
    auto fail = [](const std::string& what) { throw ParameterError("crossbar: " + what); };
    if (g.rows < 1 || g.rows > 100000) fail("rows = " + std::to_string(g.rows) + " is outside [1, 100000]");
    if (g.columns < 1 || g.columns > 100000) fail("columns = " + std::to_string(g.columns) + " is outside [1, 100000]");
    if (static_cast<double>(g.rows) * g.columns > 1e7) fail("rows x columns is above 10^7 devices");
    if (!std::isfinite(g.row_wire_ohm) || g.row_wire_ohm < 0.0) fail("row wire resistance must be >= 0 Ohm");
    if (!std::isfinite(g.column_wire_ohm) || g.column_wire_ohm < 0.0) fail("column wire resistance must be >= 0 Ohm");
    if (!std::isfinite(g.row_wire_farad) || g.row_wire_farad < 0.0) fail("row wire capacitance must be >= 0 F");
    if (!std::isfinite(g.column_wire_farad) || g.column_wire_farad < 0.0) fail("column wire capacitance must be >= 0 F");
    if (!std::isfinite(g.driver_ohm) || g.driver_ohm < 0.0) fail("driver output resistance must be >= 0 Ohm");
    // On an ideal line every cell node is the driven or sensed end: a capacitor there would only
    // load the driver or the virtual ground, with no delay. Refuse instead of guessing.
    if ((g.row_wire_farad > 0.0 && g.row_wire_ohm == 0.0) || (g.column_wire_farad > 0.0 && g.column_wire_ohm == 0.0)) {
        fail("wire capacitance (--wire-farad) needs a wire resistance (--wire-ohm > 0) on the same lines: set both, or "
             "--wire-farad 0");
    }
}

double pulse_width_s(double input_V, double amplitude_V, const ReadTiming& timing) {
    return timing.read_s * std::clamp(input_V / amplitude_V, 0.0, 1.0);
}

namespace {

// Pulse-width inputs and a read-out that integrates charge come together, without line resistors.
void check_input_encoding(const CrossbarGeometry& g, const CrossbarCircuitOptions& options, const ColumnReadout& readout) {
    const bool pulse_width = options.pulse_width_read_V > 0.0;
    if (!std::isfinite(options.pulse_width_read_V) || options.pulse_width_read_V < 0.0) {
        throw ParameterError("crossbar: the pulse-width read amplitude must be a finite voltage >= 0 V (0: amplitude inputs)");
    }
    if (pulse_width && !readout.integrates_charge()) {
        throw ParameterError("crossbar: pulse-width inputs need a read-out that integrates charge (the integrator): "
                             "a column's current changes as each row's pulse ends");
    }
    if (!pulse_width && readout.integrates_charge()) {
        throw ParameterError("crossbar: the integrator read-out collects the charge of pulse-width inputs; under amplitude "
                             "inputs its output ramps with the read's length: use pulse-width inputs or another read-out");
    }
    if (pulse_width && has_line_resistors(g)) {
        throw ParameterError("crossbar: pulse-width inputs with wire or driver resistance are not modelled (the compact "
                             "path solves the IR drop under line voltages): set the wire and driver resistances to 0");
    }
}

}  // namespace

Netlist build_crossbar_read(const CrossbarGeometry& g, const DeviceFace& face, const std::vector<DeviceState>& states,
                            const std::vector<double>& inputs_V, const CrossbarCircuitOptions& options) {
    validate_geometry(g);
    const ReadTiming timing = settled_read_timing(g, options);
    if (states.size() != static_cast<std::size_t>(g.rows) * static_cast<std::size_t>(g.columns) ||
        inputs_V.size() != static_cast<std::size_t>(g.rows)) {
        throw ParameterError("crossbar: expected " + std::to_string(g.rows) + " x " + std::to_string(g.columns) +
                             " states and " + std::to_string(g.rows) + " inputs");
    }
    Netlist netlist("cimkit crossbar " + std::to_string(g.rows) + "x" + std::to_string(g.columns) + " " + face.name());
    // Line capacitors with the wires' small resistances make modes far faster than any time step; the
    // trapezoidal rule keeps those alive as a step-to-step ringing (about 2e-6 of the column current
    // measured on 64 x 32, 1 Ohm, 0.2 fF), Gear's rule damps them.
    if (g.row_wire_farad > 0.0 || g.column_wire_farad > 0.0) netlist.option("method", "gear");
    face.add_shared(netlist);
    CrossbarStages stages = make_peripheral_stages(options.peripherals, timing);
    check_input_encoding(g, options, column_readout(stages));
    if (options.pulse_width_read_V > 0.0) {
        std::vector<double> widths_s;
        for (double v : inputs_V) widths_s.push_back(pulse_width_s(v, options.pulse_width_read_V, timing));
        stages.push_back(make_pulse_width_row_driver(std::move(widths_s), options.pulse_width_read_V, timing));
    } else {
        stages.push_back(make_pulse_row_driver(inputs_V, timing));
    }
    if (has_line_resistors(g)) {
        stages.push_back(make_segment_wires(g.row_wire_ohm, g.column_wire_ohm, g.row_wire_farad, g.column_wire_farad, g.driver_ohm));
    }
    const auto state = [&](int i, int j) -> const DeviceState& {
        return states[static_cast<std::size_t>(i) * static_cast<std::size_t>(g.columns) + static_cast<std::size_t>(j)];
    };
    add_crossbar(netlist, CrossbarNames{}, g.rows, g.columns, face, state, stages);
    save_read_supplies(netlist);
    const double t_end = read_stop_s(g, options);
    // Steps fine enough to resolve the edges; the plateau needs few points (the circuit is static, or
    // settles with the lines' RC: ngspice's truncation-error control resolves that, and a cap of a
    // twentieth of the Elmore delay keeps a long RC window from taking edge-sized steps throughout).
    const bool initial_conditions = face.needs_initial_conditions() ||
                                    std::any_of(stages.begin(), stages.end(), [](const auto& s) { return s->needs_initial_conditions(); });
    const double max_step_s = std::max(timing.edge_s / 2.0, elmore_delay_s(g) / 20.0);
    netlist.add_analysis(TranAnalysis{timing.edge_s / 4.0, t_end, max_step_s, initial_conditions});
    return netlist;
}

std::vector<std::string> crossbar_measurements(const CrossbarGeometry& g, const CrossbarCircuitOptions& options) {
    const ReadTiming timing = settled_read_timing(g, options);
    const CrossbarStages stages = make_peripheral_stages(options.peripherals, timing);
    const ColumnReadout& readout = column_readout(stages);
    const CrossbarNames names;
    // At the plateau's corner: read_crossbar samples the last time point before it, which on the
    // settled plateau differs by rounding (crossbar_settling.hpp). An integrator's charge is read at
    // the end of the transient, after every pulse.
    const std::string at = " at=" + spice_number(readout.integrates_charge() ? read_stop_s(g, options) : timing.edge_s + timing.read_s);
    // Every read-out is linear, I = offset + slope v (crossbar/*_readout.cpp).
    const double offset_A = readout.column_current_A(0.0), slope_A = readout.column_current_A(1.0) - offset_A;
    std::vector<std::string> cards;
    for (int j = 0; j < g.columns; ++j) {
        const std::string column = "column_" + std::to_string(j), vector = plot_vector_name(readout.column_vector(names, j));
        if (!readout.reads_output_voltage()) {
            cards.push_back(".meas tran " + column + "_A find " + vector + at);
            continue;
        }
        cards.push_back(".meas tran " + column + "_V find " + vector + at);
        const std::string offset = offset_A == 0.0 ? "" : "+" + spice_number(offset_A);
        cards.push_back(".meas tran " + column + "_A param='" + column + "_V*" + spice_number(slope_A) + offset + "'");
    }
    return cards;
}

CrossbarReadout read_crossbar(const spice::Plot& tran, const CrossbarGeometry& g, const CrossbarCircuitOptions& options) {
    const ReadTiming timing = settled_read_timing(g, options);
    const CrossbarStages stages = make_peripheral_stages(options.peripherals, timing);
    const ColumnReadout& readout = column_readout(stages);
    const CrossbarNames names;
    const auto& t = tran.vector("time").real;
    // The settled value is the end of the plateau, where the array has had the longest to settle; an
    // integrator's is its charge after the last pulse, at the end of the transient.
    const double t_settled_s = readout.integrates_charge() ? t.back() : settled_time_s(t, timing.edge_s + timing.read_s);
    CrossbarReadout out;
    std::vector<std::vector<double>> column_A;
    for (int j = 0; j < g.columns; ++j) {
        const auto& values = tran.vector(plot_vector_name(readout.column_vector(names, j))).real;
        const double value = sample(t, values, t_settled_s);
        if (readout.reads_output_voltage()) out.column_output_V.push_back(value);
        out.column_current_A.push_back(readout.column_current_A(value));
        column_A.emplace_back(values.size());
        std::transform(values.begin(), values.end(), column_A.back().begin(), [&](double v) { return readout.column_current_A(v); });
    }
    const ColumnSettling settling = column_settling(t, column_A, t_settled_s, options.adc_bits);
    out.read_latency_s = settling.latency_s;
    out.adc_full_scale_A = settling.full_scale_A;
    out.settled_time_s = t_settled_s;
    out.read_energy_J = row_driver_energy_J(tran, g.rows) + read_supply_energy_J(tran);
    return out;
}

}  // namespace cimkit::circuits
