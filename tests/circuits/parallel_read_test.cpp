// The worker pool (circuits/parallel_read.hpp): samples split over worker processes must come back
// in order and equal to the device law, whatever the split. Its own executable: workers cannot be
// forked from a process that holds an in-process ngspice Engine.
#include <gtest/gtest.h>

#include <cmath>

#include "circuits/crossbar_tile.hpp"
#include "circuits/parallel_read.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/registry.hpp"

namespace cimkit::circuits {
namespace {

TEST(ParallelRead, TwoWorkersGiveTheDeviceLawInSampleOrder) {
    const auto model = builtin_devices().find("pcm").make({});
    Rng rng(2);
    const int rows = 24, columns = 4;
    std::vector<DeviceState> states;
    for (int k = 0; k < rows * columns; ++k) {
        states.push_back(model->make_device(rng));
        model->set_level(states.back(), rng.uniform(), rng);
    }
    const auto face = make_device_face(*model);
    Netlist netlist("parallel read test");
    add_read_tile(netlist, "t", rows, columns, *face, [&](int i, int j) -> const DeviceState& { return states[static_cast<std::size_t>(i * columns + j)]; });
    std::vector<std::string> row_sources, outputs;
    for (int i = 0; i < rows; ++i) row_sources.push_back(tile_row_source("t", i));
    for (int j = 0; j < columns; ++j) outputs.push_back(tile_column_current_vector("t", j));

    spice::WorkerOptions recycle_often;
    recycle_often.max_solves_before_recycle = 2;
    ParallelRead pool(2, to_spice(netlist), "<parallel read test>", row_sources, outputs, recycle_often);
    for (int samples : {1, 2, 31}) {
        Eigen::MatrixXd x(samples, rows);
        for (Eigen::Index k = 0; k < x.size(); ++k) x.data()[k] = model->read_voltage_V() * rng.uniform();
        // Run twice: the second run crosses the workers' recycling limit of 2 solves.
        for (int repeat = 0; repeat < 2; ++repeat) {
            const Eigen::MatrixXd y = pool.run(x);
            for (Eigen::Index k = 0; k < x.rows(); ++k) {
                for (int j = 0; j < columns; ++j) {
                    double expected = 0.0;
                    for (int i = 0; i < rows; ++i) expected += model->current_A(x(k, i), states[static_cast<std::size_t>(i * columns + j)]);
                    EXPECT_NEAR(y(k, j), expected, 1e-9 * std::abs(expected)) << "sample " << k << " of " << samples;
                }
            }
        }
    }
    EXPECT_GT(pool.children_rss_bytes(), 0u);
    EXPECT_THROW(pool.run(Eigen::MatrixXd::Zero(3, rows + 1)), UsageError);
    EXPECT_THROW(ParallelRead(0, "", "", {}, {}), UsageError);
}

}  // namespace
}  // namespace cimkit::circuits
