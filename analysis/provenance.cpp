#include "analysis/provenance.hpp"

#include <ctime>

#include "devices/core/build_info.hpp"

namespace cimkit::analysis {

std::string utc_timestamp() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

void write_provenance(h5::File& file, const std::string& command_line) {
    file.set_attribute("/", "cimkit_version", build_info::version);
    file.set_attribute("/", "git_commit", build_info::git_commit);
    file.set_attribute("/", "created_utc", utc_timestamp());
    file.set_attribute("/", "command_line", command_line);
}

}  // namespace cimkit::analysis
