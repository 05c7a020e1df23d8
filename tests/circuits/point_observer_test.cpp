// Engine::set_point_observer (bench/stream_read_cost.cpp): one transient whose accepted time point k
// is sample k of a per-sample training loop. The observer sees point k's column currents and writes
// sample k + 1's device states and row inputs before ngspice takes the next step; each point must
// then equal an `op` of the same states and inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "circuits/crossbar_tile.hpp"
#include "circuits/device_face.hpp"
#include "circuits/netlist.hpp"
#include "circuits/spice/engine.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/registry.hpp"

namespace cimkit::circuits {
namespace {

constexpr int rows = 16, columns = 4;
constexpr long samples = 20;

struct Array {
    std::unique_ptr<DeviceModel> model;
    std::unique_ptr<DeviceFace> face;
    std::vector<DeviceState> states;
    std::vector<double> inputs_V = std::vector<double>(rows, 0.0);
    std::vector<std::string> column_vectors;

    Array(const std::string& device) : model(builtin_devices().find(device).make({})), face(make_device_face(*model, "osdi")) {
        Rng rng(5);
        for (int k = 0; k < rows * columns; ++k) {
            DeviceState s = model->make_device(rng);
            model->set_level(s, rng.uniform(), rng);
            states.push_back(s);
        }
        for (int j = 0; j < columns; ++j) column_vectors.push_back(tile_column_current_vector("t", j));
    }
    void load(spice::Engine& engine) {
        Netlist netlist("point observer");
        face->add_shared(netlist);
        engine.clear_external_sources();
        const CellStates state = [this](int r, int c) -> const DeviceState& { return states[static_cast<std::size_t>(r * columns + c)]; };
        add_read_tile(netlist, "t", rows, columns, *face, state);
        bind_read_tile(engine, "t", rows, columns, *face, state);
        for (int r = 0; r < rows; ++r) {
            const double* volts = &inputs_V[static_cast<std::size_t>(r)];
            engine.set_external_voltage(tile_row_source("t", r), [volts](double) { return *volts; });
        }
        engine.load(spice::NetlistText::from_string(to_spice(netlist), "point observer"));
    }
    // Sample k: a quarter of the devices at new levels and new inputs, the same for the same k.
    void write_sample(long k) {
        Rng rng(100 + static_cast<std::uint64_t>(k));
        for (std::size_t d = static_cast<std::size_t>(k) % 4; d < states.size(); d += 4) model->set_level(states[d], rng.uniform(), rng);
        for (auto& v : inputs_V) v = model->read_voltage_V() * rng.uniform();
    }
};

struct Agreement {
    double streamed_vs_op = 0.0;           // largest relative difference, same sample
    double streamed_vs_closed_form = 0.0;  // against sum_i I(V_i, state_ij) of the compact model
    double next_sample = 1e300;            // smallest, over k, of the largest difference of streamed k vs op k + 1
};

double relative(double a, double b) { return std::abs(a - b) / std::abs(b); }

// Every sample read as one accepted point of one transient, against an op of the same sample and
// against the compact model's closed form (ideal wires: device (i, j) sees V_i).
Agreement streamed_against_ops(const std::string& device) {
    spice::Engine engine;
    Array a(device);
    a.load(engine);
    const std::vector<DeviceState> initial = a.states;
    std::vector<std::vector<double>> streamed, closed_form;
    std::vector<std::string> observed{"time"};
    observed.insert(observed.end(), a.column_vectors.begin(), a.column_vectors.end());
    engine.set_point_observer(observed, [&](const std::vector<double>& values) {
        if (static_cast<long>(streamed.size()) >= samples) return;  // the transient's last steps
        streamed.emplace_back(values.begin() + 1, values.end());
        std::vector<double> expected(columns, 0.0);
        for (int r = 0; r < rows; ++r) {
            for (int c = 0; c < columns; ++c) expected[c] += a.model->current_A(a.inputs_V[r], a.states[static_cast<std::size_t>(r * columns + c)]);
        }
        closed_form.push_back(expected);
        if (static_cast<long>(streamed.size()) < samples) a.write_sample(static_cast<long>(streamed.size()));
    });
    a.write_sample(0);
    engine.run_and_read("tran 1 " + std::to_string(samples) + " 0 1", {"time"});
    engine.clear_point_observer();
    EXPECT_EQ(static_cast<long>(streamed.size()), samples);

    a.states = initial;
    std::vector<std::vector<double>> ops;
    for (long k = 0; k < samples; ++k) {
        a.write_sample(k);
        const auto op = engine.run_and_read("op", a.column_vectors);
        ops.emplace_back();
        for (int j = 0; j < columns; ++j) ops.back().push_back(op[static_cast<std::size_t>(j)].at(0));
    }
    Agreement out;
    for (std::size_t k = 0; k < std::min(streamed.size(), ops.size()); ++k) {
        double next = 0.0;
        for (std::size_t j = 0; j < columns; ++j) {
            EXPECT_GT(std::abs(ops[k][j]), 1e-9) << "sample " << k << " column " << j;  // a read that carries current
            out.streamed_vs_op = std::max(out.streamed_vs_op, relative(streamed[k][j], ops[k][j]));
            out.streamed_vs_closed_form = std::max(out.streamed_vs_closed_form, relative(streamed[k][j], closed_form[k][j]));
            if (k + 1 < ops.size()) next = std::max(next, relative(streamed[k][j], ops[k + 1][j]));
        }
        if (k + 1 < ops.size()) out.next_sample = std::min(out.next_sample, next);
    }
    return out;
}

void expect_agreement(const Agreement& a) {
    // Measured 0 (bit-identical) on ngspice 46 for both devices: each analysis ends its Newton loop at
    // the same fixed point to rounding. The bound leaves room for another build's rounding only.
    EXPECT_LT(a.streamed_vs_op, 1e-12);
    EXPECT_LT(a.streamed_vs_closed_form, 1e-12);
    // Each sample writes a quarter of the devices and all inputs anew: a point paired with the wrong
    // sample would differ by far more than the bounds above, so the comparison can see a mix-up.
    EXPECT_GT(a.next_sample, 1e-3);
}

}  // namespace

// A linear element (pcm through cimkit_shared_g): one Newton step solves the circuit exactly.
TEST(PointObserver, StreamedPointsOfALinearArrayEqualOps) { expect_agreement(streamed_against_ops("pcm")); }

// The domain wall's MTJ (cimkit_shared_mtj) is nonlinear in V (its TMR falls with bias); Newton
// converges quadratically from either start (an op's own, a time step's previous sample).
TEST(PointObserver, StreamedPointsOfTheDomainWallArrayEqualOps) { expect_agreement(streamed_against_ops("domain_wall")); }

// An exception from the observer reaches the caller of the analysis, not ngspice.
TEST(PointObserver, ObserverErrorIsRethrownByTheAnalysis) {
    spice::Engine engine;
    Array a("pcm");
    a.load(engine);
    engine.set_point_observer({"time"}, [](const std::vector<double>&) { throw Error("observer failed"); });
    EXPECT_THROW(engine.run_and_read("tran 1 3 0 1", {"time"}), Error);
    engine.clear_point_observer();
    EXPECT_NO_THROW(engine.run_and_read("op", a.column_vectors));
}

// A vector that is not in the plot is named, not read as garbage.
TEST(PointObserver, MissingVectorIsAnError) {
    spice::Engine engine;
    Array a("pcm");
    a.load(engine);
    engine.set_point_observer({"no_such_vector"}, [](const std::vector<double>&) {});
    EXPECT_THROW(engine.run_and_read("op", a.column_vectors), Error);
}

}  // namespace cimkit::circuits
