#include "analysis/characterization/subcircuit_experiments.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>

#include "analysis/characterization/shared_results.hpp"
#include "analysis/characterization/statistics.hpp"
#include "analysis/spice_pulse_trains.hpp"
#include "analysis/subcircuit_monte_carlo.hpp"
#include "analysis/subcircuit_runner.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::analysis {
namespace {

constexpr double one_year_s = 365.25 * 86400.0;

std::string number(double value) { return circuits::spice_number(value); }

SubcircuitRunner runner_of(const SubcircuitDevice& model) {
    return SubcircuitRunner({model.twin().file, model.twin().subcircuit}, model.twin().subcircuit);
}

// The twin's nominal conductance at `level` of its window: a table device's set_level, g_min +
// level (g_max - g_min), on the nominal window (a drawn device's window varies when the file
// declares spreads).
double nominal_conductance_S(const SubcircuitDevice& model, double level) {
    const TableDeviceData& t = model.twin().table;
    return t.g_min_S + level * (t.g_max_S - t.g_min_S);
}

// The curves of states keep the interface's name (state_x0, docs/hdf5-schema.md); their description
// names the parameter the file declares.
std::string state_description(const SubcircuitDevice& model) {
    return "the subcircuit's state parameter " + model.twin().state_parameter;
}

// The read and nominal pulses the twin was characterised with (the defaults or the file's `*cimkit: drive`).
SpicePulsePlan twin_drive(const SubcircuitDevice& model) {
    const SubcircuitTwin& twin = model.twin();
    SpicePulsePlan plan;
    plan.read_voltage_V = twin.read_voltage_V;
    plan.potentiate_V = twin.potentiate_V;
    plan.depress_V = twin.depress_V;
    plan.pulse_width_s = twin.pulse_width_s;
    plan.read_width_s = twin.read_width_s;
    plan.edge_s = twin.edge_s;
    return plan;
}

// The state x0 of the twin's nominal conductance at `level` of its window (the level the built-in
// experiments program through the compact model).
double state_at_level(const SubcircuitDevice& model, double level) {
    return model.twin().state_of_conductance(nominal_conductance_S(model, level));
}

// One instance per state, each through its own 0 V source (its current: I(p -> n)) from node `drive`;
// a programming terminal at 0 V.
std::string instances(const SubcircuitDevice& model, const std::vector<double>& x, std::vector<std::string>& vectors) {
    std::string deck;
    for (std::size_t k = 0; k < x.size(); ++k) {
        const std::string id = std::to_string(k);
        deck += "vm" + id + " drive m" + id + " dc 0\n";
        deck += "x" + id + " " + model.twin().terminals.nodes_text("m" + id, "0") + " " + model.twin().subcircuit + " " +
                model.twin().state_parameter + "=" + number(x[k]) + "\n";
        vectors.push_back("i(vm" + id + ")");
    }
    return deck;
}

// The experiments set the state x0 (or the file's declared state) of every instance: a spread of it
// would be overwritten or would replace the level an experiment asks for.
void check_no_state_spread(const SubcircuitDevice& model, const std::vector<ParameterSpread>& spreads) {
    const std::string& state = model.twin().state_parameter;
    for (const auto& spread : spreads) {
        if (text::iequals(spread.name, state)) {
            throw UsageError("--spread " + spread.name + ": the experiments set the state " + state +
                             "; expected a spread of a device parameter");
        }
    }
}

void check_finite(const SubcircuitRunner& runner, const std::vector<double>& values, const std::string& what) {
    for (double v : values) {
        if (!std::isfinite(v)) runner.refuse(what + " is not finite; expected a finite current at every point");
    }
}

}  // namespace

