#include "apps/plot_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>

#include "devices/core/child_process.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::apps {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int ready_fd = 3;          // the script's --ready-fd
constexpr char read_done = 'r';      // written by the script once the file is read and closed
constexpr char exec_failed = 'x';    // written by the child when the interpreter cannot be started
constexpr const char* reader = "the HDF5 library (through h5py)";

std::string seconds(double s) {
    char text[32];
    std::snprintf(text, sizeof text, "%g s", s);
    return text;
}

std::string signal_name(int signal) {
    const char* name = ::sigabbrev_np(signal);
    return "signal " + std::to_string(signal) + ", SIG" + (name ? name : "?");
}

[[noreturn]] void run_child(std::vector<char*>& argv, int write_fd, pid_t parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);  // cimkit died before prctl took effect
    if (::dup2(write_fd, ready_fd) != ready_fd) ::_exit(127);
    ::execvp(argv[0], argv.data());
    const ssize_t ignored = ::write(ready_fd, &exec_failed, 1);
    (void)ignored;
    ::_exit(127);
}

// Reads from `fd` until the first byte, the end of the stream or `deadline`: the byte, '\0' at the
// end of the stream (the child exited or died), nothing at the deadline.
std::optional<char> first_byte(int fd, Clock::time_point deadline) {
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return std::nullopt;
        pollfd entry{fd, POLLIN, 0};
        const int ready = ::poll(&entry, 1, static_cast<int>(std::min<long long>(left, 1 << 30)));
        if (ready < 0 && errno != EINTR) throw Error(std::string("cannot run the plotting script: poll failed: ") + std::strerror(errno));
        if (ready <= 0) continue;  // EINTR or no data yet: the loop checks the deadline
        char byte = 0;
        const ssize_t n = ::read(fd, &byte, 1);
        if (n < 0 && errno == EINTR) continue;
        return n == 1 ? byte : '\0';
    }
}

int wait_forever(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return status;
}

}  // namespace

PlotScriptEnd run_plot_script(std::vector<std::string> args, const std::string& input, double read_timeout_s) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw Error(std::string("cannot run the plotting script: pipe failed: ") + std::strerror(errno));
    if (fds[1] == ready_fd) {
        // dup2 onto the same descriptor would leave FD_CLOEXEC set, and exec would close it.
        const int moved = ::fcntl(fds[1], F_DUPFD_CLOEXEC, ready_fd + 1);
        const int error = errno;
        ::close(fds[1]);
        if (moved < 0) {
            ::close(fds[0]);
            throw Error(std::string("cannot run the plotting script: fcntl failed: ") + std::strerror(error));
        }
        fds[1] = moved;
    }
    args.push_back("--ready-fd");
    args.push_back(std::to_string(ready_fd));
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    const pid_t parent = ::getpid();
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(read_timeout_s));
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int error = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        throw Error(std::string("cannot run the plotting script: fork failed: ") + std::strerror(error));
    }
    if (pid == 0) run_child(argv, fds[1], parent);  // never returns
    ::close(fds[1]);

    std::optional<char> byte;
    try {
        byte = first_byte(fds[0], deadline);
    } catch (...) {
        ::close(fds[0]);
        kill_and_reap(pid);
        throw;
    }
    ::close(fds[0]);
    if (!byte) {
        kill_and_reap(pid);
        throw IoError(input, reader + std::string(" did not finish within ") + seconds(read_timeout_s) +
                                 " reading it (the plotting process was killed); the file is corrupt");
    }
    if (*byte == read_done) {
        const int status = wait_forever(pid);
        if (status != -1 && WIFSIGNALED(status)) return {1, signal_name(WTERMSIG(status))};
        return {status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : 1, ""};
    }
    // The stream ended before the file was read: the script exited by itself (bad input, reported on
    // its stderr) or died. Its end is moments away; a child that still lingers is past its limit.
    const std::optional<int> status = wait_until(pid, std::max(deadline, Clock::now() + std::chrono::seconds(1)));
    if (!status) {
        kill_and_reap(pid);
        throw IoError(input, reader + std::string(" did not finish within ") + seconds(read_timeout_s) +
                                 " reading it (the plotting process was killed); the file is corrupt");
    }
    if (*byte == exec_failed) throw Error("cannot start the plotting script: " + args[0] + " could not be run");
    if (*status != -1 && WIFSIGNALED(*status)) {
        const int signal = WTERMSIG(*status);
        // SIGINT or SIGTERM of the child alone (its process group's also ends cimkit): interrupted.
        if (signal == SIGINT || signal == SIGTERM) return {130, ""};
        throw IoError(input, reader + std::string(" crashed (") + signal_name(signal) + ") reading it; the file is corrupt");
    }
    return {*status != -1 && WIFEXITED(*status) ? WEXITSTATUS(*status) : 1, ""};
}

}  // namespace cimkit::apps
