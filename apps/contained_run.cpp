#include "apps/contained_run.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>

#include "apps/exit_status.hpp"
#include "circuits/spice/worker.hpp"
#include "devices/core/child_process.hpp"
#include "devices/core/cleanup_on_signal.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/process_limits.hpp"

namespace cimkit::apps {
namespace {

namespace fs = std::filesystem;

int serve_child(const std::function<int()>& work, int socket_fd, std::size_t memory_bytes) {
    ::close(socket_fd);  // the exit status says it all
    int status = exit_simulation_failed;
    try {
        cleanup_on_signal::install();  // this process deletes its own temporaries on SIGINT/SIGTERM
        limit_address_space(memory_bytes);
        status = work();
    } catch (...) {
        status = report_failure(std::current_exception());
    }
    std::fflush(nullptr);  // fork_child leaves with _exit, which flushes nothing
    return status;
}

// Deletes ".<name>.part-<pid>-*" beside each output: what a killed child was writing.
void remove_temporaries_of(pid_t pid, const std::vector<fs::path>& outputs) {
    for (const auto& output : outputs) {
        const fs::path folder = output.parent_path().empty() ? fs::path(".") : output.parent_path();
        const std::string prefix = "." + output.filename().string() + ".part-" + std::to_string(pid) + "-";
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(folder, ec)) {
            if (entry.path().filename().string().rfind(prefix, 0) == 0) fs::remove(entry.path(), ec);
        }
    }
}

}  // namespace

int run_contained(const std::function<int()>& work, const std::string& what, const std::vector<fs::path>& outputs,
                  const RunLimits& limits) {
    check_run_limits(limits);
    // SIGTERM on the parent's death (kill -9 included): the child must not go on writing, and its
    // handler deletes its temporaries.
    const ForkedChild child = fork_child([&](int socket_fd) { return serve_child(work, socket_fd, limits.memory_bytes()); },
                                         SIGTERM, what);
    ::close(child.socket_fd);
    const pid_t pid = child.pid;
    const auto status = wait_until(pid, deadline_after(limits.timeout_s));
    if (!status) {
        kill_and_reap(pid);
        remove_temporaries_of(pid, outputs);
        char limit[32];
        std::snprintf(limit, sizeof limit, "%g s", limits.timeout_s);
        throw spice::WorkerTimeout(what + " did not finish within --timeout = " + limit + "; it was stopped and nothing was written");
    }
    // Whatever the child left under its own name is orphaned now (an exit without unwinding, as a
    // sanitizer's report makes, skips the destructors that delete temporaries).
    remove_temporaries_of(pid, outputs);
    if (*status != -1 && WIFEXITED(*status)) return WEXITSTATUS(*status);
    throw spice::WorkerCrashed(what + ": the simulation " + describe_end(*status) +
                               " (a crash in ngspice or a library, or more memory than --max-memory); nothing was written");
}

}  // namespace cimkit::apps
