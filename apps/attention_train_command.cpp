#include "apps/attention_train_command.hpp"

#include <cstdio>
#include <vector>

#include "analysis/layouts/attention_layout.hpp"
#include "analysis/provenance.hpp"
#include "apps/contained_run.hpp"
#include "apps/output_claim.hpp"
#include "apps/progress_line.hpp"
#include "apps/seed_option.hpp"
#include "attention/row_training.hpp"
#include "attention/spice_attention.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::apps {
namespace {

constexpr int rows = 28, pixels_per_row = 28;  // MNIST read as a sequence

void require(bool ok, const std::string& option, const std::string& expected) {
    if (!ok) throw UsageError("attention-train: " + option + ": expected " + expected);
}

// The hardware's settings for a 28-token sequence: one 64-key tile holds every row.
attention::HeadSettings task_settings(int window_tokens, double decay_per_token) {
    attention::HeadSettings s;
    s.window_tokens = window_tokens;
    s.tiles = attention::tiles_needed(window_tokens, s.tile_tokens);
    s.decay_per_token = decay_per_token;
    return s;
}

const double paper_decay_per_token = attention::HeadSettings{}.decay_per_token;  // 1.6e-4, Leroux et al.'s

}  // namespace

CLI::App* add_attention_train_command(CLI::App& app, AttentionTrainOptions& o) {
    CLI::App* cmd = app.add_subcommand("attention-train",
                                       "Train a one-head gain-cell attention classifier on MNIST rows: float, linear law, published law");
    cmd->add_option("-o,--output", o.output_path, "HDF5 file to write (/attention_training)")->required();
    cmd->add_option("--epochs", o.epochs, "Epochs per stage (float, linear, published law), default 3");
    cmd->add_option("--dims", o.dims, "Head dimension D (1-256), default 64 (as in the paper)");
    cmd->add_option("--train-limit", o.train_limit, "Training images (1-60000), default 60000");
    cmd->add_option("--test-limit", o.test_limit, "Test images (1-10000), default 10000");
    cmd->add_option("--spice-test", o.spice_test, "Also classify the first K test images with the attention block in ngspice, default 0");
    cmd->add_option("--mnist-dir", o.mnist_dir, "Folder of the MNIST IDX files (default: the data folder's mnist/)");
    add_seed_option(*cmd, o.seed, "Seed of the initial weights and the sample order (default 1)");
    cmd->add_flag("--force", o.force, "Replace an existing output file");
    cmd->add_flag("--quiet", o.quiet, "No progress on stderr");
    add_run_limit_options(*cmd, o.limits);
    return cmd;
}

