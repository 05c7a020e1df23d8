#pragma once
// An advisory lock that keeps two cimkit processes from writing one output: a write lock on
// ".<name>.lock" beside the output, held for the whole run and deleted at its end (also on
// SIGINT/SIGTERM). A lock file left by a killed process holds no lock and is taken over.
//
// The lock is a POSIX record lock (fcntl F_SETLK), not flock(): ngspice worker processes are forked
// from cimkit, and a forked child shares its parent's flock() locks, so a worker still finishing its
// solve after its parent was killed would hold the output against the next run (`train --resume`).
// Record locks belong to one process and end with it. (They also end when the process closes any
// descriptor of the file, which is why only this class opens lock files.)
#include <filesystem>

namespace cimkit::apps {

class OutputLock {
public:
    // Throws IoError naming `output` when another process holds the lock, or the lock file cannot
    // be created (the system's reason).
    explicit OutputLock(const std::filesystem::path& output);
    ~OutputLock();
    OutputLock(const OutputLock&) = delete;
    OutputLock& operator=(const OutputLock&) = delete;

private:
    std::filesystem::path lock_path_;
    int fd_ = -1;
    int cleanup_slot_ = -1;
};

}  // namespace cimkit::apps
