#include "devices/core/child_process.hpp"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

#include "devices/core/errors.hpp"

namespace cimkit {

ForkedChild fork_child(const std::function<int(int socket_fd)>& child_main, int parent_death_signal, const std::string& what) {
    int fds[2];
    // A socket pair rather than pipes: send() takes MSG_NOSIGNAL, so a vanished peer is an EPIPE to
    // handle, not a SIGPIPE that kills the writer.
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        throw Error(what + ": socketpair failed: " + std::strerror(errno));
    }
    std::fflush(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int error = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        throw Error(what + ": fork failed: " + std::strerror(error));
    }
    if (pid == 0) {
        ::close(fds[0]);
        // A child working on without its parent (spinning in a library, writing outputs after the
        // user stopped cimkit) is what the signal prevents; the getppid check closes the window
        // in which the parent died before prctl.
        if (parent_death_signal != 0 && (::prctl(PR_SET_PDEATHSIG, parent_death_signal) != 0 || ::getppid() != parent)) ::_exit(125);
        int status = 125;
        try {
            status = child_main(fds[1]);
        } catch (...) {
        }
        ::_exit(status);  // nothing may return into the parent's code: its stack is ours after fork
    }
    ::close(fds[1]);
    return ForkedChild{pid, fds[0]};
}

bool read_to_end(int fd, std::chrono::steady_clock::time_point deadline, std::string& bytes, const std::string& what) {
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) return false;
        pollfd entry{fd, POLLIN, 0};
        const int ready = ::poll(&entry, 1, static_cast<int>(std::min<long long>(left, 1 << 30)));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) throw Error(what + ": poll failed: " + std::strerror(errno));
        if (ready == 0) continue;  // the loop checks the deadline
        char buffer[4096];
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == ECONNRESET) return true;  // the child is gone: that is the end
        if (n < 0) throw Error(what + ": read failed: " + std::strerror(errno));
        if (n == 0) return true;
        bytes.append(buffer, static_cast<std::size_t>(n));
    }
}

std::chrono::steady_clock::time_point deadline_after(double seconds) {
    return std::chrono::steady_clock::now() +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
}

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

std::string describe_end(int status) {
    if (status == -1) return "ended (its exit status was not available)";
    if (WIFSIGNALED(status)) return "was killed by " + describe_signal(WTERMSIG(status));
    return "exited with status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace cimkit
