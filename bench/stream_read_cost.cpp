// Per-sample SGD in ngspice (docs/performance-notes.md, "Per-sample SGD in ngspice"): what one read of
// a live domain-wall crossbar costs as one `op` per sample (the live read strategy today) and as one
// time point of ONE long transient per sample (streamed), with the device states and the row inputs
// changed between every two samples, and whether both give the same column currents.
//
// Streamed: spice::StreamedPoints (the spice engine's spice.live_stream_points) hands every accepted
// point of the transient to the trainer (here: main) and holds ngspice until the trainer has written
// the next sample's states and inputs, so sample k + 1's states may depend on sample k's read, as
// per-sample SGD needs. Accepted point p is sample p (p = 0: the transient's t = 0 operating point):
// the row sources return the current sample's inputs whatever the time, and the array has no
// capacitance, so the step size does not matter. Not a test: run by hand.
//
//   build/bench/cimkit_stream_read_cost [rows=784] [columns=20] [samples=500] [mode=both|op|stream] [changed=0.05]
//
// `changed`: the fraction of devices given a new random level before each sample (1: all of them).
// CIMKIT_BENCH_RUSAGE=1 prints ngspice's `rusage all` after each phase.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "circuits/crossbar_tile.hpp"
#include "circuits/device_face.hpp"
#include "circuits/netlist.hpp"
#include "circuits/spice/engine.hpp"
#include "circuits/spice/streamed_points.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/registry.hpp"

using namespace cimkit;
using namespace cimkit::circuits;

namespace {

const std::string prefix = "l0r0c0";

double rss_MB() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
    }
    return 0.0;
}

// ngspice's `rusage all` counters, by name ("Total iterations", "Matrix load time", ...).
std::map<std::string, double> rusage(spice::Engine& engine) {
    std::map<std::string, double> out;
    for (const auto& line : engine.resource_usage()) {
        if (std::getenv("CIMKIT_BENCH_RUSAGE")) fmt::print("  {}\n", line);
        std::string text = line.rfind("stdout ", 0) == 0 ? line.substr(7) : line;
        const auto eq = text.find('=');
        if (eq == std::string::npos) continue;
        std::string name = text.substr(0, std::min(eq, text.find(" (")));
        while (!name.empty() && name.back() == ' ') name.pop_back();
        out[name] = std::atof(text.c_str() + eq + 1);
    }
    return out;
}

void print_rusage_delta(const std::map<std::string, double>& before, const std::map<std::string, double>& after, long samples) {
    const auto delta = [&](const char* name) {
        const auto a = after.find(name), b = before.find(name);
        return (a == after.end() ? 0.0 : a->second) - (b == before.end() ? 0.0 : b->second);
    };
    const double iterations = delta("Total iterations"), points = delta("Transient timepoints");
    fmt::print("    rusage over the phase: {:.0f} Newton iterations ({:.2f} per sample), {:.0f} transient time points, "
               "load {:.3f} s ({:.3f} ms/sample), analysis {:.3f} s ({:.3f} ms/sample), LU factor {:.3f} s, reorder {:.3f} s, "
               "solve {:.3f} s\n",
               iterations, iterations / samples, points, delta("Matrix load time"), 1e3 * delta("Matrix load time") / samples,
               delta("Total analysis time"), 1e3 * delta("Total analysis time") / samples, delta("Matrix factor time"),
               delta("Matrix reorder time"), delta("Matrix solve time"));
}

// What the trainer does between two reads: new random levels for a fraction of the devices (an SGD
// update touches some), new row inputs (the next sample). Same seed -> same sequence in both phases.
struct SampleSource {
    const DeviceModel& model;
    std::vector<DeviceState>& states;
    std::vector<double>& inputs_V;
    double changed;
    Rng rng;

    void next() {
        const auto n = static_cast<std::size_t>(std::ceil(changed * static_cast<double>(states.size())));
        for (std::size_t k = 0; k < n; ++k) {
            const auto which = std::min(states.size() - 1, static_cast<std::size_t>(rng.uniform() * static_cast<double>(states.size())));
            model.set_level(states[which], rng.uniform(), rng);
        }
        for (auto& v : inputs_V) v = model.read_voltage_V() * rng.uniform();
    }
};

struct Setup {
    int rows, columns;
    std::unique_ptr<DeviceModel> model;
    std::unique_ptr<DeviceFace> face;
    std::vector<DeviceState> states;
    std::vector<double> inputs_V;
    std::vector<std::string> column_vectors;
};

