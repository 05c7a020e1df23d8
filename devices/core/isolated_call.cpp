#include "devices/core/isolated_call.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <optional>

#include "devices/core/child_process.hpp"
#include "devices/core/error_transport.hpp"
#include "devices/core/errors.hpp"

namespace cimkit {
namespace {

// The child's report: one byte, 'k' when `check` returned, 'x' then encode_error's bytes when it threw.
constexpr char returned = 'k';
constexpr char threw = 'x';

// Exit status of a child that reported a failure of `check` (it is the report that counts).
constexpr int child_reported_failure = 3;

void send_all(int fd, const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the parent is gone or gave up: nobody to tell
        done += static_cast<std::size_t>(n);
    }
}

int run_child(const std::function<void()>& check, int report_fd) {
    const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd >= 0) ::dup2(null_fd, STDERR_FILENO);
    std::string report;
    try {
        check();
        report = std::string(1, returned);
    } catch (...) {
        report = std::string(1, threw) + encode_error(std::current_exception());
    }
    send_all(report_fd, report);
    return report[0] == returned ? 0 : child_reported_failure;
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
    const std::string what = "cannot check " + subject;
    // SIGKILL on the parent's death: a child spinning inside a library must not outlive a killed cimkit.
    const ForkedChild child = fork_child([&](int fd) { return run_child(check, fd); }, SIGKILL, what);
    const auto deadline = deadline_after(timeout_s);
    std::string report;
    bool finished = false;
    try {
        finished = read_to_end(child.socket_fd, deadline, report, what);
    } catch (...) {
        ::close(child.socket_fd);
        kill_and_reap(child.pid);
        throw;
    }
    ::close(child.socket_fd);
    std::optional<int> status;
    // The channel closed: the child is gone or about to be. Give it until the deadline to be reaped.
    if (finished) status = wait_until(child.pid, std::max(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(1)));
    if (!status) {
        kill_and_reap(child.pid);
        throw IoError(subject, reader + " did not finish within " + seconds(timeout_s) +
                                   " reading it (the reading process was killed); the file is corrupt");
    }
    if (*status != -1 && WIFSIGNALED(*status)) {
        throw IoError(subject, reader + " crashed (" + describe_signal(WTERMSIG(*status)) + ") reading it; the file is corrupt");
    }
    const bool exited_cleanly =
        *status == -1 || (WIFEXITED(*status) && (WEXITSTATUS(*status) == 0 || WEXITSTATUS(*status) == child_reported_failure));
    if (report.empty() || !exited_cleanly) {
        // A sanitizer's report (exit status 1 by default) or an abort through exit() lands here.
        throw IoError(subject, reader + " failed (the reading process " + describe_end(*status) + ") reading it; the file is corrupt");
    }
    if (report[0] == threw) throw_decoded_error(report.substr(1));
}

}  // namespace cimkit
