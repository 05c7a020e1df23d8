// The one process-isolation stack (devices/core/child_process.hpp, error_transport.hpp,
// isolated_call.hpp): what a child throws arrives as the same exception, and a child that crashes,
// hangs or vanishes becomes an error naming the subject, within the limit.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <new>
#include <thread>

#include "devices/core/child_process.hpp"
#include "devices/core/error_transport.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/isolated_call.hpp"

namespace cimkit {
namespace {

template <typename Thrown>
std::exception_ptr pointer_to(const Thrown& error) {
    try {
        throw error;
    } catch (...) {
        return std::current_exception();
    }
}

// Throws what encode_error's bytes for `error` decode to.
template <typename Thrown>
void round_trip(const Thrown& error) {
    throw_decoded_error(encode_error(pointer_to(error)));
}

TEST(ErrorTransport, EveryCimkitTypeCrossesWithItsFields) {
    try {
        round_trip(SpiceError(SpiceError::Stage::run, "deck.cir", 12, "v1 a 0 1", "singular matrix"));
        FAIL();
    } catch (const SpiceError& e) {
        EXPECT_EQ(e.stage(), SpiceError::Stage::run);
        EXPECT_EQ(e.origin(), "deck.cir");
        EXPECT_EQ(e.line(), 12);
        EXPECT_EQ(e.line_text(), "v1 a 0 1");
        EXPECT_EQ(e.spice_message(), "singular matrix");
    }
    try {
        round_trip(NetlistError("deck.cir", 7, "r1 a b x", "unknown parameter"));
        FAIL();
    } catch (const NetlistError& e) {
        EXPECT_STREQ(e.what(), "deck.cir:7 ('r1 a b x'): unknown parameter");
        EXPECT_EQ(e.line(), 7);
    }
    try {
        round_trip(IoError("run.h5", "truncated"));
        FAIL();
    } catch (const IoError& e) {
        EXPECT_EQ(e.path(), "run.h5");
        EXPECT_STREQ(e.what(), IoError("run.h5", "truncated").what());
    }
    EXPECT_THROW(round_trip(ConvergenceError("timestep too small")), ConvergenceError);
    EXPECT_THROW(round_trip(UsageError("bad flag")), UsageError);
    EXPECT_THROW(round_trip(ParameterError("bad key")), ParameterError);
    EXPECT_THROW(round_trip(std::bad_alloc()), std::bad_alloc);
    try {
        round_trip(std::runtime_error("something else"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "something else");
    }
}

TEST(ErrorTransport, CorruptBytesAreAnErrorNotACrash) {
    const std::string bytes = encode_error(pointer_to(IoError("run.h5", "truncated")));
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        EXPECT_THROW(throw_decoded_error(bytes.substr(0, cut)), Error) << "cut at " << cut;
    }
}

TEST(ForkedChild, ReturnsTheChildsStatusAndChannel) {
    const ForkedChild child = fork_child(
        [](int fd) {
            (void)!::write(fd, "hello", 5);
            return 7;
        },
        SIGKILL, "test child");
    std::string bytes;
    ASSERT_TRUE(read_to_end(child.socket_fd, deadline_after(10.0), bytes, "test child"));
    ::close(child.socket_fd);
    EXPECT_EQ(bytes, "hello");
    const auto status = wait_until(child.pid, deadline_after(10.0));
    ASSERT_TRUE(status.has_value());
    ASSERT_TRUE(WIFEXITED(*status));
    EXPECT_EQ(WEXITSTATUS(*status), 7);
    EXPECT_EQ(describe_end(*status), "exited with status 7");
}

TEST(IsolatedCall, ReturnsWhenTheCheckReturned) {
    EXPECT_NO_THROW(run_isolated_check([] {}, "file.h5", "the reader", 10.0));
}

TEST(IsolatedCall, RethrowsWhatTheCheckThrew) {
    try {
        run_isolated_check([] { throw IoError("file.h5", "no /training group"); }, "file.h5", "the reader", 10.0);
        FAIL();
    } catch (const IoError& e) {
        EXPECT_EQ(e.path(), "file.h5");
        EXPECT_STREQ(e.what(), IoError("file.h5", "no /training group").what());
    }
    EXPECT_THROW(run_isolated_check([] { throw std::bad_alloc(); }, "file.h5", "the reader", 10.0), std::bad_alloc);
}

TEST(IsolatedCall, ACrashIsAnInputErrorNamingTheFileAndSignal) {
    try {
        // The default action, as an uninstrumented build has it: under AddressSanitizer its own
        // SIGSEGV handler would report and exit with status 1 instead of dying by the signal.
        run_isolated_check(
            [] {
                std::signal(SIGSEGV, SIG_DFL);
                std::raise(SIGSEGV);
            },
            "file.h5", "the reader", 10.0);
        FAIL();
    } catch (const IoError& e) {
        EXPECT_EQ(e.path(), "file.h5");
        EXPECT_NE(std::string(e.what()).find("the reader crashed (signal 11 (SIGSEGV"), std::string::npos) << e.what();
    }
}

TEST(IsolatedCall, AHangIsStoppedAtTheLimit) {
    const auto start = std::chrono::steady_clock::now();
    try {
        run_isolated_check([] { std::this_thread::sleep_for(std::chrono::seconds(30)); }, "file.h5", "the reader", 0.3);
        FAIL();
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find("did not finish within 0.3 s"), std::string::npos) << e.what();
    }
    const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(elapsed_s, 5.0);
}

TEST(IsolatedCall, AChildThatLeavesWithoutAReportIsRefused) {
    try {
        run_isolated_check([] { ::_exit(1); }, "file.h5", "the reader", 10.0);
        FAIL();
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find("exited with status 1"), std::string::npos) << e.what();
    }
}

TEST(IsolatedCall, RefusesALimitOutOfRange) {
    EXPECT_THROW(run_isolated_check([] {}, "file.h5", "the reader", 0.0), UsageError);
}

}  // namespace
}  // namespace cimkit
