#pragma once
// One attention head computed by gain-cell tiles, the compact engine (docs/attention.md#the-block),
// exactly as Leroux et al.'s kernel computes it (arXiv 2409.19315, Eq. 4 and the charge-to-pulse
// HardSigmoid; public code read in docs/physics-sources.md#gain-cell-attention):
//
//   inputs quantised: q to query_levels over [0, 1], keys and values to stored_levels over [0, 0.9] V;
//   a key written at token n and read at token m >= n has decayed to w = (V - 0.45) exp(-decay (m - n));
//   first stage, charge on column n:  S_mn = sum_d q_md f(0.9, w_k(n, d))
//   charge-to-pulse (HardSigmoid):    A_mn = clamp(S_mn / score_saturation, 0, 1)
//   second stage, per tile t:         O_t(m, d) = sum_{n in t} A_mn f(0.9, w_v(n, d))
//   read-out and digital sum:         out(m, d) = sum_t quantise(clamp(O_t / output_saturation, -1, 1), output_levels)
//
// over the keys of the sliding window, m - window_tokens < n <= m; tile t holds keys
// t tile_tokens .. (t + 1) tile_tokens - 1. f is the gain cell's read law (devices/gain_cell_read.hpp):
// the published ten-term polynomial, or the paper's linear surrogate 19.3 w (the model it trains
// through before adapting to the nonlinear one).
#include <array>
#include <vector>

#include "attention/cell_law.hpp"
#include "attention/head_inputs.hpp"
#include "attention/head_settings.hpp"
#include "devices/gain_cell_read.hpp"

namespace cimkit::attention {

struct HeadResult {
    Matrix scores;  // T x T, S_mn / score_saturation before the clamp; 0 for keys outside the window
    Matrix pulses;  // T x T, A_mn: the second stage's input pulse widths as a fraction of T_max
    Matrix output;  // T x D, the digital sum over tiles of each tile's quantised output
};

HeadResult gain_cell_attention(const HeadInputs& inputs, const HeadSettings& settings, GainCellReadModel law);
// The same block with any cell law (attention/cell_law.hpp), e.g. one measured on a transistor cell.
HeadResult gain_cell_attention(const HeadInputs& inputs, const HeadSettings& settings, const CellLaw& law);

// What every engine of the block shares (the compact one above, the ngspice tile in spice_attention.hpp).
// The inputs as the converters deliver them: queries quantised, keys and values quantised and turned
// into signed weights V - 0.45 V (before leakage).
struct QuantisedInputs {
    Matrix query;
    Matrix key_w_V;
    Matrix value_w_V;
};
QuantisedInputs quantised_inputs(const HeadInputs& inputs, const HeadSettings& settings);
// The fraction of a stored deviation left after `age` tokens: exp(-decay)^age, as the paper's code
// raises the one-token factor to the token's age; ages 0 .. window_tokens - 1.
std::vector<double> retention_by_age(const HeadSettings& settings);
// Both of the above for one head: what the block computes from, kept by a caller that also runs a
// backward pass through the block, so that the two see the same numbers without computing them twice.
struct ConvertedHead {
    QuantisedInputs in;
    std::vector<double> retained;  // retention_by_age
};
ConvertedHead converted_head(const HeadInputs& inputs, const HeadSettings& settings);
// The block on inputs already converted: gain_cell_attention(inputs, ...) is this on converted_head(inputs).
HeadResult gain_cell_attention(const ConvertedHead& converted, const HeadSettings& settings, const CellLaw& law);
// The read law at the kernel's read voltage (0.9 V) as a cubic in the weight: f = sum_i a[i] w^i.
using WeightPolynomial = std::array<double, 4>;
WeightPolynomial weight_polynomial(GainCellReadModel law);
double evaluate(const WeightPolynomial& a, double w_V);
// The first key of query token m's window.
int first_key_in_window(int query_token, int window_tokens);
// A tile's output line read out: clamp(charge sum / output_saturation, -1, 1), quantised.
double tile_readout(double output_sum, const HeadSettings& settings);

// The float model the hardware replaces: softmax(q (K - 0.45)^T / sqrt(D)) (V - 0.45) over the same
// sliding window, on the inputs as given (no quantisation, no leakage, no saturation).
Matrix softmax_attention(const HeadInputs& inputs, int window_tokens);

}  // namespace cimkit::attention
