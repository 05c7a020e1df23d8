#include "apps/sweep_point_parent.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

extern char** environ;

namespace cimkit::apps {
namespace {

constexpr const char* parent_variable = "CIMKIT_SWEEP_PARENT_PID";

}  // namespace

std::vector<std::string> sweep_point_environment() {
    std::vector<std::string> out;
    const std::string prefix = std::string(parent_variable) + "=";
    for (char** e = environ; *e != nullptr; ++e) {
        if (std::string(*e).rfind(prefix, 0) != 0) out.emplace_back(*e);
    }
    out.push_back(prefix + std::to_string(::getpid()));
    return out;
}

void follow_sweep_parent() {
    const char* named = std::getenv(parent_variable);
    if (named == nullptr) return;
    char* end = nullptr;
    const long parent = std::strtol(named, &end, 10);
    const bool valid = end != named && *end == '\0' && parent > 1;
    ::unsetenv(parent_variable);
    if (!valid) return;
    // The signal is tied to the thread that spawned us; the sweep spawns points from its main thread.
    if (::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) return;
    if (::getppid() != static_cast<pid_t>(parent)) std::raise(SIGTERM);  // the sweep died before prctl
}

}  // namespace cimkit::apps
