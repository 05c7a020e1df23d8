#include "devices/core/cleanup_on_signal.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <climits>
#include <csignal>
#include <cstring>

namespace cimkit::cleanup_on_signal {
namespace {

// A fixed table, because a signal handler may neither allocate nor take a lock. A slot's path is
// copied before `used` is set, so the handler never reads a half-written path.
struct Slot {
    std::atomic<bool> claimed{false};  // owned by a writer (set before the copy)
    std::atomic<bool> used{false};     // path complete and to be deleted
    char path[PATH_MAX];
};
constexpr int slot_count = 64;
std::array<Slot, slot_count> slots;
std::atomic<pid_t> owner{0};

static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<pid_t>::is_always_lock_free,
              "used from a signal handler");

extern "C" void delete_and_exit(int signal) {
    if (::getpid() != owner.load()) {
        std::signal(signal, SIG_DFL);
        std::raise(signal);
        return;
    }
    for (Slot& slot : slots) {
        if (slot.used.load()) ::unlink(slot.path);
    }
    static const char message[] = "cimkit: interrupted; temporary files removed, no output written\n";
    const ssize_t ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
    (void)ignored;
    ::_exit(130);  // 128 + SIGINT, as for train (apps/exit_status.hpp)
}

}  // namespace

int add(const std::string& path) {
    if (path.size() >= PATH_MAX) return -1;
    for (int i = 0; i < slot_count; ++i) {
        bool expected = false;
        if (!slots[i].claimed.compare_exchange_strong(expected, true)) continue;
        std::memcpy(slots[i].path, path.c_str(), path.size() + 1);
        slots[i].used.store(true);
        return i;
    }
    return -1;
}

void forget(int slot) {
    if (slot < 0 || slot >= slot_count) return;
    slots[slot].used.store(false);
    slots[slot].claimed.store(false);
}

void install() {
    owner.store(::getpid());
    struct sigaction action {};
    action.sa_handler = delete_and_exit;
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGINT);
    sigaddset(&action.sa_mask, SIGTERM);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

}  // namespace cimkit::cleanup_on_signal
