#pragma once
// The run file of `cimkit train` (docs/hdf5-schema.md, /training): per-epoch metrics, the final
// weights and conductances with units, the resolved config, and a checkpoint from which --resume
// continues. The whole file is rewritten atomically after every epoch, so a kill at any moment
// leaves either the previous epoch's complete file or the new one; on SIGINT/SIGTERM it is
// rewritten once more with a checkpoint inside the epoch that was stopped.
//
// The metrics table is declared once, in metric_columns() (docs/architecture.md#outputs-and-the-training-run-service):
// each column's dataset name, units, description and the EpochMetrics member it holds. The writer
// and the reader both walk that table and address every dataset by its name, so a new metric is one
// member of training::EpochMetrics and one line of the table.
#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "analysis/h5/h5_file.hpp"
#include "training/trainer.hpp"
#include "training/training_run.hpp"

namespace cimkit::analysis {

// The EpochMetrics member a column holds: int and uint64 members are stored as int64, double as float64.
using MetricField = std::variant<int training::EpochMetrics::*, std::uint64_t training::EpochMetrics::*,
                                 double training::EpochMetrics::*>;

// One dataset of /training/metrics: one row per epoch.
struct MetricColumn {
    std::string name;         // dataset /training/metrics/<name>
    std::string units;        // its `units` attribute
    std::string description;  // what docs/hdf5-schema.md says of it
    MetricField field;
    bool absent_means_zero = false;  // files written before the column existed resume as if it held zeros
};

// The metrics table, in the order the datasets are written.
const std::vector<MetricColumn>& metric_columns();

// A column's value in `m` as a double, and the reverse (for code that walks the table).
double metric_value(const MetricColumn& column, const training::EpochMetrics& m);
void set_metric_value(const MetricColumn& column, training::EpochMetrics& m, double value);
// The stored element type: "int64" or "float64".
const char* metric_dtype(const MetricColumn& column);

struct TrainingRecord {
    std::string command_line;
    std::string config_toml;
    training::RunDescription run;  // engine, device ("" for the ideal engine), seed, epochs, evaluate_after_s
    training::RunSnapshot state;   // status, metrics, clock, position, checkpoint, weights, conductances
};

// Writes the whole file under a temporary name and renames it over `path`. IoError on failure
// (any earlier file at `path` stays as it was).
void write_training_file(const std::filesystem::path& path, const TrainingRecord& record);

// The file's contents into an open file, with the metrics of `columns` (tests leave one out).
void write_training_record(h5::File& file, const TrainingRecord& record,
                           const std::vector<MetricColumn>& columns = metric_columns());

// What --resume reads back: the run's state and what the config must agree with.
struct ResumePoint : training::ResumeState {
    std::string config_toml;
    std::string engine, device;  // /training attributes
    std::uint64_t seed = 0;      // root attribute
    int epochs_planned = 0;
};

// Reads the checkpoint of a file written by write_training_file, every dataset and attribute by its
// name. Throws IoError naming the file and what is missing or malformed (not HDF5, not a cimkit
// training file, a missing dataset or attribute, truncated).
ResumePoint read_resume_point(const std::filesystem::path& path);

}  // namespace cimkit::analysis
