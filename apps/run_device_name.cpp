#include "apps/run_device_name.hpp"

namespace cimkit::apps {

std::string run_device_name(const training::RunDescription& described, const ConfigValues& config) {
    return described.device.empty() ? "" : config.text("array.device");
}

}  // namespace cimkit::apps
