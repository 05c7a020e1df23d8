#pragma once
// Runs a sweep's points as child processes of this binary (/proc/self/exe): a pool of local slots
// with dynamic assignment (a slot takes the next pending point as soon as its child ends), plus,
// under MPI, the points handed to other ranks (apps/sweep_mpi.hpp). Every point is a process of its
// own, so that ngspice's forked workers and MPI never share one.
#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cimkit::apps {

class ProgressLine;

// How one point ended in this invocation. `exit_status` is the child's (128 + signal when killed).
struct PointOutcome {
    int exit_status = 0;
    double wall_time_s = 0.0;
};

// How to run point i: the executable, the command and its arguments, the log its output goes to.
struct PointLaunch {
    std::filesystem::path executable;
    std::string command;
    std::function<std::vector<std::string>(std::size_t)> arguments;
    std::function<std::filesystem::path(std::size_t)> log;
};

// Points run elsewhere (other MPI ranks). poll() never blocks: it hands pending points (taken with
// `next`) to idle workers and reports the ones that ended through `done`.
class RemoteWorkers {
public:
    virtual ~RemoteWorkers() = default;
    virtual void poll(const std::function<std::optional<std::size_t>()>& next,
                      const std::function<void(std::size_t, const PointOutcome&)>& done) = 0;
    virtual std::size_t busy() const = 0;
    virtual void finish() = 0;  // every worker is told to end (no point is running anywhere)
};

// Starts point `index` with its output appended to its log; returns the child's pid.
int spawn_point(const PointLaunch& launch, std::size_t index);

// Waits for the child (killing it first when `stop` is set meanwhile) and returns how it ended.
PointOutcome wait_point(int pid, const std::atomic<bool>& stop);

// Runs `pending` (point indices) with `local_slots` local children and `remote` (may be null);
// `outcomes` (indexed by point) receives each. Returns false when `stop` was set: the running
// children were sent SIGTERM and waited for, the points they ran stay unfinished.
bool run_pool(const PointLaunch& launch, const std::vector<std::size_t>& pending, std::size_t local_slots,
              RemoteWorkers* remote, std::vector<std::optional<PointOutcome>>& outcomes, std::size_t already_done,
              ProgressLine& progress, const std::atomic<bool>& stop);

}  // namespace cimkit::apps
