// The outer-product weight-update circuit (circuits/update_circuit.hpp) through ngspice: the storage
// changes against their closed form, monotonicity, the energy read from the waveforms, and the update
// applied to every registered device. Each test states the formula it checks.
#include "circuits/update_circuit.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "circuits/spice/engine.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/mosfet.hpp"
#include "devices/registry.hpp"

namespace cimkit::circuits {
namespace {

const std::filesystem::path netlist_dir = CIMKIT_NETLIST_DIR;

// libngspice allows one engine per process; every test shares it (load() replaces the circuit).
spice::Engine& shared_engine() {
    static spice::Engine engine;
    return engine;
}

UpdateResult run(const std::vector<double>& x, const std::vector<double>& delta, const std::vector<double>& initial_V,
                 const UpdateEncoding& encoding = {}) {
    return run_update_circuit(shared_engine(), x, delta, initial_V, encoding, netlist_dir);
}

// dV_ij = -k * delta_j * V_max * sign(x_i) * |x_i| * t_max / C (update_outer_product.lib, update_cell).
double closed_form_V(double x, double delta, const UpdateEncoding& e) {
    return -e.cell_gain_A_per_V * delta * e.max_column_V * x * e.max_row_pulse_s / e.storage_F;
}

// A 4 x 3 array whose |x_i delta_j| are all distinct and whose signs cover every combination.
const std::vector<double> mixed_x = {0.9, -0.6, 0.35, -0.1};
const std::vector<double> mixed_delta = {0.8, -0.45, 0.2};

}  // namespace

// dV_ij = -k delta_j V_max sign(x_i) |x_i| t_max / C within 1 %, so sign(dV) = -sign(x delta); the
// latency is the end of the longest row pulse, |x|_max t_max + row_edge_s.
TEST(UpdateCircuit, ChangeMatchesClosedFormForEverySignCombination) {
    const UpdateEncoding e;
    const auto result = run(mixed_x, mixed_delta, std::vector<double>(12, 0.0), e);
    ASSERT_EQ(result.rows, 4);
    ASSERT_EQ(result.columns, 3);
    double worst = 0.0;
    for (std::size_t i = 0; i < mixed_x.size(); ++i) {
        for (std::size_t j = 0; j < mixed_delta.size(); ++j) {
            const double expected_V = closed_form_V(mixed_x[i], mixed_delta[j], e);
            const double got_V = result.delta_storage_V[i * 3 + j];
            worst = std::max(worst, std::abs(got_V - expected_V) / std::abs(expected_V));
            EXPECT_NEAR(got_V, expected_V, 0.01 * std::abs(expected_V)) << "cell " << i << "," << j;
            EXPECT_EQ(got_V > 0.0, -mixed_x[i] * mixed_delta[j] > 0.0) << "sign must be -sign(x delta)";
        }
    }
    std::printf("4x3 update: max relative error against the closed form %.3g\n", worst);
    RecordProperty("max_relative_error", std::to_string(worst));
    EXPECT_NEAR(result.latency_s, 0.9 * e.max_row_pulse_s + e.row_edge_s, 1e-15);
}

// |dV| = k |delta| V_max |x| t_max / C within 1 % over a 7 x 3 sweep of |x| (0.02 .. 1, including
// pulses shorter than an edge) and |delta|, and |dV| increases strictly with |x delta|.
TEST(UpdateCircuit, ChangeIsStrictlyMonotoneInTheProduct) {
    const UpdateEncoding e;
    const std::vector<double> x = {0.02, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0}, delta = {-0.03, -0.33, -1.0};
    const auto result = run(x, delta, std::vector<double>(x.size() * delta.size(), 0.0), e);
    std::vector<std::pair<double, double>> product_and_change;
    double worst = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        for (std::size_t j = 0; j < delta.size(); ++j) {
            const double expected_V = closed_form_V(x[i], delta[j], e),
                         got_V = result.delta_storage_V[i * delta.size() + j];
            worst = std::max(worst, std::abs(got_V - expected_V) / std::abs(expected_V));
            EXPECT_NEAR(got_V, expected_V, 0.01 * std::abs(expected_V)) << "x " << x[i] << ", delta " << delta[j];
            product_and_change.emplace_back(std::abs(x[i] * delta[j]), std::abs(got_V));
        }
    }
    std::printf("7x3 sweep: max relative error against the closed form %.3g\n", worst);
    std::sort(product_and_change.begin(), product_and_change.end());
    for (std::size_t k = 1; k < product_and_change.size(); ++k) {
        ASSERT_GT(product_and_change[k].first, product_and_change[k - 1].first);  // distinct products
        EXPECT_GT(product_and_change[k].second, product_and_change[k - 1].second)
            << "|x delta| " << product_and_change[k].first;
    }
}