// The live strategy's netlist for one tile (SpiceSession::load): EXTERNAL row sources reading
// inputs_V, the osdi face, every row driver's current .saved as well as the column currents.
void load(spice::Engine& engine, Setup& s) {
    Netlist netlist("stream read cost, face " + s.face->name());
    s.face->add_shared(netlist);
    engine.clear_external_sources();
    const CellStates state = [&s](int row, int column) -> const DeviceState& {
        return s.states[static_cast<std::size_t>(row) * static_cast<std::size_t>(s.columns) + static_cast<std::size_t>(column)];
    };
    add_read_tile(netlist, prefix, s.rows, s.columns, *s.face, state);
    bind_read_tile(engine, prefix, s.rows, s.columns, *s.face, state);
    for (int r = 0; r < s.rows; ++r) {
        netlist.save("i(" + tile_row_source(prefix, r) + ")");
        const double* volts = &s.inputs_V[static_cast<std::size_t>(r)];
        engine.set_external_voltage(tile_row_source(prefix, r), [volts](double) { return *volts; });
    }
    engine.load(spice::NetlistText::from_string(to_spice(netlist), "<stream read cost>"));
}

using Currents = std::vector<std::vector<double>>;  // sample -> column currents (A)
using Clock = std::chrono::steady_clock;

// The compact model's column currents of the current sample (ideal wires: every column at 0 V, so
// device (i, j) sees V_i): a third method, which also shows that each read saw its own sample.
// Adds its run time to `spent`, which the timings leave out.
std::vector<double> closed_form_A(const Setup& s, Clock::duration& spent) {
    const auto t0 = Clock::now();
    std::vector<double> out(static_cast<std::size_t>(s.columns), 0.0);
    for (int i = 0; i < s.rows; ++i) {
        for (int j = 0; j < s.columns; ++j) {
            out[static_cast<std::size_t>(j)] +=
                s.model->current_A(s.inputs_V[static_cast<std::size_t>(i)], s.states[static_cast<std::size_t>(i * s.columns + j)]);
        }
    }
    spent += Clock::now() - t0;
    return out;
}

Currents run_ops(spice::Engine& engine, Setup& s, long samples, double changed, Currents& compact) {
    SampleSource source{*s.model, s.states, s.inputs_V, changed, Rng(11)};
    Currents out;
    Clock::duration checks{};
    const auto before = rusage(engine);
    const double rss0 = rss_MB();
    const auto t0 = std::chrono::steady_clock::now();
    for (long k = 0; k < samples; ++k) {
        source.next();
        const auto values = engine.run_and_read("op", s.column_vectors);
        std::vector<double> row;
        for (const auto& v : values) row.push_back(v.at(0));
        out.push_back(std::move(row));
        compact.push_back(closed_form_A(s, checks));
    }
    const auto t1 = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(t1 - t0 - checks).count();
    fmt::print("op per sample: {} samples, {:.3f} ms/sample ({:.1f} samples/s), RSS {:.1f} -> {:.1f} MB\n", samples, ms / samples,
               1e3 * samples / ms, rss0, rss_MB());
    print_rusage_delta(before, rusage(engine), samples);
    return out;
}

Currents run_stream(spice::Engine& engine, Setup& s, long samples, double changed, Currents& compact) {
    SampleSource source{*s.model, s.states, s.inputs_V, changed, Rng(11)};
    Clock::duration checks{};
    Currents out;
    const auto before = rusage(engine);
    const double rss0 = rss_MB();
    const auto t0 = std::chrono::steady_clock::now();
    // One chunk for all samples: tran 1 `samples` 0 1 has about samples + 8 accepted points.
    spice::StreamedPoints stream(engine, s.column_vectors, static_cast<int>(samples));
    for (long k = 0; k < samples; ++k) {
        source.next();  // sample k's states and inputs, before its point
        out.push_back(stream.next());
        compact.push_back(closed_form_A(s, checks));
    }
    const auto t1 = std::chrono::steady_clock::now();
    stream.finish();
    const auto t2 = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(t1 - t0 - checks).count();
    fmt::print("streamed transient: {} samples in {} chunk(s), {:.3f} ms/sample ({:.1f} samples/s), then {:.1f} ms to the chunk's end; "
               "RSS {:.1f} -> {:.1f} MB\n",
               samples, stream.chunks(), ms / samples, 1e3 * samples / ms, std::chrono::duration<double, std::milli>(t2 - t1).count(),
               rss0, rss_MB());
    print_rusage_delta(before, rusage(engine), samples);
    return out;
}

