#pragma once
// Consecutive solves of one loaded circuit as the consecutive accepted points of one long transient
// (docs/performance-notes.md, "Streaming"). An `op` per solve pays ngspice's whole analysis set-up
// each time (the matrix rebuilt and its nonzeros sorted, the .save list matched by name: about 90 %
// of an op of a 784x20 domain-wall array); a transient pays it once per chunk of points.
//
// The transient runs (in the foreground, as every cimkit command) on a thread this object owns.
// At each accepted point ngspice calls the engine's point observer, which hands the point's values to
// next() and waits there until the next call of next(): in between, the caller writes the next
// solve's inputs (what its EXTERNAL sources read) and device states (what they, or the `osdi` table
// refreshed after each point, read), and every load of the next point sees them. So a point
// depends on what the caller did with the one before, as per-sample training needs. A chunk is
// `tran 1 N 0 1`: every accepted point is a solve, whatever its time (about N + 8 of them; the
// sources ignore time), and when a chunk ends the next call starts another.
//
// While a stream runs, its thread may be inside ngspice (waiting in the observer): nothing else may
// use the engine until finish(). A convergence retry of the engine reruns the chunk from t = 0 with
// the inputs of the pending solve, so its first point is still that solve's answer.
#include <condition_variable>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "circuits/spice/engine.hpp"

namespace cimkit::spice {

class StreamedPoints {
public:
    // `vectors`: the ngspice names (as for Engine::run_and_read) of every value a point is read for;
    // they must be in the plot (.saved). `points_per_chunk` >= 1: N of `tran 1 N 0 1`.
    StreamedPoints(Engine& engine, std::vector<std::string> vectors, int points_per_chunk);
    ~StreamedPoints();  // finish()
    StreamedPoints(const StreamedPoints&) = delete;
    StreamedPoints& operator=(const StreamedPoints&) = delete;

    // The values of `vectors`, in that order, at the next accepted point: the circuit with the inputs
    // and states the caller's memory holds now. Rethrows the analysis' error if it failed.
    const std::vector<double>& next();
    // Ends the stream: the chunk's remaining points are solved without waiting (a few ms each), then
    // the thread ends and the engine is free. The next call of next() starts a new chunk.
    void finish();
    long chunks() const { return chunks_; }  // transients started so far

private:
    void start_chunk();      // the caller's thread, no chunk running
    void deliver(const std::vector<double>& values);  // ngspice's thread, from the point observer
    void join_chunk();       // the caller's thread: waits for the chunk's end, rethrows its error

    Engine& engine_;
    std::vector<std::string> vectors_;
    std::string chunk_command_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<double> values_;
    bool has_point_ = false;  // a delivered point next() has not taken yet
    bool parked_ = false;     // ngspice's thread waits in deliver() for the next call of next()
    bool released_ = false;   // next() let the parked thread go on
    bool free_run_ = false;   // finish(): solve the rest of the chunk without waiting
    bool chunk_over_ = false;
    std::exception_ptr error_;
    long chunks_ = 0;
};

}  // namespace cimkit::spice
