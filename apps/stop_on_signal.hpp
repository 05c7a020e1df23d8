#pragma once
// While one lives, SIGINT and SIGTERM only raise a flag, so a long command (train, sweep) can stop at
// a point where its files are whole; the previous handlers (cleanup_on_signal's) come back after.
#include <atomic>

namespace cimkit::apps {

class StopOnSignal {
public:
    StopOnSignal();  // clears the flag
    ~StopOnSignal();
    StopOnSignal(const StopOnSignal&) = delete;
    StopOnSignal& operator=(const StopOnSignal&) = delete;

    // Set by a signal; as an atomic, for callers that poll it (TrainingRun's RunCallbacks::stop).
    static const std::atomic<bool>& requested();

private:
    void (*previous_int_)(int);
    void (*previous_term_)(int);
};

}  // namespace cimkit::apps
