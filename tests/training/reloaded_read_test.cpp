// The spice engine's batched read strategy: layer reads as batched transients of netlists that hold
// the device states as fixed elements, on worker processes, reloaded whenever a state changes.
#include "training/reloaded_read.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <string>

#include "circuits/crossbar_network.hpp"
#include "devices/registry.hpp"
#include "training/feature_scaling.hpp"
#include "training/spice_array.hpp"
#include "training/trainer.hpp"

namespace cimkit::training {
namespace {

Eigen::MatrixXd random_matrix(int rows, int cols, double low, double high, std::uint64_t seed) {
    Rng rng(seed);
    Eigen::MatrixXd m(rows, cols);
    for (int j = 0; j < cols; ++j) {
        for (int i = 0; i < rows; ++i) m(i, j) = low + (high - low) * rng.uniform();
    }
    return m;
}

// 12 inputs x 5 outputs in tiles of 5 rows x 2 weights: 3 row blocks, and 2 workers (outputs 0..1
// and 2..4), so every output sums tile partial currents and both workers take part.
ReloadedReadOptions small_tiles() { return ReloadedReadOptions{2, 5, 4, {}}; }

DeviceArray pcm_array(const DeviceModel& model) {
    Rng c(99);
    const DeviceCalibration calibration = calibrate_device(model, 64, c);
    return DeviceArray(model, calibration, random_matrix(5, 12, -0.8, 0.8, 1).cast<float>(), DeviceArrayOptions{}, Rng(5));
}

// Ohm's law for the ohmic PCM devices: net column current (G+ - G-) V, and the row drivers deliver
// sum_j V_j^2 sum_i (G+_ij + G-_ij), the power the devices dissipate.
void expect_ohms_law(const DeviceArray& devices, const Eigen::MatrixXd& volts, const ReloadedLayerRead::Batch& read) {
    const Eigen::MatrixXd g_plus = devices.conductances_S(PairSide::plus), g_minus = devices.conductances_S(PairSide::minus);
    const Eigen::MatrixXd current_A = (g_plus - g_minus) * volts;
    const Eigen::VectorXd power_W = ((g_plus + g_minus).colwise().sum() * volts.cwiseAbs2()).transpose();
    EXPECT_LT((read.net_current_A - current_A).cwiseAbs().maxCoeff(), 1e-9 * current_A.cwiseAbs().maxCoeff());
    EXPECT_LT((read.power_W - power_W).cwiseAbs().maxCoeff(), 1e-9 * power_W.cwiseAbs().maxCoeff());
}

// The layer as the wired tile draws it: input line j is row j, output i's G+ device on column 2i and
// its G- on 2i + 1; and the net current of each output from a solve of that network.
Eigen::MatrixXd tile_conductances_S(const DeviceArray& devices) {
    const Eigen::MatrixXd g_plus = devices.conductances_S(PairSide::plus), g_minus = devices.conductances_S(PairSide::minus);
    Eigen::MatrixXd g_S(devices.cols(), 2 * devices.rows());
    for (int i = 0; i < devices.rows(); ++i) {
        g_S.col(2 * i) = g_plus.row(i).transpose();
        g_S.col(2 * i + 1) = g_minus.row(i).transpose();
    }
    return g_S;
}
Eigen::VectorXd net_currents_A(const circuits::CrossbarSolution& s) {
    const Eigen::Index outputs = s.column_current_A.size() / 2;
    Eigen::VectorXd net_A(outputs);
    for (Eigen::Index i = 0; i < outputs; ++i) net_A(i) = s.column_current_A(2 * i) - s.column_current_A(2 * i + 1);
    return net_A;
}

TEST(ReloadedRead, BatchCurrentsAndDriverPowerFollowOhmsLaw) {
    const auto model = builtin_devices().find("pcm").make({});
    const DeviceArray devices = pcm_array(*model);
    ReloadedLayerRead read(devices, small_tiles(), "test layer");
    const Eigen::MatrixXd volts = random_matrix(12, 7, -0.2, 0.2, 3);
    expect_ohms_law(devices, volts, read.read(volts));
    EXPECT_EQ(read.loads(), 1u);
}

// A layer of PCM devices with `options` (wires or line ends) is drawn as it is (one tile, one
// worker): its currents and driver power equal the sparse nodal solve of the network with `wires`
// (circuits/crossbar_network.hpp), and differ by more than 1 % from the network with `without`, so
// the agreement shows what the resistance under test does.
void expect_batch_equals_the_nodal_solve(const DeviceArrayOptions& options, const circuits::CrossbarWires& wires,
                                         const circuits::CrossbarWires& without) {
    const auto model = builtin_devices().find("pcm").make({});
    Rng c(99);
    const DeviceArray devices(*model, calibrate_device(*model, 64, c), random_matrix(5, 12, -0.8, 0.8, 1).cast<float>(), options, Rng(5));
    ReloadedLayerRead read(devices, small_tiles(), "wired layer");
    EXPECT_EQ(read.worker_pids().size(), 1u);
    const Eigen::MatrixXd volts = random_matrix(12, 4, 0.0, 0.2, 6);
    const ReloadedLayerRead::Batch batch = read.read(volts);
    const Eigen::MatrixXd g_S = tile_conductances_S(devices);
    for (Eigen::Index k = 0; k < volts.cols(); ++k) {
        const circuits::CrossbarSolution s = circuits::solve_resistive_crossbar(g_S, volts.col(k), wires);
        const Eigen::VectorXd net_A = net_currents_A(s);
        const double scale_A = net_A.cwiseAbs().maxCoeff();
        EXPECT_LT((batch.net_current_A.col(k) - net_A).cwiseAbs().maxCoeff(), 1e-9 * scale_A) << "sample " << k;
        EXPECT_NEAR(batch.power_W(k), circuits::driver_power_W(volts.col(k), s), 1e-9 * batch.power_W(k));
        const Eigen::VectorXd other_A = net_currents_A(circuits::solve_resistive_crossbar(g_S, volts.col(k), without));
        EXPECT_GT((other_A - net_A).cwiseAbs().maxCoeff(), 0.01 * scale_A) << "the resistance must show";
    }
}

TEST(ReloadedRead, WiredBatchEqualsTheNodalSolveOfTheWiredLayer) {
    DeviceArrayOptions wired;
    wired.wire_ohm = 200.0;
    expect_batch_equals_the_nodal_solve(wired, {200.0, 200.0}, {});
}

// The drivers' output resistance (array.driver_ohm: resistor rdrv_i before each row), with and
// without wires.
TEST(ReloadedRead, DriverResistanceEqualsTheNodalSolve) {
    for (const double wire_ohm : {0.0, 200.0}) {
        SCOPED_TRACE("wires " + std::to_string(wire_ohm) + " ohm");
        DeviceArrayOptions options;
        options.wire_ohm = wire_ohm;
        options.driver_ohm = 3e3;
        expect_batch_equals_the_nodal_solve(options, {wire_ohm, wire_ohm, 3e3, 0.0}, {wire_ohm, wire_ohm});
    }
}

// The TIA read-out (netlists/peripherals/tia.lib: gain a0, feedback rf) holds its input at
// V_in = I rf/(1 + a0) rather than 0 V, so each line carries I = sum_i G_i V_i / (1 + rf/(1 + a0)
// sum_i G_i); the stage turns its output back into that current. The amplifier delivers
// V_out^2 (1 + 1/a0)/rf on top of the drivers' power.
TEST(ReloadedRead, TiaReadoutLinesFollowTheirClosedForm) {
    const auto model = builtin_devices().find("pcm").make({{"read_noise", "0", "test"}});
    const DeviceArray devices = pcm_array(*model);
    ReloadedReadOptions options{2, 12, 10, {}};  // every line one TIA (tiles of 5 rows would give each partial line its own)
    options.peripherals.stages = {"tia"};
    options.peripherals.settings.netlist_dir = CIMKIT_NETLIST_DIR;
    ReloadedLayerRead read(devices, options, "tia layer");
    const Eigen::MatrixXd volts = random_matrix(12, 3, 0.0, 0.2, 8);
    const ReloadedLayerRead::Batch batch = read.read(volts);
    const double a0 = 1e4, rf_ohm = 10e3, input_ohm = rf_ohm / (1.0 + a0);
    const Eigen::MatrixXd g_plus = devices.conductances_S(PairSide::plus), g_minus = devices.conductances_S(PairSide::minus);
    for (Eigen::Index k = 0; k < volts.cols(); ++k) {
        const auto line_A = [&](const Eigen::MatrixXd& g, int i) {
            return g.row(i).dot(volts.col(k)) / (1.0 + input_ohm * g.row(i).sum());
        };
        double amplifier_W = 0.0, drivers_W = 0.0;
        for (int i = 0; i < 5; ++i) {
            const double plus_A = line_A(g_plus, i), minus_A = line_A(g_minus, i);
            EXPECT_NEAR(batch.net_current_A(i, k), plus_A - minus_A, 1e-9 * std::abs(plus_A)) << "output " << i << ", sample " << k;
            for (const auto& [g, i_A] : {std::pair{&g_plus, plus_A}, std::pair{&g_minus, minus_A}}) {
                const double v_out_V = -i_A * rf_ohm * a0 / (1.0 + a0), v_in_V = i_A * input_ohm;
                amplifier_W += v_out_V * v_out_V * (1.0 + 1.0 / a0) / rf_ohm;
                for (int j = 0; j < 12; ++j) drivers_W += volts(j, k) * (*g)(i, j) * (volts(j, k) - v_in_V);
            }
        }
        EXPECT_NEAR(batch.power_W(k), drivers_W + amplifier_W, 1e-9 * batch.power_W(k)) << "sample " << k;
        EXPECT_GT(amplifier_W, 1e-3 * drivers_W) << "the amplifier's power must show";
    }
}

// Pulse-width inputs into the integrator read-out, a batch as one transient of windows: an ohmic
// device passes exactly G sign(V) V_read w of charge over a pulse of full width at half maximum w =
// |V|/V_read read_s (its edges are centred on the plateau's ends), so every output is the amplitude
// read's sum_j (G+_ij - G-_ij) V_j (measured within 5e-5 of the largest output: ngspice's backward-Euler
// step after each corner; the integrator's input offset -V_out/a0 is about 1e-6 V_read), and each sample's drivers deliver sum_j V_read^2 (w_j - e_j/3) sum_i (G+_ij + G-_ij)
// (the integral of the squared trapezoid; measured within 1e-5) with e_j = min(e, w_j), e = read_s/10, and every line's
// integrator in every tile (rows 0-4, 5-9, 10-11) cf (1 + 1/a0) V_out^2/2 for its charge. Negative inputs and
// zeros are among them, and a second batch with other widths, read after the first, shows that the
// resets empty every integrator between windows and between batches.
TEST(ReloadedRead, PulseWidthBatchIntegratesTheChargeOfOhmsLaw) {
    const auto model = builtin_devices().find("pcm").make({{"read_noise", "0", "test"}});
    DeviceArrayOptions array_options;
    array_options.input_encoding = InputEncoding::pulse_width;
    Rng c(99);
    const DeviceCalibration calibration = calibrate_device(*model, 64, c);
    const DeviceArray devices(*model, calibration, random_matrix(5, 12, -0.8, 0.8, 1).cast<float>(), array_options, Rng(5));
    ReloadedReadOptions options = small_tiles();
    options.peripherals.stages = {"integrator"};
    options.peripherals.settings.netlist_dir = CIMKIT_NETLIST_DIR;
    ReloadedLayerRead read(devices, options, "integrator layer");
    const double v_read = model->read_voltage_V(), read_s = array_options.read_time_s, edge_s = read_s / 10.0;
    const Eigen::MatrixXd g_plus = devices.conductances_S(PairSide::plus), g_minus = devices.conductances_S(PairSide::minus);
    for (const std::uint64_t seed : {11u, 12u}) {
        Eigen::MatrixXd volts = random_matrix(12, 4, -v_read, v_read, seed);
        volts(3, 0) = 0.0;                  // no pulse
        volts(4, 1) = 0.05 * v_read;        // narrower than an edge: a triangle
        volts(5, 2) = v_read;               // the whole window
        const ReloadedLayerRead::Batch batch = read.read(volts);
        const Eigen::MatrixXd current_A = (g_plus - g_minus) * volts;
        for (Eigen::Index k = 0; k < volts.cols(); ++k) {
            for (int i = 0; i < 5; ++i) {
                EXPECT_NEAR(batch.net_current_A(i, k), current_A(i, k), 1e-4 * current_A.col(k).cwiseAbs().maxCoeff())
                    << "output " << i << ", sample " << k << ", batch " << seed;
            }
            double energy_J = 0.0;
            for (int j = 0; j < 12; ++j) {
                const double w_s = std::abs(volts(j, k)) / v_read * read_s, e_s = std::min(edge_s, w_s);
                energy_J += v_read * v_read * (w_s - e_s / 3.0) * (g_plus.col(j).sum() + g_minus.col(j).sum());
            }
            const double a0 = 1e4, cf_F = 10e-12;
            for (const auto& [row0, rows] : {std::pair{0, 5}, std::pair{5, 5}, std::pair{10, 2}}) {
                for (const Eigen::MatrixXd* g : {&g_plus, &g_minus}) {
                    const Eigen::VectorXd charge_C = g->middleCols(row0, rows) * volts.col(k).segment(row0, rows) * read_s;
                    const Eigen::VectorXd v_out_V = -charge_C * a0 / ((1.0 + a0) * cf_F);
                    energy_J += 0.5 * cf_F * (1.0 + 1.0 / a0) * v_out_V.squaredNorm();
                }
            }
            EXPECT_NEAR(batch.power_W(k) * read_s, energy_J, 1e-4 * energy_J) << "sample " << k << ", batch " << seed;
        }
    }
    EXPECT_EQ(read.loads(), 2u) << "every pulse-width batch is a netlist of its own";
}

// No reload while the states stand still; one after drift (every device) and one after an update
// (a few devices); each read then sees the new states exactly.
TEST(ReloadedRead, ReloadsExactlyWhenAStateChanged) {
    const auto model = builtin_devices().find("pcm").make({});
    DeviceArray devices = pcm_array(*model);
    ReloadedLayerRead read(devices, small_tiles(), "test layer");
    const Eigen::MatrixXd volts = random_matrix(12, 3, 0.0, 0.2, 4);
    read.read(volts);
    expect_ohms_law(devices, volts, read.read(volts));
    EXPECT_EQ(read.loads(), 1u);
    devices.evolve(10.0);
    expect_ohms_law(devices, volts, read.read(volts));
    EXPECT_EQ(read.loads(), 2u);
    Eigen::MatrixXf dw = Eigen::MatrixXf::Zero(5, 12);
    dw(2, 7) = 0.3f;
    devices.apply_weight_changes(dw);
    expect_ohms_law(devices, volts, read.read(volts));
    EXPECT_EQ(read.loads(), 3u);
}

// A worker killed between reads costs a reload: the next read still returns the right currents.
TEST(ReloadedRead, SurvivesAKilledWorker) {
    const auto model = builtin_devices().find("pcm").make({});
    const DeviceArray devices = pcm_array(*model);
    ReloadedLayerRead read(devices, small_tiles(), "test layer");
    const Eigen::MatrixXd volts = random_matrix(12, 4, 0.0, 0.2, 5);
    read.read(volts);
    const std::vector<pid_t> pids = read.worker_pids();
    ASSERT_EQ(pids.size(), 2u);
    ASSERT_EQ(kill(pids[1], SIGKILL), 0);
    expect_ohms_law(devices, volts, read.read(volts));
    EXPECT_EQ(read.loads(), 2u);
    EXPECT_NE(read.worker_pids()[1], pids[1]);
}

TEST(ReloadedRead, RejectsAWrongInputShape) {
    const auto model = builtin_devices().find("pcm").make({});
    const DeviceArray devices = pcm_array(*model);
    ReloadedLayerRead read(devices, small_tiles(), "layer 3");
    try {
        read.read(Eigen::MatrixXd::Zero(11, 2));
        FAIL() << "11 inputs accepted";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("layer 3"), std::string::npos) << e.what();
    }
}

// Every device the batched strategy can draw, through SpiceArray::multiply_batch, against the compact
// read of the same devices: ohmic and behavioural faces to 1e-6, the MOSFET (ngspice's level-1
// equations, shared gate sources) within 1 % as in the live strategy's test.
TEST(ReloadedRead, SpiceArrayBatchReadsAgreeWithTheCompactDevices) {
    for (const std::string name : {"pcm", "domain_wall", "gain_cell", "mosfet"}) {
        // Read noise off: both sides solve the same noise-free read (the noise: PcmArrayReadNoise tests).
        const auto model = builtin_devices().find(name).make(name == "pcm" ? std::vector<Setting>{{"read_noise", "0", "test"}} : std::vector<Setting>{});
        SpiceOptions options;
        options.read_strategy = SpiceReadStrategy::batched;
        options.max_tile_rows = 5;
        options.max_tile_columns = 4;
        SpiceSession session(*model, options);
        Rng c(99);
        const DeviceCalibration calibration = calibrate_device(*model, 64, c);
        SpiceArray array(session, *model, calibration, random_matrix(5, 12, -0.8, 0.8, 1).cast<float>(), DeviceArrayOptions{}, Rng(5));
        const Eigen::MatrixXf x = random_matrix(12, 6, 0.0, 1.0, 2).cast<float>();
        const Eigen::MatrixXf spice = array.multiply_batch(x);
        const double tolerance = name == "mosfet" ? 0.01 : 1e-6;
        for (Eigen::Index b = 0; b < x.cols(); ++b) {
            const Eigen::VectorXf compact = array.devices().multiply(x.col(b));
            EXPECT_LT((spice.col(b) - compact).cwiseAbs().maxCoeff(), tolerance * compact.cwiseAbs().maxCoeff()) << name << " sample " << b;
        }
        EXPECT_LT((array.multiply(x.col(0)) - spice.col(0)).cwiseAbs().maxCoeff(), 1e-6 * spice.col(0).cwiseAbs().maxCoeff()) << name;
        EXPECT_EQ(session.loads(), 1u) << name;
        // The gain cell's read conductance is signed (negative below V_store = 0.45 V): its drivers
        // may take energy back. Every other device only dissipates.
        const double energy_J = array.activity().read_energy_J;
        if (name == "gain_cell") {
            EXPECT_NE(energy_J, 0.0);
        } else {
            EXPECT_GT(energy_J, 0.0) << name;
        }
    }
}

// Mini-batch training of Iris on domain-wall synapses (the iris_domain_wall_spice settings, batches of
// 10): the spice engine with the batched read strategy and the compact engine, same seed, end with the
// same accuracies, losses and pulse counts (the reads agree to about 1e-9). The MTJ is made ohmic
// (V_h = 1e9 V): with the default bias-dependent TMR the B-source face is nonlinear and ngspice solves it
// to its Newton tolerance only (reads within 1e-6, SpiceArrayBatchReadsAgreeWithTheCompactDevices), which
// is enough to flip a pulse count and move the loss by 2e-5 after a few epochs.
TEST(ReloadedRead, MiniBatchTrainingMatchesTheCompactEngine) {
    Split split = stratified_split(load_iris_csv(CIMKIT_DATA_DIR "/iris.csv"), 0.2, 1);
    scale_features(split, 0.0f, 1.0f);
    const auto model = builtin_devices().find("domain_wall").make({{"tmr_half_bias_V", "1e9", "test"}});
    DeviceArrayOptions options;
    options.w_max = 2.0;
    options.accumulate_residual = true;
    const NetworkConfig net{{4, 8, 3}, {Activation::sigmoid}, Loss::softmax_cross_entropy, 1};
    TrainingConfig config{20, 0.1f, 1};
    config.batch_size = 10;
    SpiceOptions spice_options;
    spice_options.read_strategy = SpiceReadStrategy::batched;
    SpiceSession session(*model, spice_options);
    Network spice(net, make_spice_array_factory(session, *model, options, 1));
    Network compact(net, make_device_array_factory(*model, options, 1));
    const auto spice_history = train(spice, split.train, split.test, config);
    const auto compact_history = train(compact, split.train, split.test, config);
    for (std::size_t e = 0; e < spice_history.size(); ++e) {
        EXPECT_EQ(spice_history[e].train_accuracy, compact_history[e].train_accuracy) << "epoch " << e + 1;
        EXPECT_EQ(spice_history[e].test_accuracy, compact_history[e].test_accuracy) << "epoch " << e + 1;
        EXPECT_NEAR(spice_history[e].loss, compact_history[e].loss, 1e-5 * compact_history[e].loss) << "epoch " << e + 1;
        EXPECT_EQ(spice_history[e].update_pulses, compact_history[e].update_pulses) << "epoch " << e + 1;
    }
    EXPECT_GT(compact_history.back().test_accuracy, 0.9);
    // The first read loads each layer once; then each of the 20 x 12 batch updates changes both layers'
    // states in this run (every nonzero pulse moves a wall by a whole pinning site), and the first read
    // after it (the next batch, or the epoch's test pass) reloads each layer once; reads with no update
    // in between reload nothing. (Before pinning sites two layer updates of this run changed nothing,
    // and the count was 480.)
    EXPECT_EQ(session.loads(), 2u + 2u * 20u * 12u);
}

// Mini-batch training of Iris on PCM pairs (the mnist_pcm preset's array settings, batches of 10,
// 3 epochs) with pulse-width inputs into the integrator read-out (training/reloaded_read.hpp) against
// the compact engine, same seed: a PCM cell passes the compact read's charge exactly, so the two
// differ only by ngspice's integration (5e-5 of the full scale, PulseWidthBatchIntegratesTheChargeOfOhmsLaw),
// which may move a pulse count: the test accuracies are equal, the losses within 1e-4, the pulses within
// 1 % (measured: losses within 3e-6, the same pulse counts, 93.3 % after 3 epochs in both).
TEST(ReloadedRead, PulseWidthMiniBatchTrainingMatchesTheCompactEngine) {
    Split split = stratified_split(load_iris_csv(CIMKIT_DATA_DIR "/iris.csv"), 0.2, 1);
    scale_features(split, 0.0f, 1.0f);
    const auto model = builtin_devices().find("pcm").make({{"read_noise", "0", "test"}});
    DeviceArrayOptions options;
    options.w_max = 4.0;
    options.accumulate_residual = true;
    options.pulse_rounding = PulseRounding::floor;
    options.refresh_threshold = 0.5;
    options.input_encoding = InputEncoding::pulse_width;
    const NetworkConfig net{{4, 8, 3}, {Activation::sigmoid}, Loss::softmax_cross_entropy, 1};
    TrainingConfig config{3, 0.1f, 1};
    config.batch_size = 10;
    SpiceOptions spice_options;
    spice_options.read_strategy = SpiceReadStrategy::batched;
    spice_options.readout = "integrator";
    spice_options.netlist_dir = CIMKIT_NETLIST_DIR;
    SpiceSession session(*model, spice_options);
    Network spice(net, make_spice_array_factory(session, *model, options, 1));
    Network compact(net, make_device_array_factory(*model, options, 1));
    const auto spice_history = train(spice, split.train, split.test, config);
    const auto compact_history = train(compact, split.train, split.test, config);
    for (std::size_t e = 0; e < spice_history.size(); ++e) {
        EXPECT_EQ(spice_history[e].test_accuracy, compact_history[e].test_accuracy) << "epoch " << e + 1;
        EXPECT_NEAR(spice_history[e].loss, compact_history[e].loss, 1e-4 * compact_history[e].loss) << "epoch " << e + 1;
        EXPECT_NEAR(static_cast<double>(spice_history[e].update_pulses), static_cast<double>(compact_history[e].update_pulses),
                    0.01 * static_cast<double>(compact_history[e].update_pulses))
            << "epoch " << e + 1;
    }
    EXPECT_GT(compact_history.back().test_accuracy, 0.9);
}

}  // namespace
}  // namespace cimkit::training
