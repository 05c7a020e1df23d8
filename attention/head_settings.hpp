#pragma once
// The settings of one gain-cell attention head (docs/attention.md): tiles, sliding window, leakage,
// the two charge-to-pulse saturations and the converters' levels. Defaults are Leroux et al.'s
// (arXiv 2409.19315, public code: docs/physics-sources.md#gain-cell-attention).
#include <string>

namespace cimkit::attention {

struct HeadSettings {
    int tile_tokens = 64;            // keys (rows) per gain-cell tile: the paper's 64 x 64 arrays
    int tiles = 17;                  // tiles of one head; a window must fit in them (tiles_needed)
    int window_tokens = 1024;        // query m attends to keys m - window_tokens + 1 .. m
    double decay_per_token = 1.6e-4; // leakage: a stored deviation V - 0.45 V decays by exp(-decay n) at age n
    double score_saturation = 80.0;  // S_sat of the first stage: pulse A = clamp(S / score_saturation, 0, 1)
    double output_saturation = 40.0; // the second stage's per-tile output is clamp(O / output_saturation, -1, 1)
    int query_levels = 16;           // DAC levels of a query pulse width over [0, 1]; 0: not quantised
    int stored_levels = 8;           // levels of a written key or value voltage over [0, 0.9] V; 0: not quantised
    int output_levels = 32;          // ADC levels of a tile's output over [-1, 1]; 0: not quantised
};

// The most tiles that the keys of one window can occupy: a window of W tokens that does not start
// on a tile boundary spans ceil((W - 1) / tile_tokens) + 1 of them.
int tiles_needed(int window_tokens, int tile_tokens);

// Throws UsageError naming the setting (as `cimkit attention` spells it) and the range it must lie in.
void validate(const HeadSettings& settings);

}  // namespace cimkit::attention
