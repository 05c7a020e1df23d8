// The train and crossbar file layouts read back by name what they wrote, column by column, walking
// the layout tables themselves: a metric added to the table is covered here without a new test.
#include "analysis/layouts/crossbar_layout.hpp"
#include "analysis/layouts/training_layout.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "devices/core/errors.hpp"
#include "tests/support/scratch_dir.hpp"

namespace cimkit::analysis {
namespace {

using training::MetricColumn;
using training::metric_columns;
using training::metric_dtype;
using training::metric_value;
using training::set_metric_value;

const cimkit::testing::ScratchDir scratch_dir("cimkit_layouts_test");

// Two epochs in which every column holds its own value, exactly representable in its stored type:
// a value read back from the wrong dataset cannot pass for the right one.
TrainingRecord two_epoch_record() {
    TrainingRecord r;
    r.command_line = "cimkit train --set run.engine=ideal";
    r.config_toml = "[run]\nengine = \"ideal\"\nseed = 7\n";
    r.run.engine = "ideal";
    r.run.seed = 7;
    r.run.epochs_planned = 5;
    r.state.status = "running";
    for (int k = 0; k < 2; ++k) {
        training::EpochMetrics m;
        for (std::size_t c = 0; c < metric_columns().size(); ++c) {
            const MetricColumn& column = metric_columns()[c];
            const bool real = std::string(metric_dtype(column)) == "float64";
            set_metric_value(column, m, real ? 0.125 * static_cast<double>(c + 1) + k : static_cast<double>(1000 * c + k));
        }
        m.epoch = k + 1;  // the reader checks the checkpoint's epoch against this column
        r.state.history.push_back(m);
    }
    r.state.clock = {2.5e-4, 1.5};
    r.state.position = {3, 5, 3, 1, 2.25, 0.75};
    r.state.checkpoint.arrays = {{{"weights", {0.5, -0.25, 1.0, 2.0, -1.5, 0.0}}}};
    r.state.checkpoint.biases = {Eigen::VectorXf::Constant(2, 0.5f)};
    r.state.weights = {Eigen::MatrixXf::Constant(2, 3, 0.25f)};
    r.state.conductances_S = {{}};
    return r;
}

}  // namespace

TEST(TrainingLayout, EveryDeclaredMetricReadsBackByName) {
    const auto path = scratch_dir / "metrics.h5";
    const TrainingRecord written = two_epoch_record();
    write_training_file(path, written);
    const ResumePoint read = read_resume_point(path);
    ASSERT_EQ(read.history.size(), written.state.history.size());
    for (const auto& column : metric_columns()) {
        for (std::size_t k = 0; k < read.history.size(); ++k) {
            EXPECT_EQ(metric_value(column, read.history[k]), metric_value(column, written.state.history[k]))
                << column.name << " row " << k;
        }
    }
    EXPECT_EQ(read.config_toml, written.config_toml);
    EXPECT_EQ(read.engine, "ideal");
    EXPECT_EQ(read.device, "");
    EXPECT_EQ(read.seed, 7u);
    EXPECT_EQ(read.epochs_planned, 5);
    EXPECT_EQ(read.clock.simulated_time_s, 2.5e-4);
    EXPECT_EQ(read.clock.wall_time_s, 1.5);
    EXPECT_EQ(read.position.epoch, 3);
    EXPECT_EQ(read.position.done, 5u);
    EXPECT_EQ(read.position.correct, 3u);
    EXPECT_EQ(read.position.skipped, 1u);
    EXPECT_EQ(read.position.loss_sum, 2.25);
    EXPECT_EQ(read.position.wall_time_s, 0.75);
    EXPECT_EQ(read.checkpoint.arrays, written.state.checkpoint.arrays);
    ASSERT_EQ(read.checkpoint.biases.size(), 1u);
    EXPECT_EQ(read.checkpoint.biases[0], written.state.checkpoint.biases[0]);
}

TEST(TrainingLayout, AFileWithoutAMetricIsRefusedNamingIt) {
    const TrainingRecord written = two_epoch_record();
    for (std::size_t left_out = 0; left_out < metric_columns().size(); ++left_out) {
        std::vector<MetricColumn> columns = metric_columns();
        const MetricColumn missing = columns[left_out];
        columns.erase(columns.begin() + static_cast<std::ptrdiff_t>(left_out));
        const auto path = scratch_dir / ("without_" + missing.name + ".h5");
        {
            h5::File file(path);
            write_training_record(file, written, columns);
            file.commit();
        }
        if (missing.absent_means_zero) {  // a column newer than some files: those read as zeros
            const ResumePoint read = read_resume_point(path);
            for (const auto& m : read.history) EXPECT_EQ(metric_value(missing, m), 0.0) << missing.name;
            continue;
        }
        try {
            (void)read_resume_point(path);
            ADD_FAILURE() << "a file without " << missing.name << " was read";
        } catch (const IoError& e) {
            const std::string message = e.what();
            EXPECT_NE(message.find(path.string()), std::string::npos) << message;
            EXPECT_NE(message.find("'/training/metrics/" + missing.name + "' is missing"), std::string::npos) << message;
        }
    }
}

// The schema document is what users read: every column the table declares must have its row there,
// with the same units, so a metric added to the table cannot reach files undocumented.
TEST(TrainingLayout, EveryMetricHasItsRowInTheSchemaDocument) {
    const std::string schema_path = std::string(CIMKIT_TEST_DATA_DIR) + "/../docs/hdf5-schema.md";
    std::ifstream in(schema_path);
    ASSERT_TRUE(in) << schema_path;
    std::stringstream text;
    text << in.rdbuf();
    for (const auto& column : metric_columns()) {
        const std::string row = "| `" + column.name + "` | " + column.units + " |";
        EXPECT_NE(text.str().find(row), std::string::npos) << schema_path << " has no row starting '" << row << "'";
    }
}

// /training/evaluation: one row per evaluation after training, read back by --resume. The attributes
// evaluate_after_s and test_accuracy_after (the last time, compensated under both) appear once every
// planned row is there, as they did for the single evaluation.
TEST(TrainingLayout, EvaluationRowsReadBackAndTheAttributesFollowTheLastRow) {
    TrainingRecord written = two_epoch_record();
    written.run.epochs_planned = 2;
    written.run.evaluate_after_s = {1.0, 3600.0};
    written.run.drift_compensation = training::DriftCompensation::both;
    written.state.status = "complete";
    written.state.position = {};
    const std::vector<training::DriftEvaluation> rows{{1.0, false, 0.875}, {1.0, true, 0.9375}, {3600.0, false, 0.75}, {3600.0, true, 0.8125}};
    const auto path = scratch_dir / "evaluation.h5";
    written.state.evaluations.assign(rows.begin(), rows.begin() + 3);
    write_training_file(path, written);
    EXPECT_EQ(read_resume_point(path).evaluations, written.state.evaluations);
    {
        const h5::Reader reader(path);
        EXPECT_THROW((void)reader.number_attribute("/training", "test_accuracy_after"), IoError) << "3 of 4 rows: not yet";
        for (const auto& column : evaluation_columns()) {
            EXPECT_EQ(reader.type_name("/training/evaluation/" + column.name), column.dtype) << column.name;
            EXPECT_EQ(reader.string_attribute("/training/evaluation/" + column.name, "units"), column.units) << column.name;
        }
        EXPECT_EQ(reader.read_real("/training/evaluation/drift_compensation"), (std::vector<double>{0, 1, 0}));
    }
    written.state.evaluations = rows;
    write_training_file(path, written);
    EXPECT_EQ(read_resume_point(path).evaluations, rows);
    const h5::Reader reader(path);
    EXPECT_EQ(reader.number_attribute("/training", "evaluate_after_s"), 3600.0);
    EXPECT_EQ(reader.number_attribute("/training", "test_accuracy_after"), 0.8125);
}

TEST(TrainingLayout, EveryEvaluationColumnHasItsRowInTheSchemaDocument) {
    const std::string schema_path = std::string(CIMKIT_TEST_DATA_DIR) + "/../docs/hdf5-schema.md";
    std::ifstream in(schema_path);
    ASSERT_TRUE(in) << schema_path;
    std::stringstream text;
    text << in.rdbuf();
    for (const auto& column : evaluation_columns()) {
        const std::string row = "| `/training/evaluation/" + column.name + "` | (rows,) | " + column.units + " |";
        EXPECT_NE(text.str().find(row), std::string::npos) << schema_path << " has no row starting '" << row << "'";
    }
}

TEST(CrossbarLayout, EveryDatasetAndAttributeReadsBackByName) {
    CrossbarRecord written;
    written.device = "pcm";
    written.scheme = "differential";
    written.readout = "tia";
    written.access_transistor = true;
    written.wire_segment_ohm = 2.5;
    written.rows = 2;
    written.columns = 3;
    CrossbarResult& r = written.result;
    r.face = "resistive";
    r.physical_columns = 6;
    r.compact_includes_wires = false;
    r.max_relative_error = 1.25e-3;
    r.read_energy_J = 3.5e-12;
    r.read_latency_s = 2e-8;
    written.wire_segment_farad = 0.2e-15;
    written.driver_ohm = 1500.0;
    written.adc_bits = 6;
    r.settled_time_s = 1.1e-8;
    r.adc_full_scale_A = 2.5e-6;
    r.energy = {1e-12, 2e-12, 3e-12, 6e-12, 0.5e-12, 0.25e-12, 0.125e-12, 5.0625e-12, 0.0625e-12};
    // Every dataset its own values, of the size its shape asks for.
    double next = 0.5;
    for (const auto& d : crossbar_datasets()) {
        const std::size_t n = d.matrix_columns ? static_cast<std::size_t>(written.rows * d.matrix_columns(written)) : 4u;
        for (std::size_t i = 0; i < n; ++i) (r.*d.values).push_back(next += 0.25);
    }
    const auto path = scratch_dir / "crossbar.h5";
    {
        h5::File file(path);
        write_crossbar_record(file, written);
        file.commit();
    }
    const CrossbarRecord read = read_crossbar_record(path);
    for (const auto& d : crossbar_datasets()) EXPECT_EQ(read.result.*d.values, written.result.*d.values) << d.name;
    for (const auto& a : crossbar_attributes()) EXPECT_EQ(a.get(read), a.get(written)) << a.name;
    EXPECT_EQ(read.rows, 2);
    EXPECT_EQ(read.columns, 3);
    EXPECT_EQ(read.result.physical_columns, 6);
    EXPECT_EQ(read.adc_bits, 6);
    EXPECT_EQ(read.result.energy.devices_J, 5.0625e-12);
    EXPECT_EQ(read.result.energy.driver_resistance_J, 0.0625e-12);
    EXPECT_EQ(read.driver_ohm, 1500.0);
}

// Every dataset and attribute of /crossbar is named in its section of the schema document.
TEST(CrossbarLayout, EveryDatasetAndAttributeIsInTheSchemaDocument) {
    const std::string schema_path = std::string(CIMKIT_TEST_DATA_DIR) + "/../docs/hdf5-schema.md";
    std::ifstream in(schema_path);
    ASSERT_TRUE(in) << schema_path;
    std::stringstream text;
    text << in.rdbuf();
    const std::string& all = text.str();
    const auto begin = all.find("## `/crossbar/`");
    ASSERT_NE(begin, std::string::npos) << schema_path << " has no /crossbar section";
    const std::string section = all.substr(begin, all.find("\n## ", begin + 1) - begin);
    for (const auto& d : crossbar_datasets()) EXPECT_NE(section.find("`" + d.name + "`"), std::string::npos) << d.name;
    for (const auto& a : crossbar_attributes()) EXPECT_NE(section.find("`" + a.name + "`"), std::string::npos) << a.name;
}

}  // namespace cimkit::analysis
