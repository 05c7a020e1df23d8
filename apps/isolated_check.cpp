#include "apps/isolated_check.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <new>
#include <optional>
#include <stdexcept>

#include "devices/core/child_process.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::apps {
namespace {

using Clock = std::chrono::steady_clock;

// The child's report: one byte saying how `check` ended, then its text.
enum Outcome : char {
    ok = 'k',
    io_error = 'i',  // then the path, a NUL, and what()
    usage_error = 'u',
    parameter_error = 'p',
    cimkit_error = 'e',
    out_of_memory = 'm',
    other_exception = 'x',
};

// Exit status of a child that reported a failure of `check` (it is the report that counts).
constexpr int child_reported_failure = 3;

void write_all(int fd, const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the parent is gone or gave up: nobody to tell
        done += static_cast<std::size_t>(n);
    }
}

[[noreturn]] void run_child(const std::function<void()>& check, int report_fd, pid_t parent) {
    // Die with the parent: a child spinning inside a library must not outlive a killed cimkit.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(child_reported_failure);
    const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd >= 0) ::dup2(null_fd, STDERR_FILENO);
    std::string report;
    try {
        check();
        report = std::string(1, ok);
    } catch (const IoError& e) {
        report = std::string(1, io_error) + e.path() + '\0' + e.what();
    } catch (const UsageError& e) {
        report = std::string(1, usage_error) + e.what();
    } catch (const ParameterError& e) {
        report = std::string(1, parameter_error) + e.what();
    } catch (const Error& e) {
        report = std::string(1, cimkit_error) + e.what();
    } catch (const std::bad_alloc&) {
        report = std::string(1, out_of_memory);
    } catch (const std::exception& e) {
        report = std::string(1, other_exception) + e.what();
    } catch (...) {
        report = std::string(1, other_exception) + "unknown exception";
    }
    write_all(report_fd, report);
    ::_exit(report[0] == ok ? 0 : child_reported_failure);
}

// Rethrows what the child reported; returns when it reported success.
void rethrow_report(const std::string& report) {
    const std::string text = report.substr(1);
    switch (report[0]) {
        case ok:
            return;
        case io_error: {
            const std::size_t end = text.find('\0');
            const std::string path = text.substr(0, end);
            std::string what = end == std::string::npos ? std::string() : text.substr(end + 1);
            const std::string prefix = "'" + path + "': ";  // IoError's constructor adds it again
            if (what.compare(0, prefix.size(), prefix) == 0) what.erase(0, prefix.size());
            throw IoError(path, what);
        }
        case usage_error:
            throw UsageError(text);
        case parameter_error:
            throw ParameterError(text);
        case cimkit_error:
            throw Error(text);
        case out_of_memory:
            throw std::bad_alloc();
        default:
            throw std::runtime_error(text);
    }
}

std::string seconds(double s) {
    char text[32];
    std::snprintf(text, sizeof text, "%g s", s);
    return text;
}

}  // namespace

void run_isolated_check(const std::function<void()>& check, const std::string& subject, const std::string& reader,
                        double timeout_s) {
    if (!(timeout_s > 0.0 && timeout_s <= 1e6)) throw UsageError("isolated check: the time limit must be in (0, 1e6] s, got " + seconds(timeout_s));
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw Error(std::string("cannot check ") + subject + ": pipe failed: " + std::strerror(errno));
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int error = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        throw Error(std::string("cannot check ") + subject + ": fork failed: " + std::strerror(error));
    }
    if (pid == 0) {
        ::close(fds[0]);
        run_child(check, fds[1], parent);  // never returns
    }
    ::close(fds[1]);

    // Read the report until the child closes its end (it exits), or until the deadline.
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
    std::string report;
    bool timed_out = false;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        pollfd entry{fds[0], POLLIN, 0};
        const int ready = ::poll(&entry, 1, static_cast<int>(std::min<long long>(left, 1 << 30)));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) {
            const int error = errno;
            ::close(fds[0]);
            kill_and_reap(pid);
            throw Error(std::string("cannot check ") + subject + ": poll failed: " + std::strerror(error));
        }
        if (ready == 0) continue;  // the loop checks the deadline
        char buffer[4096];
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // end of stream: the child has exited (or is exiting)
        report.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    std::optional<int> status;
    if (!timed_out) {
        // The pipe closed: the child is gone or about to be. Give it until the deadline to be reaped.
        status = wait_until(pid, std::max(deadline, Clock::now() + std::chrono::seconds(1)));
        timed_out = !status;
    }
    if (timed_out) {
        kill_and_reap(pid);
        throw IoError(subject, reader + " did not finish within " + seconds(timeout_s) +
                                   " reading it (the reading process was killed); the file is corrupt");
    }
    if (*status != -1 && WIFSIGNALED(*status)) {
        const int signal = WTERMSIG(*status);
        const char* name = ::sigabbrev_np(signal);
        throw IoError(subject, reader + " crashed (signal " + std::to_string(signal) + ", SIG" + (name ? name : "?") +
                                   ") reading it; the file is corrupt");
    }
    const bool exited_cleanly = *status == -1 || (WIFEXITED(*status) && (WEXITSTATUS(*status) == 0 || WEXITSTATUS(*status) == child_reported_failure));
    if (report.empty() || !exited_cleanly) {
        // A sanitizer's report (exit status 1 by default) or an abort through exit() lands here.
        const std::string how = *status != -1 && WIFEXITED(*status) ? "ended with status " + std::to_string(WEXITSTATUS(*status))
                                                                     : "ended without a report";
        throw IoError(subject, reader + " failed (the reading process " + how + ") reading it; the file is corrupt");
    }
    rethrow_report(report);
}

}  // namespace cimkit::apps
