#include "circuits/update_circuit.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>

#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

// Row pulses swing 0 -> +-1 V, twice the cell threshold vth = 0.5 V passed to every cell: the gate
// function is odd about vth, so each linear edge adds exactly half its duration to the time beyond
// vth and the pulse's width at half maximum is the time the cell conducts.
constexpr double row_pulse_V = 1.0;
constexpr double cell_threshold_V = 0.5;
constexpr double cell_sharpness_V = 0.01;
// Below this fraction of a full-scale change a cell gets no pulse (what is left is numerical zero).
constexpr double smallest_update = 1e-9;

std::string index_name(const std::string& prefix, std::size_t i) { return prefix + "_" + std::to_string(i); }
std::string cell_name(const std::string& prefix, std::size_t i, std::size_t j) {
    return prefix + "_" + std::to_string(i) + "_" + std::to_string(j);
}

std::string number(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

[[noreturn]] void fail(const std::string& what) { throw ParameterError("update circuit: " + what); }

// Every entry finite and within [-1, 1].
void check_unit_signals(const std::string& name, const std::vector<double>& values) {
    if (values.empty()) fail(name + " is empty");
    if (values.size() > 100000) fail(name + " has " + std::to_string(values.size()) + " entries, above 100000");
    for (std::size_t k = 0; k < values.size(); ++k) {
        if (!std::isfinite(values[k]) || std::abs(values[k]) > 1.0) {
            fail(name + "[" + std::to_string(k) + "] = " + number(values[k]) + " is outside [-1, 1]");
        }
    }
}

}  // namespace

void check_update_signals(const std::vector<double>& x, const std::vector<double>& delta) {
    check_unit_signals("x", x);
    check_unit_signals("delta", delta);
}

