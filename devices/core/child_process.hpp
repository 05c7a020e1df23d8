#pragma once
// Waiting for a forked child with a deadline, and killing it: shared by the ngspice worker
// (circuits/spice/worker.cpp) and the isolated resume check (apps/isolated_check.cpp).
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

namespace cimkit {

// Waits for `pid` until `deadline`: its wait status, or nothing when it is still running then.
// -1: the status is not ours to read (SIGCHLD ignored by the application, so the kernel reaped it).
std::optional<int> wait_until(pid_t pid, std::chrono::steady_clock::time_point deadline);

// Sends SIGKILL and reaps `pid`; its wait status, or -1 as above.
int kill_and_reap(pid_t pid);

// "signal 11 (SIGSEGV, Segmentation fault)": how a child's death by `signal` reads in a message.
std::string describe_signal(int signal);

}  // namespace cimkit
