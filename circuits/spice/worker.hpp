#pragma once
// An ngspice Engine in a child process, so that a crash of ngspice costs one solve, not the run.
//
// ngspice can abort() or segfault the whole process (an assertion in its sparse solver, a bad pointer
// in a command; docs/ngspice-facts.md#background-runs-and-crashes, docs/engine.md), and no
// in-process handler can recover from that.
// A Worker fork()s a child that owns its own Engine and talks to it over a socket pair:
//
//   Worker worker;                                    // forks the child
//   worker.load(netlist_text, "tile 0");
//   worker.set_external_table("vin_0", {0.1, 0.2, 0.3}, 1e-6);
//   auto columns = worker.run_and_read("tran 1u 3u 0 1u", {"time", "vsense_0#branch"});
//
// Errors thrown by the child's Engine (SpiceError, ConvergenceError, UsageError, NetlistError,
// IoError, cimkit::Error) are thrown again here with the same type and message.
//
// If the child dies (abort, segfault, killed), the call throws WorkerCrashed and the next call starts
// a fresh child; a solve that hangs past WorkerOptions::solve_timeout_s gets its child killed and
// throws WorkerTimeout (a WorkerCrashed), with the same restart. The loaded netlist is forgotten:
// the caller must load() again (it may have been the netlist that crashed ngspice, so reloading it
// blindly could crash in a loop). The external tables registered so far are kept and sent to the
// new child.
//
// A Worker must be created in a process that has no in-process Engine alive: the child is a fork and
// would inherit that Engine's ngspice state (start-up then fails with cimkit::Error saying so).
// The child ends when the Worker is destroyed, or when the parent process dies (it sees its socket
// close). It ignores SIGINT, so Ctrl-C leaves the decision to the parent.
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "circuits/spice/plot.hpp"
#include "circuits/spice/sandbox.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::spice {

// The worker's child process died; the message names the signal (or exit status) and the request.
class WorkerCrashed : public Error {
public:
    using Error::Error;
};

// A solve took longer than WorkerOptions::solve_timeout_s: the child was killed (SIGKILL) and reaped.
// It is a WorkerCrashed, because what follows is the same: the next call starts a fresh child, which
// needs the netlist loaded again. The message names the request and the limit.
class WorkerTimeout : public WorkerCrashed {
public:
    using WorkerCrashed::WorkerCrashed;
};

struct WorkerOptions {
    // After this many solves a child is replaced by a fresh one, which gets the last netlist and all
    // tables again, so ngspice's per-command leak (docs/ngspice-facts.md#per-command-leak) stays
    // bounded. 0: never.
    long max_solves_before_recycle = 0;
    // Wall-clock limit on one solve, from the request being sent to the first byte of the answer;
    // then WorkerTimeout. 0: no limit. The default, 600 s, is a hang detector, not a budget: the
    // slowest solve measured (docs/ngspice-facts.md#measured-timings: an `op` of a 784x100 level-1
    // MOSFET crossbar) was stopped after 60 s, and a batched transient of that array takes under
    // 1 s per sample. Callers that know their solve time should set a tighter limit. Loads get the
    // same limit.
    double solve_timeout_s = 600.0;
    // The child's address-space limit (RLIMIT_AS); 0: none. Not applied under AddressSanitizer.
    std::size_t memory_limit_bytes = 0;
    // The sandbox for a netlist from someone else (sandbox.hpp); off by default, for cimkit's own.
    SandboxPolicy sandbox;
    // The child is killed (SIGKILL) when the thread that started it ends, so that Ctrl-C or a kill of
    // the parent in the middle of a long analysis does not leave ngspice running on (the child ignores
    // SIGINT and otherwise notices only at its next request). Linux ties this to the *thread*, so only
    // for a Worker created and restarted on a thread that lives as long as it does (simulate's).
    bool die_with_parent = false;
};

// Every plot of a run_all, and ngspice's output since the load ("stdout ..." / "stderr ..." lines).
struct AllPlots {
    std::vector<Plot> plots;
    std::vector<std::string> output;
};

class Worker {
public:
    explicit Worker(WorkerOptions options = {});
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    // Parses a netlist in the child (Engine::load). `origin` names it in error messages.
    void load(const std::string& netlist_text, const std::string& origin);

