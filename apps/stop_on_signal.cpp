#include "apps/stop_on_signal.hpp"

#include <csignal>

namespace cimkit::apps {
namespace {

std::atomic<bool> stop_requested{false};
extern "C" void request_stop(int) { stop_requested = true; }

}  // namespace

StopOnSignal::StopOnSignal() {
    stop_requested = false;
    previous_int_ = std::signal(SIGINT, request_stop);
    previous_term_ = std::signal(SIGTERM, request_stop);
}

StopOnSignal::~StopOnSignal() {
    std::signal(SIGINT, previous_int_);
    std::signal(SIGTERM, previous_term_);
}

const std::atomic<bool>& StopOnSignal::requested() { return stop_requested; }

}  // namespace cimkit::apps
