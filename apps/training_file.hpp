#pragma once
// The run file of `cimkit train` (docs/hdf5-schema.md, /training): per-epoch metrics, the final
// weights and conductances with units, the resolved config, and a checkpoint from which --resume
// continues. The whole file is rewritten atomically after every epoch, so a kill at any moment
// leaves either the previous epoch's complete file or the new one; on SIGINT/SIGTERM it is
// rewritten once more with a checkpoint inside the epoch that was stopped.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "training/network.hpp"
#include "training/trainer.hpp"
#include "training/weight_array.hpp"

namespace cimkit::apps {

using training::NetworkCheckpoint;

struct TrainingRecord {
    std::string command_line;
    std::string config_toml;
    std::uint64_t seed = 0;
    std::string engine, device;  // device "" for the ideal engine
    int epochs_planned = 0;
    std::string status;  // "running", "complete"
    std::vector<training::EpochMetrics> history;
    training::RunClock clock;  // at the end of history.back()
    // Where the checkpoint stands inside the next epoch (SIGINT/SIGTERM); epoch 0: at the boundary.
    training::EpochPosition position;
    NetworkCheckpoint checkpoint;
    // The network's effective weights, biases and device conductances when the file is written.
    std::vector<Eigen::MatrixXf> weights;
    std::vector<std::map<std::string, Eigen::MatrixXd>> conductances_S;
    double evaluate_after_s = 0.0;              // 0: no evaluation after training
    double test_accuracy_after = 0.0;           // meaningful when evaluate_after_s > 0 and complete
};

// Writes the whole file under a temporary name and renames it over `path`. IoError on failure
// (any earlier file at `path` stays as it was).
void write_training_file(const std::filesystem::path& path, const TrainingRecord& record);

struct ResumePoint {
    std::string config_toml;
    std::string engine, device;  // /training attributes
    std::uint64_t seed = 0;      // root attribute
    std::vector<training::EpochMetrics> history;
    training::RunClock clock;
    training::EpochPosition position;
    NetworkCheckpoint checkpoint;
    int epochs_planned = 0;
};

// Reads the checkpoint of a file written by write_training_file. Throws IoError naming the file
// and what is missing or malformed (not HDF5, not a cimkit training file, truncated).
ResumePoint read_resume_point(const std::filesystem::path& path);

}  // namespace cimkit::apps
