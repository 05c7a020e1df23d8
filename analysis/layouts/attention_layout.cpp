#include "analysis/layouts/attention_layout.hpp"

#include <algorithm>
#include <cstdint>

#include "devices/core/errors.hpp"

namespace cimkit::analysis {
namespace {

const std::string group = "/attention";

std::vector<double> row_major(const attention::Matrix& m) { return {m.data(), m.data() + m.size()}; }

attention::Matrix read_matrix(const h5::Reader& reader, const std::filesystem::path& path, const std::string& name) {
    const std::string dataset = group + "/" + name;
    const auto refuse = [&](const std::string& why) { throw IoError(path.string(), "dataset '" + dataset + "' " + why); };
    if (!reader.exists(dataset)) refuse("is missing: an input file holds /attention/query, key_V and value_V (tokens x head dimension)");
    if (reader.type_name(dataset) != "float64") refuse("is " + reader.type_name(dataset) + ", expected float64");
    const auto shape = reader.shape(dataset);
    if (shape.size() != 2) refuse("has " + std::to_string(shape.size()) + " dimensions, expected 2 (tokens x head dimension)");
    if (shape[0] < 1 || shape[0] > static_cast<std::size_t>(max_attention_tokens) || shape[1] < 1 ||
        shape[1] > static_cast<std::size_t>(max_attention_head_dim)) {
        refuse("is " + std::to_string(shape[0]) + " x " + std::to_string(shape[1]) + ", expected 1.." +
               std::to_string(max_attention_tokens) + " tokens x 1.." + std::to_string(max_attention_head_dim) + " dimensions");
    }
    const std::vector<double> values = reader.read_real(dataset);
    attention::Matrix m(static_cast<Eigen::Index>(shape[0]), static_cast<Eigen::Index>(shape[1]));
    std::copy(values.begin(), values.end(), m.data());
    return m;
}

}  // namespace

const std::vector<AttentionDataset>& attention_datasets() {
    using R = AttentionRecord;
    static const std::vector<AttentionDataset> datasets{
        {"query", "1", "query pulse widths as a fraction of T_max, tokens x head dimension (the input, before quantisation)",
         [](const R& r) -> const attention::Matrix& { return r.inputs.query; }},
        {"key_V", "V", "key voltages written on the first array's storage nodes, tokens x head dimension (before quantisation)",
         [](const R& r) -> const attention::Matrix& { return r.inputs.key_V; }},
        {"value_V", "V", "value voltages written on the second array's storage nodes, tokens x head dimension (before quantisation)",
         [](const R& r) -> const attention::Matrix& { return r.inputs.value_V; }},
        {"softmax_output", "1", "float model: softmax(q (K - 0.45)^T / sqrt(D)) (V - 0.45) over the window, tokens x head dimension",
         [](const R& r) -> const attention::Matrix& { return r.softmax_output; }},
        {"linear_output", "1", "the block with the linear surrogate 19.3 w, tokens x head dimension",
         [](const R& r) -> const attention::Matrix& { return r.linear_output; }},
        {"compact_output", "1", "the block with the published read law (Eq. 4): sum over tiles of the quantised tile outputs, tokens x head dimension",
         [](const R& r) -> const attention::Matrix& { return r.compact.output; }},
        {"compact_scores", "1", "first-stage charge / score_saturation before the charge-to-pulse clamp, query token x key token (0 outside the window)",
         [](const R& r) -> const attention::Matrix& { return r.compact.scores; }},
        {"compact_pulses", "1", "second-stage pulse widths clamp(score, 0, 1) as a fraction of T_max, query token x key token",
         [](const R& r) -> const attention::Matrix& { return r.compact.pulses; }},
    };
    return datasets;
}

const std::vector<AttentionAttribute>& attention_attributes() {
    using R = AttentionRecord;
    static const std::vector<AttentionAttribute> attributes{
        {"tokens", "1", "tokens of the sequence", [](const R& r) { return static_cast<double>(r.inputs.tokens()); }},
        {"head_dim", "1", "head dimension D", [](const R& r) { return static_cast<double>(r.inputs.head_dim()); }},
        {"tile_tokens", "1", "keys per gain-cell tile", [](const R& r) { return static_cast<double>(r.settings.tile_tokens); }},
        {"tiles", "1", "tiles of the head", [](const R& r) { return static_cast<double>(r.settings.tiles); }},
        {"window_tokens", "1", "sliding window: keys m - window_tokens + 1 .. m", [](const R& r) { return static_cast<double>(r.settings.window_tokens); }},
        {"decay_per_token", "1", "leakage rate: a stored deviation decays by exp(-decay_per_token age)", [](const R& r) { return r.settings.decay_per_token; }},
        {"score_saturation", "1", "S_sat of the first stage", [](const R& r) { return r.settings.score_saturation; }},
        {"output_saturation", "1", "S_sat of the second stage", [](const R& r) { return r.settings.output_saturation; }},
        {"query_levels", "1", "query DAC levels over [0, 1] (0: not quantised)", [](const R& r) { return static_cast<double>(r.settings.query_levels); }},
        {"stored_levels", "1", "key and value levels over [0, 0.9] V (0: not quantised)", [](const R& r) { return static_cast<double>(r.settings.stored_levels); }},
        {"output_levels", "1", "tile output ADC levels over [-1, 1] (0: not quantised)", [](const R& r) { return static_cast<double>(r.settings.output_levels); }},
        {"compact_vs_linear_relative_rms", "1", "RMS of compact_output - linear_output over the RMS of linear_output",
         [](const R& r) { return r.compact_vs_linear_relative_rms; }},
    };
    return attributes;
}

SpiceAgreement spice_agreement(const AttentionRecord& r) {
    SpiceAgreement a;
    const attention::SpiceHeadResult& spice = *r.spice;
    for (std::size_t row = 0; row < spice.query_tokens.size(); ++row) {
        const auto i = static_cast<Eigen::Index>(row), m = static_cast<Eigen::Index>(spice.query_tokens[row]);
        a.max_score_difference = std::max(a.max_score_difference, (spice.scores.row(i) - r.compact.scores.row(m)).cwiseAbs().maxCoeff());
        a.max_pulse_difference = std::max(a.max_pulse_difference, (spice.pulses.row(i) - r.compact.pulses.row(m)).cwiseAbs().maxCoeff());
        a.max_output_difference = std::max(a.max_output_difference, (spice.output.row(i) - r.compact.output.row(m)).cwiseAbs().maxCoeff());
    }
    return a;
}

namespace {

void write_spice(h5::File& file, const AttentionRecord& r) {
    const attention::SpiceHeadResult& spice = *r.spice;
    const std::string at = group + "/spice";
    const auto write = [&](const std::string& name, const attention::Matrix& m, const std::string& units) {
        file.write_matrix(at + "/" + name, row_major(m), static_cast<std::size_t>(m.rows()), static_cast<std::size_t>(m.cols()), units);
    };
    file.write(at + "/query_tokens", std::vector<std::int64_t>(spice.query_tokens.begin(), spice.query_tokens.end()), "1");
    write("scores", spice.scores, "1");
    write("pulses", spice.pulses, "1");
    write("output", spice.output, "1");
    file.write(at + "/energy_scores_J", spice.energy_scores_J, "J");
    file.write(at + "/energy_outputs_J", spice.energy_outputs_J, "J");
    file.write(at + "/latency_s", spice.latency_s, "s");
    const SpiceAgreement a = spice_agreement(r);
    file.set_attribute(at, "max_score_difference", a.max_score_difference);
    file.set_attribute(at, "max_pulse_difference", a.max_pulse_difference);
    file.set_attribute(at, "max_output_difference", a.max_output_difference);
    file.set_attribute(at, "tile_runs", static_cast<double>(spice.tile_runs));
    file.set_attribute(at, "t_max_s", r.tile_circuit.t_max_s);
    file.set_attribute(at, "edge_s", r.tile_circuit.edge_s);
    file.set_attribute(at, "read_scale_A", r.tile_circuit.read_scale_A);
    file.set_attribute(at, "comparator_width_V", r.tile_circuit.comparator_width_V);
    file.set_attribute(at, "max_step_s", r.tile_circuit.max_step_s);
    file.set_attribute(at, "cells", r.tile_circuit.cells == attention::TileCircuit::Cells::transistor ? "transistor" : "behavioural");
}

}  // namespace

void write_attention_record(h5::File& file, const AttentionRecord& r) {
    for (const auto& d : attention_datasets()) {
        const attention::Matrix& m = d.get(r);
        file.write_matrix(group + "/" + d.name, row_major(m), static_cast<std::size_t>(m.rows()), static_cast<std::size_t>(m.cols()), d.units);
    }
    for (const auto& a : attention_attributes()) file.set_attribute(group, a.name, a.get(r));
    file.set_attribute(group, "input_source", r.input_source);
    file.set_attribute(group, "cell_law", r.cell_law);
    if (r.spice) write_spice(file, r);
}

void write_row_task_record(h5::File& file, const RowTaskRecord& r) {
    const std::string at = "/attention_training";
    std::vector<std::string> stages, laws, engines, loss_stages;
    std::vector<double> windows, decays, samples, accuracies, epochs, losses;
    for (const RowTaskResult& row : r.results) {
        stages.push_back(row.stage);
        laws.push_back(row.law);
        engines.push_back(row.engine);
        windows.push_back(row.window_tokens);
        decays.push_back(row.decay_per_token);
        samples.push_back(row.test_samples);
        accuracies.push_back(row.test_accuracy);
    }
    for (const RowTaskLoss& row : r.losses) {
        loss_stages.push_back(row.stage);
        epochs.push_back(row.epoch);
        losses.push_back(row.mean_loss);
    }
    file.write(at + "/results/stage", stages, "");
    file.write(at + "/results/law", laws, "");
    file.write(at + "/results/engine", engines, "");
    file.write(at + "/results/window_tokens", windows, "1");
    file.write(at + "/results/decay_per_token", decays, "1");
    file.write(at + "/results/test_samples", samples, "1");
    file.write(at + "/results/test_accuracy", accuracies, "1");
    file.write(at + "/training/stage", loss_stages, "");
    file.write(at + "/training/epoch", epochs, "1");
    file.write(at + "/training/mean_loss", losses, "1");
    for (const auto& [stage, values] : r.parameters) file.write(at + "/parameters/" + stage, values, "1");
    file.set_attribute(at, "tokens", static_cast<double>(r.tokens));
    file.set_attribute(at, "features_per_token", static_cast<double>(r.features));
    file.set_attribute(at, "head_dim", static_cast<double>(r.dims));
    file.set_attribute(at, "epochs_per_stage", static_cast<double>(r.epochs));
    file.set_attribute(at, "batch", static_cast<double>(r.batch));
    file.set_attribute(at, "learning_rate", r.learning_rate);
    file.set_attribute(at, "train_samples", static_cast<double>(r.train_samples));
}

attention::RowModel read_row_model(const std::filesystem::path& path, const std::string& stage) {
    const h5::Reader reader(path);
    const std::string at = "/attention_training", dataset = at + "/parameters/" + stage;
    const auto refuse = [&](const std::string& why) { throw IoError(path.string(), why); };
    if (!reader.exists(at)) refuse("is not a cimkit attention-train file: '" + at + "' is missing");
    const auto whole = [&](const std::string& name, double low, double high) {
        const double v = reader.number_attribute(at, name);
        if (!(v >= low && v <= high) || v != static_cast<double>(static_cast<int>(v))) {
            refuse("attribute '" + name + "' of '" + at + "' is " + std::to_string(v) + ", expected a whole number in [" +
                   std::to_string(static_cast<int>(low)) + ", " + std::to_string(static_cast<int>(high)) + "]");
        }
        return static_cast<int>(v);
    };
    const attention::RowModelShape shape{whole("features_per_token", 1, 4096), whole("head_dim", 1, 1024), whole("tokens", 1, 4096), 10};
    if (!reader.exists(dataset)) refuse("dataset '" + dataset + "' is missing (stages: float, linear, nonlinear)");
    if (reader.type_name(dataset) != "float64" || reader.shape(dataset).size() != 1 || reader.shape(dataset)[0] != attention::parameter_count(shape)) {
        refuse("dataset '" + dataset + "' is not " + std::to_string(attention::parameter_count(shape)) +
               " float64 values (the parameters of the recorded shape)");
    }
    return {shape.features, shape.dims, shape.tokens, shape.classes, reader.read_real(dataset)};
}

attention::HeadInputs read_head_inputs(const std::filesystem::path& path) {
    const h5::Reader reader(path);
    attention::HeadInputs in{read_matrix(reader, path, "query"), read_matrix(reader, path, "key_V"), read_matrix(reader, path, "value_V")};
    attention::validate(in, path.string());
    return in;
}

}  // namespace cimkit::analysis
