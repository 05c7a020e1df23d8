#include "devices/core/resource_dirs.hpp"

#include <cstdlib>
#include <system_error>

namespace cimkit {
namespace {

struct ResourcePlace {
    const char* variable;          // the environment variable that moves it
    const char* installed_name;    // its folder under <prefix>/share/cimkit
    const char* source_tree_path;  // where the build found it (compile definitions, devices/core/CMakeLists.txt)
};

ResourcePlace place_of(Resource resource) {
    switch (resource) {
        case Resource::data: return {"CIMKIT_DATA_DIR", "data", CIMKIT_SOURCE_DATA_DIR};
        case Resource::netlists: return {"CIMKIT_NETLIST_DIR", "netlists", CIMKIT_SOURCE_NETLIST_DIR};
        case Resource::plot: return {"CIMKIT_PLOT_DIR", "plot", CIMKIT_SOURCE_PLOT_DIR};
    }
    return {"CIMKIT_DATA_DIR", "data", CIMKIT_SOURCE_DATA_DIR};
}

// <prefix>/share/cimkit when this process is an installed executable (<prefix>/bin/cimkit); empty otherwise.
std::filesystem::path installed_share_dir() {
    std::error_code ec;
    const auto executable = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    const auto share = executable.parent_path().parent_path() / "share" / "cimkit";
    return std::filesystem::is_directory(share, ec) ? share : std::filesystem::path{};
}

}  // namespace

std::filesystem::path resource_dir(Resource resource) {
    const ResourcePlace place = place_of(resource);
    const char* moved = std::getenv(place.variable);
    if (moved != nullptr && *moved != '\0') return moved;
    static const std::filesystem::path share = installed_share_dir();
    if (!share.empty()) return share / place.installed_name;
    return place.source_tree_path;
}

}  // namespace cimkit
