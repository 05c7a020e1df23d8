#pragma once
// The settings of `cimkit train`: the config (a preset by name, a TOML path, or the run file's
// config_toml on --resume), then --set, --seed (= run.seed) and --epochs (= training.epochs).
// An option and a --set of its key that disagree are refused. On --resume only the length may
// change: --epochs N (or --set training.epochs=N) extends the run; every other key is refused.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "apps/train_command.hpp"
#include "devices/core/parameters.hpp"

namespace cimkit::apps {

struct TrainSettings {
    std::vector<Setting> settings;
    std::string origin;                 // where the config came from, for messages
    std::filesystem::path config_file;  // the TOML read (empty on --resume)
    int epochs = 0;                     // --epochs or --set training.epochs; 0 when neither was given
};

TrainSettings gather_train_settings(const TrainOptions& options, const std::string& resumed_toml);

}  // namespace cimkit::apps
