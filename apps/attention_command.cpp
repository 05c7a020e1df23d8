#include "apps/attention_command.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "analysis/layouts/attention_layout.hpp"
#include "analysis/provenance.hpp"
#include "apps/output_claim.hpp"
#include "apps/seed_option.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::apps {
namespace {

double relative_rms(const attention::Matrix& a, const attention::Matrix& reference) {
    const double reference_norm = reference.norm();
    return reference_norm > 0.0 ? (a - reference).norm() / reference_norm : (a - reference).norm();
}

// Key positions inside the window of each query token: the entries of the score matrix that exist.
int window_entries(int tokens, int window_tokens) {
    int entries = 0;
    for (int m = 0; m < tokens; ++m) entries += std::min(m + 1, window_tokens);
    return entries;
}

}  // namespace

CLI::App* add_attention_command(CLI::App& app, AttentionOptions& o) {
    CLI::App* cmd = app.add_subcommand("attention", "One gain-cell attention head: float softmax, linear surrogate and the compact block, compared");
    cmd->add_option("-o,--output", o.output_path, "HDF5 file to write (/attention)")->required();
    cmd->add_option("--input", o.input_path, "HDF5 file with /attention/query, key_V and value_V (tokens x head dimension); default: seeded random inputs");
    cmd->add_option("--tokens", o.tokens, "Tokens of the random sequence (1-4096), default 128");
    cmd->add_option("--head-dim", o.head_dim, "Head dimension of the random sequence (1-1024), default 64");
    add_seed_option(*cmd, o.seed, "Seed of the random inputs (default 1)");
    cmd->add_option("--window", o.settings.window_tokens, "Sliding window in tokens, default 1024");
    cmd->add_option("--tile-tokens", o.settings.tile_tokens, "Keys per gain-cell tile, default 64");
    cmd->add_option("--tiles", o.settings.tiles, "Tiles of the head (the window must fit), default 17");
    cmd->add_option("--decay-per-token", o.settings.decay_per_token, "Leakage: stored deviations decay by exp(-X age), default 1.6e-4");
    cmd->add_flag("--no-leakage", o.no_leakage, "No leakage (--decay-per-token 0)");
    cmd->add_option("--score-saturation", o.settings.score_saturation, "S_sat of the first stage's charge-to-pulse circuit, default 80");
    cmd->add_option("--output-saturation", o.settings.output_saturation, "S_sat of the second stage's read-out, default 40");
    cmd->add_option("--query-levels", o.settings.query_levels, "Query DAC levels over [0, 1] (0: none), default 16");
    cmd->add_option("--stored-levels", o.settings.stored_levels, "Key and value write levels over [0, 0.9] V (0: none), default 8");
    cmd->add_option("--output-levels", o.settings.output_levels, "Tile output ADC levels over [-1, 1] (0: none), default 32");
    cmd->add_flag("--force", o.force, "Replace an existing output file");
    return cmd;
}

int run_attention_command(const AttentionOptions& o, const std::string& command_line) {
    attention::HeadSettings settings = o.settings;
    if (o.no_leakage) settings.decay_per_token = 0.0;
    attention::validate(settings);
    if (o.input_path.empty()) {
        if (o.tokens < 1 || o.tokens > analysis::max_attention_tokens) {
            throw UsageError("attention: --tokens: expected 1.." + std::to_string(analysis::max_attention_tokens) + ", got " + std::to_string(o.tokens));
        }
        if (o.head_dim < 1 || o.head_dim > analysis::max_attention_head_dim) {
            throw UsageError("attention: --head-dim: expected 1.." + std::to_string(analysis::max_attention_head_dim) + ", got " + std::to_string(o.head_dim));
        }
    }
    std::vector<NamedInput> inputs;
    if (!o.input_path.empty()) inputs.push_back({o.input_path, "the input (--input)"});
    const OutputClaim claim(o.output_path, inputs, o.force);

    analysis::AttentionRecord r;
    r.settings = settings;
    r.input_source = o.input_path.empty() ? "seed" : o.input_path;
    r.inputs = o.input_path.empty() ? attention::random_head_inputs(o.tokens, o.head_dim, o.seed) : analysis::read_head_inputs(o.input_path);
    r.softmax_output = attention::softmax_attention(r.inputs, settings.window_tokens);
    r.linear_output = attention::gain_cell_attention(r.inputs, settings, GainCellReadModel::linear_surrogate).output;
    r.compact = attention::gain_cell_attention(r.inputs, settings, GainCellReadModel::published_kernel);
    r.compact_vs_linear_relative_rms = relative_rms(r.compact.output, r.linear_output);

    h5::File file(o.output_path);
    analysis::write_provenance(file, command_line);
    if (o.input_path.empty()) file.set_integer_attribute("/", "seed", o.seed);
    analysis::write_attention_record(file, r);
    file.commit();

    // Entries outside the window are 0 in the pulse matrix without any circuit deciding it.
    const double entries = window_entries(r.inputs.tokens(), settings.window_tokens);
    const double outside = static_cast<double>(r.compact.pulses.size()) - entries;
    const double saturated = static_cast<double>((r.compact.pulses.array() == 1.0).count()) / entries;
    const double cut = (static_cast<double>((r.compact.pulses.array() == 0.0).count()) - outside) / entries;
    std::printf("attention: %d tokens, head dimension %d, window %d, %d-token tiles, leakage %g per token\n", r.inputs.tokens(),
                r.inputs.head_dim(), settings.window_tokens, settings.tile_tokens, settings.decay_per_token);
    std::printf("  compact block (Eq. 4) against the linear surrogate: relative RMS difference %.4g\n", r.compact_vs_linear_relative_rms);
    std::printf("  first-stage pulses in the window: %.1f %% saturated at T_max, %.1f %% cut to 0\n", 100.0 * saturated, 100.0 * cut);
    std::printf("wrote %s\n", o.output_path.c_str());
    return 0;
}

}  // namespace cimkit::apps
