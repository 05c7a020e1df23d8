#include "apps/contained_run.hpp"

#include <sys/prctl.h>
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

[[noreturn]] void serve_child(const std::function<int()>& work, pid_t parent, std::size_t memory_bytes) {
    int status = exit_simulation_failed;
    try {
        // The parent's death (kill -9 included) must not leave this process writing on.
        if (::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || ::getppid() != parent) ::_exit(exit_interrupted);
        cleanup_on_signal::install();  // this process deletes its own temporaries on SIGINT/SIGTERM
        limit_address_space(memory_bytes);
        status = work();
    } catch (...) {
        status = report_failure(std::current_exception());
    }
    std::fflush(nullptr);
    ::_exit(status);  // no parent atexit handlers, no second flush of inherited buffers
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
    const pid_t parent = ::getpid();
    std::fflush(nullptr);  // buffered output must not be inherited and written twice
    const pid_t pid = ::fork();
    if (pid < 0) throw Error(what + ": fork failed: " + std::strerror(errno));
    if (pid == 0) serve_child(work, parent, limits.memory_bytes());
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(limits.timeout_s));
    const auto status = wait_until(pid, deadline);
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
    const std::string how = *status == -1 ? "ended without an exit status" : "was killed by " + describe_signal(WTERMSIG(*status));
    throw spice::WorkerCrashed(what + ": the simulation " + how +
                               " (a crash in ngspice or a library, or more memory than --max-memory); nothing was written");
}

}  // namespace cimkit::apps
