#include "apps/train_settings.hpp"

#include "apps/preset_path.hpp"
#include "apps/seed_option.hpp"
#include "devices/core/errors.hpp"
#include "devices/table_device_name.hpp"
#include "training/config_file.hpp"
#include "training/experiment.hpp"

namespace cimkit::apps {
namespace {

constexpr const char* epochs_key = "training.epochs";

// `key` = `value` from `option`, unless a --set of the same key says otherwise.
void add_option_setting(std::vector<Setting>& settings, const std::string& key, const std::string& value, const std::string& option) {
    for (const auto& s : settings) {
        if (s.key == key && s.origin == "--set" && parse_seed(s.value, "--set " + key) != parse_seed(value, option)) {
            throw UsageError(option + " " + value + " and --set " + key + "=" + s.value + " disagree; give one of them");
        }
    }
    settings.push_back({key, value, option});
}

// The length of the run asked for, from --epochs or --set training.epochs (0: neither).
int epochs_asked(const std::vector<Setting>& settings) {
    for (auto it = settings.rbegin(); it != settings.rend(); ++it) {
        if (it->key == epochs_key && (it->origin == "--set" || it->origin == "--epochs")) {
            // The range is the schema's to check; a number too large for an int is refused there too.
            const std::uint64_t n = parse_seed(it->value, it->origin == "--set" ? "--set training.epochs" : "--epochs");
            return n > 1000000000u ? 1000000000 : static_cast<int>(n);
        }
    }
    return 0;
}

}  // namespace

TrainSettings gather_train_settings(const TrainOptions& o, const std::string& resumed_toml) {
    const auto& schema = training::experiment_schema();
    TrainSettings s;
    std::vector<Setting> typed;
    for (const auto& text : o.settings) {
        typed.push_back(parse_setting(text, "--set"));
        // A device FILE on the command line is relative to the current folder; stored absolute, so a
        // --resume from another folder finds it (devices/table_device_name.hpp).
        if (typed.back().key == "array.device") typed.back().value = resolve_device_file_name(typed.back().value, "");
    }
    if (o.epochs > 0) add_option_setting(typed, epochs_key, std::to_string(o.epochs), "--epochs");
    if (!o.resume_path.empty()) {
        if (!o.config_path.empty()) throw UsageError("--resume takes the config stored in the run file; --config cannot be combined with it");
        if (o.seed) throw UsageError("--resume continues the stored run with its seed; --seed cannot be combined with it");
        for (const auto& t : typed) {
            if (t.key != epochs_key) {
                throw UsageError("--resume continues the stored run unchanged; --set " + t.key +
                                 " cannot be combined with it (only its length: --epochs N, or --set training.epochs=N, extends it)");
            }
        }
        s.origin = o.resume_path + " (config_toml)";
        s.settings = training::read_config_text(resumed_toml, s.origin, schema);
    } else {
        if (o.seed) add_option_setting(typed, "run.seed", std::to_string(*o.seed), "--seed");
        s.config_file = o.config_path.empty() ? std::filesystem::path(default_training_preset()) : config_file_path(o.config_path);
        s.origin = s.config_file.string();
        s.settings = training::read_config_file(s.config_file, schema);
    }
    s.epochs = epochs_asked(typed);
    s.settings.insert(s.settings.end(), typed.begin(), typed.end());
    return s;
}

}  // namespace cimkit::apps
