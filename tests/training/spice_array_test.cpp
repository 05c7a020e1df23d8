// The spice engine against the compact one: the same devices (same seed), read through ngspice
// operating points of tiled crossbars, and updated through the update circuit's transients.
#include "training/spice_array.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "devices/core/errors.hpp"
#include "devices/registry.hpp"
#include "training/network.hpp"

namespace cimkit::training {
namespace {

Eigen::MatrixXf random_matrix(int rows, int cols, float low, float high, std::uint64_t seed) {
    Rng rng(seed);
    Eigen::MatrixXf m(rows, cols);
    for (int j = 0; j < cols; ++j) {
        for (int i = 0; i < rows; ++i) m(i, j) = static_cast<float>(low + (high - low) * rng.uniform());
    }
    return m;
}

// Relative to the largest output, so outputs near 0 do not dominate.
double max_relative_difference(const Eigen::VectorXf& a, const Eigen::VectorXf& b) {
    return (a - b).cwiseAbs().maxCoeff() / b.cwiseAbs().maxCoeff();
}

SpiceOptions small_tiles(long update_circuit_max_devices) {
    SpiceOptions o;
    o.max_tile_rows = 5;     // 12 inputs -> 3 row blocks (5, 5, 2)
    o.max_tile_columns = 4;  // 2 weights per tile -> 5 outputs in 3 column blocks
    o.update_circuit_max_devices = update_circuit_max_devices;
    return o;
}

// Every device with an EXTERNAL-state face: y from ngspice equals the compact read of the same
// devices within 1 % (the MOSFET: ngspice's level-1 equations against the compact law), before and
// after pulse updates, with the netlist loaded once.
TEST(SpiceArray, ForwardReadsAgreeWithTheCompactDevicesAcrossTilesAndUpdates) {
    for (const std::string name : {"domain_wall", "pcm", "mosfet"}) {
        // Read noise off: both sides solve the same noise-free read (the noise: PcmArrayReadNoise tests).
        const auto model = builtin_devices().find(name).make(name == "pcm" ? std::vector<Setting>{{"read_noise", "0", "test"}} : std::vector<Setting>{});
        SpiceSession session(*model, small_tiles(0));
        DeviceArrayOptions options;
        const Rng rng(5);
        const DeviceCalibration calibration = [&] {
            Rng c = rng.stream(99);
            return calibrate_device(*model, 256, c);
        }();
        SpiceArray array(session, *model, calibration, random_matrix(5, 12, -0.8f, 0.8f, 1), options, rng);
        for (int step = 0; step < 3; ++step) {
            const Eigen::VectorXf x = random_matrix(12, 1, 0.0f, 1.0f, 10 + step).col(0);
            const Eigen::VectorXf spice = array.multiply(x);
            const Eigen::VectorXf compact = array.devices().multiply(x);
            EXPECT_LT(max_relative_difference(spice, compact), 0.01) << name << " step " << step << "\nspice   " << spice.transpose()
                                                                    << "\ncompact " << compact.transpose();
            array.apply_outer_product(x, random_matrix(5, 1, -1.0f, 1.0f, 20 + step).col(0), 0.2f);
        }
        EXPECT_EQ(session.loads(), 1u) << name << ": reads after updates must not reload the netlist";
        EXPECT_EQ(session.solves(), 3u);
        EXPECT_GT(array.activity().read_energy_J, 0.0);
    }
}

// A read-out stage chosen by name reaches training: with the op-amp TIA (circuits/crossbar/tia_readout.cpp)
// each column is read from the amplifier's output and turned back into its current by the stage. Its
// input sits at I rf / (1 + a0), about 1 Ohm times the column current, against column resistances of
// kOhms, so the read agrees with the virtual-ground read within 1e-3 while differing from it (the
// amplifier is in the circuit, not bypassed); the amplifiers' power is in the read energy.
TEST(SpiceArray, ATiaReadoutStageReadsTheSameColumnCurrents) {
    const auto model = builtin_devices().find("pcm").make({});
    const Rng rng(5);
    Rng c = rng.stream(99);
    const DeviceCalibration calibration = calibrate_device(*model, 64, c);
    const Eigen::MatrixXf w0 = random_matrix(5, 12, -0.8f, 0.8f, 1);
    const Eigen::VectorXf x = random_matrix(12, 1, 0.0f, 1.0f, 10).col(0);
    // One ngspice engine per process: each session reads, then ends, before the next starts.
    const auto read_with = [&](const std::string& readout) {
        SpiceOptions options = small_tiles(0);
        options.readout = readout;
        SpiceSession session(*model, options);
        SpiceArray array(session, *model, calibration, w0, DeviceArrayOptions{}, rng);
        const Eigen::VectorXf y = array.multiply(x);
        return std::make_pair(y, array.activity().read_energy_J);
    };
    const auto [by_ideal, ideal_J] = read_with("ideal");
    const auto [by_tia, tia_J] = read_with("tia");
    EXPECT_LT(max_relative_difference(by_tia, by_ideal), 1e-3) << by_tia.transpose() << "\n" << by_ideal.transpose();
    EXPECT_NE(by_tia, by_ideal);
    // The read energy includes what the amplifiers deliver: V_out^2 (1 + 1/a0)/rf per line, with
    // V_out = -I rf a0/(1 + a0), i.e. I^2 rf a0/(1 + a0), I each tile line's current (ohmic PCM: G V
    // over the tile's inputs; every tile of the three row blocks has its own amplifiers). The row
    // drivers deliver the same in both reads but for the TIA input's I rf/(1 + a0) (1e-4 of it).
    const DeviceArrayOptions defaults;
    DeviceArray devices(*model, calibration, w0, defaults, rng);
    const circuits::TiaReadout tia;
    const Eigen::VectorXd volts = model->read_voltage_V() * x.cast<double>();
    double amplifiers_W = 0.0;
    for (const auto& [side, g_S] : devices.conductances_S()) {
        for (const int row0 : {0, 5, 10}) {
            const int rows = std::min(5, 12 - row0);
            const Eigen::VectorXd line_A = g_S.middleCols(row0, rows) * volts.segment(row0, rows);
            amplifiers_W += line_A.squaredNorm() * tia.feedback_ohm * tia.open_loop_gain / (1.0 + tia.open_loop_gain);
        }
    }
    const double amplifiers_J = amplifiers_W * defaults.read_time_s;
    EXPECT_NEAR(tia_J - ideal_J, amplifiers_J, 1e-3 * amplifiers_J) << "ideal read " << ideal_J << " J";

    SpiceOptions unknown = small_tiles(0);
    unknown.readout = "adc";
    try {
        SpiceSession refused(*model, unknown);
        FAIL() << "an unknown read-out must be refused";
    } catch (const ParameterError& e) {
        EXPECT_NE(std::string(e.what()).find("spice.readout = adc"), std::string::npos) << e.what();
    }
}

// The update circuit delivers dW = -lr delta x^T: with exact (program-and-verify) updates, the
// weights after a circuit-driven update match an ideal update of the same devices within 2 % of the
// largest change (the circuit's dV is the outer product to within its gating edges).
TEST(SpiceArray, UpdateCircuitDeliversTheOuterProduct) {
    const auto model = builtin_devices().find("domain_wall").make(
        {{"displacement_noise_c2c", "0", "test"}, {"pinning_spread_d2d", "0", "test"}, {"g_ap_spread_d2d", "0", "test"}});
    SpiceSession session(*model, small_tiles(1000));
    DeviceArrayOptions options;
    options.update_mode = "exact";
    const Rng rng(3);
    Rng c = rng.stream(99);
    const DeviceCalibration calibration = calibrate_device(*model, 64, c);
    const Eigen::MatrixXf w0 = random_matrix(4, 6, -0.5f, 0.5f, 2);
    SpiceArray spice(session, *model, calibration, w0, options, rng);
    DeviceArray compact(*model, calibration, w0, options, rng);
    ASSERT_TRUE(spice.uses_update_circuit());
    const Eigen::VectorXf x = random_matrix(6, 1, -1.0f, 1.0f, 4).col(0);
    const Eigen::VectorXf delta = random_matrix(4, 1, -1.0f, 1.0f, 5).col(0);
    const float lr = 0.3f;
    spice.apply_outer_product(x, delta, lr);
    EXPECT_THROW(spice.weights(), UsageError);  // the update circuit is still solving
    spice.finish_updates();
    compact.apply_outer_product(x, delta, lr);
    const Eigen::MatrixXf ideal_change = -lr * delta * x.transpose();
    const double largest = ideal_change.cwiseAbs().maxCoeff();
    EXPECT_LT((spice.weights() - compact.weights()).cwiseAbs().maxCoeff(), 0.02 * largest);
    EXPECT_LT((spice.weights() - w0 - ideal_change).cwiseAbs().maxCoeff(), 0.02 * largest);
    EXPECT_GT(spice.activity().update_circuit_energy_J, 0.0);
    // The update circuit has its own worker process: the read netlist is loaded once and still agrees.
    const Eigen::VectorXf probe = random_matrix(6, 1, 0.0f, 1.0f, 6).col(0);
    EXPECT_LT(max_relative_difference(spice.multiply(probe), spice.devices().multiply(probe)), 0.01);
    spice.apply_outer_product(x, delta, lr);
    spice.finish_updates();
    EXPECT_LT(max_relative_difference(spice.multiply(probe), spice.devices().multiply(probe)), 0.01);
    EXPECT_EQ(session.loads(), 1u);
}

// Wires in the forward read (array.wire_ohm): ngspice solves the tile with a resistor on every row
// and column segment, the compact engine its Newton solve of the same network (PCM, ohmic: its line
// relaxation; training/device_array/read_model.hpp). At 20 Ohm per segment on a 12 x 10-line tile they agree to
// float precision (measured: identical floats for PCM and the domain wall, one ulp for the MOSFET)
// while the wires move the outputs by 2.6 % (PCM), 11 % (domain wall) and 16 % (MOSFET) of the
// largest output: the IR drop is in both, not in neither.
TEST(SpiceArray, WiredForwardReadsAgreeWithTheCompactNewtonSolve) {
    for (const std::string name : {"pcm", "domain_wall", "mosfet"}) {
        const auto model = builtin_devices().find(name).make(name == "pcm" ? std::vector<Setting>{{"read_noise", "0", "test"}} : std::vector<Setting>{});
        SpiceOptions one_tile;
        one_tile.update_circuit_max_devices = 0;
        SpiceSession session(*model, one_tile);
        const Rng rng(5);
        Rng c = rng.stream(99);
        const DeviceCalibration calibration = calibrate_device(*model, 256, c);
        const Eigen::MatrixXf w0 = random_matrix(5, 12, -0.8f, 0.8f, 1);
        DeviceArrayOptions wired;
        wired.wire_ohm = 20.0;
        SpiceArray array(session, *model, calibration, w0, wired, rng);
        DeviceArray ideal_wires(*model, calibration, w0, DeviceArrayOptions{}, rng);
        const Eigen::VectorXf x = random_matrix(12, 1, 0.0f, 1.0f, 10).col(0);
        const Eigen::VectorXf spice = array.multiply(x), compact = array.devices().multiply(x), ideal = ideal_wires.multiply(x);
        EXPECT_LT(max_relative_difference(spice, compact), 1e-6) << name << "\nspice   " << spice.transpose() << "\ncompact " << compact.transpose();
        EXPECT_GT(max_relative_difference(compact, ideal), 0.02) << name << ": the wires must show";
        EXPECT_GT(array.activity().read_energy_J, 0.0);
    }
}

// The backward read (W^T d) through ngspice: the column sources drive each output's G+ line at +V and
// its G- line at -V (the MOSFET, whose I-V is not odd: the G+ lines, then the G- lines), and the row
// sources' currents are the result. It agrees with the compact model's
// transposed read of the same devices (the same drives) to float precision, with ideal
// wires over three row and three column blocks of tiles (the input lines' currents summed over
// tiles) and with 20-Ohm wires in one tile (the compact model's transposed Newton solve); the
// forward read of the same array after it still agrees (the columns are back at 0 V).
TEST(SpiceArray, TransposedReadsAgreeWithTheCompactModel) {
    for (const std::string name : {"pcm", "domain_wall", "mosfet"}) {
        for (const double wire_ohm : {0.0, 20.0}) {
            const auto model = builtin_devices().find(name).make(name == "pcm" ? std::vector<Setting>{{"read_noise", "0", "test"}} : std::vector<Setting>{});
            SpiceOptions options = wire_ohm > 0.0 ? SpiceOptions{} : small_tiles(0);
            options.update_circuit_max_devices = 0;
            SpiceSession session(*model, options);
            ASSERT_TRUE(session.reads_transposed());
            const Rng rng(5);
            Rng c = rng.stream(99);
            const DeviceCalibration calibration = calibrate_device(*model, 256, c);
            DeviceArrayOptions array_options;
            array_options.wire_ohm = wire_ohm;
            SpiceArray array(session, *model, calibration, random_matrix(5, 12, -0.8f, 0.8f, 1), array_options, rng);
            const std::string label = name + " with " + std::to_string(wire_ohm) + " Ohm wires";
            const Eigen::VectorXf d = random_matrix(5, 1, -1.0f, 1.0f, 30).col(0);
            const double energy_before_J = array.activity().read_energy_J;
            const Eigen::VectorXf spice = array.multiply_transposed(d), compact = array.devices().multiply_transposed(d);
            EXPECT_LT(max_relative_difference(spice, compact), 1e-6) << label << "\nspice   " << spice.transpose() << "\ncompact "
                                                                   << compact.transpose();
            EXPECT_GT(array.activity().read_energy_J, energy_before_J) << label;
            const std::uint64_t phases = model->odd_read_current() ? 1u : 2u;  // the MOSFET: G+ lines, then G- lines
            EXPECT_EQ(session.solves(), phases) << label;
            const Eigen::VectorXf x = random_matrix(12, 1, 0.0f, 1.0f, 10).col(0);
            EXPECT_LT(max_relative_difference(array.multiply(x), array.devices().multiply(x)), 1e-6) << label;
            EXPECT_EQ(array.multiply_transposed(Eigen::VectorXf::Zero(5)), Eigen::VectorXf::Zero(12)) << label;
            EXPECT_EQ(session.solves(), phases + 1) << label << ": a zero d needs no solve";
        }
    }
}

// spice.live_stream_points: the reads as consecutive points of transients (circuits/spice/
// streamed_points.hpp) against one op per read, with the same devices, forward and transposed reads
// and updates in between, over several chunks and with and without wires. With
// ideal wires every node voltage is fixed by a source, so each device's current is an explicit
// function of the sources and Newton lands on the same bits from any start: equal bit for bit. With
// wires (nodes between the devices) a point starts from the previous point's solution, an op from
// its own guess, and each stops where ngspice's convergence test passes: the linear PCM and the
// domain wall agree within 1e-6, the MOSFET (measured up to 2.8e-4) within ngspice's reltol, 1e-3.
TEST(SpiceArray, StreamedReadsGiveTheReadsOfOneOpEach) {
    for (const std::string name : {"domain_wall", "pcm", "mosfet"}) {
        for (const double wire_ohm : {0.0, 20.0}) {
            const auto model = builtin_devices().find(name).make(name == "pcm" ? std::vector<Setting>{{"read_noise", "0", "test"}} : std::vector<Setting>{});
            const Rng rng(5);
            Rng c = rng.stream(99);
            const DeviceCalibration calibration = calibrate_device(*model, 256, c);
            DeviceArrayOptions array_options;
            array_options.wire_ohm = wire_ohm;
            const auto reads = [&](int stream_points, std::uint64_t& solves, long& chunks) {
                SpiceOptions options = wire_ohm > 0.0 ? SpiceOptions{} : small_tiles(0);
                options.update_circuit_max_devices = 0;
                options.live_stream_points = stream_points;
                SpiceSession session(*model, options);
                SpiceArray array(session, *model, calibration, random_matrix(5, 12, -0.8f, 0.8f, 1), array_options, rng);
                std::vector<Eigen::VectorXf> out;
                for (int step = 0; step < 12; ++step) {
                    const Eigen::VectorXf x = random_matrix(12, 1, 0.0f, 1.0f, 10 + step).col(0);
                    const Eigen::VectorXf d = random_matrix(5, 1, -1.0f, 1.0f, 40 + step).col(0);
                    out.push_back(array.multiply(x));
                    out.push_back(array.multiply_transposed(d));
                    array.apply_outer_product(x, d, 0.5f);
                    array.finish_updates();
                }
                solves = session.solves();
                chunks = session.stream_chunks();
                return out;
            };
            std::uint64_t op_solves = 0, streamed_solves = 0;
            long op_chunks = 0, chunks = 0;
            // Chunks of `tran 1 2 0 1`: about 10 points each (ngspice's ramp-up adds about 8).
            const std::vector<Eigen::VectorXf> by_op = reads(0, op_solves, op_chunks), streamed = reads(2, streamed_solves, chunks);
            const std::string label = name + " with " + std::to_string(wire_ohm) + " Ohm wires";
            EXPECT_EQ(streamed_solves, op_solves) << label;
            EXPECT_EQ(op_chunks, 0) << label;
            EXPECT_GE(chunks, 2) << label << ": the reads must span several chunks";
            ASSERT_EQ(streamed.size(), by_op.size());
            for (std::size_t k = 0; k < by_op.size(); ++k) {
                if (wire_ohm == 0.0) {
                    EXPECT_EQ(streamed[k], by_op[k]) << label << ", read " << k << "\nstreamed " << streamed[k].transpose() << "\nop       "
                                                     << by_op[k].transpose();
                } else {
                    EXPECT_LT(max_relative_difference(streamed[k], by_op[k]), name == "mosfet" ? 1e-3 : 1e-6) << label << ", read " << k;
                }
            }
            // Consecutive forward reads differ, so a point paired with the wrong read would show.
            EXPECT_GT(max_relative_difference(by_op[0], by_op[2]), 1e-3) << label;
        }
    }
}

TEST(SpiceArray, RefusesWhatTheCircuitCannotDo) {
    const auto model = builtin_devices().find("domain_wall").make({});
    SpiceSession session(*model, small_tiles(1000));
    Rng c(1);
    const DeviceCalibration calibration = calibrate_device(*model, 16, c);
    DeviceArrayOptions two_phase;
    two_phase.two_phase_read = true;
    EXPECT_THROW(SpiceArray(session, *model, calibration, Eigen::MatrixXf::Constant(2, 2, 0.1f), two_phase, Rng(1)), ParameterError);
    DeviceArrayOptions stochastic;
    stochastic.update_mode = "stochastic";
    EXPECT_THROW(SpiceArray(session, *model, calibration, Eigen::MatrixXf::Constant(2, 2, 0.1f), stochastic, Rng(1)), ParameterError);
    DeviceArrayOptions essop;  // its trains drive the circuit (essop_circuit_test)
    essop.update_mode = "essop";
    EXPECT_TRUE(SpiceArray(session, *model, calibration, Eigen::MatrixXf::Constant(2, 2, 0.1f), essop, Rng(1)).uses_update_circuit());
    DeviceArrayOptions pulse_width;
    pulse_width.input_encoding = InputEncoding::pulse_width;
    EXPECT_THROW(SpiceArray(session, *model, calibration, Eigen::MatrixXf::Constant(2, 2, 0.1f), pulse_width, Rng(1)), ParameterError);
    const auto cell = builtin_devices().find("gain_cell").make({});
    EXPECT_THROW(SpiceSession(*cell, SpiceOptions{}), UsageError);  // the live strategy needs a cosim face
    DeviceArrayOptions wired;
    wired.wire_ohm = 1.0;  // a layer over three tiles: the compact engine's wires are one array's
    try {
        SpiceArray(session, *model, calibration, Eigen::MatrixXf::Constant(5, 12, 0.1f), wired, Rng(1));
        FAIL() << "wires on a layer split into tiles must be refused";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("array.wire_ohm"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("spice.max_tile_rows"), std::string::npos) << e.what();
    }
}

TEST(SpiceReadStrategy, NamesRoundTripAndUnknownOnesAreRefused) {
    for (const SpiceReadStrategy strategy : {SpiceReadStrategy::live, SpiceReadStrategy::batched}) {
        EXPECT_EQ(parse_read_strategy(to_string(strategy)), strategy);
    }
    EXPECT_EQ(SpiceOptions{}.read_strategy, SpiceReadStrategy::live);
    EXPECT_THROW(parse_read_strategy("reload"), ParameterError);
}

// array.readout = sense_amp on the spice engine (training/sense_amp.hpp): a hidden line's output is
// 1 exactly where the ngspice read of its column pair plus the bias is >= 0. The live read is an
// operating point of fixed devices, so reading again gives the same bits: the test reads again and
// finds the pre-activation the network used, then checks the decision on it.
TEST(SpiceArray, SenseAmplifiersDecideOnTheNgspiceRead) {
    const auto model = builtin_devices().find("mosfet").make({});
    SpiceSession session(*model, small_tiles(0));
    DeviceArrayOptions options;
    options.readout = Readout::sense_amp;
    options.sensed_layers = 1;
    NetworkConfig config{{12, 5, 3}, {Activation::sigmoid}, Loss::softmax_cross_entropy, 4};
    config.sense_amp_hidden = true;
    Network net(config, make_spice_array_factory(session, *model, options, 4));
    net.set_bias(0, (Eigen::VectorXf(5) << 0.05f, -0.1f, 0.0f, 0.2f, -0.3f).finished());
    int ones = 0;
    for (int step = 0; step < 6; ++step) {
        const Eigen::VectorXf x = random_matrix(12, 1, 0.0f, 1.0f, 30 + step).col(0);
        const ForwardPass pass = forward(net, x);
        const Eigen::VectorXf z = net.array(0).multiply(x) + net.bias(0);
        ASSERT_EQ(pass.pre_activations[0], z) << "step " << step;
        for (int i = 0; i < 5; ++i) {
            EXPECT_EQ(pass.activations[1](i), z(i) >= 0.0f ? 1.0f : 0.0f) << "step " << step << " line " << i << " z " << z(i);
            ones += pass.activations[1](i) == 1.0f;
        }
    }
    EXPECT_GT(ones, 0);
    EXPECT_LT(ones, 30);
}

}  // namespace
}  // namespace cimkit::training
