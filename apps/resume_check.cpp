#include "apps/resume_check.hpp"

#include "devices/core/errors.hpp"

namespace cimkit::apps {
namespace {

[[noreturn]] void contradiction(const std::filesystem::path& file, const std::string& where, const std::string& holds,
                                const std::string& expected) {
    throw IoError(file.string(), where + " holds " + holds + ", but the run's config_toml expects " + expected);
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// Blocks a fresh checkpoint has that files written by an earlier cimkit lack, and how such a file
// resumes: "rng" (random streams) at the epoch boundary; "update_random_numbers" (the count of
// random numbers drawn by stochastic updates, added with ESSOP) from 0.
bool added_later(const std::string& block) { return block == "rng" || block == "update_random_numbers"; }

void check_layer(const std::filesystem::path& file, std::size_t l, const training::ArrayCheckpoint& found,
                 const training::ArrayCheckpoint& expected, std::size_t bias_found, std::size_t bias_expected) {
    const std::string group = "/training/checkpoint/layer_" + std::to_string(l);
    for (const auto& [name, values] : found) {
        const auto it = expected.find(name);
        if (it == expected.end()) contradiction(file, "dataset '" + group + "/" + name + "'", "a block", "no such block for this engine and device");
        if (values.size() != it->second.size()) {
            contradiction(file, "dataset '" + group + "/" + name + "'", std::to_string(values.size()) + " values",
                          std::to_string(it->second.size()));
        }
    }
    for (const auto& [name, values] : expected) {
        if (!added_later(name) && !found.count(name)) contradiction(file, "group '" + group + "'", "no dataset '" + name + "'", "one of " + std::to_string(values.size()) + " values");
    }
    if (bias_found != bias_expected) {
        contradiction(file, "dataset '" + group + "/bias'", std::to_string(bias_found) + " values", std::to_string(bias_expected));
    }
}

}  // namespace

void check_resume_point(const std::filesystem::path& file, const analysis::ResumePoint& p, const ResumeExpectation& e) {
    if (p.engine != e.engine) contradiction(file, "attribute 'engine' of '/training'", quoted(p.engine), quoted(e.engine) + " (run.engine)");
    if (p.device != e.device) contradiction(file, "attribute 'device' of '/training'", quoted(p.device), quoted(e.device) + " (array.device)");
    if (p.seed != e.seed) contradiction(file, "root attribute 'seed'", std::to_string(p.seed), std::to_string(e.seed) + " (run.seed)");
    if (p.epochs_planned != e.epochs) {
        contradiction(file, "attribute 'epochs_planned' of '/training/checkpoint'", std::to_string(p.epochs_planned),
                      std::to_string(e.epochs) + " (training.epochs)");
    }
    if (p.checkpoint.arrays.size() != e.fresh.arrays.size()) {
        contradiction(file, "attribute 'layers' of '/training/checkpoint'", std::to_string(p.checkpoint.arrays.size()),
                      std::to_string(e.fresh.arrays.size()) + " (network.hidden_layers)");
    }
    for (std::size_t l = 0; l < e.fresh.arrays.size(); ++l) {
        check_layer(file, l, p.checkpoint.arrays[l], e.fresh.arrays[l], static_cast<std::size_t>(p.checkpoint.biases.at(l).size()),
                    static_cast<std::size_t>(e.fresh.biases.at(l).size()));
    }
    const std::string metrics = "/training/metrics";
    if (p.history.size() > static_cast<std::size_t>(e.epochs)) {
        contradiction(file, "dataset '" + metrics + "/epoch'", std::to_string(p.history.size()) + " epochs", "at most " + std::to_string(e.epochs) + " (training.epochs)");
    }
    for (std::size_t k = 0; k < p.history.size(); ++k) {
        const training::EpochMetrics& m = p.history[k];
        const std::string row = " row " + std::to_string(k);
        if (m.epoch != static_cast<int>(k) + 1) contradiction(file, "dataset '" + metrics + "/epoch'" + row, "epoch " + std::to_string(m.epoch), "epoch " + std::to_string(k + 1));
        if (m.skipped_samples > e.train_samples) {
            contradiction(file, "dataset '" + metrics + "/skipped_samples'" + row, std::to_string(m.skipped_samples),
                          "at most the " + std::to_string(e.train_samples) + " training samples");
        }
        if (m.skipped_test_samples > e.test_samples) {
            contradiction(file, "dataset '" + metrics + "/skipped_test_samples'" + row, std::to_string(m.skipped_test_samples),
                          "at most the " + std::to_string(e.test_samples) + " test samples");
        }
    }
    const training::EpochPosition& at = p.position;
    if (at.epoch != 0) {
        const std::string where = "dataset '/training/checkpoint/in_epoch'";
        if (at.epoch > e.epochs) contradiction(file, where, "epoch " + std::to_string(at.epoch), "at most epoch " + std::to_string(e.epochs) + " (training.epochs)");
        if (at.done > e.train_samples) {
            contradiction(file, where, std::to_string(at.done) + " samples done", "at most the " + std::to_string(e.train_samples) + " training samples");
        }
        if (at.correct + at.skipped > at.done) {
            contradiction(file, where, std::to_string(at.correct) + " correct and " + std::to_string(at.skipped) + " skipped of " +
                                           std::to_string(at.done) + " samples done", "at most as many correct and skipped as done");
        }
    }
}

}  // namespace cimkit::apps
