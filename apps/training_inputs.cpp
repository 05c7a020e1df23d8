#include "apps/training_inputs.hpp"

#include "training/experiment.hpp"

namespace cimkit::apps {

std::vector<NamedInput> training_inputs(const std::filesystem::path& config_file, const ConfigValues& config) {
    std::vector<NamedInput> inputs;
    if (!config_file.empty()) inputs.push_back({config_file, "the config file"});
    const bool iris = config.text("dataset.name") == "iris";
    std::filesystem::path data = config.text("dataset.path");
    if (data.empty()) data = training::data_dir() / (iris ? "iris.csv" : "mnist");
    inputs.push_back({data, "the dataset"});
    std::error_code ec;
    if (std::filesystem::is_directory(data, ec)) {  // MNIST: the IDX files in the folder
        for (const auto& entry : std::filesystem::directory_iterator(data, ec)) inputs.push_back({entry.path(), "a dataset file"});
    }
    return inputs;
}

}  // namespace cimkit::apps
