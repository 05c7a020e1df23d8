// Pulse-width inputs read by the charge integrator (circuits/crossbar/integrator_readout.cpp): the
// charge against its closed form for ohmic cells, the integrator holding it after the last pulse, the
// read's energy balance with the capacitor's stored energy as the read-out's part, the compact twin
// of `cimkit crossbar` against ngspice for all four devices, and the combinations refused.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/crossbar_experiment.hpp"
#include "circuits/crossbar.hpp"
#include "circuits/crossbar/waveforms.hpp"
#include "circuits/crossbar_energy.hpp"
#include "circuits/crossbar_settling.hpp"
#include "circuits/spice/engine.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/registry.hpp"

namespace cimkit::circuits {
namespace {

const auto pcm = builtin_devices().find("pcm").make({});

struct Read {
    std::vector<DeviceState> states;
    std::vector<double> inputs_V;
    CrossbarCircuitOptions options;
    spice::Plot plot;
};

CrossbarCircuitOptions integrator_options() {
    CrossbarCircuitOptions options;
    options.peripherals.stages = {"integrator"};
    options.peripherals.settings.netlist_dir = CIMKIT_NETLIST_DIR;
    options.pulse_width_read_V = pcm->read_voltage_V();
    return options;
}

// PCM cells at random levels, inputs in [0.1, 1] of the read voltage, read through ngspice.
Read pulse_width_read(const CrossbarGeometry& g, std::uint64_t seed) {
    Read r;
    Rng rng(seed);
    for (int k = 0; k < g.rows * g.columns; ++k) {
        DeviceState s = pcm->make_device(rng);
        pcm->set_level(s, 0.2 + 0.8 * rng.uniform(), rng);
        r.states.push_back(s);
    }
    for (int i = 0; i < g.rows; ++i) r.inputs_V.push_back(pcm->read_voltage_V() * (0.1 + 0.9 * rng.uniform()));
    r.options = integrator_options();
    const auto face = make_device_face(*pcm);
    spice::Engine engine;
    engine.load(spice::NetlistText::from_string(to_spice(build_crossbar_read(g, *face, r.states, r.inputs_V, r.options)), "integrator"));
    engine.run();
    r.plot = engine.plots().at(0);
    return r;
}

}  // namespace

// A resistor G under a trapezoid of height V_r, plateau w and edges t_e passes Q = G V_r (w + t_e);
// the integrator reports sum_i Q_ij / read_s. Off by the integrator's input offset V_out/(a0 V_r)
// (under 1e-5 here) and the transient's time steps.
TEST(IntegratorReadout, ColumnChargeOfPulseWidthInputsIsTheClosedForm) {
    const CrossbarGeometry g{8, 4};
    const Read r = pulse_width_read(g, 3);
    const ReadTiming timing = settled_read_timing(g, r.options);
    const CrossbarReadout readout = read_crossbar(r.plot, g, r.options);
    const double v_read = r.options.pulse_width_read_V;
    for (int j = 0; j < g.columns; ++j) {
        double expected_A = 0.0;
        for (int i = 0; i < g.rows; ++i) {
            const double width_s = timing.read_s * r.inputs_V[i] / v_read;
            expected_A += pcm->conductance_S(r.states[i * g.columns + j]) * v_read * (width_s + timing.edge_s) / timing.read_s;
        }
        EXPECT_NEAR(readout.column_current_A[j], expected_A, 2e-4 * expected_A) << "column " << j;
    }
}

// An ideal integrator neither leaks nor drifts: once the longest pulse has fallen, every output holds.
TEST(IntegratorReadout, OutputHoldsAfterTheLastPulse) {
    const CrossbarGeometry g{8, 4};
    const Read r = pulse_width_read(g, 5);
    const ReadTiming timing = settled_read_timing(g, r.options);
    const auto& t = r.plot.vector("time").real;
    const double last_pulse_end_s = 2.0 * timing.edge_s + timing.read_s;
    for (int j = 0; j < g.columns; ++j) {
        const auto& v = r.plot.vector("v(out_" + std::to_string(j) + ")").real;
        const double held_V = sample(t, v, last_pulse_end_s + 1e-12);
        EXPECT_NEAR(v.back(), held_V, 1e-9 * std::abs(held_V)) << "column " << j;
        EXPECT_LT(v.back(), 0.0) << "charge flowing in drives an inverting integrator's output down";
    }
}

// What the sources deliver (row drivers, and the op-amps feeding the capacitors) is what the cells
// dissipate plus what the capacitors hold, cf (1 + 1/a0)^2 V_out^2 / 2 (the read-out's part,
// dissipated at the reset). The cells' part is the remainder, so a wrong stored energy shows against
// their heat metered from the row waveforms, sum_ij G integral v_i(t)^2 dt on the same samples (the
// columns sit at -V_out/a0, a few microvolts: 1e-4 of the heat at most). The closed form of that heat,
// G V_r^2 (w + 2 t_e/3), is met to the trapezoidal rule's error on the edges' quadratic power.
TEST(IntegratorReadout, SourcesPayTheCellsHeatPlusTheChargeTheCapacitorsHold) {
    const CrossbarGeometry g{8, 4};
    const Read r = pulse_width_read(g, 7);
    const ReadTiming timing = settled_read_timing(g, r.options);
    const CrossbarEnergy e = crossbar_energy(r.plot, g, r.options);
    const auto& t = r.plot.vector("time").real;
    const double v_read = r.options.pulse_width_read_V;
    double metered_J = 0.0, closed_form_J = 0.0;
    for (int i = 0; i < g.rows; ++i) {
        std::vector<double> v_squared = r.plot.vector("v(in_" + std::to_string(i) + ")").real;
        for (double& v : v_squared) v *= v;
        const double integral_V2s = integrate(t, v_squared);
        const double width_s = timing.read_s * r.inputs_V[i] / v_read;
        for (int j = 0; j < g.columns; ++j) {
            const double g_S = pcm->conductance_S(r.states[i * g.columns + j]);
            metered_J += g_S * integral_V2s;
            closed_form_J += g_S * v_read * v_read * (width_s + 2.0 * timing.edge_s / 3.0);
        }
    }
    EXPECT_NEAR(e.total_J, e.row_drivers_J + e.readout_amplifiers_J, 1e-12 * e.total_J);
    EXPECT_NEAR(e.devices_J, metered_J, 1e-4 * metered_J);
    EXPECT_NEAR(metered_J, closed_form_J, 5e-3 * closed_form_J);
    EXPECT_GT(e.readout_J, e.readout_amplifiers_J) << "the capacitors also hold the charge that came in at the input's offset";
    EXPECT_NEAR(e.total_J, e.devices_J + e.readout_J, 1e-12 * e.total_J);
}

// `cimkit crossbar --readout integrator --input-encoding pulse_width`: the compact twin (the charge of
// I(V(t)) over each pulse, edges by Gauss-Legendre) against ngspice, for every device.
TEST(IntegratorReadout, CompactChargeAgreesWithNgspiceForEveryDevice) {
    for (const std::string device : {"pcm", "mosfet", "domain_wall", "gain_cell"}) {
        const auto model = builtin_devices().find(device).make({});
        analysis::CrossbarRun run;
        run.geometry = {16, 8};
        run.peripherals.stages = {"integrator"};
        run.pulse_width_inputs = true;
        analysis::CrossbarCircuit circuit = analysis::prepare_crossbar(*model, run);
        const analysis::CrossbarResult result = analysis::simulate_crossbar(*model, run, circuit);
        EXPECT_LT(result.max_relative_error, 1e-3) << device;
        EXPECT_GT(std::abs(result.spice_column_current_A.at(0)), 0.0) << device;
    }
}

TEST(IntegratorReadout, RefusesTheCombinationsThatCannotWork) {
    const CrossbarGeometry g{2, 2};
    const auto face = make_device_face(*pcm);
    Rng rng(1);
    std::vector<DeviceState> states;
    for (int k = 0; k < 4; ++k) states.push_back(pcm->make_device(rng));
    const std::vector<double> inputs_V{0.1, 0.1};
    CrossbarCircuitOptions amplitude = integrator_options();
    amplitude.pulse_width_read_V = 0.0;
    EXPECT_THROW(build_crossbar_read(g, *face, states, inputs_V, amplitude), ParameterError) << "integrator under amplitude inputs";
    CrossbarCircuitOptions ideal = integrator_options();
    ideal.peripherals.stages = {"ideal"};
    EXPECT_THROW(build_crossbar_read(g, *face, states, inputs_V, ideal), ParameterError) << "pulse widths into a virtual ground";
    const CrossbarGeometry wired{2, 2, 1.0, 1.0};
    EXPECT_THROW(build_crossbar_read(wired, *face, states, inputs_V, integrator_options()), ParameterError) << "pulse widths with wires";
}

}  // namespace cimkit::circuits