int run_attention_train_command(const AttentionTrainOptions& o, const std::string& command_line) {
    require(o.epochs >= 1 && o.epochs <= 1000, "--epochs", "1..1000");
    require(o.dims >= 1 && o.dims <= 256, "--dims", "1..256");
    require(o.train_limit >= 1 && o.train_limit <= 60000, "--train-limit", "1..60000");
    require(o.test_limit >= 1 && o.test_limit <= 10000, "--test-limit", "1..10000");
    require(o.spice_test >= 0 && o.spice_test <= o.test_limit, "--spice-test", "0..--test-limit");
    check_run_limits(o.limits);
    const OutputClaim claim(o.output_path, {}, o.force);
    const training::Dataset train = attention::load_mnist_rows(o.mnist_dir, "train", static_cast<std::size_t>(o.train_limit));
    const training::Dataset test = attention::load_mnist_rows(o.mnist_dir, "t10k", static_cast<std::size_t>(o.test_limit));
    if (train.features != rows * pixels_per_row) throw UsageError("attention-train: expected 28 x 28 images in the MNIST files");

    using attention::AttentionKind;
    const GainCellReadModel linear = GainCellReadModel::linear_surrogate, published = GainCellReadModel::published_kernel;
    analysis::RowTaskRecord record{rows, pixels_per_row, o.dims, o.epochs, 16, static_cast<int>(train.size()), 2e-3, {}, {}, {}};
    const attention::HeadSettings hardware = task_settings(rows, paper_decay_per_token);
    ProgressLine progress("attention-train", "epochs", o.quiet);
    int epochs_done = 0;
    const auto stage = [&](attention::RowModel& model, const std::string& name, AttentionKind kind, GainCellReadModel law) {
        attention::RowTraining how;
        how.kind = kind;
        how.law = law;
        how.settings = hardware;
        how.epochs = o.epochs;
        how.seed = o.seed;
        attention::train_rows(model, train, how, [&](int epoch, double loss) {
            record.losses.push_back({name, epoch, loss});
            progress.update(static_cast<std::size_t>(++epochs_done), static_cast<std::size_t>(3 * o.epochs), name + " loss " + std::to_string(loss));
        });
        record.parameters.emplace_back(name, model.parameters);
    };
    const auto evaluate = [&](const attention::RowModel& model, const std::string& name, AttentionKind kind, GainCellReadModel law,
                              const attention::HeadSettings& s) {
        const std::string law_name = kind == AttentionKind::float_softmax ? "softmax" : law == linear ? "linear" : "published";
        record.results.push_back({name, law_name, "compact", s.window_tokens, s.decay_per_token, static_cast<int>(test.size()),
                                  attention::row_accuracy(model, test, kind, law, s)});
    };

    attention::RowModel model = attention::make_row_model({pixels_per_row, o.dims, rows, 10}, o.seed);
    stage(model, "float", AttentionKind::float_softmax, linear);
    evaluate(model, "float", AttentionKind::float_softmax, linear, hardware);
    evaluate(model, "linear, before fine-tuning", AttentionKind::hardware, linear, hardware);
    stage(model, "linear", AttentionKind::hardware, linear);
    evaluate(model, "linear", AttentionKind::hardware, linear, hardware);
    evaluate(model, "nonlinear, before adaptation", AttentionKind::hardware, published, hardware);
    stage(model, "nonlinear", AttentionKind::hardware, published);
    progress.close();
    for (const int window : {7, 14, 28}) {
        for (const double decay : {0.0, paper_decay_per_token, 0.02, 0.2}) {
            evaluate(model, "nonlinear", AttentionKind::hardware, published, task_settings(window, decay));
        }
    }
    const auto write = [&] {
        h5::File file(o.output_path);
        analysis::write_provenance(file, command_line);
        file.set_integer_attribute("/", "seed", o.seed);
        analysis::write_row_task_record(file, record);
        file.commit();
        std::printf("%-30s %-9s %-8s %6s %9s %8s\n", "stage", "law", "engine", "window", "decay", "accuracy");
        for (const auto& r : record.results) {
            std::printf("%-30s %-9s %-8s %6d %9.3g %7.2f %%\n", r.stage.c_str(), r.law.c_str(), r.engine.c_str(), r.window_tokens,
                        r.decay_per_token, 100.0 * r.test_accuracy);
        }
        std::printf("wrote %s\n", o.output_path.c_str());
        return 0;
    };
    if (o.spice_test == 0) return write();
    return run_contained(
        [&] {
            spice::Engine engine;
            ProgressLine spice_progress("attention-train in ngspice", "test images", o.quiet);
            int spice_correct = 0, compact_correct = 0;
            const auto features = static_cast<std::size_t>(test.features);
            for (int i = 0; i < o.spice_test; ++i) {
                const float* image = &test.x[static_cast<std::size_t>(i) * features];
                const attention::HeadInputs inputs = attention::row_head_inputs(model, image);
                const attention::SpiceHeadResult r =
                    attention::spice_gain_cell_attention(engine, inputs, hardware, attention::TileCircuit{}, {rows - 1});
                spice_correct += attention::row_classify(model, r.output.row(0).transpose()).predicted == test.y[static_cast<std::size_t>(i)];
                compact_correct += attention::row_forward(model, image, AttentionKind::hardware, published, hardware).predicted ==
                                   test.y[static_cast<std::size_t>(i)];
                spice_progress.update(static_cast<std::size_t>(i + 1), static_cast<std::size_t>(o.spice_test));
            }
            spice_progress.close();
            record.results.push_back({"nonlinear", "published", "ngspice", rows, paper_decay_per_token, o.spice_test,
                                      static_cast<double>(spice_correct) / o.spice_test});
            record.results.push_back({"nonlinear", "published", "compact", rows, paper_decay_per_token, o.spice_test,
                                      static_cast<double>(compact_correct) / o.spice_test});
            return write();
        },
        "attention-train in ngspice", {o.output_path}, o.limits);
}

}  // namespace cimkit::apps
