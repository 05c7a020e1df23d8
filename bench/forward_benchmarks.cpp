// The spice-forward, reload-baseline, scaling and memory cases (see harness.hpp).
#include "bench/forward_benchmarks.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>

#include "bench/spice_forward_cases.hpp"
#include "circuits/spice/engine.hpp"

namespace cimkit::bench {
namespace {

spice::Engine& engine() {
    static spice::Engine instance;  // one per process (libngspice keeps global state)
    return instance;
}

// Gate sharing needs devices at the same programmed level to be the same transistor: with threshold
// mismatch (a_vt_V_m, on by default) every device's effective gate differs and nothing is shared,
// so the shared-gate case measures matched thresholds.
ForwardSpec mosfet(int rows, int columns, bool shared_gate) {
    ForwardSpec spec{fmt::format("{}x{} MOSFET{}", rows, columns, shared_gate ? "" : " (one gate source per device)"), rows,
                     columns, "mosfet", shared_gate ? "shared_gate" : "", {}, {}};
    if (shared_gate) spec.device_settings.push_back({"a_vt_V_m", "0", "bench: matched thresholds"});
    return spec;
}

struct Throughput {
    double samples_per_s = 0.0;
    double max_rel_error = 0.0;  // against the compact law (ideal wires only), else NaN
};

// Samples/s of a batched transient of `samples` samples (median over runs), and its error.
Throughput batched_throughput(const ForwardCircuit& circuit, int samples, const BenchOptions& options) {
    circuit.load(engine());
    const Eigen::MatrixXd x = circuit.random_inputs_V(samples, 7);
    Eigen::MatrixXd y;
    const double s = median_seconds(options, [&] { y = circuit.batched(engine(), x); });
    Throughput t{samples / s, std::nan("")};
    if (circuit.spec().wires.row_ohm == 0.0) t.max_rel_error = max_relative_error(y, circuit.compact(x));
    engine().clear();
    return t;
}

double op_throughput(const ForwardCircuit& circuit, int samples, const BenchOptions& options) {
    circuit.load(engine());
    const Eigen::MatrixXd x = circuit.random_inputs_V(samples, 7);
    const double s = median_seconds(options, [&] { circuit.op_per_sample(engine(), x); });
    engine().clear();
    return samples / s;
}

// What a hand-written script does per sample: write the netlist with the inputs as DC sources to a
// file, load it, run op, read the columns, free it.
double reload_throughput(const ForwardCircuit& circuit, int samples, const BenchOptions& options) {
    std::vector<std::string> lines;
    std::istringstream text(circuit.netlist_text());
    for (std::string line; std::getline(text, line);) lines.push_back(line);
    std::vector<std::size_t> row_lines;
    for (std::size_t n = 0; n < lines.size(); ++n) {
        if (lines[n].rfind("vrow_t_", 0) == 0) row_lines.push_back(n);
    }
    const Eigen::MatrixXd x = circuit.random_inputs_V(samples, 7);
    const std::filesystem::path file = std::filesystem::temp_directory_path() / fmt::format("cimkit-bench-reload-{}.cir", getpid());
    const double s = median_seconds(options, [&] {
        for (Eigen::Index k = 0; k < x.rows(); ++k) {
            std::vector<std::string> sample_lines = lines;
            for (std::size_t i = 0; i < row_lines.size(); ++i) {
                std::string& l = sample_lines[row_lines[i]];
                l = l.substr(0, l.rfind(' ')) + fmt::format(" dc {:.17g}", x(k, static_cast<Eigen::Index>(i)));
            }
            {
                std::ofstream out(file);
                for (const auto& l : sample_lines) out << l << '\n';
            }
            engine().load(spice::NetlistText::from_file(file));
            engine().run_and_read("op", circuit.outputs());
            engine().clear();
        }
    });
    std::filesystem::remove(file);
    return samples / s;
}

}  // namespace

CaseReport spice_forward(const BenchOptions& options) {
    CaseReport r{"spice-forward", {}, {}};
    const int scale = options.quick ? 10 : 1;
    struct Row { ForwardSpec spec; int samples; };
    const std::vector<Row> rows{{resistive_spec(784, 10), 2000 / scale},
                                {resistive_spec(784, 100), 200 / scale},
                                {mosfet(784, 10, true), 500 / scale},
                                {mosfet(784, 10, false), 50 / scale},
                                {resistive_spec(256, 100, 1.0), std::max(3, 40 / scale)}};
    for (const Row& row : rows) {
        const ForwardCircuit circuit(row.spec, 1);
        const Throughput t = batched_throughput(circuit, row.samples, options);
        const std::string error = std::isnan(t.max_rel_error) ? "" : fmt::format(", max rel. error vs compact law {:.1e}", t.max_rel_error);
        r.figures.push_back({row.spec.label, t.samples_per_s, "samples/s",
                             fmt::format("batched transient, {} samples per run{}", row.samples, error)});
    }
    r.notes.push_back("one core; every sample is one time point of one transient on a circuit loaded once "
                      "(EXTERNAL row sources switch per point, circuits/batched_read.hpp)");
    r.notes.push_back("MOSFET: devices at the same programmed gate voltage share one gate source (face mosfet_shared_gate; "
                      "32 levels, matched thresholds: a_vt_V_m = 0); the 'one gate source per device' row is the plain circuit, with mismatch");
    return r;
}

CaseReport reload_baseline(const BenchOptions& options) {
    CaseReport r{"reload-baseline", {}, {}};
    const ForwardCircuit circuit(resistive_spec(784, 10), 1);
    const int samples = options.quick ? 3 : 20;
    const double reload = reload_throughput(circuit, samples, options);
    const Throughput batched = batched_throughput(circuit, options.quick ? 200 : 2000, options);
    const double op = op_throughput(circuit, samples, options);
    r.figures.push_back({"784x10 resistive, reload per sample", reload, "samples/s", "write file, load, op, read, free"});
    r.figures.push_back({"784x10 resistive, op on the loaded circuit", op, "samples/s", "EXTERNAL row sources, one op per sample"});
    r.figures.push_back({"784x10 resistive, batched transient", batched.samples_per_s, "samples/s", "spice-forward's method"});
    r.figures.push_back({"spice-forward speed-up over reload", batched.samples_per_s / reload, "x", "measured in this run"});
    return r;
}

CaseReport scaling(const BenchOptions& options) {
    CaseReport r{"scaling", {}, {}};
    struct Size { int rows, columns; };
    const std::vector<Size> sizes{{64, 64}, {128, 128}, {256, 100}, {784, 10}, {784, 100}};
    for (const Size& size : sizes) {
        for (double wire_ohm : {0.0, 1.0}) {
            if (wire_ohm > 0.0 && size.rows * size.columns > 256 * 100) continue;  // beyond a minute per run
            const ForwardCircuit circuit(resistive_spec(size.rows, size.columns, wire_ohm), 1);
            const int devices = size.rows * size.columns;
            const int batch = std::max(2, (options.quick ? 20000 : 200000) / devices);
            const int ops = std::max(1, (options.quick ? 2000 : 20000) / devices);
            const double plain = op_throughput(circuit, ops, options);
            const double optimised = batched_throughput(circuit, batch, options).samples_per_s;
            r.figures.push_back({circuit.spec().label + ", op per sample", 1e3 / plain, "ms/sample", fmt::format("{} devices", devices)});
            r.figures.push_back({circuit.spec().label + ", batched", 1e3 / optimised, "ms/sample", fmt::format("{} devices", devices)});
        }
    }
    return r;
}

CaseReport memory(const BenchOptions& options) {
    CaseReport r{"memory", {}, {}};
    const ForwardCircuit circuit(resistive_spec(64, 16), 1);
    circuit.load(engine());
    const int solves = options.quick ? 1000 : 10000;
    const Eigen::MatrixXd x = circuit.random_inputs_V(100, 3);
    for (int i = 0; i < 5; ++i) circuit.op_per_sample(engine(), x);  // warm-up: allocator pools, plots
    const double before = resident_bytes();
    for (int done = 0; done < solves; done += static_cast<int>(x.rows())) circuit.op_per_sample(engine(), x);
    const double after = resident_bytes();
    engine().clear();
    r.figures.push_back({fmt::format("RSS growth over {} op solves", solves), (after - before) / 1e6, "MB",
                         "64x16 resistive tile kept loaded, EXTERNAL inputs, each solve's plot destroyed (32 at a time)"});
    return r;
}

}  // namespace cimkit::bench
