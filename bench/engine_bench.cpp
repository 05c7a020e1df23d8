// Cost of the engine's basic cycle on a small netlist: load + op + read + clear, and op alone on a
// loaded circuit. The crossbar cases of the performance issue build on these.
#include <benchmark/benchmark.h>

#include "circuits/spice/engine.hpp"

namespace {

cimkit::spice::Engine& engine() {
    static cimkit::spice::Engine instance;
    return instance;
}

const auto divider = cimkit::spice::NetlistText::from_file(CIMKIT_NETLIST_DIR "/examples/divider.cir");

void load_run_read_clear(benchmark::State& state) {
    for (auto _ : state) {
        engine().load(divider);
        engine().run();
        benchmark::DoNotOptimize(engine().plots());
        engine().clear();
    }
}
BENCHMARK(load_run_read_clear)->Unit(benchmark::kMicrosecond);

void op_on_loaded_circuit(benchmark::State& state) {
    engine().load(divider);
    for (auto _ : state) {
        engine().run_analysis("op");
        state.PauseTiming();
        engine().load(divider);  // drops the plot so every op starts from the same state
        state.ResumeTiming();
    }
    engine().clear();
}
BENCHMARK(op_on_loaded_circuit)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
