#include "circuits/spice/sandbox.hpp"

#include <fcntl.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "circuits/spice/ngspice_library.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::spice {
namespace {

namespace fs = std::filesystem;

std::string system_error(const std::string& what) { return "sandbox: " + what + ": " + std::strerror(errno); }

// Landlock's rights by the ABI that introduced them (Debian 12's kernel headers stop at ABI 2, so
// the later bits are spelled out from the kernel's uapi).
constexpr std::uint64_t fs_rights_abi1 = (1ULL << 13) - 1;  // EXECUTE .. MAKE_SYM
constexpr std::uint64_t fs_refer = 1ULL << 13;              // ABI 2
constexpr std::uint64_t fs_truncate = 1ULL << 14;           // ABI 3
constexpr std::uint64_t fs_ioctl_dev = 1ULL << 15;          // ABI 5
constexpr std::uint64_t net_bind_and_connect_tcp = 3;       // ABI 4
constexpr std::uint64_t read_only = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;

// struct landlock_ruleset_attr as of ABI 4; the kernel takes its size, so older ABIs get a prefix.
struct RulesetAttr {
    std::uint64_t handled_access_fs;
    std::uint64_t handled_access_net;
};

std::uint64_t handled_fs_rights(int abi) {
    std::uint64_t rights = fs_rights_abi1;
    if (abi >= 2) rights |= fs_refer;
    if (abi >= 3) rights |= fs_truncate;
    if (abi >= 5) rights |= fs_ioctl_dev;
    return rights;
}

// What the engine may read: the netlist's folder, ngspice's library and code models (the library's
// folder, which is the system's library folder) and scripts, and the dynamic loader's cache. Also
// the user database, because ngspice's start-up dereferences getpwuid()'s answer without checking
// it (measured: SIGSEGV when /etc/passwd is unreadable), and the processor count OpenMP asks for.
std::vector<fs::path> readable_paths(const SandboxPolicy& policy) {
    const fs::path library = NgspiceLibrary::default_path();
    std::vector<fs::path> paths = {library.parent_path(), "/usr/lib",         "/lib",
                                   "/usr/share/ngspice",   "/etc/ld.so.cache", "/etc/nsswitch.conf",
                                   "/etc/passwd",          "/sys/devices/system/cpu", "/proc/stat"};
    if (!policy.folder.empty()) paths.push_back(policy.folder);
    return paths;
}

void restrict_files(const SandboxPolicy& policy) {
    const int abi = landlock_abi();
    if (abi <= 0) return;  // not enforced; callers warn (sandbox.hpp)
    RulesetAttr attr{handled_fs_rights(abi), abi >= 4 ? net_bind_and_connect_tcp : 0};
    const std::size_t attr_size = abi >= 4 ? sizeof attr : sizeof attr.handled_access_fs;
    const int ruleset = static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0));
    if (ruleset < 0) throw Error(system_error("landlock_create_ruleset"));
    for (const auto& path : readable_paths(policy)) {
        const int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
        if (fd < 0) continue;  // a folder this system does not have
        struct stat info {};
        ::fstat(fd, &info);
        // Directory rights on a file are an error (EINVAL): a file gets the file right only.
        landlock_path_beneath_attr rule{S_ISDIR(info.st_mode) ? read_only : LANDLOCK_ACCESS_FS_READ_FILE, fd};
        const long added = ::syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
        ::close(fd);
        if (added != 0) throw Error(system_error("landlock_add_rule for " + path.string()));
    }
    if (::syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) throw Error(system_error("landlock_restrict_self"));
    ::close(ruleset);
}

// Loads a seccomp filter that lets everything through except what `add_rules` denies with EPERM.
template <typename AddRules>
void load_seccomp(const char* stage, AddRules add_rules) {
    scmp_filter_ctx filter = ::seccomp_init(SCMP_ACT_ALLOW);
    if (!filter) throw Error(std::string("sandbox: seccomp_init failed (") + stage + ")");
    const int added = add_rules(filter);
    const int loaded = added == 0 ? ::seccomp_load(filter) : added;
    ::seccomp_release(filter);
    if (loaded != 0) {
        throw Error(std::string("sandbox: cannot load the seccomp filter (") + stage + "): " + std::strerror(-loaded) +
                    "; this kernel may lack seccomp, which is required to run untrusted netlists");
    }
}

}  // namespace

int landlock_abi() {
    const long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return abi > 0 ? static_cast<int>(abi) : 0;
}

void warn_when_landlock_is_missing() {
    if (landlock_abi() != 0) return;
    std::fprintf(stderr, "cimkit: warning: this kernel has no Landlock; the sandbox still forbids programs, "
                         "sockets and library loading, but which files the netlist reads is checked only by "
                         "cimkit's netlist guard\n");
}

void enter_sandbox(const SandboxPolicy& policy) {
    if (!policy.enabled) return;
    // Both Landlock and an unprivileged seccomp filter need it; it also stops set-uid programs.
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) throw Error(system_error("PR_SET_NO_NEW_PRIVS"));
    // ngspice reads ./.spiceinit at start-up; "/" holds none a netlist's author could have placed.
    if (::chdir("/") != 0) throw Error(system_error("chdir /"));
    restrict_files(policy);
    load_seccomp("no programs, no sockets", [](scmp_filter_ctx filter) {
        const auto deny = SCMP_ACT_ERRNO(EPERM);
        int rc = ::seccomp_rule_add(filter, deny, SCMP_SYS(execve), 0);
        rc = rc ? rc : ::seccomp_rule_add(filter, deny, SCMP_SYS(execveat), 0);
        rc = rc ? rc : ::seccomp_rule_add(filter, deny, SCMP_SYS(socket), 0);
        return rc;
    });
}

void seal_sandbox(const SandboxPolicy& policy) {
    if (!policy.folder.empty() && ::chdir(policy.folder.c_str()) != 0) {
        throw Error(system_error("chdir " + policy.folder.string()));
    }
    if (!policy.enabled) return;
    load_seccomp("no new code", [](scmp_filter_ctx filter) {
        const auto deny = SCMP_ACT_ERRNO(EPERM);
        const auto executable = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC);
        int rc = ::seccomp_rule_add(filter, deny, SCMP_SYS(mmap), 1, executable);
        rc = rc ? rc : ::seccomp_rule_add(filter, deny, SCMP_SYS(mprotect), 1, executable);
        rc = rc ? rc : ::seccomp_rule_add(filter, deny, SCMP_SYS(pkey_mprotect), 1, executable);
        return rc;
    });
}

}  // namespace cimkit::spice
