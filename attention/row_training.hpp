#pragma once
// Training and evaluating the row-sequence attention classifier (attention/row_model.hpp) the way
// Leroux et al. train theirs: a float model first, then the hardware model with the linear law
// started from it, then the nonlinear (published) law with the linear backward pass.
#include <cstdint>
#include <filesystem>
#include <string>
#include <functional>

#include "attention/row_model.hpp"
#include "training/dataset.hpp"

namespace cimkit::attention {

struct RowTraining {
    AttentionKind kind = AttentionKind::float_softmax;
    GainCellReadModel law = GainCellReadModel::linear_surrogate;  // the hardware's forward law
    HeadSettings settings;
    int epochs = 1;
    int batch = 16;
    double learning_rate = 2e-3;  // Adam
    std::uint64_t seed = 1;       // sample order
};

// Features of a dataset sample are its sequence, tokens x features per token, scaled to [0, 1]
// (MNIST: 28 rows of 28 pixels / 255). Adam over mini-batches, seeded order per epoch;
// `on_epoch(epoch, mean_loss)` after each epoch.
void train_rows(RowModel& model, const training::Dataset& train, const RowTraining& how,
                const std::function<void(int, double)>& on_epoch = {});

// MNIST as row sequences, as the task reads it: the first `limit` images of the IDX set `set`
// ("train" or "t10k") in `dir` (empty: the data folder's mnist/), pixels scaled to [0, 1].
training::Dataset load_mnist_rows(const std::filesystem::path& dir, const std::string& set, std::size_t limit);

// Test accuracy (0..1) of `model` with attention `kind` and the hardware's `law` and settings.
double row_accuracy(const RowModel& model, const training::Dataset& test, AttentionKind kind, GainCellReadModel law,
                    const HeadSettings& settings);

}  // namespace cimkit::attention
