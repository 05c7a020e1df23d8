#pragma once
// The one way cimkit runs work in a forked child: fork with a channel, a deadline, killing, and how
// a child's death reads in a message. Used by the ngspice worker (circuits/spice/worker.cpp), the
// isolated call (devices/core/isolated_call.hpp) and the contained run of a subcommand
// (apps/contained_run.hpp); their errors cross with devices/core/error_transport.hpp.
//
// Fork safety: fork only while the process runs one thread (the child gets a copy of one thread
// only; a lock another thread held stays locked in it for ever) and holds no in-process ngspice
// Engine (the library's global state would be shared with the child).
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace cimkit {

// A forked child and the parent's end of a socket pair connected to it.
struct ForkedChild {
    pid_t pid = 0;
    int socket_fd = -1;  // close-on-exec; the caller closes it
};

// Forks after flushing stdio (buffered output must not be written twice). In the child:
// `parent_death_signal` (0: none) is delivered when the parent dies, and if the parent is already
// gone the child leaves at once; then `child_main` runs with the child's end of the socket pair and
// its return value is the exit status, taken with _exit: no atexit handlers, no static destructors,
// no second flush of inherited buffers. An exception escaping `child_main` exits with status 125.
// Throws Error naming `what` when socketpair or fork fails.
ForkedChild fork_child(const std::function<int(int socket_fd)>& child_main, int parent_death_signal, const std::string& what);

// Reads `fd` to its end (the child exited or closed it) into `bytes`: true; false when `deadline`
// passes first. Retries on EINTR; throws Error naming `what` if poll or read fails otherwise.
bool read_to_end(int fd, std::chrono::steady_clock::time_point deadline, std::string& bytes, const std::string& what);

// The time point `seconds` from now, for the waits below.
std::chrono::steady_clock::time_point deadline_after(double seconds);

// Waits for `pid` until `deadline`: its wait status, or nothing when it is still running then.
// -1: the status is not ours to read (SIGCHLD ignored by the application, so the kernel reaped it).
std::optional<int> wait_until(pid_t pid, std::chrono::steady_clock::time_point deadline);

// Sends SIGKILL and reaps `pid`; its wait status, or -1 as above.
int kill_and_reap(pid_t pid);

// "signal 11 (SIGSEGV, Segmentation fault)": how a child's death by `signal` reads in a message.
std::string describe_signal(int signal);

// How a wait status from wait_until or kill_and_reap reads: "was killed by signal 11 (...)",
// "exited with status 3", or, for -1, "ended (its exit status was not available)".
std::string describe_end(int status);

}  // namespace cimkit
