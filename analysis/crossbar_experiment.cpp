#include "analysis/crossbar_experiment.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "analysis/provenance.hpp"
#include "circuits/crossbar/stage_factory.hpp"
#include "circuits/crossbar_network.hpp"
#include "circuits/crossbar_newton.hpp"
#include "circuits/crossbar_settling.hpp"
#include "circuits/spice/engine.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/build_info.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/resource_dirs.hpp"

namespace cimkit::analysis {
namespace {

// Column sums of I(V_i, state_ij), with the per-column scale sum |I_ij| for relative errors.
std::vector<double> compact_ideal(const DeviceModel& model, const circuits::CrossbarGeometry& g,
                                  const std::vector<DeviceState>& states, const std::vector<double>& v,
                                  std::vector<double>& scale_A) {
    std::vector<double> current(static_cast<std::size_t>(g.columns), 0.0);
    scale_A.assign(current.size(), 0.0);
    for (int i = 0; i < g.rows; ++i) {
        for (int j = 0; j < g.columns; ++j) {
            const double c = model.current_A(v[static_cast<std::size_t>(i)], states[static_cast<std::size_t>(i * g.columns + j)]);
            current[static_cast<std::size_t>(j)] += c;
            scale_A[static_cast<std::size_t>(j)] += std::abs(c);
        }
    }
    return current;
}

// Under pulse-width inputs: each column's charge over the read as a mean current, sum_i q_ij / read_s,
// with the scale sum_i |q_ij| / read_s. Row i's pulse rises linearly to V_r in edge_s, holds for its
// width w_i and falls in edge_s, so q_ij = I(V_r) w_i + (2 edge_s / V_r) integral_0^V_r I(v) dv; the
// integral by 5-point Gauss-Legendre (exact for polynomials of degree 9; the device laws are smooth on
// [0, V_r]). A row at 0 V before and after its pulse adds I(0) times that idle time up to the end of the
// transient: 0 for the two-terminal devices, not for a face whose read current at 0 V is not 0 (the gain
// cell's fitted read law, devices/gain_cell.hpp), which the circuit integrates too. The integrator's
// input offset, -V_out/a0, is left out: it takes about V_out/(a0 V_r) off each current
// (circuits/crossbar/stage_settings.hpp).
std::vector<double> compact_pulse_width(const DeviceModel& model, const circuits::CrossbarGeometry& g,
                                        const circuits::CrossbarCircuitOptions& options, const std::vector<DeviceState>& states,
                                        const std::vector<double>& v, std::vector<double>& scale_A) {
    static constexpr double node[] = {0.0, -0.5384693101056831, 0.5384693101056831, -0.9061798459386640, 0.9061798459386640};
    static constexpr double weight[] = {0.5688888888888889, 0.4786286704993665, 0.4786286704993665, 0.2369268850561891, 0.2369268850561891};
    const circuits::ReadTiming timing = circuits::settled_read_timing(g, options);
    const double v_read = options.pulse_width_read_V;
    const double stop_s = circuits::read_stop_s(g, options);
    std::vector<double> current(static_cast<std::size_t>(g.columns), 0.0);
    scale_A.assign(current.size(), 0.0);
    for (int i = 0; i < g.rows; ++i) {
        const double width_s = circuits::pulse_width_s(v[static_cast<std::size_t>(i)], v_read, timing);
        for (int j = 0; j < g.columns; ++j) {
            const DeviceState& state = states[static_cast<std::size_t>(i * g.columns + j)];
            double ramp_integral = 0.0;  // integral_0^V_r I(v) dv
            for (int k = 0; k < 5; ++k) ramp_integral += weight[k] * model.current_A(0.5 * v_read * (1.0 + node[k]), state);
            ramp_integral *= 0.5 * v_read;
            const double idle_s = stop_s - 2.0 * timing.edge_s - width_s;
            const double charge = model.current_A(v_read, state) * width_s + 2.0 * timing.edge_s / v_read * ramp_integral +
                                  model.current_A(0.0, state) * idle_s;
            current[static_cast<std::size_t>(j)] += charge / timing.read_s;
            scale_A[static_cast<std::size_t>(j)] += std::abs(charge) / timing.read_s;
        }
    }
    return current;
}

// What resists besides the devices, as the compact solvers see it: the wire segments, the drivers'
// output resistance and the read-out's input resistance (the TIA's rf / (1 + a0); 0 for the ideal
// virtual ground), the twins of what the netlist draws.
circuits::CrossbarWires compact_wires(const circuits::CrossbarGeometry& g, const circuits::CrossbarPeripherals& peripherals) {
    return {g.row_wire_ohm, g.column_wire_ohm, g.driver_ohm, circuits::readout_input_ohm(peripherals)};
}

// The wired network solved with the compact model's I(v_row, v_column) by Newton (circuits/crossbar_newton.hpp).
std::vector<double> compact_with_wires(const DeviceModel& model, const circuits::CrossbarWires& wires, int columns,
                                       const std::vector<DeviceState>& states, const std::vector<double>& v) {
    const Eigen::VectorXd v_in = Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
    const auto solution = circuits::solve_nonlinear_crossbar(model, states, columns, v_in, wires);
    return {solution.column_current_A.data(), solution.column_current_A.data() + solution.column_current_A.size()};
}

}  // namespace

namespace {

// Random weights in [-1, 1], mapped by the scheme onto programmed devices, and random inputs.
std::vector<DeviceState> draw_array(const DeviceModel& model, const CrossbarRun& run, int rows, CrossbarResult& r) {
    Rng rng(run.seed);
    for (int k = 0; k < run.geometry.rows * run.geometry.columns; ++k) r.weights.push_back(2.0 * rng.uniform() - 1.0);
    std::vector<DeviceState> states;
    for (double level : circuits::physical_levels(run.scheme, r.weights, rows, run.geometry.columns)) {
        DeviceState s = model.make_device(rng);
        model.set_level(s, level, rng);
        r.levels.push_back(model.level(s));
        states.push_back(s);
    }
    for (int i = 0; i < rows; ++i) r.inputs_V.push_back(model.read_voltage_V() * (0.1 + 0.9 * rng.uniform()));
    return states;
}

void run_spice(const circuits::DeviceFace& face, const circuits::CrossbarGeometry& g, const std::vector<DeviceState>& states,
               const circuits::CrossbarCircuitOptions& options, circuits::Netlist netlist, CrossbarResult& r) {
    const std::vector<std::string> emitted_saves = netlist.saves();
    circuits::save_line_nodes(netlist, g);  // the energy meters, not part of the emitted circuit
    spice::Engine engine;
    face.bind(engine, states, g.rows, g.columns);
    const auto start = std::chrono::steady_clock::now();
    engine.load(spice::NetlistText::from_string(circuits::to_spice(netlist), "<crossbar netlist>"));
    engine.run();
    r.waveforms = engine.plots();
    r.spice_wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto readout = circuits::read_crossbar(r.waveforms.at(0), g, options);
    r.spice_column_current_A = readout.column_current_A;
    r.spice_column_output_V = readout.column_output_V;
    r.read_energy_J = readout.read_energy_J;
    r.read_latency_s = readout.read_latency_s;
    r.adc_full_scale_A = readout.adc_full_scale_A;
    r.settled_time_s = readout.settled_time_s;
    r.energy = circuits::crossbar_energy(r.waveforms.at(0), g, options);
    circuits::keep_saved_vectors(r.waveforms.at(0), emitted_saves);
}

// The compact path, and the largest column difference relative to sum_i |I_ij|. With wires or line-end
// resistances a Newton solve that does not converge leaves the ideal sums and says so (compact_includes_wires).
void run_compact(const DeviceModel& model, const circuits::CrossbarGeometry& g, const circuits::CrossbarCircuitOptions& options,
                 const std::vector<DeviceState>& states, CrossbarResult& r) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<double> scale_A;
    r.compact_column_current_A = options.pulse_width_read_V > 0.0 ? compact_pulse_width(model, g, options, states, r.inputs_V, scale_A)
                                                                  : compact_ideal(model, g, states, r.inputs_V, scale_A);
    if (const circuits::CrossbarWires wires = compact_wires(g, options.peripherals); circuits::has_resistance(wires)) {
        try {
            r.compact_column_current_A = compact_with_wires(model, wires, g.columns, states, r.inputs_V);
        } catch (const ConvergenceError&) {
            r.compact_includes_wires = false;
        }
    }
    r.compact_wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (std::size_t j = 0; j < scale_A.size(); ++j) {
        if (scale_A[j] == 0.0) continue;
        r.max_relative_error = std::max(r.max_relative_error,
                                        std::abs(r.spice_column_current_A[j] - r.compact_column_current_A[j]) / scale_A[j]);
    }
}

}  // namespace