// A `dc` sweep holds each state where the operating point puts it: for the declared interface that
// is x0 wherever the bias leaves the state alone (a memristor below its thresholds). The sweep spans
// +-V_read, where a read by the interface does not disturb the state (the twin's pulse table relies on
// it too), so this is the I-V at a fixed state, as the built-in experiment's. Beyond the thresholds an
// op would be the state after infinite time at that bias (driven to its bound against the hold), not a
// fixed-state I-V: that would need a transient triangle, and is not what this range asks for.
ExperimentResult run_subcircuit_iv(const SubcircuitDevice& model, const ExperimentOptions&) {
    const std::vector<double> levels{0.0, 0.25, 0.5, 0.75, 1.0};
    const int points = 201;
    const double limit_V = model.iv_sweep_limit_V();
    std::vector<double> x;
    for (double level : levels) x.push_back(state_at_level(model, level));

    SubcircuitRunner runner = runner_of(model);
    std::vector<std::string> vectors{"v(drive)"};
    const std::string deck = runner.deck_head("iv sweep") + "vs drive 0 dc 0\n" + instances(model, x, vectors) + ".options klu\n.end\n";
    const double step_V = 2.0 * limit_V / (points - 1);
    const auto result = runner.solve(deck, "dc vs " + number(-limit_V) + " " + number(limit_V) + " " + number(step_V), vectors,
                                     "the dc sweep over [" + number(-limit_V) + ", " + number(limit_V) + "] V failed");
    // ngspice's sweep accumulates its step: the voltages are the ones it solved at, read back.
    const std::vector<double>& voltage_V = result[0];
    // ngspice ends a sweep at the first point that does not converge and keeps the points before it.
    if (voltage_V.size() != static_cast<std::size_t>(points)) {
        runner.refuse("the dc sweep over [" + number(-limit_V) + ", " + number(limit_V) + "] V stopped after " + std::to_string(voltage_V.size()) +
                      " of " + std::to_string(points) + " points (no operating point at " +
                      number(voltage_V.empty() ? -limit_V : voltage_V.back() + step_V) + " V); a device must converge over its I-V range");
    }
    std::vector<double> current_A, conductance_S;
    double twin_difference = 0.0;
    for (std::size_t k = 0; k < levels.size(); ++k) {
        const std::vector<double>& i_A = result[k + 1];
        check_finite(runner, i_A, "the current at " + model.twin().state_parameter + " = " + number(x[k]));
        current_A.insert(current_A.end(), i_A.begin(), i_A.end());
        // The read: the current at the sweep's top, +V_read.
        conductance_S.push_back(i_A.back() / voltage_V.back());
        twin_difference = std::max(twin_difference, std::abs(conductance_S.back() / nominal_conductance_S(model, levels[k]) - 1.0));
    }
    ExperimentResult r = iv_result(model.name(), voltage_V, levels, current_A, conductance_S, model.read_voltage_V());
    r.source = "ngspice";
    // After `level`, where the built-in layout would have nothing: the state of each row.
    r.curves.insert(r.curves.begin() + 2, {"state_x0", x, {x.size()}, "1", state_description(model) + " at each level"});
    r.figures.push_back({"twin_g_difference_max", twin_difference, "1", "largest relative difference of the read conductance from the compact twin's"});
    return r;
}

// The subcircuit is deterministic: without a spread (declared or --spread) every device follows the
// same trajectory, c2c_sigma and d2d_sigma are then ngspice's numerical noise (0 to rounding), and
// more devices are only a check that the instances of one transient agree. With spreads, each device
// has its own parameters (spice_pulse_trains draws them) and d2d_sigma is theirs.
ExperimentResult run_subcircuit_pulses(const SubcircuitDevice& model, const ExperimentOptions& options) {
    const int devices = options.devices > 0 ? options.devices : 16;
    check_no_state_spread(model, options.spreads);
    if (devices > max_pulse_devices) {
        throw UsageError("--devices " + std::to_string(devices) + ": the pulses of a subcircuit run its devices in one ngspice transient; expected at most " +
                         std::to_string(max_pulse_devices));
    }
    // The branch length the built-in experiment would give the twin (within 0.15 % of the subcircuit's
    // own pulse train: SubcircuitDeviceTest.TwinFollowsTheSubcircuitPulseTrain).
    const int p = pulses_per_branch(model, options.seed);
    SpicePulsePlan plan = twin_drive(model);
    plan.devices = devices;
    plan.cycles = 1;
    plan.up = p;
    plan.down = p;
    const double x_start = state_at_level(model, 0.0);
    plan.parameters[model.twin().state_parameter] = x_start;
    plan.spreads = options.spreads;  // merged into the file's declared spreads by spice_pulse_trains
    const PulseData data = spice_pulse_trains({model.twin().file, model.twin().subcircuit}, plan, options.seed);

    PulseTrain train{devices, p, static_cast<std::size_t>(2 * p + 1), {}, {}};
    if (data.rows.size() != static_cast<std::size_t>(devices) * train.points) {
        throw Error("subcircuit pulses: " + std::to_string(data.rows.size()) + " reads from ngspice; expected " +
                    std::to_string(static_cast<std::size_t>(devices) * train.points));
    }
    for (const PulseRow& row : data.rows) {
        if (!std::isfinite(row.conductance_S)) {
            runner_of(model).refuse("the read conductance of device " + row.device_id + " after pulse " + std::to_string(row.pulse) +
                                    " is not finite; expected a finite current at every read");
        }
        train.g.push_back(row.conductance_S);
    }
    fill_mean(train);
    ExperimentResult r = pulse_result(model.name(), train);
    r.source = "ngspice";
    r.curves.push_back({"start_state_x0", {x_start}, {1}, "1", state_description(model) + " every device starts from (level 0)"});
    return r;
}

