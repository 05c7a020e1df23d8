#pragma once
// Runs the plotting script (analysis/plot/cimkit_plot.py) as a child process with a wall-clock limit
// on the phase in which it reads the HDF5 file.
//
// Why a limit on the Python process itself, and not devices/core/isolated_call.hpp first: libhdf5 1.10
// spins for minutes or crashes on some corrupt files (tests/fuzz/libhdf5_faults/), and which files do
// depends on what is read and how. A trial read by cimkit's C++ reader would vouch for its own reads,
// not for h5py's (the plotting script reads other groups and attributes). Bounding the very process
// that reads covers exactly the reads that happen, costs no second read, and needs no fork of cimkit.
//
// The script reads the whole file into memory first (analysis/plot/h5_snapshot.py), then writes one
// byte on descriptor 3 and only then creates temporaries and draws. So the limit covers start-up and
// reading, when nothing needs cleaning up and killing the child is harmless; drawing, which may take
// long on big waveforms and is matplotlib's work rather than libhdf5's, has no limit.
//
// The child gets SIGTERM when cimkit dies (PR_SET_PDEATHSIG): the script must not spin on without
// its parent, nor go on writing PNGs after cimkit was stopped and its lock released.
#include <string>
#include <vector>

namespace cimkit::apps {

// How the script ended once it had read the file (or when it exited by itself before).
struct PlotScriptEnd {
    int exit_status = 0;             // its exit status; 1 when killed while drawing
    std::string killed_by;           // "signal 9, SIGKILL" when a signal killed it while drawing
};

// Runs `args` (the interpreter, the script and its arguments; "--ready-fd 3" is added) and waits for
// it. Throws IoError naming `input` when the reading phase does not end within `read_timeout_s` (the
// child is killed with SIGKILL and reaped) or the child dies from a signal before it finished
// reading: "the HDF5 library (through h5py) did not finish within 3 s reading it ...; the file is
// corrupt", "... crashed (signal 11, SIGSEGV) reading it; the file is corrupt". Throws Error when the
// interpreter cannot be started or a system call fails.
PlotScriptEnd run_plot_script(std::vector<std::string> args, const std::string& input, double read_timeout_s);

}  // namespace cimkit::apps
