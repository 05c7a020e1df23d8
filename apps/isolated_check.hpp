#pragma once
// Runs a read of an untrusted file once in a forked child process, with a time limit, before the
// process reads it for real.
//
// Why: libhdf5 1.10.8 (Debian 12) spins for minutes, or reads out of bounds and dies, on some corrupt
// files (tests/fuzz/libhdf5_faults/). That happens inside the library, so no check of ours can
// prevent it in-process. A child that does the same read first turns a hang or a crash into an
// ordinary input error (exit 2), and the calling process has written nothing yet. This is the
// ngspice worker's remedy (circuits/spice/worker.hpp) applied to one read.
//
// Fork safety: call it only while the process is single-threaded and holds no ngspice engine or
// worker (`cimkit train` does it first thing, before any of them exists). The child runs `check`,
// sends its outcome over a pipe and leaves with _exit: no atexit handlers, no static destructors,
// no flush of stdio buffers inherited from the parent. Its stderr goes to /dev/null, so that
// whatever the library (or a sanitizer) prints there does not reach the user; its outcome does.
#include <functional>
#include <string>

namespace cimkit::apps {

// Runs `check` in a child process and returns when it returned there. Then the caller can do the
// same work in-process: the read that `check` does completed once on this very input.
//
// Otherwise throws, with `subject` (the file) named:
// - `check` threw a cimkit error: the same kind (IoError with the same path, UsageError,
//   ParameterError; any other cimkit::Error as Error) with the same message; std::bad_alloc as
//   std::bad_alloc; any other exception as std::runtime_error with its message.
// - the child was killed by a signal, ended without reporting, or ran past `timeout_s` (then it is
//   killed with SIGKILL and reaped): IoError(subject, "<reader> crashed (signal 11, SIGSEGV) reading
//   it; the file is corrupt"), "... did not finish within 30 s reading it ...", and so on.
// - fork, pipe or poll failed: Error.
// `reader` names what does the reading, for those messages ("the HDF5 library").
void run_isolated_check(const std::function<void()>& check, const std::string& subject, const std::string& reader,
                        double timeout_s);

}  // namespace cimkit::apps
