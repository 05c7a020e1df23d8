#pragma once
// The file of `cimkit attention` (docs/hdf5-schema.md#attention): one head's inputs, the outputs of
// the float softmax model, the linear hardware surrogate and the compact gain-cell block, the compact
// block's scores and pulses, and the settings as attributes. Datasets and attributes are declared
// once, in attention_datasets() and attention_attributes(); the writer walks those tables.
//
// The inputs are stored where read_head_inputs looks for them, so a file written by `cimkit
// attention` is also an input of it (--input).
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/h5/h5_file.hpp"
#include "attention/gain_cell_attention.hpp"
#include "attention/row_model.hpp"
#include "attention/spice_attention.hpp"

namespace cimkit::analysis {

struct AttentionRecord {
    attention::HeadSettings settings;
    std::string input_source;  // "seed" or the input file as given
    attention::HeadInputs inputs;
    attention::Matrix softmax_output;
    attention::Matrix linear_output;  // the block with the linear surrogate 19.3 w
    attention::HeadResult compact;    // the block with the cells' law: the published ten-term law, or the transistor cell's
    std::string cell_law = "published";  // CellLaw::name(): published, or tabulated (the transistor cell's, measured)
    double compact_vs_linear_relative_rms = 0.0;
    std::optional<attention::SpiceHeadResult> spice;  // the query tokens run through ngspice tiles, if any
    attention::TileCircuit tile_circuit;              // with which circuit settings
};

// The ngspice tiles against the compact block on the same query tokens: the largest absolute
// differences of scores, pulses (fractions of T_max) and outputs (after the read-out).
struct SpiceAgreement {
    double max_score_difference = 0.0, max_pulse_difference = 0.0, max_output_difference = 0.0;
};
SpiceAgreement spice_agreement(const AttentionRecord& record);

struct AttentionDataset {
    std::string name;  // /attention/<name>
    std::string units;
    std::string description;
    const attention::Matrix& (*get)(const AttentionRecord&);
};

struct AttentionAttribute {
    std::string name;
    std::string units;
    std::string description;
    double (*get)(const AttentionRecord&);
};

const std::vector<AttentionDataset>& attention_datasets();
const std::vector<AttentionAttribute>& attention_attributes();

// The /attention group, and /attention/spice when ngspice ran (the root's provenance and seed are the caller's).
void write_attention_record(h5::File& file, const AttentionRecord& record);

// The file of `cimkit attention-train` (docs/hdf5-schema.md#attention_training): one row per
// evaluation, the training losses, and the parameters of each stage's model.
struct RowTaskResult {
    std::string stage;      // "float", "linear", "nonlinear, before adaptation", "nonlinear", ...
    std::string law;        // "softmax", "linear", "published"
    std::string engine;     // "compact" or "ngspice"
    int window_tokens = 0;
    double decay_per_token = 0.0;
    int test_samples = 0;
    double test_accuracy = 0.0;  // 0..1
};
struct RowTaskLoss {
    std::string stage;
    int epoch = 0;
    double mean_loss = 0.0;
};
struct RowTaskRecord {
    int tokens = 0, features = 0, dims = 0, epochs = 0, batch = 0, train_samples = 0;
    double learning_rate = 0.0;
    std::vector<RowTaskResult> results;
    std::vector<RowTaskLoss> losses;
    std::vector<std::pair<std::string, std::vector<double>>> parameters;  // stage -> the model's parameter vector
};
void write_row_task_record(h5::File& file, const RowTaskRecord& record);

// The model of one stage ("float", "linear", "nonlinear") of an attention-train file. Throws IoError
// naming the file and what is missing or malformed (a parameter vector of another length than the
// recorded shape needs).
attention::RowModel read_row_model(const std::filesystem::path& path, const std::string& stage);

// /attention/query, key_V and value_V of an HDF5 file: 2-D float64, at most max_tokens x
// max_head_dim. Throws IoError naming the file and the dataset that is missing or malformed, and
// UsageError (attention::validate) for values out of range.
attention::HeadInputs read_head_inputs(const std::filesystem::path& path);
inline constexpr int max_attention_tokens = 4096;
inline constexpr int max_attention_head_dim = 1024;

}  // namespace cimkit::analysis
