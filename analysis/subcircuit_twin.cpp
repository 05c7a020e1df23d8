#include "analysis/subcircuit_twin.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include "analysis/characterization/statistics.hpp"
#include "analysis/subcircuit_monte_carlo.hpp"
#include "analysis/subcircuit_runner.hpp"
#include "analysis/subcircuit_trust.hpp"
#include "circuits/spice/worker.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"
#include "devices/table_device_fit.hpp"

namespace cimkit::analysis {
namespace fs = std::filesystem;
namespace {

std::string number(double value) { return circuits::spice_number(value); }

class Characterisation {
public:
    Characterisation(const SpiceDeviceName& device, const SubcircuitInterface& interface, const SpicePulsePlan& plan)
        : device_(device), subcircuit_(interface.name), state_(interface.state_parameter), terminals_(interface.terminals), plan_(plan),
          runner_(device, interface.name) {}

    // G at each state of `x`: one op.
    std::vector<double> read_conductances(const std::vector<double>& x) {
        std::string deck = "* cimkit subcircuit read: " + subcircuit_ + "\n.include " + fs::absolute(device_.file).string() + "\n";
        std::vector<std::string> vectors;
        for (std::size_t k = 0; k < x.size(); ++k) {
            const std::string id = "r" + std::to_string(k);
            deck += read_device_text(terminals_, plan_.read_voltage_V, id, subcircuit_, state_ + "=" + number(x[k]));
            vectors.push_back("i(v" + id + ")");
        }
        const auto result = solve(deck + ".options klu\n.end\n", "op", vectors,
                                  "the operating point at the read voltage " + number(plan_.read_voltage_V) + " V failed");
        std::vector<double> g;
        for (std::size_t k = 0; k < x.size(); ++k) {
            // ngspice's source current flows into its + terminal: the device's current is its negative.
            g.push_back(-result[k].at(0) / plan_.read_voltage_V);
            if (!std::isfinite(g.back()) || !(g.back() > 0.0)) {
                refuse("the read conductance at " + state_ + " = " + number(x[k]) + " is " +
                       number(g.back()) + " S; expected a finite positive conductance");
            }
        }
        return g;
    }

    // The step of one nominal pulse of each direction from each state of `x`: one transient.
    std::pair<std::vector<double>, std::vector<double>> pulse_steps(const std::vector<double>& x) {
        SpicePulsePlan up = plan_, down = plan_;
        up.cycles = down.cycles = 1;
        up.up = 1, up.down = 0;
        down.up = 0, down.down = 1;
        const PulseWaveform w_up = pulse_waveform(up), w_down = pulse_waveform(down);
        std::string deck = "* cimkit subcircuit pulses: " + subcircuit_ + "\n.include " + fs::absolute(device_.file).string() + "\n";
        std::vector<std::string> vectors = {"time"};
        for (std::size_t k = 0; k < x.size(); ++k) {
            for (const auto& [tag, w] : {std::pair<std::string, const PulseWaveform*>{"p", &w_up}, {"d", &w_down}}) {
                const std::string id = tag + std::to_string(k);
                deck += driven_device_text(terminals_, *w, id, subcircuit_, state_ + "=" + number(x[k]));
                vectors.push_back("i(v" + id + ")");
            }
        }
        const double max_step_s = std::min(plan_.pulse_width_s, plan_.read_width_s) / 5.0;
        const auto result = solve(deck + ".options klu\n.end\n",
                                  "tran " + number(plan_.edge_s) + " " + number(w_up.stop_s) + " 0 " + number(max_step_s) + " uic", vectors,
                                  "the pulse transient failed");
        std::vector<double> up_steps, down_steps;
        for (std::size_t k = 0; k < x.size(); ++k) {
            for (int d = 0; d < 2; ++d) {
                const std::vector<double>& current = result[1 + 2 * k + static_cast<std::size_t>(d)];
                const PulseWaveform& w = d == 0 ? w_up : w_down;
                const double before = value_at(result[0], current, w.read_times_s[0]), after = value_at(result[0], current, w.read_times_s[1]);
                (d == 0 ? up_steps : down_steps).push_back(-(after - before) / plan_.read_voltage_V);
            }
        }
        return {up_steps, down_steps};
    }

    [[noreturn]] void refuse(const std::string& what) const { runner_.refuse(what); }
    const std::string& state() const { return state_; }

private:
    std::vector<std::vector<double>> solve(const std::string& deck, const std::string& analysis, const std::vector<std::string>& vectors,
                                           const std::string& failure) {
        return runner_.solve(deck, analysis, vectors, failure);
    }

