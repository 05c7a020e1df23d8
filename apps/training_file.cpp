#include "apps/training_file.hpp"

#include <cmath>

#include "analysis/h5/h5_file.hpp"
#include "analysis/provenance.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::apps {
namespace {

using training::EpochMetrics;

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

// One column of the metrics table.
template <typename Get>
std::vector<double> column(const std::vector<EpochMetrics>& history, Get get) {
    std::vector<double> out;
    for (const auto& m : history) out.push_back(static_cast<double>(get(m)));
    return out;
}

void write_metrics(h5::File& file, const std::vector<EpochMetrics>& history) {
    std::vector<std::int64_t> epoch, pulses, skipped, skipped_test;
    for (const auto& m : history) {
        epoch.push_back(m.epoch);
        pulses.push_back(static_cast<std::int64_t>(m.update_pulses));
        skipped.push_back(static_cast<std::int64_t>(m.skipped_samples));
        skipped_test.push_back(static_cast<std::int64_t>(m.skipped_test_samples));
    }
    const std::string g = "/training/metrics";
    file.write(g + "/epoch", epoch, "1");
    file.write(g + "/train_accuracy", column(history, [](const EpochMetrics& m) { return m.train_accuracy; }), "1");
    file.write(g + "/test_accuracy", column(history, [](const EpochMetrics& m) { return m.test_accuracy; }), "1");
    file.write(g + "/loss", column(history, [](const EpochMetrics& m) { return m.loss; }), "1");
    file.write(g + "/update_pulses", pulses, "1");
    file.write(g + "/energy_read_J", column(history, [](const EpochMetrics& m) { return m.energy_read_J; }), "J");
    file.write(g + "/energy_update_J", column(history, [](const EpochMetrics& m) { return m.energy_update_J; }), "J");
    file.write(g + "/simulated_time_s", column(history, [](const EpochMetrics& m) { return m.simulated_time_s; }), "s");
    file.write(g + "/wall_time_s", column(history, [](const EpochMetrics& m) { return m.wall_time_s; }), "s");
    file.write(g + "/skipped_samples", skipped, "1");
    file.write(g + "/skipped_test_samples", skipped_test, "1");
    file.set_attribute(g, "layout",
                       "one dataset per column, one row per epoch; counters and clocks cumulative, except skipped_* (per epoch)");
}

void write_network(h5::File& file, const TrainingRecord& r) {
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

void write_checkpoint(h5::File& file, const TrainingRecord& r) {
    const std::string g = "/training/checkpoint";
    for (std::size_t l = 0; l < r.checkpoint.arrays.size(); ++l) {
        for (const auto& [name, values] : r.checkpoint.arrays[l]) file.write(layer_path(g, l) + "/" + name, values, "1");
        file.write(layer_path(g, l) + "/bias", as_doubles(r.checkpoint.biases.at(l)), "1");
    }
    // Counts as integers; the reader takes them as numbers, so files that stored them as float64 still resume.
    file.set_integer_attribute(g, "layers", r.checkpoint.arrays.size());
    file.set_integer_attribute(g, "epoch", static_cast<std::uint64_t>(r.history.empty() ? 0 : r.history.back().epoch));
    file.set_integer_attribute(g, "epochs_planned", static_cast<std::uint64_t>(r.epochs_planned));
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

}  // namespace

void write_training_file(const std::filesystem::path& path, const TrainingRecord& r) {
    h5::File file(path);
    analysis::write_provenance(file, r.command_line);
    file.set_attribute("/", "config_toml", r.config_toml);
    file.set_integer_attribute("/", "seed", r.seed);
    write_metrics(file, r.history);
    file.set_attribute("/training", "engine", r.engine);
    file.set_attribute("/training", "device", r.device);
    file.set_attribute("/training", "status", r.status);
    write_network(file, r);
    write_checkpoint(file, r);
    if (r.evaluate_after_s > 0.0 && r.status == "complete") {
        file.set_attribute("/training", "evaluate_after_s", r.evaluate_after_s);
        file.set_attribute("/training", "test_accuracy_after", r.test_accuracy_after);
    }
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
    const std::string m = "/training/metrics";
    const auto column = [&](const std::string& name, const char* dtype) { return read_block(reader, path, m + "/" + name, dtype); };
    const auto epoch = column("epoch", "int64");
    const auto train = column("train_accuracy", "float64"), test = column("test_accuracy", "float64");
    const auto loss = column("loss", "float64"), pulses = column("update_pulses", "int64");
    const auto e_read = column("energy_read_J", "float64"), e_update = column("energy_update_J", "float64");
    const auto t_sim = column("simulated_time_s", "float64"), t_wall = column("wall_time_s", "float64");
    // Files written before the skipped_* columns existed had no skipped samples.
    const auto optional = [&](const std::string& name) {
        return reader.exists(m + "/" + name) ? column(name, "int64") : std::vector<double>(epoch.size(), 0.0);
    };
    const auto skipped = optional("skipped_samples"), skipped_test = optional("skipped_test_samples");
    for (const auto* col : {&train, &test, &loss, &pulses, &e_read, &e_update, &t_sim, &t_wall, &skipped, &skipped_test}) {
        if (col->size() != epoch.size()) throw IoError(path.string(), m + " columns have different lengths");
    }
    const auto count = [&](double v, const char* column) {
        return static_cast<std::uint64_t>(whole_number(path, m + "/" + column, v, 0x1p63));
    };
    for (std::size_t k = 0; k < epoch.size(); ++k) {
        p.history.push_back({static_cast<int>(whole_number(path, m + "/epoch", epoch[k], max_epoch)), train[k], test[k], loss[k],
                             count(pulses[k], "update_pulses"), e_read[k], e_update[k], t_sim[k], t_wall[k],
                             count(skipped[k], "skipped_samples"), count(skipped_test[k], "skipped_test_samples")});
    }
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

}  // namespace cimkit::apps
