// The attention block with its tiles in ngspice (attention/spice_attention.hpp) against the compact
// block (attention/gain_cell_attention.hpp), and the tile's energy and latency against closed forms.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "attention/gain_cell_attention.hpp"
#include "attention/spice_attention.hpp"

namespace cimkit::attention {
namespace {

// 80 tokens in 64-key tiles: the last query tokens read two tiles, one of them partly in the window.
struct Agreement {
    double scores = 0, pulses = 0, outputs = 0, output_scale = 0;
};

Agreement compare(const SpiceHeadResult& spice, const HeadResult& compact) {
    Agreement a;
    for (std::size_t row = 0; row < spice.query_tokens.size(); ++row) {
        const auto i = static_cast<Eigen::Index>(row), m = static_cast<Eigen::Index>(spice.query_tokens[row]);
        a.scores = std::max(a.scores, (spice.scores.row(i) - compact.scores.row(m)).cwiseAbs().maxCoeff());
        a.pulses = std::max(a.pulses, (spice.pulses.row(i) - compact.pulses.row(m)).cwiseAbs().maxCoeff());
        a.outputs = std::max(a.outputs, (spice.output.row(i) - compact.output.row(m)).cwiseAbs().maxCoeff());
        a.output_scale = std::max(a.output_scale, compact.output.row(m).cwiseAbs().maxCoeff());
    }
    return a;
}

// The criterion is 2 %. What remains is ngspice's time discretisation: the comparator's
// output crosses in ~70 ps and is integrated on 20 ps steps, and the integrators' charge carries
// ngspice's own tolerances. Measured: scores 7e-6, pulses 1.4e-5 of T_max, unquantised outputs 2e-5.
TEST(GainCellTile, NgspiceTilesAgreeWithTheCompactBlockOnRandomInputs) {
    const HeadInputs in = random_head_inputs(80, 16, 5);
    HeadSettings s;
    s.window_tokens = 70;
    s.output_levels = 0;  // the read-out's quantisation would hide (or, at a level boundary, magnify) the difference
    const HeadResult compact = gain_cell_attention(in, s, GainCellReadModel::published_kernel);
    spice::Engine engine;
    const SpiceHeadResult spice = spice_gain_cell_attention(engine, in, s, TileCircuit{}, {10, 79});
    EXPECT_EQ(spice.tile_runs, 3);  // token 10: keys 0-10 in tile 0; token 79: keys 10-63 and 64-79
    const Agreement a = compare(spice, compact);
    EXPECT_LT(a.scores, 1e-4);
    EXPECT_LT(a.pulses, 1e-4);
    EXPECT_LT(a.outputs, 1e-4 * a.output_scale);
    EXPECT_GT(compact.pulses.row(79).maxCoeff(), 0.1) << "the check needs pulses that are not all cut to 0";
}

// Each cell's supply delivers 0.9 V |I| for the cell's pulse: the first stage costs
// 0.9 V read_scale_A T_max sum_{n,d} q_d |f(w_nd)|, the second 0.9 V read_scale_A T_max sum_{n,d} A_n |f(v_nd)|.
TEST(GainCellTile, SupplyEnergyAndLatencyFollowFromTheCellsAndThePulses) {
    const HeadInputs in = random_head_inputs(32, 8, 9);
    HeadSettings s;
    s.decay_per_token = 0.0;
    const TileCircuit circuit;
    spice::Engine engine;
    const SpiceHeadResult spice = spice_gain_cell_attention(engine, in, s, circuit, {31});
    const QuantisedInputs q = quantised_inputs(in, s);
    const WeightPolynomial f = weight_polynomial(GainCellReadModel::published_kernel);
    const HeadResult compact = gain_cell_attention(in, s, GainCellReadModel::published_kernel);
    double first = 0.0, second = 0.0;
    for (int n = 0; n < 32; ++n) {
        for (int d = 0; d < 8; ++d) {
            first += q.query(31, d) * std::abs(evaluate(f, q.key_w_V(n, d)));
            second += compact.pulses(31, n) * std::abs(evaluate(f, q.value_w_V(n, d)));
        }
    }
    const double unit_J = 0.9 * circuit.read_scale_A * circuit.t_max_s;
    EXPECT_NEAR(spice.energy_scores_J[0], unit_J * first, 1e-4 * unit_J * first);
    // The second stage's pulses carry the comparator's time discretisation (~1e-5 T_max each, against
    // pulses of ~0.1 T_max here): 1.5e-4 measured.
    EXPECT_NEAR(spice.energy_outputs_J[0], unit_J * second, 1e-3 * unit_J * second);
    // The last second-stage pulse ends its width after the ramp starts: first edge + T_max + two edges
    // of phase 1, the ramp's 1 ps reset, then the widest pulse.
    const double widest = compact.pulses.row(31).maxCoeff();
    EXPECT_NEAR(spice.latency_s[0], circuit.t_max_s + 2 * circuit.edge_s + 1e-12 + widest * circuit.t_max_s, 2 * circuit.max_step_s);
}

}  // namespace
}  // namespace cimkit::attention

