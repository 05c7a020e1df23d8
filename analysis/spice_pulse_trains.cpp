#include "analysis/spice_pulse_trains.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "analysis/subcircuit_trust.hpp"
#include "circuits/spice/worker.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/rng.hpp"
#include "devices/core/text.hpp"

namespace cimkit::analysis {
namespace fs = std::filesystem;
namespace {

std::string number(double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

}  // namespace

double& drive_value(SpicePulsePlan& plan, const std::string& key) {
    if (key == "read_voltage_V") return plan.read_voltage_V;
    if (key == "potentiate_V") return plan.potentiate_V;
    if (key == "depress_V") return plan.depress_V;
    if (key == "pulse_width_s") return plan.pulse_width_s;
    if (key == "read_width_s") return plan.read_width_s;
    if (key == "edge_s") return plan.edge_s;
    throw Error("drive_value: no drive key '" + key + "'");
}

SpicePulsePlan declared_pulse_plan(const SubcircuitInterface& subcircuit) {
    SpicePulsePlan plan;
    for (const auto& [key, value] : subcircuit.drive) drive_value(plan, key) = value;
    return plan;
}

PulseWaveform pulse_waveform(const SpicePulsePlan& plan) {
    PulseWaveform w;
    double t = 0.0;
    const auto level = [&](double value, double hold_s, bool is_read) {
        for (int corner = 0; corner < 2; ++corner) {
            w.times_s.push_back(t);
            w.values_V.push_back(value);
            w.read_V.push_back(is_read ? value : 0.0);
            w.program_V.push_back(is_read ? 0.0 : value);
            if (corner == 0) t += hold_s;
        }
    };
    const auto read = [&] {
        w.read_times_s.push_back(t + 0.5 * plan.read_width_s);
        level(plan.read_voltage_V, plan.read_width_s, true);
    };
    for (int c = 0; c < plan.cycles; ++c) {
        if (c > 0) t += plan.edge_s;
        read();
        for (int k = 1; k <= plan.up + plan.down; ++k) {
            t += plan.edge_s;
            level(k <= plan.up ? plan.potentiate_V : plan.depress_V, plan.pulse_width_s, false);
            t += plan.edge_s;
            read();
        }
    }
    w.stop_s = t;
    return w;
}

std::string pwl_text(const std::vector<double>& times_s, const std::vector<double>& values_V) {
    std::string pwl = "PWL(";
    for (std::size_t k = 0; k < times_s.size(); ++k) pwl += (k ? " " : "") + number(times_s[k]) + " " + number(values_V[k]);
    return pwl + ")";
}

std::string driven_device_text(const SubcircuitTerminals& terminals, const PulseWaveform& w, const std::string& id,
                               const std::string& subcircuit, const std::string& parameters) {
    const bool separate = terminals.separate_programming();
    const std::string p = "n" + id, a = "a" + id;
    std::string text = "v" + id + " " + p + " 0 " + pwl_text(w.times_s, separate ? w.read_V : w.values_V) + "\n";
    if (separate) text += "va" + id + " " + a + " 0 " + pwl_text(w.times_s, w.program_V) + "\n";
    return text + "x" + id + " " + terminals.nodes_text(p, "0", a) + " " + subcircuit + " " + parameters + "\n";
}

std::string read_device_text(const SubcircuitTerminals& terminals, double read_voltage_V, const std::string& id,
                             const std::string& subcircuit, const std::string& parameters) {
    const std::string p = "n" + id;
    return "v" + id + " " + p + " 0 dc " + number(read_voltage_V) + "\nx" + id + " " + terminals.nodes_text(p, "0") + " " + subcircuit + " " +
           parameters + "\n";
}

double value_at(const std::vector<double>& time_s, const std::vector<double>& series, double t_s) {
    const auto upper = std::lower_bound(time_s.begin(), time_s.end(), t_s);
    const std::size_t i = std::clamp<std::size_t>(static_cast<std::size_t>(upper - time_s.begin()), 1, time_s.size() - 1);
    const double f = (t_s - time_s[i - 1]) / (time_s[i] - time_s[i - 1]);
    return series[i - 1] + f * (series[i] - series[i - 1]);
}

std::string pulse_deck(const SpiceDeviceName& device, const SubcircuitTerminals& terminals, const SpicePulsePlan& plan,
                       const std::vector<std::map<std::string, double>>& parameters) {
    const PulseWaveform w = pulse_waveform(plan);
    std::string deck = "* cimkit device pulses: " + device.subcircuit + "\n.include " + fs::absolute(device.file).string() + "\n";
    for (std::size_t d = 0; d < parameters.size(); ++d) {
        std::string assignments;
        for (const auto& [name, value] : parameters[d]) assignments += (assignments.empty() ? "" : " ") + name + "=" + number(value);
        deck += driven_device_text(terminals, w, "d" + std::to_string(d), device.subcircuit, assignments);
    }
    return deck + ".options klu\n.end\n";
}

PulseData spice_pulse_trains(const SpiceDeviceName& device, const SpicePulsePlan& plan, std::uint64_t seed) {
    const SubcircuitInterface subcircuit = check_spice_device(device);
    check_spread_options(subcircuit.name, subcircuit.numeric_defaults, plan.spreads);
    const std::vector<ParameterSpread> spreads = merge_spreads(subcircuit.declared_spreads, plan.spreads);
    for (const auto& [name, value] : plan.parameters) {
        if (!subcircuit.numeric_defaults.count(text::to_lower(name))) {
            throw UsageError("parameter " + name + ": subcircuit '" + subcircuit.name +
                             "' has no parameter of that name with a numeric default on its .subckt line");
        }
        if (!std::isfinite(value)) throw UsageError("parameter " + name + ": expected a finite value");
    }
    if (!(plan.read_voltage_V != 0.0)) throw UsageError("--read-voltage-V: expected a read voltage other than 0 V");

    const Rng root(seed);
    std::vector<Rng> streams;
    std::vector<std::map<std::string, double>> parameters;
    for (int d = 0; d < plan.devices; ++d) {
        streams.push_back(root.stream(static_cast<std::uint64_t>(d)));
        parameters.push_back(draw_spread_parameters(subcircuit.numeric_defaults, spreads, plan.parameters, streams.back()));
    }

    spice::WorkerOptions options;
    options.solve_timeout_s = plan.timeout_s;
    options.sandbox.enabled = !subcircuit_files_trusted();  // off with --allow-control, as for simulate
    options.sandbox.folder = fs::canonical(fs::absolute(device.file).parent_path());
    options.die_with_parent = true;  // the command's main thread creates it and lives as long as the run
    if (options.sandbox.enabled) spice::warn_when_landlock_is_missing();
    spice::Worker worker(options);
    const PulseWaveform w = pulse_waveform(plan);
    worker.load(pulse_deck(device, subcircuit.terminals, plan, parameters), device.file.string());
    std::vector<std::string> vectors = {"time"};
    for (int d = 0; d < plan.devices; ++d) vectors.push_back("i(vd" + std::to_string(d) + ")");
    const double max_step_s = std::min(plan.pulse_width_s, plan.read_width_s) / 5.0;
    const auto result = worker.run_and_read("tran " + number(plan.edge_s) + " " + number(w.stop_s) + " 0 " + number(max_step_s) + " uic", vectors);

    const std::vector<double>& time = result[0];
    PulseData data{device.file.string() + ":" + subcircuit.name, false, {}};
    int line = 1;
    const int per_cycle = plan.up + plan.down + 1;
    for (int d = 0; d < plan.devices; ++d) {
        const std::vector<double>& current = result[static_cast<std::size_t>(d) + 1];
        for (std::size_t r = 0; r < w.read_times_s.size(); ++r) {
            // ngspice's source current flows into its + terminal: the device's current is its negative.
            double g = -value_at(time, current, w.read_times_s[r]) / plan.read_voltage_V;
            if (plan.read_noise > 0.0) g *= 1.0 + plan.read_noise * streams[static_cast<std::size_t>(d)].normal();
            const int k = static_cast<int>(r) % per_cycle;
            const int direction = k == 0 ? 0 : (k <= plan.up ? +1 : -1);
            data.rows.push_back({"d" + std::to_string(d), static_cast<long>(r) / per_cycle, k, direction, g, 0.0, ++line});
        }
    }
    return data;
}

}  // namespace cimkit::analysis
