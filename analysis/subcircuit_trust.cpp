#include "analysis/subcircuit_trust.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <set>

namespace cimkit::analysis {
namespace {

std::atomic<bool> trusted{false};

}  // namespace

void trust_subcircuit_files() { trusted = true; }

bool subcircuit_files_trusted() { return trusted; }

void note_trusted_subcircuit_file(const std::filesystem::path& file) {
    if (!trusted) return;
    static std::mutex mutex;
    static std::set<std::filesystem::path> noted;
    const std::lock_guard<std::mutex> lock(mutex);
    const std::filesystem::path absolute = std::filesystem::absolute(file).lexically_normal();
    if (!noted.insert(absolute).second) return;
    std::fprintf(stderr,
                 "cimkit: --allow-control: %s is not checked by the netlist guard and runs without the sandbox; "
                 "ngspice runs its .control blocks and '*#' lines at every load of a deck that includes it\n",
                 absolute.c_str());
}

}  // namespace cimkit::analysis
