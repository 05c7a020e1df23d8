#pragma once
// The worker's child process: owns the Engine and answers the parent's requests until the parent
// closes its end of the socket. Runs only in a freshly forked child.
#include <cstddef>
#include <vector>

#include "circuits/spice/worker.hpp"

namespace cimkit::spice {

// A source value held for `step_s` per sample: values[min(floor(t / step_s + 1e-9), size - 1)].
// An `op` (t = 0) sees values[0]; a transient with one time point per step sees one sample per point.
// The 1e-9 keeps t = k * step_s, computed in floating point, on sample k.
double step_table_value(const std::vector<double>& values, double step_s, double time_s);

// Applies `options`' memory limit and sandbox around the child's Engine, then serves requests until
// the parent closes its end. Returns the child's exit status (the child of fork_child,
// devices/core/child_process.hpp, which leaves with it).
int serve_worker_child(int socket_fd, const WorkerOptions& options);

}  // namespace cimkit::spice
