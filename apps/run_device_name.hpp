#pragma once
// The device a training run names in its file: `array.device` as given ("table:FILE",
// "spice:FILE:SUBCKT" or a built-in model's name), not the model the run's description names ("table"),
// so that device_definition_toml (devices/registry.hpp) reads the very file the run uses. "" for a
// run without a device (the ideal engine). Shared by `cimkit train` and the Python module's train().
#include <string>

#include "devices/core/config_schema.hpp"
#include "training/training_run.hpp"

namespace cimkit::apps {

std::string run_device_name(const training::RunDescription& described, const ConfigValues& config);

}  // namespace cimkit::apps