// Energy into the storage capacitors from the waveforms, integral v(st) i_cell dt per cell, equals
// C (V_final^2 - V_initial^2) / 2 within 1 % per cell and in total; from rest (all positive) and from
// mid-range voltages (where discharging cells take energy back).
TEST(UpdateCircuit, WaveformEnergyMatchesCapacitorClosedForm) {
    const UpdateEncoding e;
    std::vector<double> mid_range_V;
    for (int k = 0; k < 12; ++k) mid_range_V.push_back(0.6 + 0.05 * k);
    for (const auto& initial_V : {std::vector<double>(12, 0.0), mid_range_V}) {
        const auto result = run(mixed_x, mixed_delta, initial_V, e);
        double closed_total_J = 0.0, scale_J = 0.0, worst = 0.0;
        for (std::size_t cell = 0; cell < initial_V.size(); ++cell) {
            const double v0 = initial_V[cell], v1 = v0 + result.delta_storage_V[cell];
            const double closed_J = e.storage_F * (v1 * v1 - v0 * v0) / 2.0;
            EXPECT_NEAR(result.cell_energy_J[cell], closed_J, 0.01 * std::abs(closed_J)) << "cell " << cell;
            worst = std::max(worst, std::abs(result.cell_energy_J[cell] - closed_J) / std::abs(closed_J));
            closed_total_J += closed_J;
            scale_J += std::abs(closed_J);
        }
        EXPECT_NEAR(result.energy_J, closed_total_J, 0.01 * std::abs(closed_total_J));
        std::printf(
            "energy from V0 = %.2f V..: waveforms %.6g J, closed form %.6g J (sum |cell| %.4g J), "
            "worst cell relative error %.3g\n",
            initial_V.front(), result.energy_J, closed_total_J, scale_J, worst);
    }
}

namespace {

// Settings that switch off cycle-to-cycle noise (and, for the mosfet, the C_G spread) per device.
const std::map<std::string, std::vector<Setting>>& noise_free_settings() {
    static const std::map<std::string, std::vector<Setting>> settings = {
        {"mosfet", {{"step_noise_c2c", "0", "test"}, {"step_spread_d2d", "0", "test"}}},
        {"domain_wall", {{"displacement_noise_c2c", "0", "test"}}},
        {"pcm", {{"step_noise_c2c", "0", "test"}, {"step_noise_floor", "0", "test"}, {"step_noise_slope", "0", "test"}, {"prog_noise_scale", "0", "test"}}},
        {"gain_cell", {{"temperature_K", "0", "test"}}},
        {"table", {{"step_noise_scale", "0", "test"}}},
    };
    return settings;
}

struct CellChange {
    double x_delta;  // x_i delta_j
    double dG_S;     // conductance (or G+ - G-) after minus before
};

// Strictly increasing |dG| with |x delta| over the given cells; for a device that moves in whole steps
// (`stepped`: the domain wall, whose pulses end on pinning sites), non-decreasing, and rising from the
// smallest to the largest update.
void expect_monotone(std::vector<CellChange> cells, const std::string& what, bool stepped = false) {
    std::sort(cells.begin(), cells.end(),
              [](const CellChange& a, const CellChange& b) { return std::abs(a.x_delta) < std::abs(b.x_delta); });
    for (std::size_t k = 1; k < cells.size(); ++k) {
        if (stepped) {
            EXPECT_GE(std::abs(cells[k].dG_S), std::abs(cells[k - 1].dG_S)) << what << ": |x delta| " << std::abs(cells[k].x_delta);
        } else {
            EXPECT_GT(std::abs(cells[k].dG_S), std::abs(cells[k - 1].dG_S)) << what << ": |x delta| " << std::abs(cells[k].x_delta);
        }
    }
    if (stepped) {
        EXPECT_GT(std::abs(cells.back().dG_S), std::abs(cells.front().dG_S)) << what;
    }
}

}  // namespace

