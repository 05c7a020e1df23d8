#include "bench/attention_benchmarks.hpp"

#include "attention/gain_cell_attention.hpp"
#include "attention/spice_attention.hpp"
#include "circuits/spice/engine.hpp"

namespace cimkit::bench {

CaseReport attention_tile(const BenchOptions& options) {
    CaseReport r{"attention-tile", {}, {}};
    const int tokens = 64, dims = options.quick ? 16 : 64;
    const attention::HeadInputs inputs = attention::random_head_inputs(tokens, dims, 1);
    const attention::HeadSettings settings;
    spice::Engine engine;
    attention::SpiceHeadResult last;
    const double spice_s = median_seconds(options, [&] {
        last = attention::spice_gain_cell_attention(engine, inputs, settings, attention::TileCircuit{}, {tokens - 1});
    });
    // The compact block computes every token of the sequence; one token's share is the figure.
    const double compact_s =
        median_seconds(options, [&] { (void)attention::gain_cell_attention(inputs, settings, GainCellReadModel::published_kernel); }) / tokens;
    const std::string shape = std::to_string(tokens) + " keys x " + std::to_string(dims);
    r.figures.push_back({"one token, " + shape + " ngspice tile", 1e3 * spice_s, "ms", "transient of both stages (~30 ns of circuit time), median"});
    r.figures.push_back({"one token, compact block", 1e3 * compact_s, "ms", "the whole sequence's time / tokens"});
    r.figures.push_back({"ngspice tile / compact", spice_s / compact_s, "x", "measured in this run"});
    r.figures.push_back({"first stage energy (QK), one tile", 1e9 * last.energy_scores_J.front(), "nJ", "from the read supplies' waveforms"});
    r.figures.push_back({"second stage energy (AV), one tile", 1e9 * last.energy_outputs_J.front(), "nJ", "from the read supplies' waveforms"});
    r.figures.push_back({"latency, one token", 1e9 * last.latency_s.front(), "ns", "first word-line edge to the last second-stage pulse"});
    r.notes.push_back("read_scale_A = 1 uA per unit of the published law is an assumption (the paper gives no unit); energies scale with it");
    return r;
}

}  // namespace cimkit::bench
