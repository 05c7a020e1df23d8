// Backprop's error product f'(z) e formed by analog multipliers (circuits/error_multiplier.hpp,
// netlists/peripherals/multiplier_mos.lib): the multiplier's DC grid against its square-law
// cancellation, the multipliers in a resident neuron layer against the same law at their solved gate
// voltages, the product of the spice and tabulated stages against the digital product of their own
// derivative circuits, the whole update calculation (multipliers, then update cells) against
// x f'(z) e over a grid, and a multiplier outside its triode range refused.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "circuits/error_multiplier.hpp"
#include "circuits/neuron_circuit.hpp"
#include "circuits/resident_update.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/rng.hpp"
#include "training/circuit_neuron.hpp"

namespace cimkit::training {
namespace {

const std::filesystem::path netlist_dir = CIMKIT_NETLIST_DIR;

// multiplier_mos.lib's defaults: kp 120u A/V^2, w/l = 1u/10u, vto = -0.5 V. In triode,
//   I(outp) - I(outm) = beta (xp - xm)(yp - ym),   P = 2 beta y^2 (xp + xm - 2 vto) at yp = -ym = y.
constexpr double beta_A_per_V2 = 120e-6 * 0.1, vto_V = -0.5;

// The fit over sigmoid_mos's output range (0.8 V to 1.8 V) recovers the closed form's three
// coefficients, and the grid departs from the bilinear law only by ngspice's tolerances.
TEST(ErrorMultiplier, DcGridFollowsTheSquareLawCancellation) {
    const circuits::MultiplierFit fit = circuits::measure_error_multiplier(netlist_dir, 0.8, 1.8);
    EXPECT_NEAR(fit.gain_A_per_V2, beta_A_per_V2, 1e-6 * beta_A_per_V2);
    EXPECT_NEAR(fit.power_sum_W_per_V3, 2.0 * beta_A_per_V2, 1e-6 * beta_A_per_V2);
    EXPECT_NEAR(fit.power_offset_W_per_V2, -4.0 * beta_A_per_V2 * vto_V, 1e-6 * beta_A_per_V2);
    EXPECT_LT(fit.worst_product_residual, 1e-6);
    EXPECT_LT(fit.worst_power_residual, 1e-6);
}

// Gates down to -1 V put the transistors below vto + |y|: some leave triode or turn off, the product
// is no longer bilinear, and the multiplier is refused, naming its library.
TEST(ErrorMultiplier, GatesOutsideTheTriodeRangeAreRefused) {
    try {
        (void)circuits::measure_error_multiplier(netlist_dir, -1.0, 1.0);
        FAIL() << "a multiplier outside its triode range was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("multiplier_mos.lib"), std::string::npos) << e.what();
    }
}

Eigen::VectorXf spread(int units, double low, double high, std::uint64_t seed) {
    Rng rng(seed);
    Eigen::VectorXf v(units);
    for (int k = 0; k < units; ++k) v[k] = static_cast<float>(low + (high - low) * rng.uniform());
    return v;
}

// In a resident layer the multipliers' gates are the derivative copies' output nodes: each product
// and the y sources' power follow the closed form at those solved voltages, for both neurons (the
// rectifier's copies reach 0 V, the pair's stay above 0.8 V).
TEST(ErrorMultiplier, ResidentLayerProductsFollowTheLawAtTheirGates) {
    constexpr int units = 6;
    for (const char* name : {"sigmoid_mos", "relu_mos"}) {
        const circuits::NeuronCircuitSpec& spec = circuits::neuron_circuit(name);
        circuits::ResidentNeuronLayer layer(spec, units, 0.01, netlist_dir, true);
        const Eigen::VectorXf input = spread(units, spec.center_V - spec.window_V, spec.center_V + spec.window_V, 3);
        const Eigen::VectorXf error = spread(units, -circuits::error_full_scale_V, circuits::error_full_scale_V, 4);
        std::vector<double> input_V(input.data(), input.data() + units), error_V(error.data(), error.data() + units);
        const auto s = layer.solve(input_V, error_V);
        double expected_power_W = 0.0;
        for (std::size_t k = 0; k < units; ++k) {
            const double x_V = s.plus_output_V[k] - s.minus_output_V[k], y_V = error_V[k];
            const double expected_A = beta_A_per_V2 * x_V * 2.0 * y_V;
            EXPECT_NEAR(s.product_A[k], expected_A, 1e-6 * beta_A_per_V2 * 0.1) << name << " unit " << k;
            expected_power_W += 2.0 * beta_A_per_V2 * y_V * y_V * (s.plus_output_V[k] + s.minus_output_V[k] - 2.0 * vto_V);
        }
        EXPECT_NEAR(s.product_power_W, expected_power_W, 1e-6 * expected_power_W) << name;
        // Without errors the multipliers draw nothing and the neurons are as without multipliers.
        const auto idle = layer.solve(input_V);
        circuits::ResidentNeuronLayer plain(spec, units, 0.01, netlist_dir);
        const auto reference = plain.solve(input_V);
        EXPECT_EQ(idle.product_power_W, 0.0) << name;
        for (std::size_t k = 0; k < units; ++k) EXPECT_NEAR(idle.output_V[k], reference.output_V[k], 1e-9) << name;
    }
}

// The stages' error products: the spice stage (multipliers in ngspice) against the digital product
// of its own derivative circuits, and the tabulated twin against the spice stage, within 1e-4 of the
// largest product (the twin's interpolation, as for f' itself); and every error scaled by the same
// factor scales the products by it (the DAC's per-sample full scale is undone exactly).
TEST(ErrorMultiplier, StagesFormTheDigitalProductOfTheirDerivativeCircuits) {
    constexpr int units = 12;
    constexpr double neuron_time_s = 10e-9;
    for (Activation activation : {Activation::sigmoid_mos, Activation::relu_mos}) {
        const std::string name = to_string(activation);
        const auto spice = make_circuit_neuron_factory(NeuronEvaluation::spice, netlist_dir, neuron_time_s, true)(activation, units);
        const auto twin = make_circuit_neuron_factory(NeuronEvaluation::tabulated, netlist_dir, neuron_time_s, true)(activation, units);
        const Eigen::VectorXf z = spread(units, -3.0, 3.0, 7), back = spread(units, -0.5, 0.5, 8);
        const Eigen::VectorXf a = spice->activate(z);
        const Eigen::VectorXf digital = spice->derivative(z, a).cwiseProduct(back);
        const Eigen::VectorXf analog = spice->error_product(z, a, back);
        const Eigen::VectorXf tabulated = twin->error_product(z, twin->activate(z), back);
        const Eigen::VectorXf scaled = spice->error_product(z, a, 8.0f * back);
        const double largest = digital.cwiseAbs().maxCoeff();
        ASSERT_GT(largest, 1e-3) << name;
        for (int k = 0; k < units; ++k) {
            EXPECT_NEAR(analog[k], digital[k], 1e-5 * largest) << name << " z = " << z[k];
            EXPECT_NEAR(tabulated[k], analog[k], 1e-4 * largest) << name << " z = " << z[k];
            EXPECT_NEAR(scaled[k], 8.0f * analog[k], 1e-5 * 8.0 * largest) << name << " z = " << z[k];
        }
        // No error: no product, and nothing asked of the multipliers.
        EXPECT_EQ(spice->error_product(z, a, Eigen::VectorXf::Zero(units)), Eigen::VectorXf::Zero(units)) << name;
    }
}

// The update calculation in circuits, end to end: the error multipliers form delta_j = f'(z_j) e_j
// from the derivative circuits, the read-out scales it to the update cells' column range (delta /
// max|delta|, as SpiceArray::apply_outer_product does) and the outer-product cells integrate x_i delta_j
// on their storage nodes. Over a grid of 5 x by 6 (z, e) every storage change equals
// -dV_full x_i f'(z_j) e_j / max|f' e| within 0.3 % of itself (the cells' accuracy, as in
// resident_update_test) plus 1e-5 of full scale (the multipliers'), f' being the digital slope of the
// same derivative circuits.
TEST(ErrorMultiplier, UpdateCalculationCircuitsFormXTimesTheSlopeTimesTheError) {
    constexpr int units = 6;
    const std::vector<double> xs{-0.9, -0.3, 0.2, 0.7, 1.0};
    const circuits::UpdateEncoding encoding;
    circuits::ResidentUpdateCircuit cells(static_cast<int>(xs.size()), units, encoding, netlist_dir);
    const auto neurons = make_circuit_neuron_factory(NeuronEvaluation::spice, netlist_dir, 10e-9, true)(Activation::sigmoid_mos, units);
    const Eigen::VectorXf z = spread(units, -2.5, 2.5, 11), e = spread(units, -1.0, 1.0, 12);
    const Eigen::VectorXf a = neurons->activate(z);
    const Eigen::VectorXf expected_delta = neurons->derivative(z, a).cwiseProduct(e);
    const Eigen::VectorXf delta = neurons->error_product(z, a, e);
    const double delta_max = delta.cwiseAbs().maxCoeff();
    ASSERT_GT(delta_max, 1e-3);
    std::vector<double> columns;
    for (int j = 0; j < units; ++j) columns.push_back(delta[j] / delta_max);
    cells.start(xs, columns);
    const circuits::UpdateResult result = cells.finish();
    const double full_V = circuits::full_scale_update_V(encoding), expected_max = expected_delta.cwiseAbs().maxCoeff();
    for (std::size_t i = 0; i < xs.size(); ++i) {
        for (int j = 0; j < units; ++j) {
            const double expected_V = -full_V * xs[i] * expected_delta[j] / expected_max;
            EXPECT_NEAR(result.delta_storage_V[i * units + static_cast<std::size_t>(j)], expected_V, 3e-3 * std::abs(expected_V) + 1e-5 * full_V)
                << "x = " << xs[i] << ", z = " << z[j] << ", e = " << e[j];
        }
    }
}

}  // namespace
}  // namespace cimkit::training
