#include "apps/sweep_pool.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <deque>
#include <map>
#include <thread>

#include "apps/progress_line.hpp"
#include "apps/sweep_point_parent.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/temporary_file.hpp"

namespace cimkit::apps {
namespace {

using Clock = std::chrono::steady_clock;

// How often the pool looks at its children and at the other ranks' messages.
constexpr auto poll_interval = std::chrono::milliseconds(20);

int exit_status_of(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Running {
    std::size_t index;
    Clock::time_point started;
};

}  // namespace

int spawn_point(const PointLaunch& launch, std::size_t index) {
    std::vector<std::string> argv_text{"cimkit", launch.command};
    const auto args = launch.arguments(index);
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string log = launch.log(index).string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    // Only stdin, stdout and stderr: a descriptor the sweep holds (MPI's, an output lock) must not be
    // kept open by a point that outlives it.
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    std::vector<std::string> environment_text = sweep_point_environment();
    std::vector<char*> environment;
    for (auto& e : environment_text) environment.push_back(e.data());
    environment.push_back(nullptr);
    pid_t pid = -1;
    const int error = posix_spawn(&pid, launch.executable.c_str(), &actions, nullptr, argv.data(), environment.data());
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) throw IoError(launch.executable.string(), "cannot start a sweep point: " + system_reason(error));
    return pid;
}

PointOutcome wait_point(int pid, const std::atomic<bool>& stop) {
    const auto started = Clock::now();
    bool killed = false;
    for (;;) {
        int status = 0;
        const pid_t ended = waitpid(pid, &status, WNOHANG);
        if (ended == pid) return {exit_status_of(status), seconds_since(started)};
        if (ended < 0) return {1, seconds_since(started)};
        if (stop && !killed) {
            kill(pid, SIGTERM);
            killed = true;
        }
        std::this_thread::sleep_for(poll_interval);
    }
}

bool run_pool(const PointLaunch& launch, const std::vector<std::size_t>& pending_points, std::size_t local_slots,
              RemoteWorkers* remote, std::vector<std::optional<PointOutcome>>& outcomes, std::size_t already_done,
              ProgressLine& progress, const std::atomic<bool>& stop) {
    std::deque<std::size_t> pending(pending_points.begin(), pending_points.end());
    std::map<pid_t, Running> running;
    const std::size_t total = outcomes.size();
    std::size_t done = already_done;
    bool terminated = false;  // the running children were sent SIGTERM (once: they are cleaning up)
    const auto next = [&]() -> std::optional<std::size_t> {
        if (pending.empty() || stop) return std::nullopt;
        const std::size_t i = pending.front();
        pending.pop_front();
        return i;
    };
    const auto finished = [&](std::size_t index, const PointOutcome& outcome) {
        outcomes[index] = outcome;
        ++done;
    };
    while (!pending.empty() || !running.empty() || (remote != nullptr && remote->busy() > 0)) {
        if (stop && !terminated) {
            for (const auto& r : running) kill(r.first, SIGTERM);
            terminated = true;
        }
        for (auto it = running.begin(); it != running.end();) {
            int status = 0;
            const pid_t ended = waitpid(it->first, &status, WNOHANG);
            if (ended == it->first || ended < 0) {
                if (!stop) finished(it->second.index, {ended < 0 ? 1 : exit_status_of(status), seconds_since(it->second.started)});
                it = running.erase(it);
            } else {
                ++it;
            }
        }
        while (!stop && running.size() < local_slots && !pending.empty()) {
            const std::size_t i = *next();
            running[spawn_point(launch, i)] = {i, Clock::now()};
        }
        if (remote != nullptr) remote->poll(next, finished);
        if (stop && running.empty()) break;  // the other ranks' children are ended by their own rank
        progress.update(done, total, std::to_string(running.size() + (remote ? remote->busy() : 0)) + " running");
        std::this_thread::sleep_for(poll_interval);
    }
    if (remote != nullptr && !stop) remote->finish();
    progress.update(done, total);
    progress.close();
    return !stop;
}

}  // namespace cimkit::apps
