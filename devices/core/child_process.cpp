#include "devices/core/child_process.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

namespace cimkit {

std::optional<int> wait_until(pid_t pid, std::chrono::steady_clock::time_point deadline) {
    // Polls with a growing pause: a child that exits at once is reaped within microseconds, and a
    // long wait costs at most 50 wake-ups a second.
    auto pause = std::chrono::microseconds(50);
    int status = 0;
    for (;;) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) return status;
        if (done < 0 && errno != EINTR) return -1;
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::microseconds(20000));
    }
}

int kill_and_reap(pid_t pid) {
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return status;
}

std::string describe_signal(int signal) {
    const char* name = ::sigabbrev_np(signal);
    return "signal " + std::to_string(signal) + " (SIG" + (name ? name : "?") + ", " + ::strsignal(signal) + ")";
}

}  // namespace cimkit
