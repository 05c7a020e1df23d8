// What a read of a live crossbar costs in ngspice with each face of its devices (docs/performance-notes.md,
// "A compiled device element"): the resistive face (fixed states: ngspice's resistor), the `cosim`
// B-source fed by EXTERNAL sources, the domain wall's MTJ cosim B-source, and the `osdi` face
// (cimkit's OSDI element reading a shared conductance table). For each: wall time per `op` with new
// states before every op (the live faces; the resistive face keeps its states), and ngspice's own
// counters (`rusage all`: load time and the number of loads), from which the cost of one load of the
// whole array. Not a test: run by hand.
//
//   build/bench/cimkit_osdi_load_cost [rows=784] [columns=20] [ops=10]
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "circuits/crossbar.hpp"
#include "circuits/device_face.hpp"
#include "circuits/spice/engine.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/text.hpp"
#include "devices/registry.hpp"

using namespace cimkit;
using namespace cimkit::circuits;

namespace {

// The number in an rusage line "Name = value" (0 when there is none).
double value_of(const std::string& line) {
    const auto eq = line.find('=');
    return eq == std::string::npos ? 0.0 : std::atof(line.c_str() + eq + 1);
}

void measure(spice::Engine& engine, const std::string& device, const std::string& variant, int rows, int columns, int ops) {
    const auto model = builtin_devices().find(device).make({});
    const auto face = make_device_face(*model, variant);
    const CrossbarGeometry g{rows, columns, 0.0, 0.0};
    Rng rng(3);
    std::vector<DeviceState> states;
    for (int k = 0; k < rows * columns; ++k) {
        DeviceState s = model->make_device(rng);
        model->set_level(s, rng.uniform(), rng);
        states.push_back(s);
    }
    std::vector<double> inputs_V;
    for (int i = 0; i < rows; ++i) inputs_V.push_back(model->read_voltage_V() * (0.1 + 0.9 * rng.uniform()));
    engine.clear_external_sources();
    face->bind(engine, states, rows, columns);
    const auto t0 = std::chrono::steady_clock::now();
    engine.load(spice::NetlistText::from_string(to_spice(build_crossbar_read(g, *face, states, inputs_V)), face->name()));
    const auto t1 = std::chrono::steady_clock::now();
    const std::vector<std::string> column0 = {"vsense_0#branch"};
    engine.run_and_read("op", column0);  // the first op sets the circuit up
    const auto t2 = std::chrono::steady_clock::now();
    for (int k = 0; k < ops; ++k) {
        for (auto& s : states) model->set_level(s, rng.uniform(), rng);
        engine.run_and_read("op", column0);
    }
    const auto t3 = std::chrono::steady_clock::now();
    double load_s = 0.0, loads = 0.0, analysis_s = 0.0;
    for (const auto& line : engine.resource_usage()) {
        if (std::getenv("CIMKIT_BENCH_RUSAGE")) fmt::print("  {}\n", line);
        const std::string lower = text::to_lower(line);
        // Accumulated over every analysis since the load: the device loads of all ops, and one
        // load per Newton iteration.
        if (lower.find("matrix load time") != std::string::npos) load_s = value_of(line);
        if (lower.find("total iterations") != std::string::npos) loads = value_of(line);
        if (lower.find("total analysis time") != std::string::npos) analysis_s = value_of(line);
    }
    using ms = std::chrono::duration<double, std::milli>;
    fmt::print("{:<12} {:<10} {:>7} devices | load netlist {:>8.1f} ms | first op {:>8.1f} ms | op {:>8.2f} ms | "
               "rusage: {} loads, {:.4f} s loading, {:.3f} ms per load of the array, analysis {:.3f} s\n",
               device, face->name(), rows * columns, ms(t1 - t0).count(), ms(t2 - t1).count(), ms(t3 - t2).count() / ops,
               loads, load_s, loads > 0 ? 1e3 * load_s / loads : 0.0, analysis_s);
}

}  // namespace

int main(int argc, char** argv) {
    const int rows = argc > 1 ? std::atoi(argv[1]) : 784;
    const int columns = argc > 2 ? std::atoi(argv[2]) : 20;
    const int ops = argc > 3 ? std::atoi(argv[3]) : 10;
    spice::Engine engine;
    measure(engine, "pcm", "", rows, columns, ops);
    measure(engine, "pcm", "osdi", rows, columns, ops);
    measure(engine, "pcm", "cosim", rows, columns, ops);
    measure(engine, "domain_wall", "osdi", rows, columns, ops);
    measure(engine, "domain_wall", "cosim", rows, columns, ops);
    return 0;
}
