// Reference tests of the embedded ngspice engine against closed-form circuit solutions.
#include "circuits/spice/engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "devices/core/errors.hpp"

namespace cimkit::spice {
namespace {

const std::string examples = CIMKIT_NETLIST_DIR "/examples/";

Plot only_plot(const std::vector<Plot>& plots, const std::string& analysis) {
    for (const auto& p : plots) {
        if (p.analysis == analysis) return p;
    }
    throw Error("no " + analysis + " plot");
}

}  // namespace

// v(out) = 5 V * R2 / (R1 + R2) = 5 * 3k / 5k = 3 V exactly; i(v1) = -5 V / 5 kOhm = -1 mA.
TEST(Engine, DividerOperatingPointIsExact) {
    Engine engine;
    engine.load(NetlistText::from_file(examples + "divider.cir"));
    engine.run();
    const Plot op = only_plot(engine.plots(), "op");
    EXPECT_NEAR(op.vector("v(out)").real.at(0), 3.0, 1e-9);
    EXPECT_NEAR(op.vector("i(v1)").real.at(0), -1e-3, 1e-12);
    EXPECT_EQ(op.vector("v(out)").unit, "V");
    EXPECT_EQ(op.vector("i(v1)").unit, "A");
}

// Step response of an RC low-pass: v(out) = 1 - exp(-t/RC), RC = 1 kOhm * 1 uF = 1 ms.
TEST(Engine, RcTransientFollowsExponentialCharge) {
    Engine engine;
    engine.load(NetlistText::from_file(examples + "rc_lowpass.cir"));
    engine.run();
    const Plot tran = only_plot(engine.plots(), "tran");
    const auto& t = tran.vector("time").real;
    const auto& v = tran.vector("v(out)").real;
    ASSERT_GT(t.size(), 100u);
    ASSERT_TRUE(tran.scale() && tran.scale()->name == "time");
    EXPECT_EQ(tran.scale()->unit, "s");
    double worst = 0.0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        worst = std::max(worst, std::abs(v[i] - (1.0 - std::exp(-t[i] / 1e-3))));
    }
    EXPECT_LT(worst, 1e-4) << "max |v - (1 - exp(-t/RC))| in volts";
    EXPECT_NEAR(t.back(), 5e-3, 1e-12);
}

// |H(f)| = 1 / sqrt(1 + (2 pi f RC)^2) for the same RC.
TEST(Engine, RcAcMagnitudeMatchesTransferFunction) {
    Engine engine;
    engine.load(NetlistText::from_file(examples + "rc_lowpass.cir"));
    engine.run();
    const Plot ac = only_plot(engine.plots(), "ac");
    const auto& f = ac.vector("frequency");
    const auto& out = ac.vector("v(out)");
    ASSERT_FALSE(f.is_complex());
    ASSERT_TRUE(out.is_complex());
    EXPECT_EQ(f.unit, "Hz");
    for (std::size_t i = 0; i < f.size(); ++i) {
        const double w_rc = 2.0 * M_PI * f.real[i] * 1e-3;
        EXPECT_NEAR(std::abs(out.complex[i]), 1.0 / std::sqrt(1.0 + w_rc * w_rc), 1e-9) << "f = " << f.real[i];
    }
}

// Forward diode current grows monotonically with the applied voltage and is ~0 at 0 V.
TEST(Engine, DiodeDcSweepIsMonotone) {
    Engine engine;
    engine.load(NetlistText::from_file(examples + "diode_sweep.cir"));  // .include resolves beside the file
    engine.run();
    const Plot dc = only_plot(engine.plots(), "dc");
    const auto& sweep = dc.vector("v-sweep").real;
    const auto& i_source = dc.vector("i(v1)").real;
    ASSERT_EQ(sweep.size(), 101u);
    EXPECT_LT(std::abs(i_source.front()), 1e-12);
    for (std::size_t k = 1; k < sweep.size(); ++k) {
        EXPECT_GT(-i_source[k], -i_source[k - 1]) << "at " << sweep[k] << " V";
    }
    EXPECT_GT(-i_source.back(), 1e-3);  // well into forward conduction at 1 V
}

TEST(Engine, SyntaxErrorNamesTheNetlistLine) {
    Engine engine;
    const auto netlist = NetlistText::from_string("bad deck\n\nv1 in 0 dc 1\nr1 in out 1k\nr2 out 0 abc\n.op\n.end\n",
                                                  "bad.cir");
    try {
        engine.load(netlist);
        FAIL() << "a bad parameter must not load";
    } catch (const SpiceError& e) {
        EXPECT_EQ(e.stage(), SpiceError::Stage::load);
        EXPECT_EQ(e.line(), 5);
        EXPECT_EQ(e.line_text(), "r2 out 0 abc");
        EXPECT_NE(e.spice_message().find("unknown parameter"), std::string::npos) << e.spice_message();
        EXPECT_NE(std::string(e.what()).find("bad.cir:5"), std::string::npos) << e.what();
    }
}

