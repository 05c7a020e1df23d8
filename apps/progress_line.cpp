#include "apps/progress_line.hpp"

#include <unistd.h>

#include <cstdio>

namespace cimkit::apps {
namespace {

constexpr double silent_s = 2.0;          // nothing is shown before: a short run stays quiet
constexpr double plain_interval_s = 10.0; // not a terminal, no count: a line this often

// write(2), not stdio: the ticker thread may be writing while another thread forks (ngspice workers
// are forked children), and a child would inherit stderr's stdio lock held.
void emit(const std::string& text) {
    for (std::size_t written = 0; written < text.size();) {
        const ssize_t n = ::write(STDERR_FILENO, text.data() + written, text.size() - written);
        if (n <= 0) return;
        written += static_cast<std::size_t>(n);
    }
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

std::string duration_text(double s) {
    char text[32];
    if (s < 60) {
        std::snprintf(text, sizeof text, "%.0fs", s);
    } else if (s < 3600) {
        std::snprintf(text, sizeof text, "%dm%02ds", static_cast<int>(s / 60), static_cast<int>(s) % 60);
    } else {
        std::snprintf(text, sizeof text, "%dh%02dm", static_cast<int>(s / 3600), static_cast<int>(s / 60) % 60);
    }
    return text;
}

ProgressLine::ProgressLine(std::string label, std::string unit, bool quiet, bool ticking)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      quiet_(quiet),
      tty_(::isatty(STDERR_FILENO) != 0),
      ticking_(ticking && !quiet),
      started_(std::chrono::steady_clock::now()),
      first_update_(started_) {}

ProgressLine::~ProgressLine() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (ticker_.joinable()) ticker_.join();
    close();
}

void ProgressLine::tick() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) render(true);
}

// Started with the first line of work, not with the object: a command that forks first has then no
// second thread to copy a lock state from.
void ProgressLine::start_ticker() {
    if (ticking_ && !ticker_.joinable()) ticker_ = std::thread([this] { tick(); });
}

void ProgressLine::update(std::size_t done, std::size_t total, const std::string& note) {
    std::lock_guard<std::mutex> lock(mutex_);
    start_ticker();
    if (!counted_ || done < done_ || total != total_) {  // a new count starts: the rate from here
        first_update_ = std::chrono::steady_clock::now();
        first_done_ = done;
        counted_ = true;
    }
    done_ = done;
    total_ = total;
    note_ = note;
    render(false);
}

void ProgressLine::step(const std::string& note) {
    std::lock_guard<std::mutex> lock(mutex_);
    start_ticker();
    counted_ = false;
    total_ = 0;
    note_ = note;
    render(false);
}

void ProgressLine::render(bool from_ticker) {
    if (quiet_) return;
    const double elapsed_s = seconds_since(started_);
    if (elapsed_s < silent_s) return;
    const bool counted = counted_ && total_ > 0;
    if (from_ticker && counted && !tty_) return;  // into a file: only the tenths the updates reach
    std::string text = label_ + ":";
    if (counted) {
        const double rate = static_cast<double>(done_ - first_done_) / std::max(1e-9, seconds_since(first_update_));
        char figures[160];
        std::snprintf(figures, sizeof figures, " %zu/%zu %s  %.3g %s/s  ETA %s", done_, total_, unit_.c_str(), rate, unit_.c_str(),
                      rate > 0 ? duration_text(static_cast<double>(total_ - done_) / rate).c_str() : "?");
        text += figures;
    }
    if (!note_.empty()) text += (counted ? "  " : " ") + note_;
    if (!counted) text += "  " + duration_text(elapsed_s);
    if (tty_) {
        emit("\r" + text + "\033[K");
        line_open_ = true;
    } else if (counted) {
        const int decile = static_cast<int>(10 * done_ / total_);
        if (decile <= printed_decile_) return;
        printed_decile_ = decile;
        emit(text + "\n");
    } else {
        if (last_plain_s_ > 0 && elapsed_s - last_plain_s_ < plain_interval_s) return;
        last_plain_s_ = elapsed_s;
        emit(text + "\n");
    }
}

void ProgressLine::print(const std::string& line, bool always) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (quiet_ && !always) return;
    std::fflush(stderr);  // what the command wrote to stderr before comes first
    emit((line_open_ ? "\r\033[K" : "") + line + "\n");
    line_open_ = false;
    printed_decile_ = -1;
}

void ProgressLine::close() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (line_open_) emit("\r\033[K");
    line_open_ = false;
    printed_decile_ = -1;
}

}  // namespace cimkit::apps
