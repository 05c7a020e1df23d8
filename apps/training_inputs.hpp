#pragma once
// The files a training run reads (its config file and dataset), which its output must never be:
// an OutputClaim refuses an output path that names one of them (apps/output_claim.hpp).
#include <filesystem>
#include <vector>

#include "apps/output_claim.hpp"
#include "devices/core/config_schema.hpp"

namespace cimkit::apps {

// `config_file` may be empty (a run resumed from its file's stored config).
std::vector<NamedInput> training_inputs(const std::filesystem::path& config_file, const ConfigValues& config);

}  // namespace cimkit::apps
