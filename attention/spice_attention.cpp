#include "attention/spice_attention.hpp"

#include <algorithm>
#include <string>

#include "attention/gain_cell_attention.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::attention {

SpiceHeadResult spice_gain_cell_attention(spice::Engine& engine, const HeadInputs& inputs, const HeadSettings& s,
                                          const TileCircuit& circuit, const std::vector<int>& query_tokens) {
    const ConvertedHead converted = converted_head(inputs, s);
    const QuantisedInputs& in = converted.in;
    const std::vector<double>& retained = converted.retained;
    const auto queries = static_cast<Eigen::Index>(query_tokens.size());
    SpiceHeadResult r{query_tokens, Matrix::Zero(queries, inputs.tokens()), Matrix::Zero(queries, inputs.tokens()),
                      Matrix::Zero(queries, inputs.head_dim()), {}, {}, {}, 0};
    for (Eigen::Index row = 0; row < queries; ++row) {
        const int m = query_tokens[static_cast<std::size_t>(row)];
        if (m < 0 || m >= inputs.tokens()) {
            throw UsageError("attention: query token " + std::to_string(m) + ": expected 0.." + std::to_string(inputs.tokens() - 1));
        }
        const int first = first_key_in_window(m, s.window_tokens);
        double energy_scores_J = 0.0, energy_outputs_J = 0.0, latency_s = 0.0;
        for (int tile_start = first - first % s.tile_tokens; tile_start <= m; tile_start += s.tile_tokens) {
            const int begin = std::max(first, tile_start), end = std::min(m, tile_start + s.tile_tokens - 1);
            TileQuery tile{std::vector<double>(in.query.row(m).data(), in.query.row(m).data() + in.query.cols()),
                           Matrix(end - begin + 1, inputs.head_dim()), Matrix(end - begin + 1, inputs.head_dim())};
            for (int n = begin; n <= end; ++n) {
                const double kept = retained[static_cast<std::size_t>(m - n)];
                tile.key_V.row(n - begin) = (in.key_w_V.row(n) * kept).array() + gain_cell_weight_offset_V;
                tile.value_V.row(n - begin) = (in.value_w_V.row(n) * kept).array() + gain_cell_weight_offset_V;
            }
            const TileRead read = run_tile(engine, tile, s, circuit);
            ++r.tile_runs;
            for (int n = begin; n <= end; ++n) {
                r.scores(row, n) = read.scores[static_cast<std::size_t>(n - begin)];
                r.pulses(row, n) = read.pulses[static_cast<std::size_t>(n - begin)];
            }
            for (int d = 0; d < inputs.head_dim(); ++d) r.output(row, d) += tile_readout(read.outputs[static_cast<std::size_t>(d)], s);
            energy_scores_J += read.energy_scores_J;
            energy_outputs_J += read.energy_outputs_J;
            latency_s = std::max(latency_s, read.latency_s);
        }
        r.energy_scores_J.push_back(energy_scores_J);
        r.energy_outputs_J.push_back(energy_outputs_J);
        r.latency_s.push_back(latency_s);
    }
    return r;
}

}  // namespace cimkit::attention
