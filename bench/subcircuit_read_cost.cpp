// What one batched read (training/reloaded_read.hpp) of a layer of subcircuit devices costs: the
// VTEAM memristor of netlists/devices/vteam_memristor.lib (docs/own-devices.md#a-spice-subcircuit-as-a-device)
// as a 10 x 784 layer (MNIST 784->10: 15 680 instances), random weights, a batch of random inputs on
// [0, V_read). Prints the wall time of the first read (netlist load + transient), of a second read of
// the same states (transient only), the accepted time points, and the largest difference of the
// column currents from the compact twin's I = G V. Not a test: run by hand.
//
//   build/bench/cimkit_subcircuit_read_cost [batch=100] [workers=2] [tile_rows=256] [tile_columns=256] [outputs=10] [devices_per_transient=-1]
//
// devices_per_transient 0 reads each worker's block in one transient (the read before tiles of at
// most 160 instances were run one netlist at a time); -1 is the face's own limit.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "analysis/subcircuit_twin.hpp"
#include "devices/core/rng.hpp"
#include "devices/registry.hpp"
#include "training/device_array.hpp"
#include "training/device_array/calibration.hpp"
#include "training/reloaded_read.hpp"

using namespace cimkit;
using namespace cimkit::training;

int main(int argc, char** argv) {
    const auto arg = [&](int i, int fallback) { return argc > i ? std::atoi(argv[i]) : fallback; };
    const int batch = arg(1, 100), workers = arg(2, 2), tile_rows = arg(3, 256), tile_columns = arg(4, 256), outputs = arg(5, 10), per_transient = arg(6, -1);
    const int inputs = 784;
    analysis::install_subcircuit_devices();
    const auto model = builtin_devices().find("spice:" CIMKIT_NETLIST_DIR "/devices/vteam_memristor.lib:vteam_memristor").make({});
    Rng calibration_rng(99), weights_rng(1), volts_rng(3);
    const DeviceCalibration calibration = calibrate_device(*model, 64, calibration_rng);
    Eigen::MatrixXf weights(outputs, inputs);
    for (Eigen::Index k = 0; k < weights.size(); ++k) weights(k) = static_cast<float>(1.6 * weights_rng.uniform() - 0.8);
    const DeviceArray devices(*model, calibration, weights, DeviceArrayOptions{}, Rng(5));
    Eigen::MatrixXd volts(inputs, batch);
    for (Eigen::Index k = 0; k < volts.size(); ++k) volts(k) = model->read_voltage_V() * volts_rng.uniform();

    ReloadedLayerRead read(devices, ReloadedReadOptions{workers, tile_rows, tile_columns, {}, per_transient}, "bench layer");
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    const ReloadedLayerRead::Batch first = read.read(volts);
    const auto t1 = clock::now();
    const long points = read.last_time_points();
    const double parse1 = read.last_parse_s(), transient1 = read.last_transient_s();
    const ReloadedLayerRead::Batch second = read.read(volts);
    const auto t2 = clock::now();

    // The twin's I = G V (the compact engine's read).
    const Eigen::MatrixXd twin_A = (devices.conductances_S(PairSide::plus) - devices.conductances_S(PairSide::minus)) * volts;
    const double scale_A = ((devices.conductances_S(PairSide::plus) + devices.conductances_S(PairSide::minus)) * volts).cwiseAbs().maxCoeff();
    const double s1 = std::chrono::duration<double>(t1 - t0).count(), s2 = std::chrono::duration<double>(t2 - t1).count();
    fmt::print("{} x {} subcircuit layer, batch {}, workers {}, tiles {} x {}, devices per transient {}: loads {}\n", outputs, inputs, batch,
               workers, tile_rows, tile_columns, per_transient, read.loads());
    fmt::print("first read (load + transient) {:.2f} s, second read (transient) {:.2f} s: {:.1f} ms per sample\n", s1, s2,
               1e3 * s2 / batch);
    fmt::print("worker seconds (summed over workers): parse {:.2f} + transient {:.2f} (first read), {:.2f} + {:.2f} (second)\n", parse1,
               transient1, read.last_parse_s(), read.last_transient_s());
    fmt::print("time points {} (first read), {} (second), over all transients\n", points, read.last_time_points());
    fmt::print("max |I_spice - I_twin| / max column scale: {:.3g}; first vs second read: {:.3g}\n",
               (first.net_current_A - twin_A).cwiseAbs().maxCoeff() / scale_A,
               (first.net_current_A - second.net_current_A).cwiseAbs().maxCoeff() / scale_A);
    return 0;
}
