// Reference tests of the peripheral subcircuits in netlists/peripherals/ (TIA, integrator, neuron
// activations, ADC, sense amplifier, row drivers, outer-product update cells) against their closed
// forms, run through the embedded ngspice engine. Each test states the formula it checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "circuits/spice/engine.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::spice {
namespace {

const std::string peripherals_dir = CIMKIT_NETLIST_DIR "/peripherals/";

// libngspice allows one engine per process; every test shares it (load() replaces the circuit).
Engine& shared_engine() {
    static Engine engine;
    return engine;
}

// A deck that includes the given peripheral files, then the body, with KLU on.
std::string deck(const std::string& title, const std::vector<std::string>& libraries, const std::string& body) {
    std::string text = title + "\n";
    for (const auto& library : libraries) text += ".include " + peripherals_dir + library + "\n";
    return text + body + ".options klu\n.end\n";
}

// Loads the deck, runs its analyses and returns the plot of the given analysis.
Plot simulate(const std::string& text, const std::string& origin, const std::string& analysis) {
    Engine& engine = shared_engine();
    engine.load(NetlistText::from_string(text, origin));
    engine.run();
    for (const auto& plot : engine.plots()) {
        if (plot.analysis == analysis) return plot;
    }
    throw Error(origin + ": no " + analysis + " plot");
}

// ngspice ends Newton's iteration once successive iterates agree within reltol*|V| + vntol; with the
// default reltol = 1e-3 a DC-sweep point of a nonlinear B-source may then be reported from the
// linearisation at the previous iterate, off by up to about 1e-3*|V| (measured: 6.8e-4 V on a 0.8 V
// logistic). Decks whose closed form is checked to 1e-6 or better tighten the tolerances.
// What remains is below reltol*|V| = 1e-9 V per volt; the checks allow newton_slack_V for it.
const std::string tight_newton = ".options reltol=1e-9 vntol=1e-12\n";
constexpr double newton_slack_V = 1e-8;

const std::vector<double>& values(const Plot& plot, const std::string& name) { return plot.vector(name).real; }

// Value of y at time t by linear interpolation between the simulated points.
double at_time(const std::vector<double>& t, const std::vector<double>& y, double time_s) {
    const auto upper = std::lower_bound(t.begin(), t.end(), time_s);
    if (upper == t.begin()) return y.front();
    if (upper == t.end()) return y.back();
    const auto i = static_cast<std::size_t>(upper - t.begin());
    const double f = (time_s - t[i - 1]) / (t[i] - t[i - 1]);
    return y[i - 1] + f * (y[i] - y[i - 1]);
}

// Times at which y crosses the level (either direction), linearly interpolated.
std::vector<double> crossings(const std::vector<double>& t, const std::vector<double>& y, double level) {
    std::vector<double> out;
    for (std::size_t i = 1; i < t.size(); ++i) {
        const double a = y[i - 1] - level, b = y[i] - level;
        if ((a < 0.0) != (b < 0.0)) out.push_back(t[i - 1] + (t[i] - t[i - 1]) * a / (a - b));
    }
    return out;
}

double logistic(double x) { return 0.5 * (1.0 + std::tanh(0.5 * x)); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// TIA: KCL at `in` with V_out = -a0*V_in gives V_out = -I*rf*a0/(1 + a0) and V_in = -V_out/a0.
TEST(PeripheralTia, OutputAndVirtualGroundMatchFiniteGainClosedForm) {
    struct Case {
        double a0, rf_Ohm;
    };
    for (const Case c : {Case{1e4, 10e3}, Case{50.0, 1e6}}) {
        std::ostringstream body;
        body.precision(17);
        body << "i1 0 in dc 0\nx1 in out tia a0=" << c.a0 << " rf=" << c.rf_Ohm << "\n.dc i1 -20u 20u 2.5u\n";
        const Plot dc = simulate(deck("tia", {"tia.lib"}, body.str()), "tia.cir", "dc");
        const auto& current_A = dc.scale()->real;
        const auto& v_out = values(dc, "v(out)");
        const auto& v_in = values(dc, "v(in)");
        ASSERT_EQ(current_A.size(), 17u);
        for (std::size_t i = 0; i < current_A.size(); ++i) {
            const double expected_V = -current_A[i] * c.rf_Ohm * c.a0 / (1.0 + c.a0);
            EXPECT_NEAR(v_out[i], expected_V, 1e-6 * std::abs(expected_V) + 1e-15) << "I = " << current_A[i];
            EXPECT_NEAR(v_in[i], -v_out[i] / c.a0, 1e-6 * std::abs(v_out[i] / c.a0) + 1e-15);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Integrator from rest (cf ic=0, uic), constant current I into `in`:
//   V_out(t) = -a0/(1 + a0) * I*t/cf,   V_in(t) = -V_out(t)/a0.
TEST(PeripheralIntegrator, ConstantCurrentRampMatchesFiniteGainClosedForm) {
    const double a0 = 1e3, cf_F = 2e-12, current_A = 3e-6, t_end_s = 1e-6;
    const Plot tran = simulate(deck("integrator", {"integrator.lib"},
                                    "i1 0 in dc 3u\nx1 in out integrator a0=1e3 cf=2p\n.tran 5n 1u uic\n"),
                               "integrator.cir", "tran");
    const auto& t = tran.scale()->real;
    const auto& v_out = values(tran, "v(out)");
    const auto& v_in = values(tran, "v(in)");
    auto closed_form = [&](double t_s) { return -a0 / (1.0 + a0) * current_A * t_s / cf_F; };
    ASSERT_NEAR(t.back(), t_end_s, 1e-15);
    const double full_scale_V = std::abs(closed_form(t_end_s));  // 1.4985 V
    double worst = 0.0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        worst = std::max(worst, std::abs(v_out[i] - closed_form(t[i])) / full_scale_V);
        EXPECT_NEAR(v_in[i], -v_out[i] / a0, 1e-9);
    }
    EXPECT_LT(worst, 1e-3) << "max |V_out - closed form| / |V_out(T)|";
    EXPECT_NEAR(v_out.back(), closed_form(t_end_s), 1e-3 * full_scale_V);
}

// integrator_rst: rst high holds V_out at -I*ron*a0/(1 + a0); after rst falls (crossing vth at t_r)
//   V_out(t) = -I*ron*a0/(1 + a0) - a0/(1 + a0) * I*(t - t_r)/cf,
// and a second reset returns it to the held value before a second identical ramp.
TEST(PeripheralIntegrator, ResetHoldsThenRestartsTheRamp) {
    const double a0 = 1e4, cf_F = 1e-12, current_A = 1e-6, ron_Ohm = 100.0;
    // rst: high, falls through 0.5 V at 100 ns, rises through it at 600 ns, falls again at 700 ns.
    const Plot tran = simulate(deck("integrator reset", {"integrator.lib"},
                                    "i1 0 in dc 1u\nvr rst 0 pulse(1 0 99.5n 1n 1n 499n 600n)\n"
                                    "x1 in out rst integrator_rst a0=1e4 cf=1p ron=100\n.tran 2n 1.15u\n"),
                               "integrator_rst.cir", "tran");
    const auto& t = tran.scale()->real;
    const auto& v_out = values(tran, "v(out)");
    const double held_V = -current_A * ron_Ohm * a0 / (1.0 + a0);
    auto ramp = [&](double t_s, double release_s) {
        return held_V - a0 / (1.0 + a0) * current_A * (t_s - release_s) / cf_F;
    };
    EXPECT_NEAR(v_out.front(), held_V, 1e-9) << "operating point with rst high";
    EXPECT_NEAR(at_time(t, v_out, 650e-9), held_V, 1e-6) << "second reset";
    for (const double t_s : {300e-9, 599e-9}) {
        EXPECT_NEAR(at_time(t, v_out, t_s), ramp(t_s, 100e-9), 1e-3 * std::abs(ramp(t_s, 100e-9))) << t_s;
    }
    for (const double t_s : {900e-9, 1150e-9}) {
        EXPECT_NEAR(at_time(t, v_out, t_s), ramp(t_s, 700e-9), 1e-3 * std::abs(ramp(t_s, 700e-9))) << t_s;
    }
}

// ---------------------------------------------------------------------------------------------
// sigmoid_b: V_out = vhigh/(1 + exp(-(V_in - vmid)/vscale)), with defaults and with other values.
TEST(PeripheralActivation, SigmoidBehaviouralMatchesLogistic) {
    const Plot dc = simulate(deck("sigmoid_b", {"sigmoid_behavioural.lib"},
                                  "v1 in 0 dc 0\nx1 in o1 sigmoid_b\n"
                                  "x2 in o2 sigmoid_b vmid=0.2 vscale=0.15 vhigh=0.8\n.dc v1 -1 1 0.05\n" + tight_newton),
                             "sigmoid_b.cir", "dc");
    const auto& v_in = dc.scale()->real;
    ASSERT_EQ(v_in.size(), 41u);
    for (std::size_t i = 0; i < v_in.size(); ++i) {
        const double defaults_V = 1.0 / (1.0 + std::exp(-(v_in[i] - 0.0) / 0.1));
        const double custom_V = 0.8 / (1.0 + std::exp(-(v_in[i] - 0.2) / 0.15));
        EXPECT_NEAR(values(dc, "v(o1)")[i], defaults_V, 1e-6 * 1.0) << "V_in = " << v_in[i];
        EXPECT_NEAR(values(dc, "v(o2)")[i], custom_V, 1e-6 * 0.8) << "V_in = " << v_in[i];
    }
}

// relu_b: V_out = (x + sqrt(x^2 + vsmooth^2))/2 with x = gain*V_in; its error against max(0, x)
// lies in (0, vsmooth/2], equals vsmooth/2 at x = 0 and is below vsmooth^2/(4|x|) elsewhere.
TEST(PeripheralActivation, ReluBehaviouralStaysWithinStatedBound) {
    const double gain = 2.0, vsmooth_V = 1e-3;
    const Plot dc = simulate(deck("relu_b", {"relu_behavioural.lib"},
                                  "v1 in 0 dc 0\nx1 in out relu_b gain=2 vsmooth=1m\n.dc v1 -0.5 0.5 0.01\n" + tight_newton),
                             "relu_b.cir", "dc");
    const auto& v_in = dc.scale()->real;
    const auto& v_out = values(dc, "v(out)");
    double worst_V = 0.0;
    for (std::size_t i = 0; i < v_in.size(); ++i) {
        const double x = gain * v_in[i];
        const double error_V = v_out[i] - std::max(0.0, x);
        worst_V = std::max(worst_V, error_V);
        EXPECT_GT(error_V, 0.0) << "V_in = " << v_in[i];
        EXPECT_LE(error_V, vsmooth_V / 2 + newton_slack_V) << "V_in = " << v_in[i];
        if (std::abs(x) > 1e-6) {
            EXPECT_LE(error_V, vsmooth_V * vsmooth_V / (4 * std::abs(x)) + newton_slack_V) << "V_in = " << v_in[i];
        }
        EXPECT_NEAR(v_out[i], 0.5 * (x + std::sqrt(x * x + vsmooth_V * vsmooth_V)), newton_slack_V);
    }
    EXPECT_NEAR(worst_V, vsmooth_V / 2, newton_slack_V) << "the bound is reached at V_in = 0";
}

namespace {

struct LogisticFit {
    double midpoint_V, scale_V, rms_residual_V, max_residual_V;
};

// Least-squares fit of vlow + swing/(1 + exp(-(x - m)/s)) over (m, s), vlow and swing fixed
// (Gauss-Newton with step halving).
LogisticFit fit_logistic(const std::vector<double>& x, const std::vector<double>& y, double vlow, double swing,
                         double m, double s) {
    auto sse = [&](double mm, double ss) {
        double sum = 0.0;
        for (std::size_t i = 0; i < x.size(); ++i) sum += std::pow(vlow + swing * logistic((x[i] - mm) / ss) - y[i], 2);
        return sum;
    };
    for (int iteration = 0; iteration < 100; ++iteration) {
        double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double z = (x[i] - m) / s, sigma = logistic(z);
            const double r = vlow + swing * sigma - y[i];
            const double dr_dm = -swing * sigma * (1 - sigma) / s, dr_ds = dr_dm * z;
            a11 += dr_dm * dr_dm, a12 += dr_dm * dr_ds, a22 += dr_ds * dr_ds;
            b1 += dr_dm * r, b2 += dr_ds * r;
        }
        const double det = a11 * a22 - a12 * a12;
        double dm = -(a22 * b1 - a12 * b2) / det, ds = -(a11 * b2 - a12 * b1) / det;
        const double before = sse(m, s);
        while (sse(m + dm, s + ds) > before && std::abs(ds) > 1e-15) dm *= 0.5, ds *= 0.5;
        m += dm, s += ds;
        if (std::abs(dm) < 1e-12 && std::abs(ds) < 1e-12) break;
    }
    LogisticFit fit{m, s, std::sqrt(sse(m, s) / static_cast<double>(x.size())), 0.0};
    for (std::size_t i = 0; i < x.size(); ++i) {
        fit.max_residual_V = std::max(fit.max_residual_V, std::abs(vlow + swing * logistic((x[i] - m) / s) - y[i]));
    }
    return fit;
}

}  // namespace

// sigmoid_mos (defaults: vdd 1.8 V, vmid 0.9 V, itail 20 uA, rd 50 kOhm, beta = kp*w/l = 1.2 mA/V^2):
//   V_out(-inf) = vdd - rd*itail = 0.8 V,  V_out(+inf) = vdd = 1.8 V,  V_out(vmid) = vdd - rd*itail/2,
//   dV_out/dV_in at vmid = rd*sqrt(beta*itail)/2,  flat beyond |V_in - vmid| = sqrt(2*itail/beta).
// The fitted logistic has |m - vmid| < 1 mV, s/(sqrt(itail/beta)/2) in [0.80, 0.86], rms residual
// below 2 % of the swing (the bounds stated in sigmoid_mos.lib).
TEST(PeripheralActivation, SigmoidMosIsMonotoneSaturatingAndLogisticLike) {
    const double vdd = 1.8, vmid = 0.9, itail = 20e-6, rd = 50e3, beta = 120e-6 * 10;
    const double vlow = vdd - rd * itail, swing = rd * itail;
    const Plot dc = simulate(deck("sigmoid_mos", {"sigmoid_mos.lib"},
                                  "v1 in 0 dc 0.9\nx1 in out sigmoid_mos\n.dc v1 0.4 1.4 2m\n"),
                             "sigmoid_mos.cir", "dc");
    const auto& v_in = dc.scale()->real;
    const auto& v_out = values(dc, "v(out)");
    ASSERT_EQ(v_in.size(), 501u);
    for (std::size_t i = 1; i < v_in.size(); ++i) EXPECT_GE(v_out[i], v_out[i - 1] - 1e-9) << "V_in = " << v_in[i];
    const double full_switch_V = std::sqrt(2 * itail / beta);
    for (std::size_t i = 0; i < v_in.size(); ++i) {
        const double beyond_V = std::abs(v_in[i] - vmid) - full_switch_V;
        if (beyond_V > 1e-3) {
            EXPECT_NEAR(v_out[i], v_in[i] < vmid ? vlow : vdd, 1e-6) << "V_in = " << v_in[i];
        }
    }
    const std::size_t mid = 250;  // V_in = vmid
    EXPECT_NEAR(v_out[mid], vdd - rd * itail / 2, 1e-6);
    const double slope = (v_out[mid + 1] - v_out[mid - 1]) / (v_in[mid + 1] - v_in[mid - 1]);
    EXPECT_NEAR(slope, rd * std::sqrt(beta * itail) / 2, 0.01 * rd * std::sqrt(beta * itail) / 2);

    const double vscale_equivalent = std::sqrt(itail / beta) / 2;  // 64.5 mV
    const LogisticFit fit = fit_logistic(v_in, v_out, vlow, swing, vmid, vscale_equivalent);
    EXPECT_NEAR(fit.midpoint_V, vmid, 1e-3);
    EXPECT_GE(fit.scale_V / vscale_equivalent, 0.80);
    EXPECT_LE(fit.scale_V / vscale_equivalent, 0.86);
    EXPECT_LT(fit.rms_residual_V, 0.02 * swing);
    RecordProperty("fitted_scale_ratio", std::to_string(fit.scale_V / vscale_equivalent));
    RecordProperty("max_residual_over_swing", std::to_string(fit.max_residual_V / swing));
}

// The node capacitances and initial conditions let sigmoid_mos start a `.tran ... uic`; the output then
// settles (tau about rd*cnode = 0.5 ns) to its DC value vdd - rd*itail/2 + rd*(I1 - I2)/2 at
// V_in = vmid + 50 mV, with I1 - I2 = (beta/2)*dV*sqrt(4*itail/beta - dV^2).
TEST(PeripheralActivation, SigmoidMosStartsUnderUic) {
    const double vdd = 1.8, itail = 20e-6, rd = 50e3, beta = 1.2e-3, dv = 0.05;
    const Plot tran = simulate(deck("sigmoid_mos uic", {"sigmoid_mos.lib"},
                                    "v1 in 0 dc 0.95\nx1 in out sigmoid_mos\n.tran 0.1n 20n uic\n"),
                               "sigmoid_mos_uic.cir", "tran");
    const double delta_i = beta / 2 * dv * std::sqrt(4 * itail / beta - dv * dv);
    EXPECT_NEAR(values(tran, "v(out)").back(), vdd - rd * itail / 2 + rd * delta_i / 2, 1e-5);
}

// ---------------------------------------------------------------------------------------------
// adc_nbit: lsb = vref/2^bits, V_out = lsb*floor(clip(V_in, 0, vref - lsb)/lsb): a sweep across
// and beyond [0, vref) gives exactly 2^bits levels, each equal to the formula.
TEST(PeripheralAdc, DcSweepGivesEveryLevelOfTheFormula) {
    struct Adc {
        const char* node;
        int bits;
        double vref_V;
    };
    const std::vector<Adc> adcs = {{"v(o4)", 4, 1.0}, {"v(o3)", 3, 0.8}, {"v(o6)", 6, 1.2}};
    const Plot dc = simulate(deck("adc", {"adc.lib"},
                                  "v1 in 0 dc 0\nx4 in o4 adc_nbit\nx3 in o3 adc_nbit bits=3 vref=0.8\n"
                                  "x6 in o6 adc_nbit bits=6 vref=1.2\n.dc v1 -0.1013 1.3 0.0007\n" + tight_newton),
                             "adc.cir", "dc");
    const auto& v_in = dc.scale()->real;
    for (const Adc& adc : adcs) {
        const double lsb = adc.vref_V / std::pow(2.0, adc.bits);
        const auto& v_out = values(dc, adc.node);
        std::vector<double> levels;
        for (std::size_t i = 0; i < v_in.size(); ++i) {
            const double unclipped = v_in[i] / lsb;
            if (std::abs(unclipped - std::round(unclipped)) < 1e-9) continue;  // exactly on a code edge
            const double position = std::min(std::max(v_in[i], 0.0), adc.vref_V - lsb) / lsb;
            EXPECT_NEAR(v_out[i], lsb * std::floor(position), 1e-12) << adc.node << " at V_in = " << v_in[i];
            levels.push_back(v_out[i]);
        }
        std::sort(levels.begin(), levels.end());
        levels.erase(std::unique(levels.begin(), levels.end(), [](double a, double b) { return std::abs(a - b) < 1e-12; }),
                     levels.end());
        EXPECT_EQ(levels.size(), std::size_t{1} << adc.bits) << adc.node;
    }
}

// sense_amp: V_out = vdd*(1 + tanh((V_in - V_ref)/vsharp))/2; for |V_in - V_ref| >= 5*vsharp the
// output is within vdd*(1 - tanh 5)/2 = 4.54e-5*vdd of vdd (above ref) or of 0 (below ref).
TEST(PeripheralAdc, SenseAmpDecidesWithStatedMargin) {
    const double vdd = 1.2, vref = 0.4, vsharp = 2e-3;
    const Plot dc = simulate(deck("sense amp", {"sense_amp.lib"},
                                  "v1 in 0 dc 0\nvr ref 0 dc 0.4\nx1 in ref out sense_amp vdd=1.2 vsharp=2m\n"
                                  ".dc v1 0.3 0.5 0.5m\n" + tight_newton),
                             "sense_amp.cir", "dc");
    const auto& v_in = dc.scale()->real;
    const auto& v_out = values(dc, "v(out)");
    const double rail_error = vdd * (1 - std::tanh(5.0)) / 2;
    int above = 0, below = 0;
    for (std::size_t i = 0; i < v_in.size(); ++i) {
        const double dv = v_in[i] - vref;
        EXPECT_NEAR(v_out[i], vdd / 2 * (1 + std::tanh(dv / vsharp)), newton_slack_V);
        if (dv >= 5 * vsharp) {
            ++above;
            EXPECT_GE(v_out[i], vdd - rail_error) << "V_in = " << v_in[i];
        }
        if (dv <= -5 * vsharp) {
            ++below;
            EXPECT_LE(v_out[i], rail_error) << "V_in = " << v_in[i];
        }
    }
    EXPECT_GT(above, 150);
    EXPECT_GT(below, 150);
}

// ---------------------------------------------------------------------------------------------
// driver_level: Thevenin gain*V_ctl behind rout, so into R_L: V_out = gain*V_ctl*R_L/(R_L + rout).
TEST(PeripheralRowDriver, LevelDriverMatchesTheveninDivider) {
    const Plot dc = simulate(deck("driver level", {"row_driver.lib"},
                                  "v1 ctl 0 dc 0\nx1 ctl o1 driver_level\nrl1 o1 0 1k\n"
                                  "x2 ctl o2 driver_level rout=50 gain=2\nrl2 o2 0 10k\n.dc v1 -0.5 0.5 0.05\n"),
                             "driver_level.cir", "dc");
    const auto& v_ctl = dc.scale()->real;
    for (std::size_t i = 0; i < v_ctl.size(); ++i) {
        EXPECT_NEAR(values(dc, "v(o1)")[i], v_ctl[i] * 1e3 / (1e3 + 100), 1e-12);
        EXPECT_NEAR(values(dc, "v(o2)")[i], 2 * v_ctl[i] * 10e3 / (10e3 + 50), 1e-12);
    }
}

// driver_pulse: V_drv = vlevel*(1 + tanh((V_ctl - vth)/vsharp))/2 behind rout. For a 0 -> 1 V control
// pulse (PULSE td, tr = tf = 1 ns, pw) the output crosses half level at td + tr/2 and td + tr + pw + tf/2:
// it lasts pw + tr (the control's width at vth = 0.5 V) at level vlevel*R_L/(R_L + rout).
TEST(PeripheralRowDriver, PulseDriverReproducesControlLevelAndDuration) {
    struct Case {
        const char* node;
        double td_s, pw_s, vlevel_V;
    };
    const std::vector<Case> cases = {{"v(o1)", 20e-9, 50e-9, 0.3}, {"v(o2)", 30e-9, 17e-9, -0.2}};
    const double r_load = 10e3, rout = 100.0, edge_s = 1e-9;
    const Plot tran = simulate(deck("driver pulse", {"row_driver.lib"},
                                    "vc1 c1 0 pulse(0 1 20n 1n 1n 50n 1)\nx1 c1 o1 driver_pulse vlevel=0.3\n"
                                    "rl1 o1 0 10k\nvc2 c2 0 pulse(0 1 30n 1n 1n 17n 1)\n"
                                    "x2 c2 o2 driver_pulse vlevel=-0.2\nrl2 o2 0 10k\n.tran 0.1n 120n 0 0.1n\n"),
                               "driver_pulse.cir", "tran");
    const auto& t = tran.scale()->real;
    for (const Case& c : cases) {
        const double level_V = c.vlevel_V * r_load / (r_load + rout);
        const auto& v = values(tran, c.node);
        const auto edges = crossings(t, v, level_V / 2);
        ASSERT_EQ(edges.size(), 2u) << c.node;
        EXPECT_NEAR(edges[0], c.td_s + edge_s / 2, 0.02e-9) << c.node;
        EXPECT_NEAR(edges[1] - edges[0], c.pw_s + edge_s, 0.04e-9) << c.node;
        EXPECT_NEAR(at_time(t, v, c.td_s + edge_s + c.pw_s / 2), level_V, 1e-6 * std::abs(level_V)) << c.node;
        EXPECT_NEAR(at_time(t, v, c.td_s + 2 * edge_s + c.pw_s + 5e-9), 0.0, 1e-9) << c.node;
    }
}

// ---------------------------------------------------------------------------------------------
namespace {

// One update_cell per case: a row pulse 0 -> sign_x*1 V (tr = tf = 1 ns, pw), a DC column level
// V_col, a capacitor C = 1 pF from gate to ground starting at 0 V. Returns dV_gate per cell at 300 ns.
std::vector<double> update_cell_changes(const std::vector<double>& pw_s, const std::vector<double>& v_col,
                                        const std::vector<int>& sign_x) {
    std::ostringstream body;
    body.precision(17);
    for (std::size_t i = 0; i < pw_s.size(); ++i) {
        body << "vr" << i << " r" << i << " 0 pulse(0 " << sign_x[i] << " 10n 1n 1n " << pw_s[i] << " 1)\n"
             << "vc" << i << " c" << i << " 0 dc " << v_col[i] << "\n"
             << "x" << i << " r" << i << " c" << i << " g" << i << " update_cell k=1u\n"
             << "cg" << i << " g" << i << " 0 1p ic=0\n";
    }
    body << ".tran 1n 300n 0 1n uic\n";
    const Plot tran = simulate(deck("update cells", {"update_outer_product.lib"}, body.str()), "update.cir", "tran");
    std::vector<double> changes;
    for (std::size_t i = 0; i < pw_s.size(); ++i) changes.push_back(values(tran, "v(g" + std::to_string(i) + ")").back());
    return changes;
}

}  // namespace

// update_cell: I_gate = -k*V_col*s(V_row), so dV_gate = -k*V_col*sign(x)*t_row/C with t_row = pw + tr
// (the row pulse's width at vth); the sign is -sign(x)*sign(delta) for all four sign combinations.
TEST(PeripheralUpdate, ChargeMatchesClosedFormForAllSignCombinations) {
    const double k = 1e-6, c = 1e-12, pw = 40e-9, t_row = pw + 1e-9;
    const std::vector<int> sign_x = {1, 1, -1, -1};
    const std::vector<double> v_col = {0.2, -0.2, 0.2, -0.2};
    const auto changes = update_cell_changes(std::vector<double>(4, pw), v_col, sign_x);
    for (std::size_t i = 0; i < changes.size(); ++i) {
        const double expected_V = -k * v_col[i] * sign_x[i] * t_row / c;  // -+8.2 mV
        EXPECT_NEAR(changes[i], expected_V, 0.01 * std::abs(expected_V)) << "sign(x) = " << sign_x[i]
                                                                         << ", V_col = " << v_col[i];
        EXPECT_EQ(changes[i] > 0, -sign_x[i] * v_col[i] > 0) << "sign must be -sign(x*delta)";
    }
}

// Over a 4 x 4 sweep of row widths and column amplitudes, |dV_gate| = k*|V_col|*t_row/C within 1 %, and
// it increases strictly with the product t_row*|V_col| (proportional to |x*delta|).
TEST(PeripheralUpdate, ChangeIsMonotoneInProductOverWidthsAndAmplitudes) {
    std::vector<double> pw, v_col;
    for (const double width_s : {10e-9, 20e-9, 40e-9, 80e-9}) {
        for (const double amplitude_V : {0.05, 0.1, 0.2, 0.4}) pw.push_back(width_s), v_col.push_back(amplitude_V);
    }
    const auto changes = update_cell_changes(pw, v_col, std::vector<int>(pw.size(), 1));
    std::vector<std::pair<double, double>> product_and_change;
    for (std::size_t i = 0; i < pw.size(); ++i) {
        const double t_row = pw[i] + 1e-9, expected = 1e-6 * v_col[i] * t_row / 1e-12;
        EXPECT_NEAR(std::abs(changes[i]), expected, 0.01 * expected) << "pw " << pw[i] << ", V_col " << v_col[i];
        product_and_change.emplace_back(t_row * v_col[i], std::abs(changes[i]));
    }
    std::sort(product_and_change.begin(), product_and_change.end());
    for (std::size_t i = 1; i < product_and_change.size(); ++i) {
        ASSERT_GT(product_and_change[i].first, product_and_change[i - 1].first);  // distinct products
        EXPECT_GT(product_and_change[i].second, product_and_change[i - 1].second) << "product " << product_and_change[i].first;
    }
}

namespace {

// A PWL source of return-to-zero pulses: slot j (period slot_s) holds a pulse 0 -> amplitude
// (tr = tf = 1 ns, flat width pw_s) when bits[j] is set.
std::string pulse_train(const std::string& name, const std::string& node, const std::vector<bool>& bits,
                        double amplitude_V, double slot_s, double pw_s) {
    std::ostringstream out;
    out.precision(17);
    out << name << " " << node << " 0 pwl(0 0";
    for (std::size_t j = 0; j < bits.size(); ++j) {
        if (!bits[j]) continue;
        const double t0 = static_cast<double>(j) * slot_s + 1e-9;
        out << "\n+ " << t0 << " 0 " << t0 + 1e-9 << " " << amplitude_V << " " << t0 + 1e-9 + pw_s << " "
            << amplitude_V << " " << t0 + 2e-9 + pw_s << " 0";
    }
    out << ")\n";
    return out.str();
}

}  // namespace

// update_cell_stochastic: I_gate = -i0*s(V_row)*s(V_col) flows only while both trains are on. With
// n coincident slots of width t_bit = pw + tr at the threshold: dV_gate = -i0*t_bit*n*sign(x)*sign(delta)/C.
// The bit streams are seeded random draws with p_x = 0.6, p_delta = 0.4 (E[n] = N*p_x*p_delta).
TEST(PeripheralUpdate, StochasticCoincidenceDeliversChargePerCoincidence) {
    const int slots = 48;
    const double slot_s = 20e-9, pw_s = 8e-9, t_bit = pw_s + 1e-9, i0 = 1e-6, c = 1e-12;
    std::mt19937_64 generator(20240611);
    std::bernoulli_distribution row_bit(0.6), col_bit(0.4);
    std::vector<bool> row(slots), col(slots);
    int coincidences = 0;
    for (int j = 0; j < slots; ++j) {
        row[j] = row_bit(generator), col[j] = col_bit(generator);
        coincidences += row[j] && col[j];
    }
    ASSERT_GT(coincidences, 0);
    const std::string body = pulse_train("vrp", "rp", row, 1.0, slot_s, pw_s) +
                             pulse_train("vrn", "rn", row, -1.0, slot_s, pw_s) +
                             pulse_train("vc", "col", col, 1.0, slot_s, pw_s) +
                             "x1 rp col g1 update_cell_stochastic i0=1u\ncg1 g1 0 1p ic=0\n"
                             "x2 rn col g2 update_cell_stochastic i0=1u\ncg2 g2 0 1p ic=0\n"
                             "x3 rp 0 g3 update_cell_stochastic i0=1u\ncg3 g3 0 1p ic=0\n"
                             ".tran 1n 970n 0 1n uic\n";
    const Plot tran = simulate(deck("stochastic update", {"update_outer_product.lib"}, body), "stochastic.cir", "tran");
    const double expected_V = -i0 * t_bit * coincidences / c;  // x > 0, delta > 0
    EXPECT_NEAR(values(tran, "v(g1)").back(), expected_V, 0.01 * std::abs(expected_V)) << coincidences << " coincidences";
    EXPECT_NEAR(values(tran, "v(g2)").back(), -expected_V, 0.01 * std::abs(expected_V)) << "sign(x) < 0";
    EXPECT_NEAR(values(tran, "v(g3)").back(), 0.0, 1e-12) << "no column train, no charge";
}

}  // namespace cimkit::spice
