#pragma once
// `cimkit train [--config PRESET|FILE] [--set k=v ...] [--seed N] [--epochs N] [-o run.h5] [--resume run.h5 [--epochs N]] [--quiet]`
#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cimkit::apps {

struct TrainOptions {
    std::string config_path;  // empty: the default preset
    std::vector<std::string> settings;
    std::optional<std::uint64_t> seed;  // --seed: run.seed
    int epochs = 0;                      // --epochs: training.epochs (0: not given); on --resume, extends the run
    std::string output_path;  // empty: run.h5, or the resumed file
    std::string resume_path;
    bool quiet = false;
    bool force = false;  // replace an existing output (not needed to rewrite the --resume file)
};

CLI::App* add_train_command(CLI::App& app, TrainOptions& options);
int run_train(const TrainOptions& options, const std::string& command_line);

// The preset `cimkit train` runs when no --config is given.
std::string default_training_preset();

}  // namespace cimkit::apps