// The terminals stay at the read voltage for the whole year, so every grid time is a read; the
// interface's reads do not disturb the state. Each device starts at its x0 (`uic`), which by the
// interface is also the state its DC operating point holds at the read voltage: a subcircuit that
// keeps that interface has no drive away from x0 here, and what the curve shows is whatever its own
// dynamics add (a leak, a drift term written in the subcircuit) and ngspice's tolerances.
ExperimentResult run_subcircuit_retention(const SubcircuitDevice& model, const ExperimentOptions& options) {
    const int devices = options.devices > 0 ? options.devices : 5;
    // All devices are one transient of ~1e5 time points: 1000 of them would keep ~1 GB of vectors.
    // The subcircuit is deterministic, so more devices are only more levels.
    if (devices > max_retention_devices) {
        throw UsageError("--devices " + std::to_string(devices) + ": the retention of a subcircuit runs its devices in one ngspice transient; expected at most " +
                         std::to_string(max_retention_devices));
    }
    std::vector<double> levels, x;
    for (int d = 0; d < devices; ++d) {
        // Mid-bins, not the window's ends: level 1 is the VTEAM example's x0 = 0, where its 1 F state
        // capacitor holds no charge, so ngspice's absolute charge tolerance (chgtol, 1e-14 C) against
        // the node's 1 uV Newton tolerance cuts every step: a year took more than 100 s, where these
        // five levels take 6 s.
        levels.push_back((d + 0.5) / devices);
        x.push_back(state_at_level(model, levels.back()));
    }
    const std::vector<double> t_s = log_space(1e-6, one_year_s, 10);
    const std::size_t points = t_s.size();
    const double read_V = model.read_voltage_V();

    SubcircuitRunner runner = runner_of(model);
    std::vector<std::string> vectors{"time"};
    const std::string deck = runner.deck_head("retention") + "vs drive 0 dc " + number(read_V) + "\n" + instances(model, x, vectors) +
                             ".options klu\n.end\n";
    // The first step a tenth of the first grid time; the largest a tenth of the grid's last decade.
    const auto result = runner.solve(deck, "tran " + number(t_s.front() / 10.0) + " " + number(t_s.back()) + " 0 " + number(t_s.back() / 10.0) + " uic",
                                     vectors, "the retention transient over a year at the read voltage " + number(read_V) + " V failed");
    const std::vector<double>& time_s = result[0];
    if (time_s.size() < 2 || time_s.back() < t_s.back() * (1.0 - 1e-9)) runner.refuse("the retention transient stopped before a year");
    const double g_low_S = model.twin().table.g_min_S, g_high_S = model.twin().table.g_max_S;
    std::vector<double> g_S, level, change;
    for (int d = 0; d < devices; ++d) {
        const std::vector<double>& i_A = result[static_cast<std::size_t>(d) + 1];
        check_finite(runner, i_A, "the retention current at " + model.twin().state_parameter + " = " + number(x[static_cast<std::size_t>(d)]));
        for (double t : t_s) {
            g_S.push_back(value_at(time_s, i_A, t) / read_V);
            level.push_back((g_S.back() - g_low_S) / (g_high_S - g_low_S));
        }
        const double first = g_S[g_S.size() - points], last = g_S.back();
        change.push_back(first != 0.0 ? std::abs(last - first) / std::abs(first) : 0.0);
    }
    ExperimentResult r{model.name(), "retention", {}, {}};
    r.source = "ngspice";
    r.curves = {
        {"time_s", t_s, {points}, "s", "time since the start of the idle transient"},
        {"conductance_S", g_S, {static_cast<std::size_t>(devices), points}, "S", "read conductance from ngspice, one row per device"},
        {"level", level, {static_cast<std::size_t>(devices), points}, "1", "state as a fraction of the programmable range"},
        {"start_level", levels, {levels.size()}, "1", "the level each device starts at"},
        {"state_x0", x, {x.size()}, "1", state_description(model) + " of each device"},
    };
    r.figures = {{"g_change_max", *std::max_element(change.begin(), change.end()), "1", "largest relative change of G over the year"}};
    r.curves.push_back({"fitted", change, {change.size()}, "1", "per-device fit: largest relative change of G over the year"});
    return r;
}

