#include "apps/attention_command.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "analysis/layouts/attention_layout.hpp"
#include "analysis/provenance.hpp"
#include "apps/contained_run.hpp"
#include "apps/output_claim.hpp"
#include "apps/progress_line.hpp"
#include "apps/seed_option.hpp"
#include "attention/row_training.hpp"
#include "circuits/spice/engine.hpp"
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

// The rows of one query token appended to the result of the tokens before it.
void append(attention::SpiceHeadResult& all, const attention::SpiceHeadResult& one) {
    const auto stack = [](attention::Matrix& top, const attention::Matrix& bottom) {
        attention::Matrix joined(top.rows() + bottom.rows(), bottom.cols());
        if (top.rows() > 0) joined.topRows(top.rows()) = top;
        joined.bottomRows(bottom.rows()) = bottom;
        top = std::move(joined);
    };
    all.query_tokens.insert(all.query_tokens.end(), one.query_tokens.begin(), one.query_tokens.end());
    stack(all.scores, one.scores);
    stack(all.pulses, one.pulses);
    stack(all.output, one.output);
    all.energy_scores_J.insert(all.energy_scores_J.end(), one.energy_scores_J.begin(), one.energy_scores_J.end());
    all.energy_outputs_J.insert(all.energy_outputs_J.end(), one.energy_outputs_J.begin(), one.energy_outputs_J.end());
    all.latency_s.insert(all.latency_s.end(), one.latency_s.begin(), one.latency_s.end());
    all.tile_runs += one.tile_runs;
}

double mean(const std::vector<double>& values) {
    double sum = 0.0;
    for (double v : values) sum += v;
    return values.empty() ? 0.0 : sum / static_cast<double>(values.size());
}

void print_summary(const analysis::AttentionRecord& r) {
    const attention::HeadSettings& settings = r.settings;
    // Entries outside the window are 0 in the pulse matrix without any circuit deciding it.
    const double entries = window_entries(r.inputs.tokens(), settings.window_tokens);
    const double outside = static_cast<double>(r.compact.pulses.size()) - entries;
    const double saturated = static_cast<double>((r.compact.pulses.array() == 1.0).count()) / entries;
    const double cut = (static_cast<double>((r.compact.pulses.array() == 0.0).count()) - outside) / entries;
    std::printf("attention: %d tokens, head dimension %d, window %d, %d-token tiles, leakage %g per token\n", r.inputs.tokens(),
                r.inputs.head_dim(), settings.window_tokens, settings.tile_tokens, settings.decay_per_token);
    std::printf("  compact block (%s cell law) against the linear surrogate: relative RMS difference %.4g\n", r.cell_law.c_str(),
                r.compact_vs_linear_relative_rms);
    std::printf("  first-stage pulses in the window: %.1f %% saturated at T_max, %.1f %% cut to 0\n", 100.0 * saturated, 100.0 * cut);
    if (!r.spice) return;
    const analysis::SpiceAgreement a = analysis::spice_agreement(r);
    std::printf("  ngspice tiles (%zu query tokens, %d tile runs) against the compact block: largest difference %.3g in scores, "
                "%.3g in pulses (of T_max), %.3g in outputs\n",
                r.spice->query_tokens.size(), r.spice->tile_runs, a.max_score_difference, a.max_pulse_difference, a.max_output_difference);
    std::printf("  per token, from the waveforms: %.4g nJ first stage (QK), %.4g nJ second stage (AV), %.4g ns\n",
                1e9 * mean(r.spice->energy_scores_J), 1e9 * mean(r.spice->energy_outputs_J), 1e9 * mean(r.spice->latency_s));
}

// The head's inputs when the model of an attention-train file reads MNIST test image o.image.
attention::HeadInputs model_activations(const AttentionOptions& o) {
    if (o.image < 0 || o.image > 9999) throw UsageError("attention: --image: expected 0..9999, got " + std::to_string(o.image));
    const attention::RowModel model = analysis::read_row_model(o.model_path, o.model_stage);
    const training::Dataset test = attention::load_mnist_rows(o.mnist_dir, "t10k", static_cast<std::size_t>(o.image) + 1);
    if (test.features != model.tokens * model.features) {
        throw UsageError("attention: --model " + o.model_path + " reads " + std::to_string(model.tokens) + " x " +
                         std::to_string(model.features) + " values per image; the MNIST images have " + std::to_string(test.features));
    }
    return attention::row_head_inputs(model, &test.x[test.x.size() - static_cast<std::size_t>(test.features)]);
}

}  // namespace

