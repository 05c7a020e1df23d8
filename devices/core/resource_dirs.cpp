#include "devices/core/resource_dirs.hpp"

#include <cstdlib>
#include <system_error>

namespace cimkit {
namespace {

struct ResourcePlace {
    const char* variable;          // the environment variable that moves it
    const char* installed_path;    // its folder under <prefix>
    const char* source_tree_path;  // where the build found (osdi: made) it (compile definitions, devices/core/CMakeLists.txt)
};

ResourcePlace place_of(Resource resource) {
    switch (resource) {
        case Resource::data: return {"CIMKIT_DATA_DIR", "share/cimkit/data", CIMKIT_SOURCE_DATA_DIR};
        case Resource::netlists: return {"CIMKIT_NETLIST_DIR", "share/cimkit/netlists", CIMKIT_SOURCE_NETLIST_DIR};
        case Resource::plot: return {"CIMKIT_PLOT_DIR", "share/cimkit/plot", CIMKIT_SOURCE_PLOT_DIR};
        case Resource::osdi: return {"CIMKIT_OSDI_DIR", "lib/cimkit", CIMKIT_BUILD_OSDI_DIR};
    }
    return {"CIMKIT_DATA_DIR", "share/cimkit/data", CIMKIT_SOURCE_DATA_DIR};
}

// <prefix> when this process is an installed executable (<prefix>/bin/cimkit, with <prefix>/share/cimkit);
// empty otherwise.
std::filesystem::path installed_prefix() {
    std::error_code ec;
    const auto executable = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    const auto prefix = executable.parent_path().parent_path();
    return std::filesystem::is_directory(prefix / "share" / "cimkit", ec) ? prefix : std::filesystem::path{};
}

}  // namespace

std::filesystem::path resource_dir(Resource resource) {
    const ResourcePlace place = place_of(resource);
    const char* moved = std::getenv(place.variable);
    if (moved != nullptr && *moved != '\0') return moved;
    static const std::filesystem::path prefix = installed_prefix();
    if (!prefix.empty()) return prefix / place.installed_path;
    return place.source_tree_path;
}

}  // namespace cimkit
