#pragma once
// Progress on stderr for every command that can run longer than a couple of seconds: what is done
// of how much, the rate and the time left. On a terminal one line is rewritten in place (\r); into
// a file or pipe a line is written each time another ~10 % is done. Nothing is shown in the first
// ~2 s (a short run stays silent) nor with --quiet. Work that has no count (one ngspice solve) shows
// the elapsed time instead, kept current by a ticker thread (started by the first step()).
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

namespace cimkit::apps {

class ProgressLine {
public:
    // `label` starts every line ("simulate rc.cir"); `unit` names what is counted ("cards").
    // `ticking`: a ticker thread refreshes the line every second (elapsed time, rate), for work whose
    // steps can each take long; without it the line changes only at update().
    ProgressLine(std::string label, std::string unit, bool quiet, bool ticking = true);
    ~ProgressLine();  // ends an open line
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    // `done` of `total` (total 0: unknown, only the elapsed time is shown); `note` follows the figures.
    void update(std::size_t done, std::size_t total, const std::string& note = "");
    // A step without a count ("ngspice solve"): the line shows it with the elapsed time, every second.
    void step(const std::string& note);
    // A whole line (an epoch's result, a warning) that replaces an open progress line. Not with --quiet
    // unless `always` (a warning must be seen).
    void print(const std::string& line, bool always = false);
    // Ends an open line; the next update starts a new one.
    void close();

private:
    void render(bool from_ticker);  // with mutex_ held
    void tick();
    void start_ticker();  // with mutex_ held

    std::string label_, unit_;
    bool quiet_, tty_, ticking_;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point first_update_;
    std::size_t first_done_ = 0, done_ = 0, total_ = 0;
    bool counted_ = false;      // an update was given since the last step
    int printed_decile_ = -1;   // not a terminal: the last tenth written
    double last_plain_s_ = 0.0; // not a terminal, no count: when the last line was written
    bool line_open_ = false;
    std::string note_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread ticker_;
};

// "42s", "3m05s", "2h07m".
std::string duration_text(double seconds);

}  // namespace cimkit::apps
