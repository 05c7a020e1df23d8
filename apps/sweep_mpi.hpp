#pragma once
// `cimkit sweep` under mpirun (docs/sweeps.md#mpi). Rank 0 runs the sweep as without MPI, with one
// local slot, and hands points out dynamically to the other ranks: each asks for a point, runs it as
// a child process (apps/sweep_pool.hpp) and asks again, reporting how the last one ended. Rank 0
// alone reads the point files and writes the result. MPI is started only under a launcher (mpirun
// sets OMPI_COMM_WORLD_SIZE, PMIx launchers PMIX_RANK); a binary built without MPI, or a run outside
// a launcher, is one rank and never calls MPI.
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>

#include "apps/sweep_pool.hpp"

namespace cimkit::apps {

class SweepMpi {
public:
    SweepMpi();   // MPI_Init (when built with MPI)
    ~SweepMpi();  // MPI_Finalize
    SweepMpi(const SweepMpi&) = delete;
    SweepMpi& operator=(const SweepMpi&) = delete;

    int rank() const { return rank_; }
    int size() const { return size_; }

    // Rank 0 tells every other rank whether the sweep goes ahead (its checks passed); the others
    // wait here for it. Returns the decision.
    bool agree_to_run(bool go);

    // Rank 0: the other ranks as workers of the pool (null with one rank).
    std::unique_ptr<RemoteWorkers> workers();

    // Ranks > 0: run the points rank 0 hands out until it says the sweep is over.
    void serve(const std::function<PointOutcome(std::size_t)>& run_point);

    // Ends every rank (Ctrl-C under mpirun): nothing is written, the finished points stay.
    [[noreturn]] void abort(int status);

private:
    bool initialised_ = false;  // MPI_Init was called (under a launcher, in a build with MPI)
    int rank_ = 0;
    int size_ = 1;
};

}  // namespace cimkit::apps
