// The resident update circuit (circuits/resident_update.hpp): the same cells as the per-update netlist
// of update_circuit.hpp, loaded once in a worker process and driven through EXTERNAL sources with
// breakpoints. Checked against the closed form dV_ij = -dV_full x_i delta_j, against the PWL netlist
// solved in this process, and for the capacitor energy C (V_end^2 - V_0^2) / 2.
#include "circuits/resident_update.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "circuits/spice/engine.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

const std::filesystem::path netlist_dir = CIMKIT_NETLIST_DIR;

double closed_form_V(double x, double delta, const UpdateEncoding& e) { return -full_scale_update_V(e) * x * delta; }

const std::vector<double> xs{0.9, -0.3, 0.5, 0.7, -0.1, 0.25, 0.8, -0.6};
const std::vector<double> deltas{0.5, -1.0, 0.05};

// Within 0.3 % of the closed form for every cell, over pulses from 1 to 9 ns. The per-update netlist
// is held to 1 % (update_circuit_test); the resident circuit's breakpoints measured 0.13 %.
TEST(ResidentUpdate, StorageChangesFollowTheOuterProduct) {
    const UpdateEncoding e;
    ResidentUpdateCircuit circuit(static_cast<int>(xs.size()), static_cast<int>(deltas.size()), e, netlist_dir);
    circuit.start(xs, deltas);
    const UpdateResult result = circuit.finish();
    ASSERT_EQ(result.delta_storage_V.size(), xs.size() * deltas.size());
    for (std::size_t i = 0; i < xs.size(); ++i) {
        for (std::size_t j = 0; j < deltas.size(); ++j) {
            const double expected_V = closed_form_V(xs[i], deltas[j], e);
            EXPECT_NEAR(result.delta_storage_V[i * deltas.size() + j], expected_V, 3e-3 * std::abs(expected_V))
                << "cell " << i << "," << j;
        }
    }
    // The latency is the end of the longest row pulse, as for the per-update netlist.
    EXPECT_NEAR(result.latency_s, 0.9 * e.max_row_pulse_s + e.row_edge_s, 1e-15);
}

// Each capacitor gets C (V_end^2 - V_0^2) / 2 from a 0 V start, and the total is their sum.
TEST(ResidentUpdate, EnergyIsTheCapacitorsCharge) {
    const UpdateEncoding e;
    ResidentUpdateCircuit circuit(2, 2, e, netlist_dir);
    circuit.start({0.6, -0.4}, {0.8, 0.3});
    const UpdateResult result = circuit.finish();
    double total_J = 0.0;
    for (std::size_t cell = 0; cell < 4; ++cell) {
        const double dv = result.delta_storage_V[cell];
        EXPECT_NEAR(result.cell_energy_J[cell], 0.5 * e.storage_F * dv * dv, 1e-12 * e.storage_F);
        total_J += result.cell_energy_J[cell];
    }
    EXPECT_NEAR(result.energy_J, total_J, 1e-30);
}

// The circuit stays loaded: a second update starts again from 0 V (no memory of the first), a zero
// row gives no change, and the results agree with the per-update PWL netlist within 0.3 %.
TEST(ResidentUpdate, RepeatedUpdatesAgreeWithThePerUpdateNetlist) {
    const UpdateEncoding e;
    ResidentUpdateCircuit circuit(3, 2, e, netlist_dir);
    const std::vector<std::vector<double>> x_runs{{0.9, -0.2, 0.0}, {0.05, 0.5, -1.0}, {0.9, -0.2, 0.0}};
    const std::vector<double> delta{-0.7, 0.4};
    std::vector<UpdateResult> resident;
    for (const auto& x : x_runs) {
        circuit.start(x, delta);
        resident.push_back(circuit.finish());
    }
    spice::Engine engine;  // after the worker's fork: a Worker may not be created while it lives
    for (std::size_t run = 0; run < x_runs.size(); ++run) {
        const UpdateResult pwl =
            run_update_circuit(engine, x_runs[run], delta, std::vector<double>(6, 0.0), e, netlist_dir);
        for (std::size_t cell = 0; cell < 6; ++cell) {
            const double want = pwl.delta_storage_V[cell];
            EXPECT_NEAR(resident[run].delta_storage_V[cell], want, 3e-3 * std::abs(want) + 1e-12)
                << "run " << run << ", cell " << cell;
        }
    }
    EXPECT_EQ(resident[0].delta_storage_V, resident[2].delta_storage_V);  // the same update, the same numbers
    for (std::size_t j = 0; j < 2; ++j) EXPECT_NEAR(resident[0].delta_storage_V[4 + j], 0.0, 1e-12);  // x = 0
}

// Two circuits (two worker processes) solve at once; each answers its own update.
TEST(ResidentUpdate, TwoCircuitsSolveConcurrently) {
    const UpdateEncoding e;
    ResidentUpdateCircuit a(2, 1, e, netlist_dir), b(1, 3, e, netlist_dir);
    a.start({0.5, -0.5}, {1.0});
    b.start({1.0}, {0.2, -0.2, 0.6});
    const UpdateResult rb = b.finish(), ra = a.finish();
    EXPECT_NEAR(ra.delta_storage_V[0], closed_form_V(0.5, 1.0, e), 3e-3 * std::abs(closed_form_V(0.5, 1.0, e)));
    EXPECT_NEAR(ra.delta_storage_V[1], closed_form_V(-0.5, 1.0, e), 3e-3 * std::abs(closed_form_V(0.5, 1.0, e)));
    for (std::size_t j = 0; j < 3; ++j) {
        const double want = closed_form_V(1.0, std::vector<double>{0.2, -0.2, 0.6}[j], e);
        EXPECT_NEAR(rb.delta_storage_V[j], want, 3e-3 * std::abs(want));
    }
}

TEST(ResidentUpdate, RefusesWrongSignalsAndOutOfOrderCalls) {
    const UpdateEncoding e;
    EXPECT_THROW(ResidentUpdateCircuit(0, 2, e, netlist_dir), ParameterError);
    EXPECT_THROW(ResidentUpdateCircuit(2, 2, e, "/nonexistent"), IoError);
    ResidentUpdateCircuit circuit(2, 1, e, netlist_dir);
    EXPECT_THROW(circuit.start({0.5}, {0.1}), ParameterError);            // one row short
    EXPECT_THROW(circuit.start({0.5, 1.5}, {0.1}), ParameterError);       // |x| > 1
    EXPECT_THROW(circuit.start({0.5, NAN}, {0.1}), ParameterError);       // not finite
    EXPECT_THROW(circuit.finish(), UsageError);                           // nothing started
    circuit.start({0.5, 0.2}, {0.1});
    EXPECT_THROW(circuit.start({0.5, 0.2}, {0.1}), UsageError);           // still running
    EXPECT_NO_THROW(circuit.finish());
}

}  // namespace
}  // namespace cimkit::circuits
