#pragma once
// A sweep point must not outlive its sweep: a `kill -9` of the sweep (or of mpirun, which kills its
// ranks) would otherwise leave the points running, writing files no table will ever hold. posix_spawn
// cannot set the child's parent-death signal, so the point sets it itself, told by the environment
// which process started it.
#include <string>
#include <vector>

namespace cimkit::apps {

// This process's environment plus the variable that names this process as a sweep point's parent,
// for posix_spawn.
std::vector<std::string> sweep_point_environment();

// In a process started by a sweep (the variable is set and names our parent): SIGTERM when the parent
// dies, or now when it died before we got here. SIGTERM, not SIGKILL, so the point stops as Ctrl-C
// stops it: its outputs whole or removed, never half written. The variable is removed so that the
// point's own children do not inherit it. Does nothing in any other process.
void follow_sweep_parent();

}  // namespace cimkit::apps
