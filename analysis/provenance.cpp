#include "analysis/provenance.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <exception>

#include "circuits/spice/engine.hpp"
#include "circuits/spice/sandbox.hpp"
#include "devices/core/build_info.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::analysis {
namespace {

// The banner ngspice prints when the shared library starts (ngSpice_Init), e.g.
//   stdout ******
//   stdout ** ngspice-46 shared library
//   stdout ** Creation Date: Wed Apr 15 15:18:29 UTC 2026
// as "ngspice-46 shared library, Creation Date: Wed Apr 15 15:18:29 UTC 2026".
std::string banner_of_new_engine() {
    // In the workers' sandbox with no folder of its own: ngspice reads ./.spiceinit (and
    // ~/.spiceinit) at start-up, and either could `shell` a command (circuits/spice/sandbox.hpp).
    spice::enter_sandbox(spice::SandboxPolicy{true, {}});
    const spice::Engine engine;
    std::string banner;
    for (const auto& line : engine.output()) {
        const auto at = line.find("** ");
        if (at == std::string::npos) continue;
        banner += (banner.empty() ? "" : ", ") + line.substr(at + 3);
    }
    return banner.empty() ? "unknown (ngspice printed no banner)" : banner;
}

// Read in a child process: libngspice allows one engine per process, and this one may have its own
// (or start it later). The child writes the banner to a pipe and exits without running any
// destructor or atexit handler of this process.
std::string ask_ngspice_version() {
    int fds[2];
    if (::pipe(fds) != 0) return "unknown (no pipe)";
    const pid_t child = ::fork();
    if (child < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return "unknown (no child process)";
    }
    if (child == 0) {
        ::close(fds[0]);
        ::alarm(30);  // a probe that hangs ends (SIGALRM), and the file records "unknown" instead of waiting
        std::string text;
        try {
            text = banner_of_new_engine();
        } catch (const std::exception& e) {
            text = std::string("unknown (") + e.what() + ")";
        }
        for (std::size_t written = 0; written < text.size();) {
            const ssize_t n = ::write(fds[1], text.data() + written, text.size() - written);
            if (n <= 0) break;
            written += static_cast<std::size_t>(n);
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string text;
    char buffer[512];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return text.empty() ? "unknown (the ngspice probe ended without an answer)" : text;
}

}  // namespace

const std::string& ngspice_version() {
    static const std::string version = ask_ngspice_version();
    return version;
}

std::string utc_timestamp() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

void write_provenance(h5::File& file, const std::string& command_line, const std::string& command_line_history) {
    file.set_attribute("/", "cimkit_version", build_info::version);
    file.set_attribute("/", "git_commit", build_info::git_commit);
    file.set_attribute("/", "created_utc", utc_timestamp());
    file.set_attribute("/", "command_line", command_line);
    file.set_attribute("/", "ngspice_version", ngspice_version());
    if (!command_line_history.empty()) file.set_attribute("/", "command_line_history", command_line_history);
}

CommandLines read_command_lines(const std::filesystem::path& path) {
    const h5::Reader reader(path);
    CommandLines lines{reader.string_attribute("/", "command_line"), ""};
    try {
        lines.history = reader.string_attribute("/", "command_line_history");
    } catch (const IoError&) {
        // never resumed (or written before the history was kept)
    }
    return lines;
}

}  // namespace cimkit::analysis