// A missing .include sends ngspice down its fatal path (ControlledExit). The engine must reload the
// library and give correct results afterwards, several times over.
TEST(Engine, RecoversFromFatalErrorThenRunsCorrectly) {
    Engine engine;
    const auto fatal = NetlistText::from_string("fatal\n.include /nonexistent/cimkit/missing.lib\nr1 a 0 1k\n.op\n",
                                                "fatal.cir");
    for (int attempt = 1; attempt <= 3; ++attempt) {
        EXPECT_THROW(engine.load(fatal), SpiceError);
        EXPECT_EQ(engine.restart_count(), attempt);
        engine.load(NetlistText::from_file(examples + "divider.cir"));
        engine.run();
        EXPECT_NEAR(only_plot(engine.plots(), "op").vector("v(out)").real.at(0), 3.0, 1e-9);
    }
}

TEST(Engine, ConvergenceFailureIsTyped) {
    Engine engine;
    engine.load(NetlistText::from_string("loop\nv1 a 0 dc 1\nv2 a 0 dc 2\nr1 a 0 1k\n.op\n", "loop.cir"));
    EXPECT_THROW(engine.run(), ConvergenceError);
    engine.load(NetlistText::from_file(examples + "divider.cir"));
    engine.run();
    EXPECT_NEAR(only_plot(engine.plots(), "op").vector("v(out)").real.at(0), 3.0, 1e-9);
}

// An EXTERNAL voltage source driven by a C++ sine: v(in) follows it at every accepted time point.
TEST(Engine, ExternalSourceFollowsCppFunction) {
    Engine engine;
    const double f_Hz = 1e3, amplitude_V = 0.7;
    engine.set_external_voltage("V1", [&](double t_s) { return amplitude_V * std::sin(2 * M_PI * f_Hz * t_s); });
    engine.load(NetlistText::from_string(
        "external sine\nv1 in 0 external\nr1 in out 1k\nr2 out 0 1k\n.options klu\n.tran 5u 2m\n", "ext.cir"));
    engine.run();
    const Plot tran = only_plot(engine.plots(), "tran");
    const auto& t = tran.vector("time").real;
    const auto& v_in = tran.vector("v(in)").real;
    const auto& v_out = tran.vector("v(out)").real;
    ASSERT_GT(t.size(), 200u);
    double worst = 0.0, peak = 0.0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        worst = std::max(worst, std::abs(v_in[i] - amplitude_V * std::sin(2 * M_PI * f_Hz * t[i])));
        EXPECT_NEAR(v_out[i], 0.5 * v_in[i], 1e-9);  // the divider halves whatever the source gives
        peak = std::max(peak, v_in[i]);
    }
    EXPECT_LT(worst, 1e-6);
    EXPECT_NEAR(peak, amplitude_V, 0.01);
}

TEST(Engine, ExceptionInSourceFunctionReachesTheCaller) {
    Engine engine;
    engine.set_external_voltage("v1", [](double t_s) -> double {
        if (t_s > 1e-4) throw ParameterError("source refused");
        return 1.0;
    });
    engine.load(NetlistText::from_string("throwing source\nv1 in 0 external\nr1 in 0 1k\n.tran 10u 1m\n", "t.cir"));
    EXPECT_THROW(engine.run(), ParameterError);
    engine.clear_external_sources();
    engine.load(NetlistText::from_file(examples + "divider.cir"));
    engine.run();
    EXPECT_NEAR(only_plot(engine.plots(), "op").vector("v(out)").real.at(0), 3.0, 1e-9);
}

TEST(Engine, RunsAnalysesGivenAsCommands) {
    Engine engine;
    engine.load(NetlistText::from_file(examples + "divider.cir"));
    engine.run_analysis("op");
    engine.run_analysis("dc v1 0 10 1");
    const auto plots = engine.plots();
    const Plot dc = only_plot(plots, "dc");
    const auto& sweep = dc.vector("v-sweep").real;
    const auto& out = dc.vector("v(out)").real;
    for (std::size_t i = 0; i < sweep.size(); ++i) EXPECT_NEAR(out[i], 0.6 * sweep[i], 1e-9);
    EXPECT_THROW(engine.run_analysis("shell ls"), UsageError);
    EXPECT_THROW(engine.run_analysis("op; shell ls"), UsageError);
}

TEST(Engine, OnlyOneEnginePerProcess) {
    Engine engine;
    EXPECT_THROW(Engine second, Error);
}

TEST(Engine, OutputIsCaptured) {
    Engine engine;
    engine.load(NetlistText::from_file(examples + "divider.cir"));
    engine.run();
    bool saw_klu = false;
    for (const auto& line : engine.output()) saw_klu = saw_klu || line.find("Using KLU") != std::string::npos;
    EXPECT_TRUE(saw_klu) << "ngspice 46 from bookworm-backports with .options klu must report the KLU solver";
}

}  // namespace cimkit::spice

