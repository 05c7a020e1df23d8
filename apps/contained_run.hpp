#pragma once
// Runs the work of a subcommand in a forked child process with a memory and a time limit, so that a
// crash, an abort or memory exhaustion inside ngspice (or any library) ends the child, not cimkit:
// the user gets exit 1 and one line saying what happened, and no partial output file.
//
// `cimkit crossbar` runs its generated netlist in an in-process Engine whose device faces bind C++
// functions to EXTERNAL sources, which a spice::Worker cannot carry; running the whole command in a
// child gives the same containment. The child does everything the command would (simulates, writes
// its outputs under temporary names and renames them) and its exit status is the command's. When it
// dies instead, the parent deletes the temporaries it left beside each output (".<name>.part-<child
// pid>-*", devices/core/temporary_file.hpp): earlier files at the outputs stay as they were.
//
// Call it while the process holds no ngspice engine or worker and runs one thread. The child ends
// with its parent (SIGTERM on the parent's death) and deletes its own temporaries on SIGINT/SIGTERM.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "apps/run_limits.hpp"

namespace cimkit::apps {

// Runs `work` in the child and returns the exit status it returned there (an exception in `work` is
// reported there as report_failure does and gives its status). Throws spice::WorkerCrashed (exit 1)
// naming `what` and the signal when the child was killed, spice::WorkerTimeout when it ran past the
// limit, UsageError when a limit is out of range (check_run_limits).
int run_contained(const std::function<int()>& work, const std::string& what,
                  const std::vector<std::filesystem::path>& outputs, const RunLimits& limits);

}  // namespace cimkit::apps
