#pragma once
// Files to delete when SIGINT or SIGTERM ends the process: the temporaries of outputs being written
// and the lock files beside them. A long ngspice analysis cannot be interrupted between two steps,
// so the signal handler itself deletes them (unlink is async-signal-safe) and ends the process with
// 130. The earlier file at an output path is never among them: it stays as it was.
#include <string>

namespace cimkit::cleanup_on_signal {

// Registers `path` for deletion on SIGINT/SIGTERM; returns its slot (-1 when all slots are in use,
// then the path is simply not deleted on a signal). Thread-safe.
int add(const std::string& path);
// Forgets a slot from add() (the file was renamed into place or deleted normally). -1 is ignored.
void forget(int slot);

// Installs the SIGINT and SIGTERM handlers: delete every registered path, print one line on stderr
// and _exit(130). Only in the process that installed them: a forked child that inherited them
// dies from the signal as if no handler existed (its parent's files are not its to delete).
void install();

}  // namespace cimkit::cleanup_on_signal
