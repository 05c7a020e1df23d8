#pragma once
// `cimkit attention -o FILE.h5 [--input Q_K_V.h5 | --tokens T --head-dim D --seed S] [--window W]
//  [--tile-tokens N] [--tiles N] [--decay-per-token X | --no-leakage] [--score-saturation S]
//  [--output-saturation S] [--query-levels L] [--stored-levels L] [--output-levels L] [--spice-queries K]`
// One gain-cell attention head (docs/attention.md): the float softmax model, the linear surrogate
// and the compact block with the published read law, compared and written to /attention; with
// --spice-queries the last K query tokens also run through ngspice tiles (/attention/spice). The
// inputs are seeded random ones, an HDF5 file's (--input), or the activations of a model trained by
// `cimkit attention-train` on one MNIST test image (--model FILE --image N).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "apps/run_limits.hpp"
#include "attention/head_settings.hpp"

namespace cimkit::apps {

struct AttentionOptions {
    attention::HeadSettings settings;
    std::string input_path;  // empty: seeded random inputs
    std::string model_path;  // an attention-train file: the head's inputs are its model's activations
    std::string model_stage = "nonlinear";
    int image = 0;           // of the MNIST test set, with --model
    std::string mnist_dir;   // default: the data folder's mnist/
    int tokens = 128;
    int head_dim = 64;
    std::uint64_t seed = 1;
    bool no_leakage = false;
    int spice_queries = 0;  // the last K query tokens through ngspice tiles
    std::string cells = "behavioural";  // the tiles' cells: behavioural or transistor
    bool quiet = false;
    RunLimits limits{3600.0, 8192};  // of the child that runs ngspice (apps/contained_run.hpp)
    std::string output_path;
    bool force = false;
};

CLI::App* add_attention_command(CLI::App& app, AttentionOptions& options);
int run_attention_command(const AttentionOptions& options, const std::string& command_line);

}  // namespace cimkit::apps
