#include "analysis/layouts/training_layout.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/h5/h5_file.hpp"
#include "analysis/provenance.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::analysis {

using training::EpochMetrics;
using training::MetricColumn;
using training::metric_columns;
using training::metric_dtype;
using training::metric_value;
using training::set_metric_value;

namespace {

// The values of /training/checkpoint/in_epoch, in order (training::EpochPosition).
const char* const in_epoch_fields = "epoch, samples done, of them correct, of them skipped, loss sum, wall time so far (s)";

std::string layer_path(const std::string& group, std::size_t l) { return group + "/layer_" + std::to_string(l); }

// A matrix as HDF5 shows it to h5py: rows x cols, row-major.
std::vector<double> row_major(const Eigen::MatrixXd& m) {
    std::vector<double> out;
    out.reserve(static_cast<std::size_t>(m.size()));
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        for (Eigen::Index j = 0; j < m.cols(); ++j) out.push_back(m(i, j));
    }
    return out;
}

std::vector<double> as_doubles(const Eigen::VectorXf& v) { return {v.data(), v.data() + v.size()}; }

void write_metrics(h5::File& file, const std::vector<EpochMetrics>& history, const std::vector<MetricColumn>& columns) {
    const std::string g = "/training/metrics";
    for (const auto& column : columns) {
        if (std::holds_alternative<double EpochMetrics::*>(column.field)) {
            std::vector<double> values;
            for (const auto& m : history) values.push_back(metric_value(column, m));
            file.write(g + "/" + column.name, values, column.units);
        } else {
            std::vector<std::int64_t> values;
            for (const auto& m : history) {
                values.push_back(std::visit([&](auto member) { return static_cast<std::int64_t>(m.*member); }, column.field));
            }
            file.write(g + "/" + column.name, values, column.units);
        }
    }
    file.set_attribute(g, "layout",
                       "one dataset per column, one row per epoch; counters and clocks cumulative, except skipped_* (per epoch)");
}

void write_network(h5::File& file, const training::RunSnapshot& r) {
    for (std::size_t l = 0; l < r.weights.size(); ++l) {
        const Eigen::MatrixXd w = r.weights[l].cast<double>();
        file.write_matrix(layer_path("/training/weights", l), row_major(w), static_cast<std::size_t>(w.rows()),
                          static_cast<std::size_t>(w.cols()), "1");
        file.write(layer_path("/training/bias", l), as_doubles(r.checkpoint.biases.at(l)), "1");
        for (const auto& [side, g] : r.conductances_S.at(l)) {
            file.write_matrix(layer_path("/training/conductance", l) + "/" + side, row_major(g), static_cast<std::size_t>(g.rows()),
                              static_cast<std::size_t>(g.cols()), "S");
        }
    }
}

void write_checkpoint(h5::File& file, const training::RunSnapshot& r, int epochs_planned) {
    const std::string g = "/training/checkpoint";
    for (std::size_t l = 0; l < r.checkpoint.arrays.size(); ++l) {
        for (const auto& [name, values] : r.checkpoint.arrays[l]) file.write(layer_path(g, l) + "/" + name, values, "1");
        file.write(layer_path(g, l) + "/bias", as_doubles(r.checkpoint.biases.at(l)), "1");
    }
    // Counts as integers; the reader takes them as numbers, so files that stored them as float64 still resume.
    file.set_integer_attribute(g, "layers", r.checkpoint.arrays.size());
    file.set_integer_attribute(g, "epoch", static_cast<std::uint64_t>(r.history.empty() ? 0 : r.history.back().epoch));
    file.set_integer_attribute(g, "epochs_planned", static_cast<std::uint64_t>(epochs_planned));
    file.set_attribute(g, "simulated_time_s", r.clock.simulated_time_s);
    file.set_attribute(g, "wall_time_s", r.clock.wall_time_s);
    if (r.position.epoch != 0) {
        const training::EpochPosition& at = r.position;
        file.write(g + "/in_epoch", std::vector<double>{static_cast<double>(at.epoch), static_cast<double>(at.done),
                                                        static_cast<double>(at.correct), static_cast<double>(at.skipped), at.loss_sum,
                                                        at.wall_time_s},
                   "1");
        file.set_attribute(g + "/in_epoch", "fields", in_epoch_fields);
        file.set_attribute(g, "contents", "state of every array and bias inside epoch " + std::to_string(at.epoch) + ", after " +
                                              std::to_string(at.done) + " of its samples (in_epoch), for cimkit train --resume");
    } else {
        file.set_attribute(g, "contents", "state of every array and bias after the last completed epoch, for cimkit train --resume");
    }
}

// A whole number in [0, limit], checked before any conversion: a corrupt file must not reach an
// out-of-range cast.
double whole_number(const std::filesystem::path& path, const std::string& what, double v, double limit) {
    if (!(v >= 0.0 && v <= limit && v == std::floor(v))) throw IoError(path.string(), what + " holds " + std::to_string(v) + ", not a count");
    return v;
}

constexpr double max_epoch = 1e9;

