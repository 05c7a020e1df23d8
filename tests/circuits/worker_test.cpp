// The crash-isolating ngspice worker: same results and errors as an in-process Engine, and a netlist
// that really crashes ngspice 46 costs one call, not the process.
#include "circuits/spice/worker.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cmath>

#include "circuits/spice/engine.hpp"
#include "circuits/spice/worker_child.hpp"

namespace cimkit::spice {
namespace {

// v(out) = v(in) * 3k / (2k + 3k) = 0.6 v(in); the source current is -v(in) / 5 kOhm.
const std::string divider =
    "external divider\n"
    "vin in 0 external\n"
    "r1 in out 2k\n"
    "r2 out 0 3k\n"
    ".options klu\n"
    ".end\n";

// The same divider fed by an EXTERNAL current source into r2 || (r1 + nothing): i flows into `out`.
const std::string current_fed =
    "external current\n"
    "iin 0 out external\n"
    "r2 out 0 3k\n"
    ".options klu\n"
    ".end\n";

// ngspice 46's `show all` segfaults inside its own printf formatting (found by experiment: gdb shows
// vsnprintf of a bad " %*.*s" argument called from libngspice). A .control block runs during the load.
const std::string segfaulting =
    "show all segfaults ngspice 46\n"
    "v1 in 0 dc 1\n"
    "r1 in out 1k\n"
    "r2 out 0 1k\n"
    ".control\n"
    "show all\n"
    ".endc\n"
    ".end\n";

bool reaped(pid_t pid) {
    // Neither a running child nor a zombie: waitpid no longer knows it, and no process has its id.
    int status = 0;
    return ::waitpid(pid, &status, WNOHANG) < 0 && errno == ECHILD && ::kill(pid, 0) < 0 && errno == ESRCH;
}

}  // namespace

TEST(StepTable, HoldsEachSampleForOneStep) {
    const std::vector<double> v{1.0, 2.0, 3.0};
    EXPECT_EQ(step_table_value(v, 1e-6, 0.0), 1.0);
    EXPECT_EQ(step_table_value(v, 1e-6, 0.5e-6), 1.0);
    EXPECT_EQ(step_table_value(v, 1e-6, 3 * 1e-6 / 3), 2.0);  // k * step in floating point
    EXPECT_EQ(step_table_value(v, 1e-6, 2e-6), 3.0);
    EXPECT_EQ(step_table_value(v, 1e-6, 1.0), 3.0);  // past the end: the last value
    EXPECT_EQ(step_table_value(v, 1e-6, -1.0), 1.0);
}

TEST(Worker, DividerMatchesClosedFormAndInProcessEngine) {
    const std::vector<double> inputs_V{5.0, 1.0, -2.0, 0.25};
    const double step_s = 1e-6;
    const std::string tran = "tran 1u 4u 0 1u";
    std::vector<std::vector<double>> engine_op, engine_tran;
    {
        Engine engine;  // destroyed before the worker forks: a child must not inherit a live ngspice
        engine.load(NetlistText::from_string(divider, "divider"));
        engine.set_external_voltage("vin", [&](double t) { return step_table_value(inputs_V, step_s, t); });
        engine_op = engine.run_and_read("op", {"out", "vin#branch"});
        engine_tran = engine.run_and_read(tran, {"time", "out"});
    }
    Worker worker;
    worker.load(divider, "divider");
    worker.set_external_table("VIN", inputs_V, step_s);  // names are case-insensitive, as in ngspice
    const auto op = worker.run_and_read("op", {"out", "vin#branch"});
    ASSERT_EQ(op.size(), 2u);
    EXPECT_NEAR(op[0].at(0), 3.0, 1e-9);  // 0.6 * values[0]
    EXPECT_NEAR(op[1].at(0), -1e-3, 1e-12);
    EXPECT_EQ(op, engine_op);

    const auto wave = worker.run_and_read(tran, {"time", "out"});
    EXPECT_EQ(wave, engine_tran);
    ASSERT_GE(wave[0].size(), inputs_V.size());
    for (std::size_t k = 0; k < wave[0].size(); ++k) {
        const double t = wave[0][k];
        EXPECT_NEAR(wave[1][k], 0.6 * step_table_value(inputs_V, step_s, t), 1e-9) << "t = " << t;
    }
    EXPECT_EQ(worker.solves(), 2);
    EXPECT_EQ(worker.restarts(), 0);
    EXPECT_GT(worker.child_rss_bytes(), 1u << 20);  // a child with ngspice loaded: megabytes
}

TEST(Worker, TablesCanBeUpdatedBetweenSolvesCheaply) {
    Worker worker;
    worker.load(divider, "divider");
    worker.load(divider, "divider");  // loading again keeps working (tables outlive loads)
    for (int i = 0; i < 500; ++i) {
        const double v = 0.01 * i;
        worker.set_external_table("vin", {v}, 1e-6);
        ASSERT_NEAR(worker.run_and_read("op", {"out"})[0][0], 0.6 * v, 1e-9) << "solve " << i;
    }
    Worker currents;
    currents.load(current_fed, "current fed");
    currents.set_external_current_table("iin", {1e-3}, 1e-6);
    EXPECT_NEAR(currents.run_and_read("op", {"out"})[0][0], 3.0, 1e-9);  // 1 mA into 3 kOhm
}

TEST(Worker, ErrorsArriveWithTheirTypeAndMessage) {
    const std::string broken = "broken\nr1 in 0 notanumber\n.op\n.end\n";
    std::string engine_message;
    {
        Engine engine;
        try {
            engine.load(NetlistText::from_string(broken, "broken.cir"));
        } catch (const SpiceError& e) {
            engine_message = e.what();
        }
    }
    ASSERT_FALSE(engine_message.empty());
    Worker worker;
    try {
        worker.load(broken, "broken.cir");
        FAIL() << "a broken netlist loaded";
    } catch (const SpiceError& e) {
        EXPECT_EQ(std::string(e.what()), engine_message);
        EXPECT_EQ(e.stage(), SpiceError::Stage::load);
        EXPECT_EQ(e.origin(), "broken.cir");
    }
    EXPECT_THROW(worker.run_and_read("op", {"out"}), Error);  // nothing loaded now
    worker.load(divider, "divider");
    worker.set_external_table("vin", {1.0}, 1e-6);
    EXPECT_THROW(worker.run_and_read("ac dec 10 1 1k", {"out"}), UsageError);  // an ac plot is complex: refused
    try {
        worker.run_and_read("op", {"nosuchnode"});
        FAIL() << "a missing vector was read";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("nosuchnode"), std::string::npos) << e.what();
    }
    EXPECT_THROW(worker.load("", "empty.cir"), NetlistError);
    EXPECT_THROW(worker.set_external_table("vin", {NAN}, 1e-6), UsageError);
    // Two ideal sources in parallel with different values: no operating point exists.
    worker.load("impossible\nv1 a 0 dc 1\nv2 a 0 dc 2\n.end\n", "impossible.cir");
    EXPECT_THROW(worker.run_and_read("op", {"a"}), ConvergenceError);
}

