#include "circuits/spice/streamed_points.hpp"

#include <utility>

#include "devices/core/errors.hpp"

namespace cimkit::spice {

StreamedPoints::StreamedPoints(Engine& engine, std::vector<std::string> vectors, int points_per_chunk)
    : engine_(engine), vectors_(std::move(vectors)), chunk_command_("tran 1 " + std::to_string(points_per_chunk) + " 0 1") {
    if (points_per_chunk < 1) throw UsageError("StreamedPoints: points_per_chunk must be >= 1, not " + std::to_string(points_per_chunk));
}

StreamedPoints::~StreamedPoints() {
    try {
        finish();
    } catch (...) {
        // An error of points nobody asked for: the owner is going away, and a destructor must not throw.
    }
}

void StreamedPoints::start_chunk() {
    has_point_ = parked_ = released_ = free_run_ = chunk_over_ = false;
    error_ = nullptr;
    engine_.set_point_observer(vectors_, [this](const std::vector<double>& values) { deliver(values); });
    ++chunks_;
    thread_ = std::thread([this] {
        std::exception_ptr error;
        try {
            // run_and_read destroys the chunk's plot with the next ones (a few MB each at most).
            engine_.run_and_read(chunk_command_, {});
        } catch (...) {
            error = std::current_exception();
        }
        const std::lock_guard<std::mutex> lock(mutex_);
        chunk_over_ = true;
        error_ = error;
        changed_.notify_all();
    });
}

void StreamedPoints::deliver(const std::vector<double>& values) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (free_run_) return;
    values_ = values;
    has_point_ = true;
    parked_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return released_ || free_run_; });
    released_ = false;
    parked_ = false;
}

const std::vector<double>& StreamedPoints::next() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        if (!thread_.joinable()) {
            start_chunk();  // its thread waits for the lock before it can deliver
        } else if (parked_ && !has_point_) {
            released_ = true;  // the caller has written the next solve's inputs and states
            changed_.notify_all();
        }
        changed_.wait(lock, [this] { return has_point_ || chunk_over_; });
        if (has_point_) {
            has_point_ = false;
            // values_ stays as it is until the next call releases the thread.
            return values_;
        }
        lock.unlock();
        join_chunk();  // the chunk ended after its last point: start the next one
        lock.lock();
    }
}

void StreamedPoints::join_chunk() {
    if (thread_.joinable()) thread_.join();
    engine_.clear_point_observer();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void StreamedPoints::finish() {
    if (!thread_.joinable()) return;
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        free_run_ = true;
        changed_.notify_all();
    }
    join_chunk();
}

}  // namespace cimkit::spice