namespace {

void check_inputs(const std::vector<double>& x, const std::vector<double>& delta,
                  const std::vector<double>& initial_V) {
    check_update_signals(x, delta);
    if (static_cast<double>(x.size()) * static_cast<double>(delta.size()) > 1e7)
        fail("rows x columns is above 10^7 cells");
    if (initial_V.size() != x.size() * delta.size()) {
        fail("initial_storage_V has " + std::to_string(initial_V.size()) +
             " entries, expected rows x columns = " + std::to_string(x.size() * delta.size()));
    }
    for (std::size_t k = 0; k < initial_V.size(); ++k) {
        if (!std::isfinite(initial_V[k]))
            fail("initial_storage_V[" + std::to_string(k) + "] = " + number(initial_V[k]) + " V is not finite");
    }
}

// Rise/fall time of row i's pulse: the encoding's edge, or the whole width for pulses too short for a
// plateau (a triangle, whose width at half maximum is still t_row).
double ramp_s(double t_row_s, const UpdateEncoding& encoding) {
    return t_row_s - encoding.row_edge_s > 0.01 * encoding.row_edge_s ? encoding.row_edge_s : t_row_s;
}

// When row i is back at 0 V: t_row + edge (rise from t = 0, plateau t_row - edge, fall).
double row_end_s(double t_row_s, const UpdateEncoding& encoding) {
    return t_row_s > 0.0 ? t_row_s + ramp_s(t_row_s, encoding) : 0.0;
}

// The cell switches while V_row crosses vth +- 5 vsharp (a tenth of a ramp, most of it within
// +-vsharp); ngspice's step control does not see that inside a linear ramp and, with steps of an edge,
// the time a cell conducts came out up to 5 ps short. PWL corners (collinear, so the ramp keeps its
// shape) at these levels are breakpoints, after which ngspice restarts with small steps, so the switch
// is resolved without a fine step over the whole pulse.
const double switching_levels_V[] = {
    cell_threshold_V - 5.0 * cell_sharpness_V, cell_threshold_V - 2.0 * cell_sharpness_V, cell_threshold_V,
    cell_threshold_V + 2.0 * cell_sharpness_V, cell_threshold_V + 5.0 * cell_sharpness_V};

Source row_source(std::size_t i, double x, double t_row_s, const UpdateEncoding& encoding) {
    Source source{Source::Kind::voltage, index_name("urow", i), index_name("urow", i), "0", Dc{0.0}};
    if (t_row_s <= 0.0) return source;
    const double sign = x > 0.0 ? 1.0 : -1.0;
    const double edge_s = ramp_s(t_row_s, encoding), fall_s = t_row_s;  // the fall starts at t_row
    PiecewiseLinear pulse{{{0.0, 0.0}}};
    for (const double level_V : switching_levels_V)
        pulse.points.emplace_back(level_V / row_pulse_V * edge_s, sign * level_V);
    pulse.points.emplace_back(edge_s, sign * row_pulse_V);
    if (fall_s > edge_s) pulse.points.emplace_back(fall_s, sign * row_pulse_V);
    for (auto level = std::rbegin(switching_levels_V); level != std::rend(switching_levels_V); ++level) {
        pulse.points.emplace_back(fall_s + (1.0 - *level / row_pulse_V) * edge_s, sign * *level);
    }
    pulse.points.emplace_back(fall_s + edge_s, 0.0);
    source.waveform = pulse;
    return source;
}

void add_cells(Netlist& netlist, std::size_t rows, std::size_t columns, const std::vector<double>& initial_V,
               const UpdateEncoding& encoding) {
    for (std::size_t i = 0; i < rows; ++i) {
        for (std::size_t j = 0; j < columns; ++j) {
            const std::string out = cell_name("uout", i, j), storage = cell_name("st", i, j);
            netlist.add(update_cell(i, j, out, encoding));
            netlist.add(Source{Source::Kind::voltage, cell_name("ucell", i, j), out, storage, Dc{0.0}});
            netlist.add(Capacitor{storage, storage, "0", encoding.storage_F, initial_V[i * columns + j]});
            netlist.save("v(" + storage + ")");
            netlist.save("i(" + cell_name("vucell", i, j) + ")");
        }
    }
}

double trapezoid(const std::vector<double>& t, const std::vector<double>& y) {
    double sum = 0.0;
    for (std::size_t k = 1; k < t.size(); ++k) sum += 0.5 * (y[k] + y[k - 1]) * (t[k] - t[k - 1]);
    return sum;
}

// The plot's vectors by name, so that reading R x C cells is not quadratic in the cell count.
class VectorIndex {
public:
    explicit VectorIndex(const spice::Plot& plot) : plot_(plot) {
        for (const auto& v : plot.vectors) by_name_.emplace(v.name, &v);
    }
    const std::vector<double>& operator[](const std::string& name) const {
        const auto found = by_name_.find(name);
        return found != by_name_.end() ? found->second->real : plot_.vector(name).real;  // vector() throws
    }

private:
    const spice::Plot& plot_;
    std::unordered_map<std::string, const spice::Vector*> by_name_;
};

// The write pulse that carries cell (i, j)'s update to a device, with the given polarity; none when the
// update is numerically zero. The mapping is documented per device in the header.
std::optional<Pulse> cell_pulse(const DeviceModel& model, double dv_V, double t_row_s, int polarity,
                                const UpdateEncoding& encoding) {
    const double strength = std::abs(dv_V) / full_scale_update_V(encoding);
    if (!(strength >= smallest_update) || t_row_s <= 0.0) return std::nullopt;
    if (model.pulse_amplitude_unit() == Unit::ampere) {
        const double charge_C = encoding.storage_F * std::abs(dv_V);
        return Pulse{charge_C / t_row_s, t_row_s, polarity};
    }
    Pulse pulse = model.nominal_pulse(polarity);
    pulse.width_s *= encoding.full_scale_pulses * strength;
    return pulse;
}

void check_result(const UpdateResult& result, std::size_t states, const std::string& which) {
    const std::size_t cells = static_cast<std::size_t>(result.rows) * static_cast<std::size_t>(result.columns);
    if (result.delta_storage_V.size() != cells || result.row_pulse_s.size() != static_cast<std::size_t>(result.rows)) {
        fail("the update result is inconsistent with its " + std::to_string(result.rows) + " x " +
             std::to_string(result.columns) + " cells");
    }
    if (states != cells) {
        fail(which + " has " + std::to_string(states) + " devices, the update " + std::to_string(cells) + " cells");
    }
}

}  // namespace

std::filesystem::path update_library(const std::filesystem::path& netlist_dir) {
    const auto library = std::filesystem::absolute(netlist_dir / "peripherals" / "update_outer_product.lib");
    if (!std::filesystem::is_regular_file(library)) throw IoError(library.string(), "update-cell library not found");
    return library;
}

Instance update_cell(std::size_t row, std::size_t column, const std::string& storage_side, const UpdateEncoding& encoding) {
    return Instance{cell_name("upd", row, column),
                    {index_name("urow", row), index_name("ucol", column), storage_side},
                    "update_cell",
                    {{"k", encoding.cell_gain_A_per_V}, {"vth", cell_threshold_V}, {"vsharp", cell_sharpness_V}}};
}