    SpiceDeviceName device_;
    std::string subcircuit_;
    std::string state_;  // the state parameter's name
    SubcircuitTerminals terminals_;
    SpicePulsePlan plan_;
    SubcircuitRunner runner_;
};

StepLaw step_law(const std::vector<double>& g_S, const std::vector<double>& steps_S) {
    StepLaw law;
    law.g_S = g_S;
    law.mean_step_S = steps_S;
    law.sigma_S.assign(g_S.size(), 0.0);  // a deterministic subcircuit: no cycle-to-cycle noise
    law.steps.assign(g_S.size(), 1.0);
    return law;
}

double relative_spread(const std::vector<double>& values) { return standard_deviation(values) / std::abs(mean(values)); }

// The file's declared spreads as the table's device-to-device spreads (devices/table_device.hpp),
// from twin_spread_devices devices through ngspice (subcircuit_monte_carlo, seed 1: the same twin in
// every run): g_min_spread_d2d and g_max_spread_d2d the relative sigmas of G at the window's two
// end states, g_spread_correlation theirs (0 when either end does not vary beyond rounding), and
// step_spread_d2d the relative sigma of each device's step scale c = its potentiating step from the
// mid-window state over the nominal step there times its window width over the nominal width (the
// table scales a device's steps by its window, then by c). The table draws normal factors, the
// subcircuit's are lognormal: the same sigma, means apart by exp(sigma^2/2) (0.5 % at sigma 0.1).
void add_declared_spreads(const SpiceDeviceName& device, const SubcircuitInterface& interface, SubcircuitTwin& twin, Characterisation& c) {
    TableDeviceData& t = twin.table;
    MonteCarloPlan plan;
    plan.devices = twin_spread_devices;
    plan.spreads = interface.declared_spreads;
    plan.static_x = {twin.state_of_conductance(t.g_min_S), twin.state_of_conductance(t.g_max_S)};
    const double g_mid_S = 0.5 * (t.g_min_S + t.g_max_S);
    plan.pulse_x = twin.state_of_conductance(g_mid_S);
    const MonteCarloDevices mc = subcircuit_monte_carlo(device, interface, plan, declared_pulse_plan(interface));
    const std::vector<double>&low = mc.static_g_S[0], &high = mc.static_g_S[1];
    std::vector<double> scale;
    const double nominal_step_S = t.potentiate.mean_at(g_mid_S);
    for (std::size_t d = 0; d < low.size(); ++d) {
        scale.push_back(mc.step_S[d] / (nominal_step_S * (high[d] - low[d]) / (t.g_max_S - t.g_min_S)));
    }
    t.g_min_spread_d2d = relative_spread(low);
    t.g_max_spread_d2d = relative_spread(high);
    constexpr double rounding = 1e-9;  // ngspice's relative rounding is ~1e-15; a spread below this is none
    t.g_spread_correlation = t.g_min_spread_d2d > rounding && t.g_max_spread_d2d > rounding ? window_end_correlation(low, high) : 0.0;
    t.step_spread_d2d = relative_spread(scale);
    for (const auto& [name, value] : {std::pair<const char*, double>{"g_min_spread_d2d", t.g_min_spread_d2d},
                                      {"g_max_spread_d2d", t.g_max_spread_d2d},
                                      {"step_spread_d2d", t.step_spread_d2d}}) {
        if (!(value <= max_twin_spread)) {
            c.refuse("its declared spreads (" + spreads_text(interface.declared_spreads) + ") give its compact twin " + name + " = " + number(value) +
                     "; a table device holds at most " + number(max_twin_spread));
        }
    }
}

std::shared_ptr<const SubcircuitTwin> characterise(const SpiceDeviceName& device, const SubcircuitInterface& interface,
                                                   std::string content) {
    const SpicePulsePlan plan = declared_pulse_plan(interface);  // `device pulses`' defaults, or the file's `*cimkit: drive`
    auto twin = std::make_shared<SubcircuitTwin>();
    twin->file = fs::absolute(device.file).lexically_normal();
    twin->subcircuit = interface.name;
    twin->state_parameter = interface.state_parameter;
    twin->terminals = interface.terminals;
    twin->file_content = std::move(content);
    twin->read_voltage_V = plan.read_voltage_V;
    twin->potentiate_V = plan.potentiate_V;
    twin->depress_V = plan.depress_V;
    twin->pulse_width_s = plan.pulse_width_s;
    twin->edge_s = plan.edge_s;
    twin->read_width_s = plan.read_width_s;
    Characterisation c(device, interface, plan);

    // Three states first: a subcircuit that does not converge fails in ~0.1 s here, where the whole
    // grid's op took 13 s to give up (gmin and source stepping over 1001 instances).
    (void)c.read_conductances({0.0, 0.5, 1.0});
    for (int k = 0; k < state_grid_points; ++k) twin->state_x.push_back(static_cast<double>(k) / (state_grid_points - 1));
    twin->state_g_S = c.read_conductances(twin->state_x);
    const std::vector<double>& g = twin->state_g_S;
    const bool rising = g.back() > g.front();
    for (std::size_t k = 1; k < g.size(); ++k) {
        if (rising ? !(g[k] > g[k - 1]) : !(g[k] < g[k - 1])) {
            c.refuse("its read conductance G(" + c.state() + ") is not strictly monotone: G(" +
                     number(twin->state_x[k - 1]) + ") = " + number(g[k - 1]) + " S, G(" + number(twin->state_x[k]) + ") = " +
                     number(g[k]) + " S; a device needs one state per conductance");
        }
    }

    TableDeviceData& t = twin->table;
    t.g_min_S = std::min(g.front(), g.back());
    t.g_max_S = std::max(g.front(), g.back());
    std::vector<double> states_g, states_x;
    for (int k = 0; k < pulse_table_states; ++k) {
        states_g.push_back(t.g_min_S + (t.g_max_S - t.g_min_S) * k / (pulse_table_states - 1));
        states_x.push_back(twin->state_of_conductance(states_g.back()));
    }
    const auto [up, down] = c.pulse_steps(states_x);
    const auto moves = [](const std::vector<double>& steps, double sign) {
        bool some = false;
        for (double s : steps) {
            if (sign * s < 0.0) return false;
            some = some || sign * s > 0.0;
        }
        return some;
    };
    if (!moves(up, +1.0) || !moves(down, -1.0)) {
        c.refuse("the nominal pulses (potentiate " + number(plan.potentiate_V) + " V, depress " + number(plan.depress_V) + " V, " +
                 number(plan.pulse_width_s) + " s) do not raise and lower its conductance at every state; declare a drive that does with " +
                 "'*cimkit: drive potentiate_V=V depress_V=V ...' in its block (docs/own-devices.md)");
    }
    t.potentiate = step_law(states_g, up);
    t.depress = step_law(states_g, down);
    t.read_voltage_V = plan.read_voltage_V;
    t.potentiate_amplitude_V = std::abs(plan.potentiate_V);
    t.potentiate_width_s = plan.pulse_width_s;
    t.depress_amplitude_V = std::abs(plan.depress_V);
    t.depress_width_s = plan.pulse_width_s;
    t.origin = "spice:" + twin->file.string() + ":" + interface.name;
    if (!interface.declared_spreads.empty()) add_declared_spreads(device, interface, *twin, c);
    return twin;
}

}  // namespace

std::shared_ptr<const SubcircuitTwin> subcircuit_twin(const std::string& name) {
    const SpiceDeviceName device = parse_spice_device_name(name);
    const SubcircuitInterface interface = check_spice_device(device);
    // A declared state (`*cimkit: state NAME`) was checked with its line by check_spice_device.
    if (!interface.numeric_defaults.count(interface.state_parameter)) {
        throw NetlistError(device.file.string(), 0, "",
                           "subcircuit '" + interface.name + "' has no state parameter " + interface.state_parameter +
                               " (a numeric default on its .subckt line, the state in [0, 1]; or declare another with '*cimkit: state NAME' " +
                               "in its block; docs/own-devices.md)");
    }
    std::string content = subcircuit_file_content(device.file);
    const std::string key = fs::absolute(device.file).lexically_normal().string() + '\n' + text::to_lower(interface.name) + '\n' + content;
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const SubcircuitTwin>> cache;
    const std::lock_guard<std::mutex> lock(mutex);
    if (const auto found = cache.find(key); found != cache.end()) return found->second;
    // A stranger's file runs in the sandbox, as in device pulses; not with --allow-control.
    if (!subcircuit_files_trusted()) spice::warn_when_landlock_is_missing();
    auto twin = characterise(device, interface, std::move(content));
    cache.emplace(key, twin);
    return twin;
}

void install_subcircuit_devices() { set_subcircuit_characteriser(subcircuit_twin); }

}  // namespace cimkit::analysis
