#pragma once
// Before --resume uses a checkpoint: does it belong to the config stored beside it?
//
// The config (config_toml) rebuilds the network; the checkpoint then overwrites its state. A file
// whose parts disagree (edited, corrupted, or pieced together from two runs) would resume a run that
// never existed, or fail deep inside an engine. Every contradiction is an IoError (exit 2) naming
// the file, the dataset or attribute, what it holds and what the config expects.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "analysis/layouts/training_layout.hpp"

namespace cimkit::apps {

// What the config says the file must hold.
struct ResumeExpectation {
    std::string engine, device;  // device "" for the ideal engine
    std::uint64_t seed = 0;
    int epochs = 0;              // training.epochs
    std::size_t train_samples = 0, test_samples = 0;
    training::NetworkCheckpoint fresh;     // take_checkpoint of the network the config builds: block names and sizes
};

void check_resume_point(const std::filesystem::path& file, const analysis::ResumePoint& resumed, const ResumeExpectation& expected);

}  // namespace cimkit::apps