    // Drives the EXTERNAL voltage (or current) source `source_name` with values[min(floor(t/step_s +
    // 1e-9), size-1)]: an `op` sees values[0], a transient with one time point per step_s one sample
    // per point. Calling again for the same source replaces the values; the numbers travel with the
    // next solve, so updating between solves costs no extra round trip.
    void set_external_table(const std::string& source_name, std::vector<double> values, double step_s);
    void set_external_current_table(const std::string& source_name, std::vector<double> values, double step_s);

    // Drives the EXTERNAL voltage source `source_name` with the piecewise-linear waveform through
    // (times_s[k], values_V[k]), held at the end values outside them. ngspice does not see its corners:
    // pass the ones that matter as breakpoints to run_and_read.
    void set_external_waveform(const std::string& source_name, std::vector<double> times_s, std::vector<double> values_V);

    // Every analysis card of the loaded netlist (Engine::run, unless a .control block already made
    // plots), with solve_timeout_s as the limit.
    AllPlots run_all();

    // Engine::run_and_read in the child: "op", "dc ..." or "tran ...", the named vectors in the order asked.
    std::vector<std::vector<double>> run_and_read(const std::string& analysis, const std::vector<std::string>& vectors,
                                                  const std::vector<double>& breakpoints_s = {});
    // The same in two halves, so that several workers solve at once: start sends the request and
    // returns; finish waits for the answer and throws what run_and_read would. One solve at a time.
    void start_run_and_read(const std::string& analysis, const std::vector<std::string>& vectors,
                            const std::vector<double>& breakpoints_s = {});
    std::vector<std::vector<double>> finish_run_and_read();

    // Solves answered by any child of this worker (results and errors alike).
    long solves() const { return solves_; }
    // Children started after the first one (crash restarts and recycles).
    int restarts() const { return restarts_; }
    // Resident memory of the current child (/proc/<pid>/statm); 0 when none is running.
    std::size_t child_rss_bytes() const;
    // The current child's process id; 0 when none is running (for tests and diagnostics).
    pid_t child_pid() const { return pid_; }

private:
    struct Table {
        std::vector<double> values;
        double step_s = 1.0;
        std::vector<double> times_s;  // empty: a step table; else a piecewise-linear waveform
    };
    struct LoadedNetlist {
        std::string text;
        std::string origin;
    };

    void start_child();
    void stop_child();
    void ensure_child();
    void recycle_if_due();
    void send_load(const LoadedNetlist& netlist);
    void set_table(std::map<std::string, Table>& tables, std::set<std::string>& dirty, const std::string& source_name,
                   Table table);
    void send_dirty_tables(const std::string& request);
    // The deadline of a request sent now: solve_timeout_s from now (unused when the limit is 0).
    std::chrono::steady_clock::time_point deadline_from_now() const;
    // Waits for the answer to `request` until `deadline` (when solve_timeout_s is set) and returns its
    // payload; throws WorkerTimeout, WorkerCrashed, or the child's error again. A solve's answer,
    // result or error, counts towards solves() and the recycle limit.
    std::string await_answer(const std::string& request, std::chrono::steady_clock::time_point deadline, bool is_solve);
    // Reaps the dead child and throws WorkerCrashed naming how it ended and `request`.
    [[noreturn]] void child_died(const std::string& request);
    // Kills the child that did not answer `request` in time, reaps it and throws WorkerTimeout.
    [[noreturn]] void child_timed_out(const std::string& request);

    WorkerOptions options_;
    pid_t pid_ = 0;
    int socket_fd_ = -1;
    bool started_once_ = false;
    long solves_ = 0;
    long child_solves_ = 0;
    int restarts_ = 0;
    std::optional<LoadedNetlist> netlist_;  // what the current child has loaded
    std::optional<std::string> pending_request_;  // a started solve whose answer is not read yet
    std::chrono::steady_clock::time_point pending_deadline_;  // when that solve times out
    std::map<std::string, Table> voltage_tables_;
    std::map<std::string, Table> current_tables_;
    std::set<std::string> dirty_voltage_;  // tables the current child has not received yet
    std::set<std::string> dirty_current_;
};

}  // namespace cimkit::spice