CrossbarCircuit prepare_crossbar(const DeviceModel& model, const CrossbarRun& run) {
    circuits::validate_geometry(run.geometry);
    circuits::CrossbarGeometry g = run.geometry;
    g.columns = circuits::physical_columns(run.scheme, run.geometry.columns);
    circuits::validate_geometry(g);
    auto face = circuits::make_device_face(model, run.face_variant);
    CrossbarResult drawn;
    drawn.face = face->name();
    drawn.physical_columns = g.columns;
    std::vector<DeviceState> states = draw_array(model, run, g.rows, drawn);

    circuits::CrossbarCircuitOptions options;
    options.peripherals = run.peripherals;
    options.adc_bits = run.adc_bits;
    if (run.pulse_width_inputs) options.pulse_width_read_V = model.read_voltage_V();
    options.peripherals.settings.netlist_dir = resource_dir(Resource::netlists);
    circuits::Netlist netlist = circuits::build_crossbar_read(g, *face, states, drawn.inputs_V, options);
    return {std::move(face), g, std::move(options), std::move(states), std::move(netlist), std::move(drawn)};
}

CrossbarResult simulate_crossbar(const DeviceModel& model, const CrossbarRun& run, CrossbarCircuit& circuit) {
    CrossbarResult r = circuit.drawn;
    run_spice(*circuit.face, circuit.geometry, circuit.states, circuit.options, circuit.netlist, r);
    run_compact(model, circuit.geometry, circuit.options, circuit.states, r);
    r.spice_output_A = circuits::weight_column_outputs(run.scheme, r.spice_column_current_A, run.geometry.columns);
    r.compact_output_A = circuits::weight_column_outputs(run.scheme, r.compact_column_current_A, run.geometry.columns);
    return r;
}

