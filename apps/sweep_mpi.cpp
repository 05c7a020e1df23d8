#include "apps/sweep_mpi.hpp"

#include <cstdlib>
#include <vector>

#ifdef CIMKIT_HAVE_MPI
#include <mpi.h>
#endif

namespace cimkit::apps {

#ifdef CIMKIT_HAVE_MPI
namespace {

constexpr int tag_ready = 1;   // worker -> rank 0: {finished point or -1, exit status, wall time s}
constexpr int tag_assign = 2;  // rank 0 -> worker: the point to run, or -1: the sweep is over

class MpiWorkers : public RemoteWorkers {
public:
    explicit MpiWorkers(int size) : size_(size) {}

    void poll(const std::function<std::optional<std::size_t>()>& next,
              const std::function<void(std::size_t, const PointOutcome&)>& done) override {
        for (;;) {
            int arrived = 0;
            MPI_Status status;
            MPI_Iprobe(MPI_ANY_SOURCE, tag_ready, MPI_COMM_WORLD, &arrived, &status);
            if (!arrived) break;
            const int worker = receive_ready(status.MPI_SOURCE, done);
            idle_.push_back(worker);
        }
        while (!idle_.empty()) {
            const auto point = next();
            if (!point) break;
            const long long index = static_cast<long long>(*point);
            MPI_Send(&index, 1, MPI_LONG_LONG, idle_.back(), tag_assign, MPI_COMM_WORLD);
            idle_.pop_back();
            ++busy_;
        }
    }

    std::size_t busy() const override { return busy_; }

    void finish() override {
        int told = 0;
        const auto ignore = [](std::size_t, const PointOutcome&) {};
        while (told < size_ - 1) {
            if (idle_.empty()) {
                MPI_Status status;
                MPI_Probe(MPI_ANY_SOURCE, tag_ready, MPI_COMM_WORLD, &status);
                idle_.push_back(receive_ready(status.MPI_SOURCE, ignore));
            }
            const long long over = -1;
            MPI_Send(&over, 1, MPI_LONG_LONG, idle_.back(), tag_assign, MPI_COMM_WORLD);
            idle_.pop_back();
            ++told;
        }
    }

private:
    int receive_ready(int source, const std::function<void(std::size_t, const PointOutcome&)>& done) {
        double message[3];
        MPI_Recv(message, 3, MPI_DOUBLE, source, tag_ready, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (message[0] >= 0) {
            --busy_;
            done(static_cast<std::size_t>(message[0]), {static_cast<int>(message[1]), message[2]});
        }
        return source;
    }

    int size_;
    std::size_t busy_ = 0;
    std::vector<int> idle_;  // ranks waiting for a point
};

}  // namespace

// True when a launcher (mpirun, srun) started this process. Outside one, MPI_Init would make a
// singleton that starts its own daemon (OpenMPI's orted): start-up work a one-rank sweep does not
// need, and a process that outlived a killed sweep (it held a pipe the points inherited).
bool launched_by_mpi() {
    for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
        if (std::getenv(variable) != nullptr) return true;
    }
    return false;
}

SweepMpi::SweepMpi() : initialised_(launched_by_mpi()) {
    if (!initialised_) return;
    MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

SweepMpi::~SweepMpi() {
    if (initialised_) MPI_Finalize();
}

bool SweepMpi::agree_to_run(bool go) {
    if (!initialised_) return go;
    int decision = go ? 1 : 0;
    MPI_Bcast(&decision, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return decision == 1;
}

std::unique_ptr<RemoteWorkers> SweepMpi::workers() {
    if (size_ < 2) return nullptr;
    return std::make_unique<MpiWorkers>(size_);
}

void SweepMpi::serve(const std::function<PointOutcome(std::size_t)>& run_point) {
    double message[3] = {-1.0, 0.0, 0.0};
    for (;;) {
        MPI_Send(message, 3, MPI_DOUBLE, 0, tag_ready, MPI_COMM_WORLD);
        long long index = -1;
        MPI_Recv(&index, 1, MPI_LONG_LONG, 0, tag_assign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (index < 0) return;
        const PointOutcome outcome = run_point(static_cast<std::size_t>(index));
        message[0] = static_cast<double>(index);
        message[1] = outcome.exit_status;
        message[2] = outcome.wall_time_s;
    }
}

void SweepMpi::abort(int status) {
    if (initialised_) MPI_Abort(MPI_COMM_WORLD, status);
    std::_Exit(status);
}

#else  // built without MPI: always one rank

SweepMpi::SweepMpi() = default;
SweepMpi::~SweepMpi() = default;
bool SweepMpi::agree_to_run(bool go) { return go; }
std::unique_ptr<RemoteWorkers> SweepMpi::workers() { return nullptr; }
void SweepMpi::serve(const std::function<PointOutcome(std::size_t)>&) {}
void SweepMpi::abort(int status) { std::_Exit(status); }

#endif

}  // namespace cimkit::apps
