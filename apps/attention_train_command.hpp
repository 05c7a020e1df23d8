#pragma once
// `cimkit attention-train -o FILE.h5 [--epochs N] [--dims D] [--train-limit N] [--test-limit N]
//  [--seed S] [--spice-test K] [--mnist-dir DIR]`
// A one-head gain-cell attention classifier on MNIST read as 28 rows (docs/attention.md#a-task-with-real-data),
// trained Leroux et al.'s way: float model, then the hardware with the linear law, then the
// published law; evaluated against window length and retention, and on K test images with the
// attention block in ngspice tiles.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "apps/run_limits.hpp"

namespace cimkit::apps {

struct AttentionTrainOptions {
    std::string output_path;
    std::string mnist_dir;  // default: the data folder's mnist/
    int epochs = 3;         // per stage
    int dims = 64;
    int train_limit = 60000;
    int test_limit = 10000;
    int spice_test = 0;
    std::uint64_t seed = 1;
    bool force = false;
    bool quiet = false;
    RunLimits limits{7200.0, 8192};
};

CLI::App* add_attention_train_command(CLI::App& app, AttentionTrainOptions& options);
int run_attention_train_command(const AttentionTrainOptions& options, const std::string& command_line);

}  // namespace cimkit::apps