namespace {

bool has_external_source(const std::vector<circuits::Element>& elements) {
    return std::any_of(elements.begin(), elements.end(), [](const circuits::Element& e) {
        const auto* source = std::get_if<circuits::Source>(&e);
        return source && std::holds_alternative<circuits::External>(source->waveform);
    });
}

// How the weights became the levels below, and how the outputs combine the columns (circuits/weight_mapping.hpp).
std::string mapping_description(circuits::WeightScheme scheme) {
    switch (scheme) {
        case circuits::WeightScheme::single: return "one device per weight at level (w + 1)/2; output j = I_j";
        case circuits::WeightScheme::differential:
            return "two devices per weight, column 2j at level max(w, 0) and column 2j+1 at level max(-w, 0); output j = I_2j - I_2j+1";
        case circuits::WeightScheme::reference_column:
            return "one device per weight at level (w + 1)/2, and a last column at level 1/2; output j = I_j - I_last";
    }
    return "";
}

// "row 3: 0.25 -0.5 ...": one row of a row-major matrix, shortest round-trip numbers.
std::vector<std::string> matrix_rows(const std::string& label, const std::vector<double>& values, int rows) {
    std::vector<std::string> lines;
    const std::size_t columns = values.size() / static_cast<std::size_t>(rows);
    for (std::size_t i = 0; i < static_cast<std::size_t>(rows); ++i) {
        std::string line = label + " row " + std::to_string(i) + ":";
        for (std::size_t j = 0; j < columns; ++j) line += " " + circuits::spice_number(values[i * columns + j]);
        lines.push_back(line);
    }
    return lines;
}

}  // namespace