TEST(Worker, SegfaultingNetlistCrashesOnlyTheChild) {
    Worker worker;
    const pid_t first = worker.child_pid();
    try {
        worker.load(segfaulting, "show_all.cir");
        FAIL() << "ngspice 46 no longer crashes on 'show all'; find another crashing netlist";
    } catch (const WorkerCrashed& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("SIGSEGV"), std::string::npos) << message;
        EXPECT_NE(message.find("load of 'show_all.cir'"), std::string::npos) << message;
    }
    EXPECT_EQ(worker.child_pid(), 0);
    EXPECT_TRUE(reaped(first)) << "the crashed child was left as a zombie";
    // The next call starts a fresh child; after loading again, solves work.
    worker.load(divider, "divider");
    worker.set_external_table("vin", {5.0}, 1e-6);
    EXPECT_NEAR(worker.run_and_read("op", {"out"})[0][0], 3.0, 1e-9);
    EXPECT_EQ(worker.restarts(), 1);
    EXPECT_NE(worker.child_pid(), first);
}

TEST(Worker, KilledChildIsReportedAndReplaced) {
    Worker worker;
    worker.load(divider, "divider");
    worker.set_external_table("vin", {5.0}, 1e-6);
    ASSERT_NEAR(worker.run_and_read("op", {"out"})[0][0], 3.0, 1e-9);
    const pid_t first = worker.child_pid();
    ASSERT_EQ(::kill(first, SIGKILL), 0);
    try {
        worker.run_and_read("op", {"out"});
        FAIL() << "a solve on a killed worker returned";
    } catch (const WorkerCrashed& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("SIGKILL"), std::string::npos) << message;
        EXPECT_NE(message.find("'op' of 'divider'"), std::string::npos) << message;
    }
    EXPECT_TRUE(reaped(first));
    EXPECT_THROW(worker.run_and_read("op", {"out"}), Error);  // the new child has no circuit yet
    worker.load(divider, "divider");
    EXPECT_NEAR(worker.run_and_read("op", {"out"})[0][0], 3.0, 1e-9);  // the table was kept
    // An abort() (ngspice's failed assertions) looks the same from here.
    ASSERT_EQ(::kill(worker.child_pid(), SIGABRT), 0);
    try {
        worker.load(divider, "divider");
        FAIL() << "a load on an aborted worker returned";
    } catch (const WorkerCrashed& e) {
        EXPECT_NE(std::string(e.what()).find("SIGABRT"), std::string::npos) << e.what();
    }
}

