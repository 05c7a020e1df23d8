// How far the compact twin's pulse table (analysis/subcircuit_twin.hpp) is from the subcircuit itself
// in ngspice, state by state: the VTEAM memristor of netlists/devices/vteam_memristor.lib, devices
// started at conductances spread over a part of the window, trains of n nominal pulses of one
// direction replayed through ngspice (circuits/subcircuit_writes.hpp) and through tables of
// different states. Each candidate table's steps are measured here through ngspice with one-pulse
// trains from its states (the same waveform as the characterisation's transient); "twin" is the
// characterised table itself. VTEAM's closed form (p_win = 1, tests/analysis/subcircuit_writes_test.cpp)
// is the third reference. Not a test: run by hand.
//
//   build/bench/cimkit_twin_table_error [low_fraction=0] [high_fraction=0.15] [starts=16]
//
// Prints, per start state, the worst |G_table - G_ngspice| over the train lengths and directions, in
// units of the window, for every table; then the worst of all.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "analysis/subcircuit_twin.hpp"
#include "circuits/subcircuit_writes.hpp"
#include "devices/core/rng.hpp"
#include "devices/table_device.hpp"

using namespace cimkit;

namespace {

constexpr double R_on = 50, R_off = 1000;  // the .subckt defaults of vteam_memristor.lib

double conductance_S(double x) { return 1.0 / (R_on + (R_off - R_on) * x); }

double closed_form_x(double x, int polarity, int pulses) {
    const double width_s = 10e-9, edge_s = 0.1e-9;
    const double rate_on = 3e6 * (width_s + 2.0 * 0.25 * (0.2 / 0.41) * edge_s);
    const double rate_off = 2e6 * (width_s + 2.0 * 0.5 * (0.02 / 0.03) * edge_s);
    for (int p = 0; p < pulses; ++p) x = polarity > 0 ? 1.0 - std::tanh(std::atanh(1.0 - x) + rate_on) : std::tanh(std::atanh(x) + rate_off);
    return x;
}

struct Candidate {
    std::string name;
    std::vector<double> g_S;
};

std::vector<double> evenly(double a, double b, int n) {
    std::vector<double> v;
    for (int k = 0; k < n; ++k) v.push_back(a + (b - a) * k / (n - 1));
    return v;
}

std::vector<double> sorted_unique(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    std::vector<double> out;
    for (double g : v) {
        if (out.empty() || g - out.back() > 1e-12 * std::abs(g)) out.push_back(g);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    const double low = argc > 1 ? std::atof(argv[1]) : 0.0, high = argc > 2 ? std::atof(argv[2]) : 0.15;
    const int starts = argc > 3 ? std::atoi(argv[3]) : 16;
    analysis::install_subcircuit_devices();
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    const auto twin = analysis::subcircuit_twin("spice:" CIMKIT_NETLIST_DIR "/devices/vteam_memristor.lib:vteam_memristor");
    fmt::print("characterisation {:.2f} s, table of {} states\n", std::chrono::duration<double>(clock::now() - t0).count(),
               twin->table.potentiate.g_S.size());
    const TableDeviceData& t = twin->table;
    const double window_S = t.g_max_S - t.g_min_S;
    circuits::SubcircuitWriteCircuit circuit(twin);

    std::vector<Candidate> candidates{{"G32", evenly(t.g_min_S, t.g_max_S, 32)}, {"G64", evenly(t.g_min_S, t.g_max_S, 64)},
                                      {"G128", evenly(t.g_min_S, t.g_max_S, 128)}};
    std::vector<double> in_x, in_log, union_x;
    for (double x : evenly(0.0, 1.0, 32)) in_x.push_back(conductance_S(x));
    for (double f : evenly(0.0, 1.0, 32)) in_log.push_back(t.g_min_S * std::pow(t.g_max_S / t.g_min_S, f));
    candidates.push_back({"x32", sorted_unique(in_x)});
    candidates.push_back({"logG32", sorted_unique(in_log)});
    union_x = evenly(t.g_min_S, t.g_max_S, 32);
    union_x.insert(union_x.end(), in_x.begin(), in_x.end());
    candidates.push_back({"G32+x32", sorted_unique(union_x)});
    std::vector<double> in_log64;
    for (double f : evenly(0.0, 1.0, 64)) in_log64.push_back(t.g_min_S * std::pow(t.g_max_S / t.g_min_S, f));
    candidates.push_back({"logG64", sorted_unique(in_log64)});

    // Each candidate's steps through ngspice: a read, one pulse up, one pulse down from each state.
    std::vector<std::shared_ptr<const LoadedTable>> tables{load_table(t)};
    std::vector<std::string> names{"twin"};
    for (const Candidate& c : candidates) {
        std::vector<circuits::SubcircuitPulseTrain> trains;
        for (double g : c.g_S) {
            const double x = twin->state_of_conductance(g);
            trains.push_back({x, {}});
            trains.push_back({x, {+1}});
            trains.push_back({x, {-1}});
        }
        const std::vector<double> g_S = circuit.run(trains);
        TableDeviceData d = t;
        d.potentiate.g_S = d.depress.g_S = c.g_S;
        d.potentiate.mean_step_S.clear();
        d.depress.mean_step_S.clear();
        for (std::size_t k = 0; k < c.g_S.size(); ++k) {
            d.potentiate.mean_step_S.push_back(g_S[3 * k + 1] - g_S[3 * k]);
            d.depress.mean_step_S.push_back(g_S[3 * k + 2] - g_S[3 * k]);
        }
        d.potentiate.sigma_S.assign(c.g_S.size(), 0.0);
        d.depress.sigma_S.assign(c.g_S.size(), 0.0);
        d.potentiate.steps.assign(c.g_S.size(), 1.0);
        d.depress.steps.assign(c.g_S.size(), 1.0);
        tables.push_back(load_table(d));
        names.push_back(c.name);
        if (c.name == "G32") {
            double worst = 0.0;
            for (std::size_t k = 0; k < c.g_S.size(); ++k) {
                worst = std::max({worst, std::abs(d.potentiate.mean_step_S[k] - t.potentiate.mean_step_S[k]),
                                  std::abs(d.depress.mean_step_S[k] - t.depress.mean_step_S[k])});
            }
            fmt::print("G32 remeasured in write decks against the characterised table: worst step difference {:.3g} S ({:.3g} of the window)\n",
                       worst, worst / window_S);
        }
    }

    const std::vector<int> lengths{1, 2, 4, 8, 16, 32};
    std::vector<circuits::SubcircuitPulseTrain> trains;
    struct Case {
        double g0_S;
        int polarity, pulses;
    };
    std::vector<Case> cases;
    for (double f : evenly(low, high, starts)) {
        const double g0 = t.g_min_S + f * window_S;
        for (int polarity : {+1, -1}) {
            for (int n : lengths) {
                cases.push_back({g0, polarity, n});
                trains.push_back({twin->state_of_conductance(g0), std::vector<int>(static_cast<std::size_t>(n), polarity)});
            }
        }
    }
    const auto t1 = clock::now();
    const std::vector<double> spice_S = circuit.run(trains);
    fmt::print("{} trains through ngspice in {:.2f} s\n", trains.size(), std::chrono::duration<double>(clock::now() - t1).count());

    std::vector<TableDevice> devices;
    for (const auto& table : tables) devices.emplace_back(table);
    fmt::print("{:>9} {:>8}", "g0 [mS]", "f");
    for (const auto& n : names) fmt::print(" {:>9}", n);
    fmt::print(" {:>9}\n", "closed");
    std::vector<double> worst_all(names.size() + 1, 0.0);
    for (std::size_t c0 = 0; c0 < cases.size(); c0 += lengths.size() * 2) {
        std::vector<double> worst(names.size() + 1, 0.0);
        std::vector<std::string> where(names.size() + 1);
        for (std::size_t c = c0; c < c0 + lengths.size() * 2; ++c) {
            const Case& k = cases[c];
            for (std::size_t m = 0; m < devices.size(); ++m) {
                Rng rng(1);
                DeviceState s = devices[m].make_device(rng);
                devices[m].set_level(s, (k.g0_S - t.g_min_S) / window_S, rng);
                for (int p = 0; p < k.pulses; ++p) devices[m].apply_pulse(s, devices[m].nominal_pulse(k.polarity), rng);
                const double e = std::abs(devices[m].conductance_S(s) - spice_S[c]) / window_S;
                if (e > worst[m]) worst[m] = e, where[m] = fmt::format("{}{}", k.polarity > 0 ? "+" : "-", k.pulses);
            }
            const double closed = conductance_S(closed_form_x(twin->state_of_conductance(k.g0_S), k.polarity, k.pulses));
            const double e = std::abs(closed - spice_S[c]) / window_S;
            if (e > worst.back()) worst.back() = e, where.back() = fmt::format("{}{}", k.polarity > 0 ? "+" : "-", k.pulses);
        }
        fmt::print("{:9.4f} {:8.4f}", cases[c0].g0_S * 1e3, (cases[c0].g0_S - t.g_min_S) / window_S);
        for (std::size_t m = 0; m < worst.size(); ++m) fmt::print(" {:9.2e}", worst[m]);
        fmt::print("  twin worst at {}\n", where[0]);
        for (std::size_t m = 0; m < worst.size(); ++m) worst_all[m] = std::max(worst_all[m], worst[m]);
    }
    fmt::print("{:>18}", "worst");
    for (double w : worst_all) fmt::print(" {:9.2e}", w);
    fmt::print("\n(units: the window, {:.4g} S)\n", window_S);
    return 0;
}