// A 1-D dataset of the type the writer uses, read as doubles. Checked first: HDF5 would convert any
// number type, so a block of another type is not the file write_training_file made.
std::vector<double> read_block(const h5::Reader& reader, const std::filesystem::path& path, const std::string& dataset,
                               const char* dtype) {
    const std::string found = reader.type_name(dataset);
    if (found != dtype) throw IoError(path.string(), "dataset '" + dataset + "' is " + found + ", expected " + dtype);
    const auto shape = reader.shape(dataset);
    if (shape.size() != 1) {
        throw IoError(path.string(), "dataset '" + dataset + "' has " + std::to_string(shape.size()) + " dimensions, expected 1");
    }
    return reader.read_real(dataset);
}

// Every column of the table, by name; one EpochMetrics per row (as many as the first column has).
void read_metrics(const h5::Reader& reader, const std::filesystem::path& path, std::vector<EpochMetrics>& history) {
    const std::string g = "/training/metrics";
    const std::vector<MetricColumn>& columns = metric_columns();
    std::vector<std::vector<double>> values;
    for (const auto& column : columns) {
        const std::string dataset = g + "/" + column.name;
        if (reader.exists(dataset)) {
            values.push_back(read_block(reader, path, dataset, metric_dtype(column)));
        } else if (column.absent_means_zero && !values.empty()) {
            values.emplace_back(values.front().size(), 0.0);
        } else {
            throw IoError(path.string(), "is not a cimkit training file: '" + dataset + "' is missing");
        }
        if (values.back().size() != values.front().size()) throw IoError(path.string(), g + " columns have different lengths");
    }
    history.assign(values.front().size(), EpochMetrics{});
    for (std::size_t c = 0; c < columns.size(); ++c) {
        const bool epoch = std::holds_alternative<int EpochMetrics::*>(columns[c].field);
        const bool count = epoch || std::holds_alternative<std::uint64_t EpochMetrics::*>(columns[c].field);
        for (std::size_t k = 0; k < history.size(); ++k) {
            // Counts are checked before any conversion: a corrupt file must not reach an out-of-range cast.
            const double v = values[c][k];
            set_metric_value(columns[c], history[k], count ? whole_number(path, g + "/" + columns[c].name, v, epoch ? max_epoch : 0x1p63) : v);
        }
    }
}

const std::string evaluation_group = "/training/evaluation";

void write_evaluations(h5::File& file, const std::vector<training::DriftEvaluation>& rows) {
    if (rows.empty()) return;
    std::vector<double> after_s, accuracy;
    std::vector<std::int64_t> compensated;
    for (const auto& row : rows) {
        after_s.push_back(row.after_s);
        compensated.push_back(row.drift_compensated ? 1 : 0);
        accuracy.push_back(row.test_accuracy);
    }
    const auto& columns = evaluation_columns();
    file.write(evaluation_group + "/" + columns[0].name, after_s, columns[0].units);
    file.write(evaluation_group + "/" + columns[1].name, compensated, columns[1].units);
    file.write(evaluation_group + "/" + columns[2].name, accuracy, columns[2].units);
    file.set_attribute(evaluation_group, "layout",
                       "one dataset per column, one row per evaluation after training, in the order run: times increasing, "
                       "at each time without drift compensation before with it");
}

// The rows of /training/evaluation (none when the group is absent: no evaluation yet, or a file
// written before the table existed).
std::vector<training::DriftEvaluation> read_evaluations(const h5::Reader& reader, const std::filesystem::path& path) {
    std::vector<training::DriftEvaluation> rows;
    if (!reader.exists(evaluation_group)) return rows;
    std::vector<std::vector<double>> values;
    for (const auto& column : evaluation_columns()) {
        const std::string dataset = evaluation_group + "/" + column.name;
        if (!reader.exists(dataset)) throw IoError(path.string(), "'" + dataset + "' is missing");
        values.push_back(read_block(reader, path, dataset, column.dtype));
        if (values.back().size() != values.front().size()) throw IoError(path.string(), evaluation_group + " columns have different lengths");
    }
    for (std::size_t k = 0; k < values.front().size(); ++k) {
        const double after_s = values[0][k], compensated = values[1][k], accuracy = values[2][k];
        if (!(std::isfinite(after_s) && after_s > 0.0) || !(compensated == 0.0 || compensated == 1.0) || !(accuracy >= 0.0 && accuracy <= 1.0)) {
            throw IoError(path.string(), evaluation_group + " row " + std::to_string(k) +
                                             " must hold a time > 0 s, drift_compensation 0 or 1 and an accuracy in [0, 1]");
        }
        rows.push_back({after_s, compensated == 1.0, accuracy});
    }
    return rows;
}

}  // namespace

const std::vector<EvaluationColumn>& evaluation_columns() {
    static const std::vector<EvaluationColumn> columns{
        {"after_s", "s", "float64"},
        {"drift_compensation", "1", "int64"},
        {"test_accuracy", "1", "float64"},
    };
    return columns;
}