static WorkerOptions recycling_after(long solves) {
    WorkerOptions options;
    options.max_solves_before_recycle = solves;
    return options;
}

TEST(Worker, RecyclesAfterMaxSolvesKeepingCircuitAndTables) {
    Worker worker(recycling_after(3));
    worker.load(divider, "divider");
    std::vector<pid_t> children;
    for (int i = 1; i <= 10; ++i) {
        worker.set_external_table("vin", {1.0 * i}, 1e-6);
        ASSERT_NEAR(worker.run_and_read("op", {"out"})[0][0], 0.6 * i, 1e-9) << "solve " << i;
        if (children.empty() || children.back() != worker.child_pid()) children.push_back(worker.child_pid());
    }
    EXPECT_EQ(worker.solves(), 10);
    EXPECT_EQ(worker.restarts(), 3);  // before solves 4, 7 and 10
    ASSERT_EQ(children.size(), 4u);
    for (std::size_t i = 0; i + 1 < children.size(); ++i) EXPECT_TRUE(reaped(children[i]));
    EXPECT_THROW(Worker(recycling_after(-1)), UsageError);
}

// A transient that cannot finish in any useful time: a 1 ps maximum step over 1 s (10^12 steps),
// saving nothing before 0.999 s so that the child's memory stays small while it runs.
const std::string endless =
    "endless transient\n"
    "v1 a 0 sin(0 1 1meg)\n"
    "r1 a b 1k\n"
    "c1 b 0 1n\n"
    ".options klu\n"
    ".end\n";

TEST(Worker, HungSolveTimesOutKillsTheChildAndTheNextCallRecovers) {
    WorkerOptions options;
    options.solve_timeout_s = 1.0;
    Worker worker(options);
    worker.load(endless, "endless.cir");
    const pid_t first = worker.child_pid();
    const auto started = std::chrono::steady_clock::now();
    try {
        worker.run_and_read("tran 1p 1 0.999 1p", {"b"});
        FAIL() << "a 10^12-step transient finished";
    } catch (const WorkerTimeout& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("'tran 1p 1 0.999 1p' of 'endless.cir'"), std::string::npos) << message;
        EXPECT_NE(message.find("solve_timeout_s = 1 s"), std::string::npos) << message;
        EXPECT_NE(message.find("killed"), std::string::npos) << message;
    }
    const double waited_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    RecordProperty("timeout_waited_s", std::to_string(waited_s));
    EXPECT_GE(waited_s, 1.0);
    EXPECT_LT(waited_s, 3.0);  // the limit plus killing and reaping, not the transient's length
    EXPECT_EQ(worker.child_pid(), 0);
    EXPECT_TRUE(reaped(first)) << "the timed-out child was left running or as a zombie";
    EXPECT_EQ(worker.solves(), 0);  // an unanswered solve is not counted

    // Like after a crash: a fresh child, which needs the netlist again; tables are kept.
    worker.set_external_table("vin", {5.0}, 1e-6);
    worker.load(divider, "divider");
    EXPECT_NEAR(worker.run_and_read("op", {"out"})[0][0], 3.0, 1e-9);
    EXPECT_EQ(worker.restarts(), 1);
    EXPECT_NE(worker.child_pid(), first);
}

TEST(Worker, TimeoutIsAWorkerCrashAndItsOptionIsChecked) {
    // ParallelRead and other callers that recover from WorkerCrashed recover from a timeout too.
    EXPECT_THROW(throw WorkerTimeout("x"), WorkerCrashed);
    for (const double bad : {-1.0, std::nan(""), 1e300}) {
        WorkerOptions options;
        options.solve_timeout_s = bad;
        EXPECT_THROW(Worker{options}, UsageError) << bad;
    }
    WorkerOptions none;
    none.solve_timeout_s = 0.0;  // no limit
    Worker worker(none);
    worker.load(divider, "divider");
    worker.set_external_table("vin", {1.0}, 1e-6);
    EXPECT_NEAR(worker.run_and_read("op", {"out"})[0][0], 0.6, 1e-9);
}

TEST(Worker, DestructorEndsTheChild) {
    pid_t child = 0;
    {
        Worker worker;
        worker.load(divider, "divider");
        child = worker.child_pid();
        ASSERT_GT(child, 0);
    }
    EXPECT_TRUE(reaped(child));
}

TEST(Worker, RefusesToForkFromAProcessWithALiveEngine) {
    Engine engine;
    try {
        Worker worker;
        FAIL() << "a worker started beside a live in-process engine";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("in-process Engine"), std::string::npos) << e.what();
    }
}

}  // namespace cimkit::spice
