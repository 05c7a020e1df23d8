#include "apps/env_seconds.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

#include "devices/core/errors.hpp"

namespace cimkit::apps {

double seconds_from_environment(const char* variable, double default_s) {
    const char* text = std::getenv(variable);
    if (text == nullptr || *text == '\0') return default_s;
    char* end = nullptr;
    const double s = std::strtod(text, &end);
    if (*end != '\0' || !std::isfinite(s) || !(s > 0.0 && s <= 1e6)) {
        throw UsageError(std::string(variable) + " must be a number of seconds in (0, 1e6], got '" + text + "'");
    }
    return s;
}

}  // namespace cimkit::apps
