// Training from Python: a preset or TOML file plus {"section.key": value} settings, as
// `cimkit train --config C --set section.key=value`, run in this process by the same TrainingRun.
// The metrics come back as numpy arrays named as the run file's /training/metrics datasets. With
// `output`, the run file `cimkit train -o` writes is written too, checkpoint by checkpoint under the
// same output rules, so `cimkit train --resume` continues it.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <filesystem>
#include <optional>
#include <variant>

#include "analysis/layouts/training_layout.hpp"
#include "apps/config_toml.hpp"
#include "apps/output_claim.hpp"
#include "apps/preset_path.hpp"
#include "apps/run_device_name.hpp"
#include "apps/training_inputs.hpp"
#include "devices/registry.hpp"
#include "python/native/bindings.hpp"
#include "training/config_file.hpp"
#include "training/experiment.hpp"
#include "training/training_run.hpp"

namespace py = pybind11;

namespace cimkit::python {
namespace {

bool integer_column(const training::MetricColumn& column) { return !std::holds_alternative<double training::EpochMetrics::*>(column.field); }

// One epoch's metrics as {"name": value}, ints as int.
py::dict epoch_dict(const training::EpochMetrics& m) {
    py::dict out;
    for (const auto& column : training::metric_columns()) {
        const double value = training::metric_value(column, m);
        if (integer_column(column)) {
            out[column.name.c_str()] = static_cast<long long>(value);
        } else {
            out[column.name.c_str()] = value;
        }
    }
    return out;
}

// Every column over the epochs: int64 or float64 arrays.
py::dict metric_arrays(const std::vector<training::EpochMetrics>& history) {
    py::dict out;
    const auto n = static_cast<py::ssize_t>(history.size());
    for (const auto& column : training::metric_columns()) {
        if (integer_column(column)) {
            py::array_t<long long> values(n);
            for (py::ssize_t k = 0; k < n; ++k) values.mutable_data()[k] = static_cast<long long>(training::metric_value(column, history[k]));
            out[column.name.c_str()] = values;
        } else {
            py::array_t<double> values(n);
            for (py::ssize_t k = 0; k < n; ++k) values.mutable_data()[k] = training::metric_value(column, history[k]);
            out[column.name.c_str()] = values;
        }
    }
    return out;
}

py::array_t<float> matrix_array(const Eigen::MatrixXf& m) {
    py::array_t<float> out({m.rows(), m.cols()});
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        for (Eigen::Index j = 0; j < m.cols(); ++j) out.mutable_at(i, j) = m(i, j);
    }
    return out;
}

// How the run appears in its file's command_line attribute.
std::string python_call(const std::string& config, const py::dict& settings) {
    return "python: cimkit.train(" + py::repr(py::str(config)).cast<std::string>() + ", " + py::repr(settings).cast<std::string>() + ")";
}

py::dict train(const std::string& config, const py::dict& settings, const py::object& on_epoch, const py::object& output, bool force) {
    const auto& schema = training::experiment_schema();
    const std::filesystem::path config_file = apps::config_file_path(config);
    std::vector<Setting> all = training::read_config_file(config_file, schema);
    const std::vector<Setting> given = settings_from_dict(settings, "settings");
    all.insert(all.end(), given.begin(), given.end());
    const ConfigValues values = training::resolve_experiment_config(all);
    const std::filesystem::path output_path = output.is_none() ? std::filesystem::path() : std::filesystem::path(py::str(output).cast<std::string>());
    std::optional<apps::OutputClaim> claim;  // held until the run ends, as by `cimkit train -o`
    if (!output_path.empty()) claim.emplace(output_path, apps::training_inputs(config_file, values), force);
    const training::Split data = training::load_experiment_data(values);
    training::TrainingRun run(values, data);

    training::RunCallbacks callbacks;
    analysis::TrainingRecord record{python_call(config, settings), apps::config_toml(values), run.description(), {}, "",
                                    device_definition_toml(apps::run_device_name(run.description(), values))};
    callbacks.on_checkpoint = [&](const training::RunSnapshot& state) {  // without a file: keeps the weights in progress()
        if (output_path.empty()) return;
        record.state = state;
        analysis::write_training_file(output_path, record);
    };
    // Ctrl-C reaches Python as a flag; a training run checks it about a hundred times per epoch.
    callbacks.progress_every = std::max<std::size_t>(1, data.train.size() / 100);
    callbacks.on_progress = [](const training::Progress&) {
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    };
    if (!on_epoch.is_none()) {
        callbacks.on_epoch = [&on_epoch](const training::EpochMetrics& m, double) { on_epoch(epoch_dict(m)); };
    }
    run.run(callbacks);

    const training::RunSnapshot& state = run.progress();
    const training::RunDescription& d = run.description();
    py::dict out;
    out["engine"] = d.engine;
    out["device"] = d.device;
    out["seed"] = d.seed;
    out["metrics"] = metric_arrays(state.history);
    py::list weights;
    for (const auto& w : state.weights) weights.append(matrix_array(w));
    out["weights"] = weights;
    py::list evaluations;
    for (const auto& e : state.evaluations) {
        evaluations.append(py::dict(py::arg("after_s") = e.after_s, py::arg("drift_compensated") = e.drift_compensated,
                                    py::arg("test_accuracy") = e.test_accuracy));
    }
    out["evaluations"] = evaluations;
    return out;
}

}  // namespace

void add_training(py::module_& module) {
    module.def("train", &train, py::arg("config") = "iris_mosfet_spice", py::arg("settings") = py::dict(), py::arg("on_epoch") = py::none(),
               py::arg("output") = py::none(), py::arg("force") = false,
               "Train as `cimkit train --config CONFIG --set key=value ... [-o OUTPUT [--force]]`; returns metrics, weights and "
               "evaluations. on_epoch(metrics) is called after every epoch with that epoch's metrics. With output, the run file is "
               "written after every epoch (an existing file is replaced only with force=True) and `cimkit train --resume` continues it.");
}

}  // namespace cimkit::python