namespace cimkit::spice {

// An EXTERNAL current source into 2 kOhm: v(n) = I(t) * R by Ohm's law at every time point.
TEST(Engine, ExternalCurrentSourceDrivesOhmsLaw) {
    Engine engine;
    engine.set_external_current("I1", [](double t_s) { return 1e-3 * t_s / 1e-3; });  // 0 -> 1 mA ramp
    engine.load(NetlistText::from_string("external ramp\ni1 0 n external\nr1 n 0 2k\n.tran 10u 1m\n", "i.cir"));
    engine.run();
    const auto plots = engine.plots();
    const Plot& tran = plots.front();
    const auto& t = tran.vector("time").real;
    const auto& v = tran.vector("v(n)").real;
    for (std::size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(v[i], 2e3 * (1e-3 * t[i] / 1e-3), 1e-9);
    EXPECT_NEAR(v.back(), 2.0, 1e-9);
}

// Breakpoints given to run_and_read are time points of the transient (ngspice cannot see the corner
// of an EXTERNAL waveform), on every solve, not only the first; none of them appear without it. They
// need a tran and an EXTERNAL source.
TEST(Engine, TransientLandsOnGivenBreakpoints) {
    Engine engine;
    engine.set_external_voltage("v1", [](double t_s) { return t_s > 3.3e-9 ? 1.0 : 0.0; });
    engine.load(NetlistText::from_string("step\nv1 a 0 external\nr1 a b 1k\nc1 b 0 1p\n", "bp.cir"));
    const std::vector<double> breakpoints_s{3.3e-9, 7.1e-9};
    auto lands_on = [](const std::vector<double>& t, double at) {
        return std::any_of(t.begin(), t.end(), [&](double x) { return std::abs(x - at) < 1e-15; });
    };
    for (int solve = 0; solve < 3; ++solve) {
        const auto t = engine.run_and_read("tran 1n 10n 0 1n", {"time"}, breakpoints_s).at(0);
        for (const double at : breakpoints_s) EXPECT_TRUE(lands_on(t, at)) << "solve " << solve << ", " << at << " s";
    }
    const auto plain = engine.run_and_read("tran 1n 10n 0 1n", {"time"}).at(0);
    EXPECT_FALSE(lands_on(plain, 7.1e-9));
    EXPECT_THROW(engine.run_and_read("op", {"b"}, breakpoints_s), UsageError);
    EXPECT_THROW(engine.run_and_read("tran 1n 10n", {"time"}, {-1e-9}), UsageError);
    engine.load(NetlistText::from_string("no external\nv1 a 0 dc 1\nr1 a 0 1k\n", "plain.cir"));
    EXPECT_THROW(engine.run_and_read("tran 1n 10n", {"time"}, breakpoints_s), UsageError);
}

// .four, which the library's run ignores, comes back as vectors of the transient plot: a 1 V,
// 1 kHz sine gives a fundamental of 1 V and no harmonics (THD ~ 0).
TEST(Engine, FourierCardsBecomeVectorsOfTheTransient) {
    Engine engine;
    engine.load(NetlistText::from_string("sine\nv1 in 0 sin(0 1 1k)\nr1 in 0 1k\n.tran 1u 2m\n.four 1k v(in)\n", "four.cir"));
    engine.run();
    const Plot tran = only_plot(engine.plots(), "tran");
    const auto& rows = tran.vector("fourier(v(in))").real;  // frequencies, magnitudes, phases
    ASSERT_EQ(rows.size(), 30u);
    EXPECT_DOUBLE_EQ(rows[1], 1e3);
    EXPECT_NEAR(rows[10 + 1], 1.0, 1e-4);
    EXPECT_LT(tran.vector("thd(v(in))").real.at(0), 1e-6) << "percent";
}

// A .four card is a command for ngspice's control language, which runs backquotes through a shell.
TEST(Engine, FourierCardWithShellSyntaxIsRefusedWithItsLine) {
    Engine engine;
    engine.load(NetlistText::from_string("sine\nv1 in 0 sin(0 1 1k)\nr1 in 0 1k\n.tran 1u 2m\n.four 1k `id`\n", "four.cir"));
    try {
        engine.run();
        FAIL();
    } catch (const NetlistError& e) {
        EXPECT_NE(std::string(e.what()).find("four.cir:5"), std::string::npos) << e.what();
    }
}

// Plots without a sweep have no scale: ngspice's default scale of a .tf plot is one of its results.
TEST(Engine, TransferFunctionPlotHasNoScale) {
    Engine engine;
    engine.load(NetlistText::from_string("tf\nv1 in 0 1\nr1 in out 1k\nr2 out 0 3k\n.tf v(out) v1\n", "tf.cir"));
    engine.run();
    const Plot tf = only_plot(engine.plots(), "tf");
    EXPECT_EQ(tf.scale(), nullptr);
    EXPECT_NEAR(tf.vector("Transfer_function").real.at(0), 0.75, 1e-12);
}

}  // namespace cimkit::spice