std::string update_row_source(std::size_t row) { return "v" + index_name("urow", row); }
std::string update_column_source(std::size_t column) { return "v" + index_name("ucol", column); }
std::string update_storage_node(std::size_t row, std::size_t column) { return cell_name("st", row, column); }

std::vector<std::pair<double, double>> pulse_corners(double width_s, double sign, const UpdateEncoding& encoding) {
    const double edge_s = ramp_s(width_s, encoding);
    std::vector<std::pair<double, double>> corners{{0.0, 0.0}, {edge_s, sign * row_pulse_V}};
    if (width_s > edge_s) corners.emplace_back(width_s, sign * row_pulse_V);
    corners.emplace_back(width_s + edge_s, 0.0);
    return corners;
}

std::vector<double> pulse_switching_times_s(double width_s, const UpdateEncoding& encoding) {
    const double edge_s = ramp_s(width_s, encoding);
    std::vector<double> times;
    for (const double level_V : {cell_threshold_V - 2.0 * cell_sharpness_V, cell_threshold_V + 2.0 * cell_sharpness_V}) {
        times.push_back(level_V / row_pulse_V * edge_s);                  // rising
        times.push_back(width_s + (1.0 - level_V / row_pulse_V) * edge_s);  // falling
    }
    std::sort(times.begin(), times.end());
    return times;
}

double pulse_edge_s(double width_s, const UpdateEncoding& encoding) { return ramp_s(width_s, encoding); }

std::vector<std::pair<double, double>> row_pulse_corners(double x, const UpdateEncoding& encoding) {
    const double t_row_s = std::abs(x) * encoding.max_row_pulse_s;
    if (!(t_row_s > 0.0)) return {};
    return pulse_corners(t_row_s, x > 0.0 ? 1.0 : -1.0, encoding);
}

std::vector<double> row_switching_times_s(double x, const UpdateEncoding& encoding) {
    const double t_row_s = std::abs(x) * encoding.max_row_pulse_s;
    if (!(t_row_s > 0.0)) return {};
    return pulse_switching_times_s(t_row_s, encoding);
}

double update_window_s(const std::vector<double>& x, const UpdateEncoding& encoding) {
    double last_end_s = 0.0;
    for (const double t_row : row_pulse_widths_s(x, encoding)) last_end_s = std::max(last_end_s, row_end_s(t_row, encoding));
    return std::max(last_end_s, encoding.row_edge_s) + encoding.row_edge_s;
}

UpdateResult empty_update_result(const std::vector<double>& x, int columns, const UpdateEncoding& encoding) {
    UpdateResult result;
    result.rows = static_cast<int>(x.size());
    result.columns = columns;
    result.row_pulse_s = row_pulse_widths_s(x, encoding);
    for (const double t_row : result.row_pulse_s) result.latency_s = std::max(result.latency_s, row_end_s(t_row, encoding));
    return result;
}

void validate_encoding(const UpdateEncoding& e) {
    const std::pair<const char*, double> fields[] = {{"max_row_pulse_s", e.max_row_pulse_s},
                                                     {"max_column_V", e.max_column_V},
                                                     {"cell_gain_A_per_V", e.cell_gain_A_per_V},
                                                     {"storage_F", e.storage_F},
                                                     {"row_edge_s", e.row_edge_s},
                                                     {"full_scale_pulses", e.full_scale_pulses},
                                                     {"slot_pulse_s", e.slot_pulse_s}};
    for (const auto& [name, value] : fields) {
        if (!std::isfinite(value) || !(value > 0.0))
            fail(std::string(name) + " = " + number(value) + " must be finite and > 0");
    }
}

double full_scale_update_V(const UpdateEncoding& e) {
    return e.cell_gain_A_per_V * e.max_column_V * e.max_row_pulse_s / e.storage_F;
}

std::vector<double> row_pulse_widths_s(const std::vector<double>& x, const UpdateEncoding& encoding) {
    std::vector<double> widths;
    widths.reserve(x.size());
    for (const double xi : x) widths.push_back(std::abs(xi) * encoding.max_row_pulse_s);
    return widths;
}

