#pragma once
// The attention block with every tile in ngspice (docs/attention.md#the-ngspice-tile): for each
// query token asked for, each tile that holds keys of its window runs as one transient
// (attention/gain_cell_tile.hpp); the ADC and the digital sum over tiles are the compact block's
// (tile_readout), so the two engines differ only in what the circuit computes.
#include <vector>

#include "attention/gain_cell_tile.hpp"

namespace cimkit::attention {

struct SpiceHeadResult {
    std::vector<int> query_tokens;  // the rows below, in this order
    Matrix scores;                  // queries x tokens: column charge / score_saturation (0 outside the window)
    Matrix pulses;                  // queries x tokens: second-stage pulse widths / T_max
    Matrix output;                  // queries x D: the digital sum of the tiles' read-outs
    std::vector<double> energy_scores_J;   // per query: the key arrays' read supplies, all tiles
    std::vector<double> energy_outputs_J;  // per query: the value arrays' read supplies, all tiles
    std::vector<double> latency_s;         // per query: the slowest tile (tiles run in parallel)
    int tile_runs = 0;
};

// Throws UsageError when a query token is outside the sequence.
SpiceHeadResult spice_gain_cell_attention(spice::Engine& engine, const HeadInputs& inputs, const HeadSettings& settings,
                                          const TileCircuit& circuit, const std::vector<int>& query_tokens);

}  // namespace cimkit::attention
