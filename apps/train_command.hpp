#pragma once
// `cimkit train [--config FILE] [--set k=v ...] [-o run.h5] [--resume run.h5] [--quiet]`
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace cimkit::apps {

struct TrainOptions {
    std::string config_path;  // empty: the default preset
    std::vector<std::string> settings;
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
