#include "analysis/subcircuit_monte_carlo.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "analysis/subcircuit_runner.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/rng.hpp"
#include "devices/core/text.hpp"
#include "devices/subcircuit_device.hpp"

namespace cimkit::analysis {

MonteCarloDevices subcircuit_monte_carlo(const SpiceDeviceName& device, const SubcircuitInterface& subcircuit, const MonteCarloPlan& plan,
                                         const SpicePulsePlan& pulses) {
    SpicePulsePlan one = pulses;
    one.cycles = 1;
    one.up = 1;
    one.down = 0;
    const PulseWaveform w = pulse_waveform(one);
    const double read_V = one.read_voltage_V;
    const auto number = [](double value) { return circuits::spice_number(value); };

    SubcircuitRunner runner(device, subcircuit.name, plan.timeout_s);
    std::string deck = runner.deck_head("monte carlo");
    std::vector<std::string> vectors{"time"};
    MonteCarloDevices out;
    out.factors.resize(plan.spreads.size());
    const auto assignments = [&](double x, const std::map<std::string, double>& p) {
        std::string text = subcircuit.state_parameter + "=" + number(x);
        for (const auto& [name, value] : p) text += " " + name + "=" + number(value);
        return text;
    };
    const Rng root(plan.seed);
    for (int d = 0; d < plan.devices; ++d) {
        Rng stream = root.stream(static_cast<std::uint64_t>(d));
        const auto p = draw_spread_parameters(subcircuit.numeric_defaults, plan.spreads, {}, stream);
        for (std::size_t k = 0; k < plan.spreads.size(); ++k) {
            const std::string name = text::to_lower(plan.spreads[k].name);
            out.factors[k].push_back(p.at(name) / subcircuit.numeric_defaults.at(name));
        }
        const std::string id = std::to_string(d);
        deck += driven_device_text(subcircuit.terminals, w, "p" + id, subcircuit.name, assignments(plan.pulse_x, p));
        vectors.push_back("i(vp" + id + ")");
        for (std::size_t k = 0; k < plan.static_x.size(); ++k) {
            const std::string sid = "s" + std::to_string(k) + "_" + id;
            deck += read_device_text(subcircuit.terminals, read_V, sid, subcircuit.name, assignments(plan.static_x[k], p));
            vectors.push_back("i(v" + sid + ")");
        }
    }
    const double max_step_s = std::min(one.pulse_width_s, one.read_width_s) / 5.0;
    const auto result = runner.solve(deck + ".options klu\n.end\n",
                                     "tran " + number(one.edge_s) + " " + number(w.stop_s) + " 0 " + number(max_step_s) + " uic", vectors,
                                     "the Monte-Carlo transient of " + std::to_string(plan.devices) + " devices failed");
    const std::vector<double>& time_s = result[0];
    // ngspice's source current flows into its + terminal: the device's current is its negative.
    const auto read = [&](std::size_t vector, double t_s) {
        const double g = -value_at(time_s, result[vector], t_s) / read_V;
        if (!std::isfinite(g)) runner.refuse("a read conductance of the Monte-Carlo transient is not finite; expected a finite current at every read");
        return g;
    };
    out.static_g_S.resize(plan.static_x.size());
    const std::size_t per_device = 1 + plan.static_x.size();
    for (int d = 0; d < plan.devices; ++d) {
        const std::size_t first = 1 + static_cast<std::size_t>(d) * per_device;
        out.before_S.push_back(read(first, w.read_times_s[0]));
        out.step_S.push_back(read(first, w.read_times_s[1]) - out.before_S.back());
        for (std::size_t k = 0; k < plan.static_x.size(); ++k) out.static_g_S[k].push_back(read(first + 1 + k, w.read_times_s[0]));
    }
    return out;
}

}  // namespace cimkit::analysis