// After apply_update_to_devices every device's conductance moves with the sign of -x delta, by an
// amount strictly increasing in |x delta| (identical devices started at mid range, noise off). PCM
// depression is an abrupt RESET (dG < 0, the same whatever |x delta|): its magnitude is checked for
// potentiation only, and the signed, graded update is checked on differential pairs for every device:
// d(G+ - G-) has the sign of -x delta and grows strictly with |x delta|. The domain wall moves in whole
// pinning sites (devices/domain_wall.hpp): an update too short to carry the wall over its first barrier
// leaves it in place (dG = 0), any other moves it with the sign of -x delta by a whole number of sites,
// and |dG| grows with |x delta| in steps.
// For the mosfet the storage node is the gate: dV_G = dV of the circuit exactly (storage_F = c_gate_F).
TEST(UpdateCircuit, EveryDeviceMovesAgainstXDeltaMonotonically) {
    const UpdateEncoding e;
    const auto result = run(mixed_x, mixed_delta, std::vector<double>(12, 0.9), e);  // 0.9 V: mid-range gate
    for (const auto& entry : builtin_devices().entries()) {
        SCOPED_TRACE(entry.name);
        const auto settings = noise_free_settings().find(entry.name);
        if (settings == noise_free_settings().end()) {
            ADD_FAILURE() << "no noise-free settings for device '" << entry.name << "'";
            continue;
        }
        const auto model = entry.make(settings->second);
        Rng rng(7);
        DeviceState start = model->make_device(rng);
        model->set_level(start, 0.5, rng);
        std::vector<DeviceState> states(12, start), plus(12, start), minus(12, start);
        apply_update_to_devices(*model, states, result, e, rng);
        apply_update_to_differential_pairs(*model, plus, minus, result, e, rng);

        const double g0_S = model->conductance_S(start);
        const bool stepped = entry.name == "domain_wall";
        const double site_dG_S = [&] {  // one nominal pulse from mid range: one pinning site (own random stream)
            Rng probe_rng(1);
            DeviceState probe = start;
            model->apply_pulse(probe, model->nominal_pulse(+1), probe_rng);
            return model->conductance_S(probe) - g0_S;
        }();
        std::vector<CellChange> potentiated, depressed, pairs;
        for (std::size_t cell = 0; cell < 12; ++cell) {
            const double x_delta = mixed_x[cell / 3] * mixed_delta[cell % 3];
            const CellChange change{x_delta, model->conductance_S(states[cell]) - g0_S};
            const double dw_S = model->conductance_S(plus[cell]) - model->conductance_S(minus[cell]);
            if (stepped) {
                // Whole sites: dG / (one site's dG) is an integer, of the sign of -x delta unless 0.
                const double sites = change.dG_S / site_dG_S;
                EXPECT_NEAR(sites, std::round(sites), 1e-6) << "cell " << cell;
                EXPECT_TRUE(change.dG_S == 0.0 || (change.dG_S > 0.0) == (-x_delta > 0.0)) << "cell " << cell << ", dG " << change.dG_S;
                EXPECT_TRUE(dw_S == 0.0 || (dw_S > 0.0) == (-x_delta > 0.0)) << "pair " << cell << ", dW " << dw_S;
            } else {
                EXPECT_EQ(change.dG_S > 0.0, -x_delta > 0.0) << "cell " << cell << ", dG " << change.dG_S;
                EXPECT_NE(change.dG_S, 0.0) << "cell " << cell;
                EXPECT_EQ(dw_S > 0.0, -x_delta > 0.0) << "pair " << cell << ", dW " << dw_S;
            }
            (-x_delta > 0.0 ? potentiated : depressed).push_back(change);
            pairs.push_back({x_delta, dw_S});
        }
        // Cell 11 has x delta = -0.02 (the smallest update, potentiating), cell 0 x delta = +0.72.
        std::printf(
            "%-11s G0 %.4g S; dG at x delta = -0.02 / +0.72: %+.4g / %+.4g S (single), %+.4g / %+.4g S (pair)\n",
            entry.name.c_str(), g0_S, model->conductance_S(states[11]) - g0_S, model->conductance_S(states[0]) - g0_S,
            pairs[11].dG_S, pairs[0].dG_S);
        expect_monotone(potentiated, "potentiation", stepped);
        if (entry.name != "pcm") expect_monotone(depressed, "depression", stepped);
        expect_monotone(pairs, "differential pair", stepped);
        if (entry.name == "mosfet") {
            for (std::size_t cell = 0; cell < 12; ++cell) {
                EXPECT_NEAR(states[cell].x[MosfetSynapse::gate_V] - start.x[MosfetSynapse::gate_V],
                            result.delta_storage_V[cell], 1e-12);
            }
        }
    }
}