CLI::App* add_attention_command(CLI::App& app, AttentionOptions& o) {
    CLI::App* cmd = app.add_subcommand("attention", "One gain-cell attention head: float softmax, linear surrogate and the compact block, compared");
    cmd->add_option("-o,--output", o.output_path, "HDF5 file to write (/attention)")->required();
    CLI::Option* input = cmd->add_option("--input", o.input_path,
                                         "HDF5 file with /attention/query, key_V and value_V (tokens x head dimension); default: seeded random inputs");
    CLI::Option* model = cmd->add_option("--model", o.model_path, "A cimkit attention-train file: the head's inputs are its model's activations on --image");
    model->excludes(input);
    cmd->add_option("--stage", o.model_stage, "With --model: the stage's parameters (float, linear or nonlinear), default nonlinear")->needs(model);
    cmd->add_option("--image", o.image, "With --model: the MNIST test image (0-9999), default 0")->needs(model);
    cmd->add_option("--mnist-dir", o.mnist_dir, "With --model: folder of the MNIST IDX files (default: the data folder's mnist/)")->needs(model);
    CLI::Option* tokens = cmd->add_option("--tokens", o.tokens, "Tokens of the random sequence (1-4096), default 128");
    CLI::Option* dims = cmd->add_option("--head-dim", o.head_dim, "Head dimension of the random sequence (1-1024), default 64");
    CLI::Option* seed = add_seed_option(*cmd, o.seed, "Seed of the random inputs (default 1)");
    for (CLI::Option* random_only : {tokens, dims, seed}) random_only->excludes(input)->excludes(model);
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
    cmd->add_option("--spice-queries", o.spice_queries,
                    "Also run the last K query tokens through ngspice tiles, every tile of their window (about 1 s per 64 x 64 tile), default 0");
    cmd->add_option("--cells", o.cells,
                    "The ngspice tile's cells: behavioural (the published law) or transistor (storage capacitor, level-1 read "
                    "transistor; the compact block then uses the transistor's law measured in ngspice), default behavioural")
        ->check(CLI::IsMember({"behavioural", "transistor"}));
    cmd->add_flag("--force", o.force, "Replace an existing output file");
    cmd->add_flag("--quiet", o.quiet, "No progress on stderr");
    add_run_limit_options(*cmd, o.limits);
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
    check_run_limits(o.limits);
    std::vector<NamedInput> inputs;
    if (!o.input_path.empty()) inputs.push_back({o.input_path, "the input (--input)"});
    if (!o.model_path.empty()) inputs.push_back({o.model_path, "the model (--model)"});
    const OutputClaim claim(o.output_path, inputs, o.force);

    analysis::AttentionRecord r;
    r.settings = settings;
    r.input_source = !o.input_path.empty() ? o.input_path
                     : !o.model_path.empty() ? o.model_path + " (" + o.model_stage + ", test image " + std::to_string(o.image) + ")"
                                             : "seed";
    r.inputs = !o.input_path.empty() ? analysis::read_head_inputs(o.input_path)
               : !o.model_path.empty() ? model_activations(o)
                                       : attention::random_head_inputs(o.tokens, o.head_dim, o.seed);
    if (o.spice_queries < 0 || o.spice_queries > r.inputs.tokens()) {
        throw UsageError("attention: --spice-queries: expected 0.." + std::to_string(r.inputs.tokens()) + " (the tokens), got " +
                         std::to_string(o.spice_queries));
    }
    r.tile_circuit.cells = o.cells == "transistor" ? attention::TileCircuit::Cells::transistor : attention::TileCircuit::Cells::behavioural;
    r.softmax_output = attention::softmax_attention(r.inputs, settings.window_tokens);
    r.linear_output = attention::gain_cell_attention(r.inputs, settings, GainCellReadModel::linear_surrogate).output;
    // The compact block with the cells' law: the published one, or the transistor cell's as ngspice
    // measures it (then in the child, with the engine).
    const auto compact = [&](const attention::CellLaw& law) {
        r.cell_law = law.name();
        r.compact = attention::gain_cell_attention(r.inputs, settings, law);
        r.compact_vs_linear_relative_rms = relative_rms(r.compact.output, r.linear_output);
    };

    const auto write = [&] {
        h5::File file(o.output_path);
        analysis::write_provenance(file, command_line);
        if (o.input_path.empty() && o.model_path.empty()) file.set_integer_attribute("/", "seed", o.seed);
        analysis::write_attention_record(file, r);
        file.commit();
        print_summary(r);
        std::printf("wrote %s\n", o.output_path.c_str());
        return 0;
    };
    const bool transistors = r.tile_circuit.cells == attention::TileCircuit::Cells::transistor;
    if (o.spice_queries == 0 && !transistors) {
        compact(attention::CellLaw::of(GainCellReadModel::published_kernel));
        return write();
    }
    // ngspice runs in-process in a child: a crash or a runaway circuit ends the child (contained_run.hpp).
    return run_contained(
        [&] {
            spice::Engine engine;
            compact(transistors ? attention::transistor_cell_law(engine, r.tile_circuit) : attention::CellLaw::of(GainCellReadModel::published_kernel));
            std::vector<int> tokens;
            for (int m = r.inputs.tokens() - o.spice_queries; m < r.inputs.tokens(); ++m) tokens.push_back(m);
            ProgressLine progress("attention in ngspice", "query tokens", o.quiet);
            r.spice = attention::SpiceHeadResult{};
            for (std::size_t i = 0; i < tokens.size(); ++i) {
                append(*r.spice, attention::spice_gain_cell_attention(engine, r.inputs, settings, r.tile_circuit, {tokens[i]}));
                progress.update(i + 1, tokens.size());
            }
            progress.close();
            return write();
        },
        "attention in ngspice", {o.output_path}, o.limits);
}

}  // namespace cimkit::apps
