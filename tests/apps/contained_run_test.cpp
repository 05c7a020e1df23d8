// The contained run of a subcommand (apps/contained_run.hpp): the child's exit status comes back,
// and a child that crashes, hangs or runs out of memory becomes an error of the parent with its
// temporaries deleted and the earlier output untouched.
#include "apps/contained_run.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "apps/exit_status.hpp"
#include "circuits/spice/worker.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/temporary_file.hpp"
#include "tests/support/scratch_dir.hpp"

namespace cimkit::apps {
namespace {

namespace fs = std::filesystem;

std::string content(const fs::path& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::size_t entries(const fs::path& folder) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(folder), fs::directory_iterator()));
}

// A work that starts writing `output` under its temporary name and then `fails`.
template <typename Fail>
std::function<int()> writes_then(const fs::path& output, Fail fails) {
    return [output, fails] {
        TemporaryFile partial(output);
        const std::string half = "half a result";
        ::write(partial.fd(), half.data(), half.size());
        fails();
        return 0;
    };
}

}  // namespace

TEST(ContainedRun, ReturnsTheChildsExitStatusAndReportsItsErrors) {
    EXPECT_EQ(run_contained([] { return 0; }, "test", {}, {}), 0);
    EXPECT_EQ(run_contained([] { return 7; }, "test", {}, {}), 7);
    // An exception in the child is reported there, as the command would, with the command's status.
    EXPECT_EQ(run_contained([]() -> int { throw UsageError("bad input"); }, "test", {}, {}), exit_bad_input);
}

TEST(ContainedRun, AChildThatExitsWithoutCleaningUpLeavesNoTemporary) {
    // _exit skips the destructor that would delete the temporary, as a sanitizer's report does.
    testing::ScratchDir scratch("cimkit_contained");
    const fs::path output = scratch / "out.h5";
    EXPECT_EQ(run_contained(writes_then(output, [] { ::_exit(3); }), "test", {output}, {}), 3);
    EXPECT_EQ(entries(scratch.path()), 0u);
}

TEST(ContainedRun, ACrashIsAnErrorAndLeavesNoTemporaryAndTheEarlierFile) {
    testing::ScratchDir scratch("cimkit_contained");
    const fs::path output = scratch / "out.h5";
    std::ofstream(output) << "earlier";
    try {
        // An abort: AddressSanitizer would turn a SIGSEGV into a report and an exit status.
        run_contained(writes_then(output, [] { std::abort(); }), "crossbar 4x4", {output}, {});
        FAIL() << "a crashed child must throw";
    } catch (const spice::WorkerCrashed& e) {
        EXPECT_NE(std::string(e.what()).find("SIGABRT"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("crossbar 4x4"), std::string::npos) << e.what();
    }
    EXPECT_EQ(entries(scratch.path()), 1u) << "a temporary was left behind";
    EXPECT_EQ(content(output), "earlier");
}

TEST(ContainedRun, AHangIsStoppedAtTheTimeLimit) {
    testing::ScratchDir scratch("cimkit_contained");
    const fs::path output = scratch / "out.h5";
    RunLimits limits;
    limits.timeout_s = 0.5;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(run_contained(writes_then(output, [] { std::this_thread::sleep_for(std::chrono::seconds(30)); }), "test",
                               {output}, limits),
                 spice::WorkerTimeout);
    const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_GE(elapsed_s, 0.5);
    EXPECT_LT(elapsed_s, 5.0);
    EXPECT_EQ(entries(scratch.path()), 0u);
}

#if !defined(__SANITIZE_ADDRESS__)
TEST(ContainedRun, MemoryBeyondTheLimitFailsInTheChild) {
    RunLimits limits;
    limits.max_memory_MiB = 256;
    const int status = run_contained(
        [] {
            std::vector<char> big(1ull << 30, 1);  // 1 GiB against a 256 MiB limit
            return big[12345] == 1 ? 0 : 3;
        },
        "test", {}, limits);
    EXPECT_EQ(status, exit_simulation_failed);  // std::bad_alloc, reported as out of memory
    EXPECT_EQ(run_contained([] { return 0; }, "test", {}, limits), 0);  // the parent's memory is untouched
}
#endif

TEST(ContainedRun, RefusesLimitsOutOfRange) {
    RunLimits limits;
    limits.timeout_s = -1.0;
    EXPECT_THROW(run_contained([] { return 0; }, "test", {}, limits), UsageError);
    limits = RunLimits{};
    limits.max_memory_MiB = 1;
    EXPECT_THROW(run_contained([] { return 0; }, "test", {}, limits), UsageError);
}

}  // namespace cimkit::apps
