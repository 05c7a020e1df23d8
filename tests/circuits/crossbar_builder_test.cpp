// The crossbar builder's seams without ngspice: the one tiling helper covers a layer exactly once,
// and the stage list writes the same netlist whatever order the stages are listed in, with names
// that keep several prefixed crossbars apart in one netlist.
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>

#include "circuits/crossbar.hpp"
#include "circuits/crossbar/builder.hpp"
#include "circuits/crossbar/stage_factory.hpp"
#include "circuits/crossbar/tiling.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/registry.hpp"

namespace cimkit::circuits {
namespace {

// Every (row, column) of `area` lies in exactly one tile, every tile is inside `area` and no larger
// than max_rows x max_columns, and tiles run row blocks outer, column blocks inner.
void expect_exact_cover(const TileSpan& area, int max_rows, int max_columns) {
    const auto tiles = split_into_tiles(area, max_rows, max_columns);
    std::vector<int> hits(static_cast<std::size_t>(area.rows) * static_cast<std::size_t>(area.columns), 0);
    const auto blocks = [](int n, int max) { return (n + max - 1) / max; };
    ASSERT_EQ(tiles.size(), static_cast<std::size_t>(blocks(area.rows, max_rows) * blocks(area.columns, max_columns)));
    std::pair<int, int> previous{-1, -1};
    for (const TileSpan& t : tiles) {
        ASSERT_GE(t.rows, 1);
        ASSERT_GE(t.columns, 1);
        ASSERT_LE(t.rows, max_rows);
        ASSERT_LE(t.columns, max_columns);
        ASSERT_GE(t.row0, area.row0);
        ASSERT_GE(t.column0, area.column0);
        ASSERT_LE(t.row0 + t.rows, area.row0 + area.rows);
        ASSERT_LE(t.column0 + t.columns, area.column0 + area.columns);
        EXPECT_LT(previous, std::make_pair(t.row0, t.column0)) << "row blocks outer, column blocks inner";
        previous = {t.row0, t.column0};
        for (int r = t.row0; r < t.row0 + t.rows; ++r) {
            for (int c = t.column0; c < t.column0 + t.columns; ++c) {
                ++hits[static_cast<std::size_t>(r - area.row0) * static_cast<std::size_t>(area.columns) + static_cast<std::size_t>(c - area.column0)];
            }
        }
    }
    for (std::size_t k = 0; k < hits.size(); ++k) ASSERT_EQ(hits[k], 1) << "cell " << k / area.columns << ", " << k % area.columns;
}

CrossbarStages stages_named(const std::vector<std::string>& names) {
    CrossbarStages stages{make_external_row_driver(), make_segment_wires(2.5, 3.5)};
    for (const auto& name : names) stages.push_back(make_crossbar_stage(name, {}));
    return stages;
}

}  // namespace

TEST(CrossbarTiling, CoversEveryCellOnceForAwkwardSizes) {
    expect_exact_cover({0, 785, 0, 21}, 256, 8);  // MNIST's 784 inputs + bias over 256 x 8 tiles
    const auto tiles = split_into_tiles({0, 785, 0, 21}, 256, 8);
    EXPECT_EQ(tiles.back().row0, 768);
    EXPECT_EQ(tiles.back().rows, 17);
    EXPECT_EQ(tiles.back().column0, 16);
    EXPECT_EQ(tiles.back().columns, 5);
    for (int rows : {1, 2, 7, 255, 256, 257}) {
        for (int columns : {1, 3, 8, 9}) {
            for (int max_rows : {1, 2, 256}) {
                for (int max_columns : {1, 4, 8, 100}) expect_exact_cover({0, rows, 0, columns}, max_rows, max_columns);
            }
        }
    }
}

TEST(CrossbarTiling, CoversAnOffsetAreaLikeOneWorkersBlockOfOutputs) {
    expect_exact_cover({0, 12, 3, 5}, 5, 2);  // outputs 3..7 of a layer, 12 inputs, tiles of 5 x 2
    EXPECT_EQ(split_into_tiles({0, 12, 3, 5}, 5, 2).front().column0, 3);
    EXPECT_TRUE(split_into_tiles({0, 0, 0, 4}, 5, 2).empty());
}

TEST(CrossbarTiling, RefusesTilesSmallerThanOneCell) {
    EXPECT_THROW(split_into_tiles({0, 4, 0, 4}, 0, 2), ParameterError);
    EXPECT_THROW(split_into_tiles({0, 4, 0, 4}, 2, 0), ParameterError);
}

TEST(CrossbarBuilder, StagesWriteTheSameNetlistInAnyListOrder) {
    const auto model = builtin_devices().find("domain_wall").make({});
    const auto face = make_device_face(*model);
    Rng rng(3);
    const DeviceState state = model->make_device(rng);
    const CellStates states = [&](int, int) -> const DeviceState& { return state; };
    const auto text = [&](const CrossbarStages& stages) {
        Netlist netlist("order");
        add_crossbar(netlist, CrossbarNames("t"), 3, 2, *face, states, stages);
        return to_spice(netlist);
    };
    const std::string forward = text(stages_named({"1t1r", "ideal"}));
    CrossbarStages reversed = stages_named({"1t1r", "ideal"});
    std::reverse(reversed.begin(), reversed.end());
    EXPECT_EQ(text(reversed), forward);
    // Wires move the device onto the cell's line nodes, the select transistor then sits below it.
    EXPECT_NE(forward.find("msel_t_2_1 m_t_2_1 wl_t c_t_2_1 c_t_2_1 nsel_t"), std::string::npos) << forward;
    EXPECT_NE(forward.find("rwc_t_3_1 c_t_2_1 col_t_1 3.5"), std::string::npos) << forward;
}

TEST(CrossbarBuilder, PrefixedCrossbarsWithEveryStageCoexistInOneNetlist) {
    const auto model = builtin_devices().find("pcm").make({});
    const auto face = make_device_face(*model);
    Rng rng(5);
    const DeviceState state = model->make_device(rng);
    const CellStates states = [&](int, int) -> const DeviceState& { return state; };
    Netlist netlist("two tiles");
    face->add_shared(netlist);
    const CrossbarStages every_stage = stages_named({"1t1r", "ideal"});
    add_crossbar(netlist, CrossbarNames("a1"), 2, 3, *face, states, every_stage);
    EXPECT_NO_THROW(add_crossbar(netlist, CrossbarNames("a2"), 2, 3, *face, states, every_stage));
    EXPECT_THROW(add_crossbar(netlist, CrossbarNames("a1"), 1, 1, *face, states, stages_named({"ideal"})), NetlistError)
        << "the same prefix twice";
}

TEST(CrossbarBuilder, RefusesAnUnknownStageAndAMissingOrDoubleDriverOrReadout) {
    try {
        make_crossbar_stage("charge_integrator", {});
        FAIL() << "an unknown stage must be refused";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("'charge_integrator' (known: ideal, tia, integrator, 1t1r)"), std::string::npos) << e.what();
    }
    const auto model = builtin_devices().find("pcm").make({});
    const auto face = make_device_face(*model);
    Rng rng(5);
    const DeviceState state = model->make_device(rng);
    const CellStates states = [&](int, int) -> const DeviceState& { return state; };
    Netlist netlist("bad");
    EXPECT_THROW(add_crossbar(netlist, CrossbarNames(), 1, 1, *face, states, {make_crossbar_stage("ideal", {})}), ParameterError);
    EXPECT_THROW(add_crossbar(netlist, CrossbarNames(), 1, 1, *face, states, {make_external_row_driver()}), ParameterError);
    EXPECT_THROW(add_crossbar(netlist, CrossbarNames(), 1, 1, *face, states, stages_named({"ideal", "tia"})), ParameterError);
    EXPECT_THROW(CrossbarNames("L0"), ParameterError);
    EXPECT_THROW(CrossbarNames("a_1"), ParameterError);
}

}  // namespace cimkit::circuits
