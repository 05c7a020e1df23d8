#pragma once
// The operating-system sandbox around an ngspice worker that runs a netlist written by someone else.
//
// It is the second wall behind the netlist guard (circuits/netlist_guard.hpp) and holds on its own:
//   - no program can be started: execve and execveat fail with EPERM (seccomp; ngspice's `shell`,
//     d_process and backquote expansion all need them);
//   - no network: socket() fails with EPERM (seccomp), TCP bind/connect are denied (Landlock ABI 4+);
//   - no library can be loaded once the engine has started: any new executable mapping fails
//     (seccomp on mmap/mprotect with PROT_EXEC), so d_cosim, .pre_osdi and `codemodel` cannot load
//     code, while the code models ngspice's own spinit loads at start-up still work;
//   - files: read-only access to the netlist's folder, the ngspice installation and the system
//     libraries; no writes, no new files, nothing else readable (Landlock). So neither ~/.spiceinit
//     nor a .spiceinit in the working directory is read; the engine also starts in "/" and only
//     then moves into the netlist's folder, so relative includes resolve there with no sourcepath.
//
// Landlock needs Linux 5.13 or later with Landlock enabled. Where it is missing, the file rules are
// not enforced (landlock_abi() returns 0 and callers warn); the guard then is the only check on
// which files a netlist reads. seccomp is required: without it the worker refuses to start.
#include <filesystem>

namespace cimkit::spice {

struct SandboxPolicy {
    bool enabled = false;
    // The netlist's folder: readable in the sandbox, and the engine's working directory (with the
    // sandbox or without), so that ngspice resolves relative includes there and nowhere else.
    std::filesystem::path folder;
};

// The Landlock ABI version the kernel offers; 0 when it has none.
int landlock_abi();

// Prints the warning a command gives before it runs a stranger's netlist in the sandbox on a kernel
// without Landlock (what is then still enforced, and what only the netlist guard checks).
void warn_when_landlock_is_missing();

// In the worker child, before its Engine starts: no execve, no sockets, the file rules, working
// directory "/". Throws cimkit::Error naming what failed (the child then reports it and exits).
void enter_sandbox(const SandboxPolicy& policy);
// After the Engine has started (its code models are loaded): the working directory becomes the
// folder (also without the sandbox), then no new executable mappings.
void seal_sandbox(const SandboxPolicy& policy);

}  // namespace cimkit::spice