// x = 0 everywhere: no row pulse, so dV = 0 (s(0) = 0; up to round-off), no energy, no device moves.
TEST(UpdateCircuit, ZeroInputMovesNothing) {
    const UpdateEncoding e;
    const auto result = run({0.0, 0.0}, {0.7, -0.3}, std::vector<double>(4, 0.9), e);
    for (const double dv : result.delta_storage_V) EXPECT_NEAR(dv, 0.0, 1e-15);  // round-off at 0.9 V
    EXPECT_EQ(result.energy_J, 0.0);
    EXPECT_EQ(result.latency_s, 0.0);
    const auto model = builtin_devices().find("mosfet").make({});
    Rng rng(3);
    std::vector<DeviceState> states(4, model->make_device(rng));
    const auto before = states;
    apply_update_to_devices(*model, states, result, e, rng);
    for (std::size_t cell = 0; cell < states.size(); ++cell) EXPECT_EQ(states[cell].x, before[cell].x);
}

// Bad input is refused before anything runs: ParameterError naming the field, IoError for a missing
// update-cell library.
TEST(UpdateCircuit, RefusesBadInput) {
    const UpdateEncoding e;
    const std::vector<double> zeros(2, 0.0);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    EXPECT_THROW(build_update_circuit({0.5, 1.5}, {0.1}, zeros, e, netlist_dir), ParameterError);
    EXPECT_THROW(build_update_circuit({0.5, nan}, {0.1}, zeros, e, netlist_dir), ParameterError);
    EXPECT_THROW(build_update_circuit({0.5, 0.2}, {-1.01}, zeros, e, netlist_dir), ParameterError);
    EXPECT_THROW(build_update_circuit({0.5, 0.2}, {0.1}, {0.0}, e, netlist_dir), ParameterError);
    EXPECT_THROW(build_update_circuit({}, {0.1}, {}, e, netlist_dir), ParameterError);
    EXPECT_THROW(build_update_circuit({0.5, 0.2}, {0.1}, {0.0, nan}, e, netlist_dir), ParameterError);
    UpdateEncoding bad = e;
    bad.storage_F = 0.0;
    EXPECT_THROW(build_update_circuit({0.5, 0.2}, {0.1}, zeros, bad, netlist_dir), ParameterError);
    EXPECT_THROW(build_update_circuit({0.5, 0.2}, {0.1}, zeros, e, "/nonexistent"), IoError);
    try {
        build_update_circuit({0.5, 1.5}, {0.1}, zeros, e, netlist_dir);
        ADD_FAILURE() << "x = 1.5 was accepted";
    } catch (const ParameterError& error) {
        EXPECT_NE(std::string(error.what()).find("x[1] = 1.5"), std::string::npos) << error.what();
    }

    UpdateResult result;
    result.rows = 2, result.columns = 1, result.delta_storage_V = {0.01, -0.01}, result.row_pulse_s = {1e-9, 1e-9};
    const auto model = builtin_devices().find("pcm").make({});
    Rng rng(1);
    std::vector<DeviceState> three(3, model->make_device(rng));
    EXPECT_THROW(apply_update_to_devices(*model, three, result, e, rng), ParameterError);
}

// The generated netlist keeps to what is read: one .save per storage voltage and cell current, and
// the transient runs with uic (the storage nodes have no DC path).
TEST(UpdateCircuit, NetlistSavesOnlyWhatIsRead) {
    const Netlist netlist = build_update_circuit(mixed_x, mixed_delta, std::vector<double>(12, 0.0), {}, netlist_dir);
    EXPECT_EQ(netlist.saves().size(), 24u);
    const std::string text = to_spice(netlist);
    EXPECT_NE(text.find("xupd_1_2 urow_1 ucol_2 uout_1_2 update_cell k=1e-06 vth=0.5"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(" uic\n"), std::string::npos) << text;
}

}  // namespace cimkit::circuits