std::string emitted_crossbar_netlist(const CrossbarCircuit& circuit, const CrossbarRun& run, const std::string& command_line) {
    bool external = has_external_source(circuit.netlist.elements());
    for (const auto& sub : circuit.netlist.subcircuits()) external = external || has_external_source(sub.elements);
    if (external) {
        throw UsageError("--emit-netlist cannot be used with --face " + run.face_variant + ": the " + circuit.drawn.face +
                         " face drives its devices through EXTERNAL sources whose values cimkit's own process supplies "
                         "at every time point, so the netlist would not run in ngspice -b or cimkit simulate; emit the "
                         "device's default face instead (leave out --face)");
    }
    const auto is_osdi = [](const circuits::Element& e) { return std::holds_alternative<circuits::OsdiDevice>(e); };
    if (std::any_of(circuit.netlist.elements().begin(), circuit.netlist.elements().end(), is_osdi)) {
        throw UsageError("--emit-netlist cannot be used with --face " + run.face_variant + ": the " + circuit.drawn.face +
                         " face's devices read their states from a table in cimkit's own process, so the netlist would "
                         "not run in ngspice -b or cimkit simulate; emit the device's default face instead (leave out --face)");
    }
    const CrossbarResult& d = circuit.drawn;
    circuits::StandaloneText text;
    text.include_root = std::filesystem::path(CIMKIT_NETLIST_DIR).parent_path();
    text.header_comment = {
        "Written by cimkit " + std::string(build_info::version) + " (git commit " + build_info::git_commit + ") at " + utc_timestamp(),
        "command: " + command_line,
        "seed: " + std::to_string(run.seed) + " (weights, device states and inputs are drawn from it in a fixed order)",
        "Run: ngspice -b FILE (or cimkit simulate FILE -o F.h5): the .meas cards print column_<j>_A, each physical column's",
        "current (A) at the end of the read plateau, as cimkit crossbar stores it in /crossbar/spice/column_current;",
        "NGSPICE_MEAS_PRECISION=16 in the environment prints every digit.",
        "weight mapping: " + to_string(run.scheme) + ", " + mapping_description(run.scheme),
        "weights w in [-1, 1], " + std::to_string(run.geometry.rows) + " x " + std::to_string(run.geometry.columns) +
            "; levels as programmed, " + std::to_string(circuit.geometry.rows) + " x " + std::to_string(d.physical_columns) +
            "; row inputs (V)"};
    for (auto& line : matrix_rows("weights", d.weights, run.geometry.rows)) text.header_comment.push_back(std::move(line));
    for (auto& line : matrix_rows("levels", d.levels, circuit.geometry.rows)) text.header_comment.push_back(std::move(line));
    std::string inputs = "inputs_V:";
    for (double v : d.inputs_V) inputs += " " + circuits::spice_number(v);
    text.header_comment.push_back(inputs);
    text.cards = circuits::crossbar_measurements(circuit.geometry, circuit.options);
    return circuits::to_standalone_spice(circuit.netlist, text);
}

namespace {

// ", 1T1R, TIA read-out": the labels of the chosen stages, in their order.
std::string stage_labels(const circuits::CrossbarPeripherals& peripherals) {
    std::string labels;
    for (const auto& stage : circuits::make_peripheral_stages(peripherals)) {
        if (!stage->label().empty()) labels += ", " + stage->label();
    }
    return labels;
}

}  // namespace

std::string crossbar_summary(const std::string& device, const CrossbarRun& run, const CrossbarResult& r) {
    char line[1024];
    const circuits::CrossbarEnergy& e = r.energy;
    std::snprintf(line, sizeof line,
                  "crossbar %s %dx%d (%s face, %s%s%s, %d physical columns, wires %g/%g Ohm %g/%g F, drivers %g Ohm): max relative "
                  "error spice vs compact %.3g%s, read energy %.4g J, latency %.3g s (%d-bit settling), ngspice %.3g s, compact %.3g s\n"
                  "energy %.4g J = devices %.4g + wire R %.4g + driver R %.4g + wire C %.4g + read-out %.4g; drawn from row "
                  "drivers %.4g, read supplies %.4g, read-out amplifiers %.4g",
                  device.c_str(), run.geometry.rows, run.geometry.columns, r.face.c_str(), to_string(run.scheme).c_str(),
                  stage_labels(run.peripherals).c_str(), run.pulse_width_inputs ? ", pulse-width inputs" : "",
                  r.physical_columns, run.geometry.row_wire_ohm,
                  run.geometry.column_wire_ohm, run.geometry.row_wire_farad, run.geometry.column_wire_farad, run.geometry.driver_ohm,
                  r.max_relative_error,
                  r.compact_includes_wires ? "" : " (compact path ignores the wires and line ends)", r.read_energy_J, r.read_latency_s, run.adc_bits,
                  r.spice_wall_time_s, r.compact_wall_time_s, e.total_J, e.devices_J, e.wire_resistance_J, e.driver_resistance_J, e.wire_capacitance_J,
                  e.readout_J,
                  e.row_drivers_J, e.read_supplies_J, e.readout_amplifiers_J);
    return line;
}

}  // namespace cimkit::analysis