namespace cimkit::attention {
namespace {

// The transistor cell's law, as ngspice measures it, is the level-1 square law in saturation (the
// row at 0.9 V keeps V_DS above V_GS - V_T for every stored voltage): kp/2 (W/L) (V - V_T)^2.
TEST(GainCellTile, TransistorCellLawIsTheSquareLaw) {
    spice::Engine engine;
    TileCircuit circuit;
    const CellLaw law = transistor_cell_law(engine, circuit);
    for (double v : {0.0, 0.2, 0.31, 0.45, 0.6, 0.9}) {
        const double expected = v > 0.3 ? 0.5 * 120e-6 * (v - 0.3) * (v - 0.3) / circuit.read_scale_A : 0.0;
        EXPECT_NEAR(law.at(v - 0.45), expected, 1e-3 * 21.6 + 1e-4 * expected) << "V_store " << v;
    }
}

// Transistor cells against the compact block with their measured law, within the 2 % of the
// largest score and output. What remains: while a row's pulse rises and falls (20 ps at the word
// lines, the comparator's ~70 ps in the second stage) the transistor is in triode with a current
// below its saturation law, which the compact block does not see; the shorter the pulses, the more it
// weighs (with scores of ~0.1 T_max the outputs differ by 2.7 %). Measured here: scores 4.8e-4 of
// 0.35, pulses 5e-4 of T_max, outputs 3.2e-3 of 0.34 (0.9 %).
TEST(GainCellTile, TransistorTilesAgreeWithTheCompactBlockWithTheirLaw) {
    const HeadInputs in = random_head_inputs(24, 8, 11);
    HeadSettings s;
    s.output_levels = 0;
    s.score_saturation = 120.0;  // the transistor carries up to 21.6 read_scale_A: pulses of 0.1-1 T_max here
    s.output_saturation = 60.0;
    TileCircuit circuit;
    circuit.cells = TileCircuit::Cells::transistor;
    spice::Engine engine;
    const HeadResult compact = gain_cell_attention(in, s, transistor_cell_law(engine, circuit));
    const SpiceHeadResult spice = spice_gain_cell_attention(engine, in, s, circuit, {23});
    const Agreement a = compare(spice, compact);
    const double largest_score = compact.scores.row(23).cwiseAbs().maxCoeff();
    EXPECT_LT(a.scores, 0.02 * largest_score);
    EXPECT_LT(a.pulses, 0.02);
    EXPECT_LT(a.outputs, 0.02 * a.output_scale);
    EXPECT_GT(spice.energy_scores_J[0], 0.0);  // the word lines deliver the first stage's current
    EXPECT_GT(spice.energy_outputs_J[0], 0.0);
}

}  // namespace
}  // namespace cimkit::attention