// The devices are analysis/subcircuit_monte_carlo.hpp's. Six instances per device would be the
// built-in experiment's six programmings; the read at level 0.5 is the pulsed instance's first read
// (before its pulse), so five are enough. Every instance holds the state x0 the twin gives its level (the nominal device's state there): at levels 0 and 1 those
// are the state's bounds (x0 = 1 and 0 for VTEAM), the ends of every device's window, so g_low_S and
// g_high_S are each device's window; between them a device is read at the nominal device's state, so
// the read spread is that of G at a fixed state (a program-and-verify to a target conductance would
// leave none). The static instances are held at the read voltage from t = 0, which by the interface
// does not move them.
ExperimentResult run_subcircuit_variability(const SubcircuitDevice& model, const ExperimentOptions& options) {
    const int devices = options.devices > 0 ? options.devices : default_variability_devices;
    if (devices > max_variability_devices) {
        throw UsageError("--devices " + std::to_string(devices) + ": the variability of a subcircuit runs its devices in one ngspice transient; expected at most " +
                         std::to_string(max_variability_devices));
    }
    check_no_state_spread(model, options.spreads);
    const SubcircuitInterface subcircuit = check_spice_device({model.twin().file, model.twin().subcircuit});
    check_spread_options(subcircuit.name, subcircuit.numeric_defaults, options.spreads);
    const std::vector<ParameterSpread> spreads = merge_spreads(subcircuit.declared_spreads, options.spreads);

    // Static instances: levels 0, 1, then the read levels but 0.5 (the pulsed instance reads it).
    std::vector<double> static_levels{0.0, 1.0};
    std::size_t mid_read = 0;  // the index of 0.5 in variability_read_levels
    for (std::size_t k = 0; k < std::size(variability_read_levels); ++k) {
        if (variability_read_levels[k] == 0.5) {
            mid_read = k;
        } else {
            static_levels.push_back(variability_read_levels[k]);
        }
    }
    MonteCarloPlan plan;
    plan.devices = devices;
    plan.seed = options.seed;
    plan.spreads = spreads;
    for (double level : static_levels) plan.static_x.push_back(state_at_level(model, level));
    plan.pulse_x = state_at_level(model, 0.5);
    plan.timeout_s = variability_timeout_s;
    const MonteCarloDevices mc = subcircuit_monte_carlo({model.twin().file, model.twin().subcircuit}, subcircuit, plan, twin_drive(model));

    VariabilityDevices v;
    v.g_low_S = mc.static_g_S[0];
    v.g_high_S = mc.static_g_S[1];
    v.step_S = mc.step_S;
    for (std::size_t k = 0, s = 2; k < std::size(variability_read_levels); ++k) v.g_read_S.push_back(k == mid_read ? mc.before_S : mc.static_g_S[s++]);
    ExperimentResult r = variability_result(model.name(), v);
    r.source = "ngspice";
    r.curves.push_back({"level_state_x0", {plan.static_x[0], plan.static_x[1], plan.pulse_x}, {3}, "1",
                        state_description(model) + " of every device at levels 0, 1 and 0.5 (the step's start)"});
    r.figures.push_back({"spread_parameters", static_cast<double>(spreads.size()), "1",
                         spreads.empty() ? "parameters drawn per device: none, every device is the nominal subcircuit (spreads 0 to rounding)"
                                         : "parameters drawn per device: " + spreads_text(spreads)});
    for (std::size_t k = 0; k < spreads.size(); ++k) {
        const std::string name = text::to_lower(spreads[k].name);
        r.figures.push_back({"spread_sigma_" + name, spreads[k].sigma, "1", "sigma of ln(" + name + " / its default) drawn per device"});
        r.curves.push_back({"spread_factor_" + name, mc.factors[k], {mc.factors[k].size()}, "1", name + " of each device over its .subckt default"});
    }
    return r;
}

}  // namespace cimkit::analysis
