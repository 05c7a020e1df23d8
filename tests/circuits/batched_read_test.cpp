// Batched reads (circuits/batched_read.hpp): one transient with one sample per time point must give,
// for every sample, what an `op` per sample gives on the same loaded circuit, and what the compact
// device law gives with ideal wires. Also the shared-gate MOSFET face, which must change nothing in
// the solution while holding one gate source per distinct level.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include <Eigen/Core>

#include "circuits/batched_read.hpp"
#include "circuits/crossbar_tile.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/registry.hpp"

namespace cimkit::circuits {
namespace {

spice::Engine& engine() {
    static spice::Engine instance;
    return instance;
}

struct Array {
    int rows, columns;
    std::unique_ptr<DeviceModel> model;
    std::vector<DeviceState> states;

    Array(const std::string& device, int r, int c, int levels, Rng& rng, const std::vector<Setting>& settings = {})
        : rows(r), columns(c), model(builtin_devices().find(device).make(settings)) {
        for (int k = 0; k < rows * columns; ++k) {
            DeviceState s = model->make_device(rng);
            model->set_level(s, std::floor(rng.uniform() * levels) / (levels - 1), rng);
            states.push_back(s);
        }
    }
    const DeviceState& at(int i, int j) const { return states[static_cast<std::size_t>(i * columns + j)]; }
    std::string netlist(const DeviceFace& face, const TileWires& wires = {}) const {
        Netlist n("batched read test");
        face.add_shared(n);
        add_read_tile(n, "t", rows, columns, face, [this](int i, int j) -> const DeviceState& { return at(i, j); }, wires);
        return to_spice(n);
    }
    Eigen::MatrixXd inputs_V(int samples, Rng& rng) const {
        Eigen::MatrixXd x(samples, rows);
        for (Eigen::Index k = 0; k < x.size(); ++k) x.data()[k] = model->read_voltage_V() * (0.1 + 0.9 * rng.uniform());
        return x;
    }
    Eigen::MatrixXd compact(const Eigen::MatrixXd& x) const {
        Eigen::MatrixXd y = Eigen::MatrixXd::Zero(x.rows(), columns);
        for (Eigen::Index k = 0; k < x.rows(); ++k)
            for (int i = 0; i < rows; ++i)
                for (int j = 0; j < columns; ++j) y(k, j) += model->current_A(x(k, i), at(i, j));
        return y;
    }
    std::vector<std::string> row_sources() const {
        std::vector<std::string> out;
        for (int i = 0; i < rows; ++i) out.push_back(tile_row_source("t", i));
        return out;
    }
    std::vector<std::string> outputs() const {
        std::vector<std::string> out;
        for (int j = 0; j < columns; ++j) out.push_back(tile_column_current_vector("t", j));
        return out;
    }
    Eigen::MatrixXd op_per_sample(const Eigen::MatrixXd& x) const {
        Eigen::MatrixXd y(x.rows(), columns);
        for (Eigen::Index k = 0; k < x.rows(); ++k) {
            for (int i = 0; i < rows; ++i) {
                const double v = x(k, i);
                engine().set_external_voltage(tile_row_source("t", i), [v](double) { return v; });
            }
            const auto values = engine().run_and_read("op", outputs());
            for (int j = 0; j < columns; ++j) y(k, j) = values[static_cast<std::size_t>(j)].at(0);
        }
        return y;
    }
};

double relative_error(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    return (a - b).cwiseAbs().maxCoeff() / b.cwiseAbs().maxCoeff();
}

void load(const std::string& text) { engine().load(spice::NetlistText::from_string(text, "<batched read test>")); }

TEST(BatchedRead, ResistiveSamplesMatchOpPerSampleAndTheDeviceLaw) {
    Rng rng(11);
    const Array a("pcm", 32, 6, 32, rng);
    const auto face = make_device_face(*a.model);
    load(a.netlist(*face));
    const Eigen::MatrixXd x = a.inputs_V(50, rng);
    BatchedRead read(a.row_sources(), a.outputs());
    const Eigen::MatrixXd batched = read.run(engine(), x);
    EXPECT_GE(read.last_time_points(), 50);
    EXPECT_LE(read.last_time_points(), 50 + 12);  // ngspice's start-up steps (9 here), then one per sample
    EXPECT_LT(relative_error(batched, a.compact(x)), 1e-9);
    EXPECT_LT(relative_error(batched, a.op_per_sample(x)), 1e-9);
    // The first and last samples are the edges of the time-to-sample mapping.
    EXPECT_NEAR(batched(0, 0), a.compact(x.topRows(1))(0, 0), 1e-9 * std::abs(batched(0, 0)));
    EXPECT_NEAR(batched(49, 5), a.compact(x.bottomRows(1))(0, 5), 1e-9 * std::abs(batched(49, 5)));
}

TEST(BatchedRead, OneSampleWorks) {
    Rng rng(3);
    const Array a("pcm", 4, 3, 8, rng);
    const auto face = make_device_face(*a.model);
    load(a.netlist(*face));
    const Eigen::MatrixXd x = a.inputs_V(1, rng);
    BatchedRead read(a.row_sources(), a.outputs());
    EXPECT_LT(relative_error(read.run(engine(), x), a.compact(x)), 1e-9);
    EXPECT_THROW(read.run(engine(), Eigen::MatrixXd(0, 4)), UsageError);
    EXPECT_THROW(read.run(engine(), Eigen::MatrixXd::Zero(2, 5)), UsageError);
}

TEST(BatchedRead, WiresAgreeWithOpPerSampleAndLowerTheCurrent) {
    Rng rng(5);
    const Array a("pcm", 16, 8, 32, rng);
    const auto face = make_device_face(*a.model);
    load(a.netlist(*face, TileWires{50.0, 50.0}));  // large enough to show the IR drop
    const Eigen::MatrixXd x = a.inputs_V(20, rng);
    BatchedRead read(a.row_sources(), a.outputs());
    const Eigen::MatrixXd batched = read.run(engine(), x);
    EXPECT_LT(relative_error(batched, a.op_per_sample(x)), 1e-9);
    // IR drop on the lines leaves every device less than its row voltage: every column current falls.
    const Eigen::MatrixXd ideal = a.compact(x);
    EXPECT_TRUE((batched.array() < ideal.array()).all());
    EXPECT_GT(batched.minCoeff(), 0.5 * ideal.minCoeff());
}

TEST(SharedGateFace, OneSourcePerLevelAndTheSameCurrents) {
    const std::regex gate_source("\\nvgs_\\d+ ");
    auto gate_sources = [&](const std::string& text) {
        return std::distance(std::sregex_iterator(text.begin(), text.end(), gate_source), std::sregex_iterator());
    };
    {  // The default threshold mismatch gives every device its own effective gate V_G - dV_T.
        Rng rng(7);
        const Array a("mosfet", 40, 5, 8, rng);
        EXPECT_EQ(gate_sources(a.netlist(*make_device_face(*a.model, "shared_gate"))), 200);
    }
    Rng rng(7);
    const Array a("mosfet", 40, 5, 8, rng, {{"a_vt_V_m", "0", "test"}});
    const auto shared = make_device_face(*a.model, "shared_gate");
    const auto native = make_device_face(*a.model);
    const std::string text = a.netlist(*shared);
    const auto sources = gate_sources(text);
    EXPECT_LE(sources, 8);  // 8 programmed levels, no threshold spread (a_vt_V_m = 0)
    EXPECT_GE(sources, 2);

    const Eigen::MatrixXd x = a.inputs_V(30, rng);
    BatchedRead read(a.row_sources(), a.outputs());
    load(text);
    const Eigen::MatrixXd with_shared = read.run(engine(), x);
    load(a.netlist(*native));
    const Eigen::MatrixXd with_native = read.run(engine(), x);
    EXPECT_LT(relative_error(with_shared, with_native), 1e-9);
    EXPECT_LT(relative_error(with_shared, a.compact(x)), 1e-6);  // ngspice's level 1 against the compact law
}

}  // namespace
}  // namespace cimkit::circuits
