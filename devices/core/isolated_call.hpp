#pragma once
// Runs a read of an untrusted file once in a forked child process, with a time limit, before the
// process reads it for real.
//
// Why: libhdf5 1.10.8 (Debian 12) spins for minutes, or reads out of bounds and dies, on some corrupt
// files (tests/fuzz/libhdf5_faults/). That happens inside the library, so no check of ours can
// prevent it in-process. A child that does the same read first turns a hang or a crash into an
// ordinary input error (exit 2), and the calling process has written nothing yet. It is the ngspice
// worker's remedy (circuits/spice/worker.hpp) applied to one call, on the same stack: fork, deadline
// and death in devices/core/child_process.hpp, the outcome in devices/core/error_transport.hpp.
//
// Fork safety: as devices/core/child_process.hpp says (`cimkit train` calls it first thing, before
// any engine or worker exists). The child's stderr goes to /dev/null, so that whatever the library
// (or a sanitizer) prints there does not reach the user; its outcome does.
#include <functional>
#include <string>

namespace cimkit {

// Runs `check` in a child process and returns when it returned there. Then the caller can do the
// same work in-process: the read that `check` does completed once on this very input.
//
// Otherwise throws, with `subject` (the file) named:
// - `check` threw: the same exception (devices/core/error_transport.hpp says which types cross).
// - the child was killed by a signal, ended without reporting, or ran past `timeout_s` (then it is
//   killed with SIGKILL and reaped): IoError(subject, "<reader> crashed (signal 11 (SIGSEGV, ...))
//   reading it; the file is corrupt"), "... did not finish within 30 s reading it ...", and so on.
// - fork, socketpair or poll failed: Error. A limit outside (0, 1e6] s: UsageError.
// `reader` names what does the reading, for those messages ("the HDF5 library").
void run_isolated_check(const std::function<void()>& check, const std::string& subject, const std::string& reader,
                        double timeout_s);

}  // namespace cimkit
