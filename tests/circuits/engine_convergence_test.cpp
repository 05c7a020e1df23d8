// The engine's convergence retry policy against circuits found by experiment with ngspice 46.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "circuits/spice/engine.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::spice {
namespace {

// A B-source exponential (no junction limiting, unlike a diode) fed from 5 V through 1 kOhm. The
// .control line restricts ngspice's operating-point search to plain Newton iteration (no gmin or
// source stepping, no transient op), which fails; gmin stepping finds it.
const std::string needs_stepping =
    "exponential needs gmin stepping\n"
    "v1 in 0 dc 5\n"
    "r1 in out 1k\n"
    "b1 out 0 i=1e-15*(exp(v(out)/0.005)-1)\n"
    ".control\n"
    "optran 1 0 0 0 0 0\n"
    ".endc\n"
    ".end\n";

// (5 - v) / 1k = 1e-15 (exp(v / 5 mV) - 1), by bisection: the left side falls, the right side rises.
double exponential_solution_V() {
    double low = 0.0, high = 5.0;
    for (int i = 0; i < 200; ++i) {
        const double v = 0.5 * (low + high);
        ((5.0 - v) / 1e3 > 1e-15 * (std::exp(v / 0.005) - 1.0) ? low : high) = v;
    }
    return 0.5 * (low + high);
}

// i(b1) = +1 A for v > 0 and -1 A otherwise, into 1 kOhm: v/1k + sign(v) = 0 has no solution.
const std::string no_solution =
    "sign source has no operating point\n"
    "r1 out 0 1k\n"
    "b1 out 0 i=v(out)>0 ? 1 : -1\n"
    ".end\n";

// The same impossibility switched on by a pulse at 5 us: the transient runs until then.
const std::string fails_at_5us =
    "sign source from 5 us\n"
    "v1 in 0 pulse(0 1 5u 1n 1n 1 2)\n"
    "r1 out 0 1k\n"
    "b1 out 0 i=v(in)>0.5 ? (v(out)>0 ? 1 : -1) : 0\n"
    ".end\n";

}  // namespace

TEST(EngineConvergence, OpThatFailsPlainNewtonConvergesWithGminStepping) {
    Engine engine;
    engine.load(NetlistText::from_string(needs_stepping, "needs_stepping.cir"));
    const double v_out = engine.run_and_read("op", {"out"}).at(0).at(0);
    EXPECT_NEAR(v_out, exponential_solution_V(), 1e-4);
    EXPECT_EQ(engine.convergence_retry_count(), 1);
    // The options were restored: the same op fails plainly again and needs the retry again.
    EXPECT_NEAR(engine.run_and_read("op", {"out"}).at(0).at(0), v_out, 1e-12);
    EXPECT_EQ(engine.convergence_retry_count(), 2);
    EXPECT_TRUE(engine.plots().empty()) << "a failed attempt left its plot behind";
}

TEST(EngineConvergence, OpWithNoSolutionFailsFastAfterBoundedAttempts) {
    Engine engine;
    engine.load(NetlistText::from_string(no_solution, "no_solution.cir"));
    const auto start = std::chrono::steady_clock::now();
    try {
        engine.run_and_read("op", {"out"});
        FAIL() << "an op with no solution converged";
    } catch (const ConvergenceError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("'op' of circuit 'sign source has no operating point'"), std::string::npos) << message;
        EXPECT_NE(message.find("after 3 attempts"), std::string::npos) << message;
        EXPECT_NE(message.find("no time point reached"), std::string::npos) << message;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 5.0);
    EXPECT_EQ(engine.convergence_retry_count(), 2);
    EXPECT_TRUE(engine.plots().empty());
    EXPECT_THROW(engine.run_analysis("op"), ConvergenceError);  // run_analysis retries too
    EXPECT_EQ(engine.convergence_retry_count(), 4);
}

TEST(EngineConvergence, TransientNamesTheLastTimePointReached) {
    Engine engine;
    engine.load(NetlistText::from_string(fails_at_5us, "fails_at_5us.cir"));
    try {
        engine.run_and_read("tran 0.1u 10u", {"time", "out"});
        FAIL() << "an impossible transient converged";
    } catch (const ConvergenceError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("'tran 0.1u 10u' of circuit 'sign source from 5 us'"), std::string::npos) << message;
        EXPECT_NE(message.find("after 4 attempts"), std::string::npos) << message;
        EXPECT_NE(message.find("smaller time steps"), std::string::npos) << message;
        EXPECT_NE(message.find("last time point reached 0.000005"), std::string::npos) << message;
    }
    EXPECT_EQ(engine.convergence_retry_count(), 3);
    EXPECT_TRUE(engine.plots().empty());
    // The engine is still usable, and a circuit that converges needs no retry.
    engine.load(NetlistText::from_string("divider\nv1 in 0 dc 5\nr1 in out 2k\nr2 out 0 3k\n.end\n", "divider"));
    EXPECT_NEAR(engine.run_and_read("op", {"out"}).at(0).at(0), 3.0, 1e-9);
    EXPECT_EQ(engine.convergence_retry_count(), 3);
}

// v(b) = v(b) + 1 has no solution: the matrix is singular, and ngspice 46's last fall-back (a
// "transient op") used to end "successfully" with v(b) near -1e15 V (security review, issue 13).
TEST(EngineConvergence, SingularMatrixIsAFailureNotAResult) {
    Engine engine;
    engine.load(NetlistText::from_string("no solution\nb1 b 0 v=v(b)+1\nr1 b 0 1k\n.op\n.end\n", "singular.cir"));
    EXPECT_THROW(engine.run(), ConvergenceError);
    // A solvable circuit on the same engine still runs and gives its answer.
    engine.load(NetlistText::from_string("divider\nv1 a 0 dc 1\nr1 a b 1k\nr2 b 0 1k\n.op\n.end\n", "divider.cir"));
    engine.run();
    EXPECT_NEAR(engine.plots().back().vector("v(b)").real.at(0), 0.5, 1e-12);
}

}  // namespace cimkit::spice