// Largest |a - b| / max(|b|, 1 nA) over every sample and column.
double max_relative_difference(const Currents& a, const Currents& b) {
    double worst = 0.0;
    for (std::size_t k = 0; k < std::min(a.size(), b.size()); ++k) {
        for (std::size_t j = 0; j < a[k].size(); ++j) {
            worst = std::max(worst, std::abs(a[k][j] - b[k][j]) / std::max(std::abs(b[k][j]), 1e-9));
        }
    }
    return worst;
}

}  // namespace

int main(int argc, char** argv) {
    Setup s;
    s.rows = argc > 1 ? std::atoi(argv[1]) : 784;
    s.columns = argc > 2 ? std::atoi(argv[2]) : 20;
    const long samples = argc > 3 ? std::atol(argv[3]) : 500;
    const std::string mode = argc > 4 ? argv[4] : "both";
    const double changed = argc > 5 ? std::atof(argv[5]) : 0.05;
    if (s.rows < 1 || s.columns < 1 || samples < 2 || !(changed >= 0.0 && changed <= 1.0) ||
        (mode != "both" && mode != "op" && mode != "stream")) {
        fmt::print(stderr, "usage: {} [rows>=1] [columns>=1] [samples>=2] [both|op|stream] [changed fraction 0..1]\n", argv[0]);
        return 2;
    }
    s.model = builtin_devices().find("domain_wall").make({});
    s.face = make_device_face(*s.model, "osdi");
    Rng rng(3);
    for (int k = 0; k < s.rows * s.columns; ++k) {
        DeviceState d = s.model->make_device(rng);
        s.model->set_level(d, rng.uniform(), rng);
        s.states.push_back(d);
    }
    const std::vector<DeviceState> initial = s.states;
    s.inputs_V.assign(static_cast<std::size_t>(s.rows), 0.0);
    for (int j = 0; j < s.columns; ++j) s.column_vectors.push_back(tile_column_current_vector(prefix, j));

    fmt::print("{}x{} domain_wall, face {}, {} devices, {} samples, {:.1f} % of the devices get a new level before each sample\n",
               s.rows, s.columns, s.face->name(), s.rows * s.columns, samples, 100.0 * changed);
    spice::Engine engine;
    const double rss_start = rss_MB();
    const auto t0 = std::chrono::steady_clock::now();
    load(engine, s);
    engine.run_and_read("op", s.column_vectors);  // the first op sets the circuit up
    fmt::print("load + first op {:.1f} ms, RSS {:.1f} -> {:.1f} MB\n",
               std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(), rss_start, rss_MB());

    Currents streamed, ops, compact_streamed, compact_ops;
    if (mode != "op") {
        streamed = run_stream(engine, s, samples, changed, compact_streamed);
        s.states = initial;
        fmt::print("    streamed vs the compact model's closed form: max relative difference {:.3g}\n",
                   max_relative_difference(streamed, compact_streamed));
    }
    if (mode != "stream") {
        // After the stream on the same loaded circuit: an op still runs (and is the reference).
        ops = run_ops(engine, s, samples, changed, compact_ops);
        s.states = initial;
        fmt::print("    op vs the compact model's closed form: max relative difference {:.3g}\n", max_relative_difference(ops, compact_ops));
    }
    if (mode == "both") {
        fmt::print("agreement: max relative difference streamed vs op over {} samples x {} columns: {:.3g} "
                   "(for scale: sample k vs sample k + 1 of the ops differ by up to {:.3g})\n",
                   samples, s.columns, max_relative_difference(streamed, ops),
                   max_relative_difference(Currents(ops.begin() + 1, ops.end()), ops));
        // A second stream after the ops and a reload: the engine is reusable both ways.
        load(engine, s);
        Currents unused;
        const Currents again = run_stream(engine, s, std::min<long>(samples, 50), changed, unused);
        s.states = initial;
        fmt::print("after a reload: a second stream of {} samples agrees with the ops to {:.3g}\n", again.size(),
                   max_relative_difference(again, ops));
    }
    fmt::print("RSS at the end {:.1f} MB\n", rss_MB());
    return 0;
}
