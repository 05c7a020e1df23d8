// The compact-wired-read case (see harness.hpp): one read of the MNIST first layer (784 inputs x 100
// PCM pairs, 200 output lines) with 1 Ohm segments, by the line relaxation the compact engine uses for
// ohmic devices (circuits/crossbar_relaxation.hpp) against the Newton solve it used before (and still
// uses for the other devices, circuits/crossbar_newton.hpp), in one run.
#include "bench/wired_read_benchmarks.hpp"

#include <chrono>

#include <Eigen/Core>
#include <fmt/format.h>

#include "circuits/crossbar_newton.hpp"
#include "circuits/crossbar_relaxation.hpp"
#include "devices/registry.hpp"

namespace cimkit::bench {
namespace {

// MNIST-like drive: a fifth of the input lines on, at up to the read voltage.
Eigen::VectorXd sparse_inputs(int lines, double v_read_V, Rng& rng) {
    Eigen::VectorXd v = Eigen::VectorXd::Zero(lines);
    for (int i = 0; i < lines; ++i) {
        if (rng.uniform() < 0.2) v(i) = v_read_V * rng.uniform();
    }
    return v;
}

}  // namespace

CaseReport compact_wired_read(const BenchOptions& options) {
    CaseReport r{"compact-wired-read", {}, {}};
    const int inputs = options.quick ? 196 : 784, lines = 200;
    const auto model = builtin_devices().find("pcm").make({});
    Rng rng(1);
    std::vector<DeviceState> states;
    Eigen::MatrixXd g_S(inputs, lines);
    for (int i = 0; i < inputs; ++i) {
        for (int j = 0; j < lines; ++j) {
            states.push_back(model->make_device(rng));
            model->set_level(states.back(), rng.uniform(), rng);
            g_S(i, j) = model->conductance_S(states.back());
        }
    }
    const Eigen::VectorXd v_V = sparse_inputs(inputs, model->read_voltage_V(), rng);
    const circuits::CrossbarWires wires{1.0, 1.0};

    circuits::NonlinearCrossbarSolution newton;
    BenchOptions slow = options;
    slow.repeats = 3;
    const double newton_s = median_seconds(slow, [&] { newton = circuits::solve_nonlinear_crossbar(*model, states, lines, v_V, wires); });
    circuits::CrossbarRelaxation relaxation;
    constexpr int reads_per_run = 20;
    const double relaxation_s = median_seconds(options, [&] {
                                    for (int k = 0; k < reads_per_run; ++k) relaxation.solve(g_S, v_V, wires);
                                }) /
                                reads_per_run;
    const circuits::RelaxedCrossbarSolution& relaxed = relaxation.solve(g_S, v_V, wires);
    const double difference = (relaxed.column_current_A - newton.column_current_A).cwiseAbs().maxCoeff() /
                              newton.column_current_A.cwiseAbs().maxCoeff();

    const std::string size = fmt::format("{}x{} PCM lines, 1 Ohm segments", inputs, lines);
    r.figures.push_back({"Newton solve, one read", newton_s * 1e3, "ms", size + fmt::format(", {} Newton steps", newton.newton_iterations)});
    r.figures.push_back({"line relaxation, one read", relaxation_s * 1e3, "ms", size + fmt::format(", {} sweeps", relaxed.sweeps)});
    r.figures.push_back({"relaxation speed-up", newton_s / relaxation_s, "x", "Newton time / relaxation time, same array and input"});
    r.figures.push_back({"relaxation - Newton column currents", difference, "relative", "max difference over the largest current"});
    r.notes.push_back("devices at uniformly random levels (0 to 25 uS), a fifth of the inputs on; the compact engine reads every "
                      "ohmic layer with wires by the relaxation, the other devices by Newton");
    return r;
}

}  // namespace cimkit::bench
