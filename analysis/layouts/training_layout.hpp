#pragma once
// The run file of `cimkit train` (docs/hdf5-schema.md, /training): per-epoch metrics, the final
// weights and conductances with units, the resolved config, and a checkpoint from which --resume
// continues. The whole file is rewritten atomically after every epoch, so a kill at any moment
// leaves either the previous epoch's complete file or the new one; on SIGINT/SIGTERM it is
// rewritten once more with a checkpoint inside the epoch that was stopped.
//
// The metrics datasets follow the table training::metric_columns() (training/epoch_metrics.hpp):
// the writer and the reader both walk it and address every dataset by its name, so an inserted
// metric cannot shift another's values (docs/architecture.md#outputs-and-the-training-run-service).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/h5/h5_file.hpp"
#include "training/trainer.hpp"
#include "training/training_run.hpp"

namespace cimkit::analysis {

// The columns of /training/evaluation, one dataset each, one row per evaluation after training
// (training::DriftEvaluation): what the writer, the reader and docs/hdf5-schema.md list.
struct EvaluationColumn {
    std::string name;
    std::string units;
    const char* dtype;  // "float64" or "int64"
};
const std::vector<EvaluationColumn>& evaluation_columns();

struct TrainingRecord {
    std::string command_line;
    std::string config_toml;
    training::RunDescription run;  // engine, device ("" for the ideal engine), seed, epochs, evaluate_after_s
    training::RunSnapshot state;   // status, metrics, clock, position, checkpoint, weights, conductances
    std::string command_line_history;  // the --resume commands that continued the run, one per line ("" if none)
    std::string device_definition;     // device_definition_toml(array.device) when the run started ("" for a built-in model)
};

// Writes the whole file under a temporary name and renames it over `path`. IoError on failure
// (any earlier file at `path` stays as it was).
void write_training_file(const std::filesystem::path& path, const TrainingRecord& record);

// The file's contents into an open file, with the metrics of `columns` (tests leave one out).
void write_training_record(h5::File& file, const TrainingRecord& record,
                           const std::vector<training::MetricColumn>& columns = training::metric_columns());

// What --resume reads back: the run's state and what the config must agree with.
struct ResumePoint : training::ResumeState {
    std::string config_toml;
    std::string engine, device;  // /training attributes
    std::string device_definition;  // /training attribute device_definition_toml ("" when absent: a built-in model)
    std::uint64_t seed = 0;      // root attribute
    int epochs_planned = 0;
};

// Reads the checkpoint of a file written by write_training_file, every dataset and attribute by its
// name. Throws IoError naming the file and what is missing or malformed (not HDF5, not a cimkit
// training file, a missing dataset or attribute, truncated).
ResumePoint read_resume_point(const std::filesystem::path& path);

}  // namespace cimkit::analysis