Netlist build_update_circuit(const std::vector<double>& x, const std::vector<double>& delta,
                             const std::vector<double>& initial_storage_V, const UpdateEncoding& encoding,
                             const std::filesystem::path& netlist_dir) {
    validate_encoding(encoding);
    check_inputs(x, delta, initial_storage_V);
    Netlist netlist("cimkit update circuit " + std::to_string(x.size()) + "x" + std::to_string(delta.size()));
    netlist.include(update_library(netlist_dir));
    const std::vector<double> t_row = row_pulse_widths_s(x, encoding);
    for (std::size_t i = 0; i < x.size(); ++i) netlist.add(row_source(i, x[i], t_row[i], encoding));
    for (std::size_t j = 0; j < delta.size(); ++j) {
        netlist.add(Source{Source::Kind::voltage, index_name("ucol", j), index_name("ucol", j), "0",
                           Dc{delta[j] * encoding.max_column_V}});
    }
    add_cells(netlist, x.size(), delta.size(), initial_storage_V, encoding);
    // The PWL breakpoints at the switching levels resolve the cells turning on and off (row_source);
    // between them the currents are constant and steps of an edge suffice. The storage nodes have no
    // DC path, hence uic.
    const double step_s = encoding.row_edge_s;
    netlist.add_analysis(TranAnalysis{step_s, update_window_s(x, encoding), step_s, true});
    return netlist;
}

UpdateResult read_update_circuit(const spice::Plot& tran, const std::vector<double>& x, int columns,
                                 const UpdateEncoding& encoding) {
    UpdateResult result = empty_update_result(x, columns, encoding);
    const VectorIndex vectors(tran);
    const auto& t = vectors["time"];
    std::vector<double> power(t.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        for (std::size_t j = 0; j < static_cast<std::size_t>(columns); ++j) {
            const auto& v = vectors["v(" + cell_name("st", i, j) + ")"];
            const auto& current = vectors["i(" + cell_name("vucell", i, j) + ")"];  // + (cell) -> - (storage)
            for (std::size_t k = 0; k < t.size(); ++k) power[k] = v[k] * current[k];
            result.delta_storage_V.push_back(v.back() - v.front());
            result.cell_energy_J.push_back(trapezoid(t, power));
            result.energy_J += result.cell_energy_J.back();
        }
    }
    return result;
}

UpdateResult run_update_circuit(spice::Engine& engine, const std::vector<double>& x, const std::vector<double>& delta,
                                const std::vector<double>& initial_storage_V, const UpdateEncoding& encoding,
                                const std::filesystem::path& netlist_dir) {
    const Netlist netlist = build_update_circuit(x, delta, initial_storage_V, encoding, netlist_dir);
    engine.load(spice::NetlistText::from_string(to_spice(netlist), "<" + netlist.title() + ">"));
    engine.run();
    for (const auto& plot : engine.plots()) {
        if (plot.analysis == "tran") return read_update_circuit(plot, x, static_cast<int>(delta.size()), encoding);
    }
    throw Error("update circuit: ngspice produced no transient plot");
}

void apply_update_to_devices(const DeviceModel& model, std::vector<DeviceState>& states, const UpdateResult& result,
                             const UpdateEncoding& encoding, Rng& rng) {
    validate_encoding(encoding);
    check_result(result, states.size(), "states");
    const auto columns = static_cast<std::size_t>(result.columns);
    for (std::size_t cell = 0; cell < states.size(); ++cell) {
        const double dv_V = result.delta_storage_V[cell];
        const int polarity = dv_V > 0.0 ? +1 : -1;
        const auto pulse = cell_pulse(model, dv_V, result.row_pulse_s[cell / columns], polarity, encoding);
        if (pulse) model.apply_pulse(states[cell], *pulse, rng);
    }
}

void apply_update_to_differential_pairs(const DeviceModel& model, std::vector<DeviceState>& plus,
                                        std::vector<DeviceState>& minus, const UpdateResult& result,
                                        const UpdateEncoding& encoding, Rng& rng) {
    validate_encoding(encoding);
    check_result(result, plus.size(), "plus");
    check_result(result, minus.size(), "minus");
    const auto columns = static_cast<std::size_t>(result.columns);
    for (std::size_t cell = 0; cell < plus.size(); ++cell) {
        const double dv_V = result.delta_storage_V[cell];
        const auto pulse = cell_pulse(model, dv_V, result.row_pulse_s[cell / columns], +1, encoding);
        if (pulse) model.apply_pulse(dv_V > 0.0 ? plus[cell] : minus[cell], *pulse, rng);
    }
}

}  // namespace cimkit::circuits