void write_training_record(h5::File& file, const TrainingRecord& r, const std::vector<MetricColumn>& columns) {
    write_provenance(file, r.command_line, r.command_line_history);
    file.set_attribute("/", "config_toml", r.config_toml);
    file.set_integer_attribute("/", "seed", r.run.seed);
    write_metrics(file, r.state.history, columns);
    file.set_attribute("/training", "engine", r.run.engine);
    file.set_attribute("/training", "device", r.run.device);
    if (!r.device_definition.empty()) file.set_attribute("/training", "device_definition_toml", r.device_definition);
    file.set_attribute("/training", "status", r.state.status);
    write_network(file, r.state);
    write_checkpoint(file, r.state, r.run.epochs_planned);
    write_evaluations(file, r.state.evaluations);
    // The last time, with compensation when it is on or both (the last row planned), as files with a
    // single evaluation have always held; written once every planned row is there.
    const std::size_t planned = r.run.evaluations_planned().size();
    if (planned > 0 && r.state.evaluations.size() == planned && r.state.status == "complete") {
        file.set_attribute("/training", "evaluate_after_s", r.run.evaluate_after_s.back());
        file.set_attribute("/training", "test_accuracy_after", r.state.evaluations.back().test_accuracy);
    }
}

void write_training_file(const std::filesystem::path& path, const TrainingRecord& record) {
    h5::File file(path);
    write_training_record(file, record);
    file.commit();
}

ResumePoint read_resume_point(const std::filesystem::path& path) {
    const h5::Reader reader(path);
    const auto need = [&](const std::string& object) {
        if (!reader.exists(object)) throw IoError(path.string(), "is not a cimkit training file: '" + object + "' is missing");
    };
    need("/training/checkpoint");
    need("/training/metrics/epoch");
    ResumePoint p;
    const std::string g = "/training/checkpoint";
    p.config_toml = reader.string_attribute("/", "config_toml");
    p.engine = reader.string_attribute("/training", "engine");
    p.device = reader.string_attribute("/training", "device");
    const auto names = reader.attribute_names("/training");
    if (std::find(names.begin(), names.end(), "device_definition_toml") != names.end()) {
        p.device_definition = reader.string_attribute("/training", "device_definition_toml");
    }
    // Files written before seeds were stored as integers hold a float64; a whole one is accepted.
    p.seed = reader.attribute_type_name("/", "seed") == "float64"
                 ? static_cast<std::uint64_t>(whole_number(path, "root attribute 'seed'", reader.number_attribute("/", "seed"), 0x1p63))
                 : reader.integer_attribute("/", "seed");
    p.epochs_planned = static_cast<int>(whole_number(path, g + " attribute 'epochs_planned'", reader.number_attribute(g, "epochs_planned"), max_epoch));
    p.clock.simulated_time_s = reader.number_attribute(g, "simulated_time_s");
    p.clock.wall_time_s = reader.number_attribute(g, "wall_time_s");
    const double layers = reader.number_attribute(g, "layers");
    if (!(layers >= 1 && layers <= 1000)) throw IoError(path.string(), g + " attribute 'layers' is out of range");
    for (std::size_t l = 0; l < static_cast<std::size_t>(layers); ++l) {
        const std::string group = layer_path(g, l);
        need(group);
        training::ArrayCheckpoint array;
        for (const auto& name : reader.children(group)) {
            if (name != "bias") array[name] = read_block(reader, path, group + "/" + name, "float64");
        }
        const auto bias = read_block(reader, path, group + "/bias", "float64");
        p.checkpoint.arrays.push_back(std::move(array));
        p.checkpoint.biases.push_back(Eigen::Map<const Eigen::VectorXd>(bias.data(), static_cast<Eigen::Index>(bias.size())).cast<float>());
    }
    read_metrics(reader, path, p.history);
    p.evaluations = read_evaluations(reader, path);
    const double last = reader.number_attribute(g, "epoch");
    if (p.history.empty() ? last != 0.0 : last != p.history.back().epoch) {
        throw IoError(path.string(), "checkpoint epoch does not match the metrics table");
    }
    if (reader.exists(g + "/in_epoch")) {
        const auto at = read_block(reader, path, g + "/in_epoch", "float64");
        const std::string what = g + "/in_epoch";
        if (at.size() != 6 || !std::isfinite(at[4]) || !std::isfinite(at[5])) {
            throw IoError(path.string(), what + " must hold 6 finite values (" + in_epoch_fields + ")");
        }
        p.position.epoch = static_cast<int>(whole_number(path, what + " epoch", at[0], max_epoch));
        p.position.done = static_cast<std::uint64_t>(whole_number(path, what + " samples done", at[1], 0x1p63));
        p.position.correct = static_cast<std::uint64_t>(whole_number(path, what + " correct", at[2], 0x1p63));
        p.position.skipped = static_cast<std::uint64_t>(whole_number(path, what + " skipped", at[3], 0x1p63));
        p.position.loss_sum = at[4];
        p.position.wall_time_s = at[5];
        if (p.position.epoch != static_cast<int>(last) + 1) throw IoError(path.string(), what + " is not the epoch after the last completed one");
    }
    return p;
}

}  // namespace cimkit::analysis
