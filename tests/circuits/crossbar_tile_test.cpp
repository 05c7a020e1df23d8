// Read tiles (circuits/crossbar_tile.hpp) stay loaded and are read again and again through
// Engine::run_and_read: each solve must match the compact model of the states and inputs as they are
// NOW in C++, which proves the EXTERNAL binding is live (no reload between solves).
#include <gtest/gtest.h>

#include <cmath>
#include <utility>

#include "circuits/crossbar.hpp"
#include "circuits/crossbar/stage_factory.hpp"
#include "circuits/crossbar_tile.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/mosfet.hpp"
#include "devices/registry.hpp"

namespace cimkit::circuits {
namespace {

// One tile's devices and inputs, owned by the test and read live by the engine's callbacks.
struct Tile {
    std::string prefix;
    int rows, columns;
    const DeviceModel* model;
    std::unique_ptr<DeviceFace> face;
    std::vector<DeviceState> states;
    std::vector<double> inputs_V;

    TileStates state_of() const {
        return [this](int i, int j) -> const DeviceState& { return states[static_cast<std::size_t>(i * columns + j)]; };
    }
    // Positive row voltages up to the model's read voltage: every column sum is then well away from 0.
    void draw_inputs(Rng& rng) {
        inputs_V.resize(static_cast<std::size_t>(rows));
        for (auto& v : inputs_V) v = model->read_voltage_V() * (0.2 + 0.8 * rng.uniform());
    }
    void draw_levels(Rng& rng) {
        for (auto& s : states) model->set_level(s, 0.05 + 0.95 * rng.uniform(), rng);
    }
    // The compact path: column j = sum_i I(V_i, state_ij).
    std::vector<double> compact_columns_A() const {
        std::vector<double> out(static_cast<std::size_t>(columns), 0.0);
        for (int i = 0; i < rows; ++i) {
            for (int j = 0; j < columns; ++j) out[j] += model->current_A(inputs_V[i], states[i * columns + j]);
        }
        return out;
    }
    std::vector<std::string> column_vectors() const {
        std::vector<std::string> out;
        for (int j = 0; j < columns; ++j) out.push_back(tile_column_current_vector(prefix, j));
        return out;
    }
};

Tile make_tile(const std::string& prefix, int rows, int columns, const DeviceModel& model, Rng& rng) {
    Tile t{prefix, rows, columns, &model, make_device_face(model, "cosim"), {}, {}};
    for (int k = 0; k < rows * columns; ++k) t.states.push_back(model.make_device(rng));
    t.draw_levels(rng);
    t.draw_inputs(rng);
    return t;
}

// Adds and binds every tile (devices and rows) and loads the netlist once.
void load_tiles(spice::Engine& engine, std::vector<Tile*> tiles) {
    Netlist netlist("read tiles");
    for (Tile* t : tiles) {
        t->face->add_shared(netlist);  // distinct faces here, so once each
        add_read_tile(netlist, t->prefix, t->rows, t->columns, *t->face, t->state_of());
        bind_read_tile(engine, t->prefix, t->rows, t->columns, *t->face, t->state_of());
        for (int i = 0; i < t->rows; ++i) {
            const double* v = &t->inputs_V[static_cast<std::size_t>(i)];
            engine.set_external_voltage(tile_row_source(t->prefix, i), [v](double) { return *v; });
        }
    }
    engine.load(spice::NetlistText::from_string(to_spice(netlist), "tiles"));
}

// One op solve of every tile; the worst relative difference from the compact columns.
double worst_relative_difference(spice::Engine& engine, const std::vector<Tile*>& tiles) {
    std::vector<std::string> names;
    for (const Tile* t : tiles) {
        const auto v = t->column_vectors();
        names.insert(names.end(), v.begin(), v.end());
    }
    const auto solved = engine.run_and_read("op", names);
    double worst = 0.0;
    std::size_t k = 0;
    for (const Tile* t : tiles) {
        for (double expected_A : t->compact_columns_A()) {
            EXPECT_EQ(solved[k].size(), 1u) << names[k];
            EXPECT_GT(expected_A, 0.0);
            worst = std::max(worst, std::abs(solved[k].at(0) - expected_A) / expected_A);
            ++k;
        }
    }
    return worst;
}

}  // namespace

// Two tiles of different devices in one netlist; states and inputs change in C++ between two solves
// of the loaded circuit, and the second solve follows them.
TEST(CrossbarTile, TwoCosimTilesInOneNetlistFollowLiveStatesAndInputs) {
    spice::Engine engine;
    const auto domain_wall = builtin_devices().find("domain_wall").make({});
    const auto pcm = builtin_devices().find("pcm").make({});
    Rng rng(2024);
    Tile a = make_tile("l0t0", 6, 4, *domain_wall, rng);
    Tile b = make_tile("l0t1", 5, 3, *pcm, rng);
    load_tiles(engine, {&a, &b});
    const double first = worst_relative_difference(engine, {&a, &b});
    std::printf("first solve: max relative column-current difference %.3g\n", first);
    EXPECT_LT(first, 1e-6);

    const auto before_A = a.compact_columns_A();
    for (auto& s : a.states) domain_wall->apply_pulse(s, domain_wall->nominal_pulse(rng.uniform() < 0.5 ? -1 : +1), rng);
    b.draw_levels(rng);
    a.draw_inputs(rng);
    b.draw_inputs(rng);
    const auto after_A = a.compact_columns_A();
    ASSERT_GT(std::abs(after_A[0] - before_A[0]), 1e-3 * before_A[0]) << "the change must be visible";
    const double second = worst_relative_difference(engine, {&a, &b});
    std::printf("second solve, no reload: max relative column-current difference %.3g\n", second);
    EXPECT_LT(second, 1e-6);
    EXPECT_TRUE(engine.plots().empty()) << "run_and_read destroys the plot of each solve";
}

// ngspice's level-1 transistor, gate voltages (V_G - dV_T) fed live: agrees with the compact
// level-1 law within 1 % (as the native face does), before and after the levels change.
TEST(CrossbarTile, MosfetCosimTileFollowsLiveGateVoltages) {
    spice::Engine engine;
    // A threshold spread (sigma 30 mV = 4.24e-8 V m / sqrt(2 x 1 um^2)), so the face must subtract
    // each device's dV_T from its gate.
    const MosfetSynapse model({{"a_vt_V_m", "4.24e-8", "test"}});
    Rng rng(7);
    Tile t = make_tile("m0", 4, 3, model, rng);
    ASSERT_NE(t.states[0].x[MosfetSynapse::vto_offset_V], 0.0);
    load_tiles(engine, {&t});
    for (int pass = 0; pass < 2; ++pass) {
        const double worst = worst_relative_difference(engine, {&t});
        std::printf("pass %d: max relative column-current difference %.3g\n", pass, worst);
        EXPECT_LT(worst, 0.01) << "pass " << pass;
        t.draw_levels(rng);
        t.draw_inputs(rng);
    }
}

TEST(CrossbarTile, RunAndReadNamesAMissingVectorAndRefusesOtherAnalyses) {
    spice::Engine engine;
    const auto pcm = builtin_devices().find("pcm").make({});
    Rng rng(3);
    Tile t = make_tile("x", 2, 2, *pcm, rng);
    load_tiles(engine, {&t});
    try {
        engine.run_and_read("op", {tile_column_current_vector("x", 0), "vsense_x_9#branch"});
        FAIL() << "expected cimkit::Error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("vsense_x_9#branch"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(engine.plots().empty()) << "the plot is destroyed on failure too";
    EXPECT_THROW(engine.run_and_read("ac dec 10 1 1k", {}), UsageError);
    EXPECT_THROW(engine.run_and_read("op; shell ls", {}), UsageError);
    // The circuit stays loaded and solves correctly after the failure.
    const auto solved = engine.run_and_read("op", {tile_column_current_vector("x", 1)});
    EXPECT_NEAR(solved.at(0).at(0), t.compact_columns_A()[1], 1e-6 * t.compact_columns_A()[1]);
}

TEST(CrossbarTile, RejectsBadPrefixesAndDuplicateTiles) {
    const auto pcm = builtin_devices().find("pcm").make({});
    Rng rng(5);
    const Tile t = make_tile("ok1", 2, 2, *pcm, rng);
    Netlist netlist("bad");
    for (const std::string bad : {"", "a_b", "L0", "0a", "a-b", "abcdefghijklmnopq"}) {
        EXPECT_THROW(add_read_tile(netlist, bad, 2, 2, *t.face, t.state_of()), ParameterError) << "'" << bad << "'";
    }
    EXPECT_THROW(add_read_tile(netlist, "ok1", 0, 2, *t.face, t.state_of()), ParameterError);
    add_read_tile(netlist, "ok1", 2, 2, *t.face, t.state_of());
    EXPECT_THROW(add_read_tile(netlist, "ok1", 2, 2, *t.face, t.state_of()), NetlistError);
}

// The one-shot read (build_crossbar_read: pulsed ideal row sources, a transient sampled on the
// plateau) and the resident tile (add_read_tile: EXTERNAL row sources, one op) are the same crossbar
// from the one builder. With a linear face and the same states and inputs, both solve the same linear
// system, so their column currents agree to solver precision: with ideal wires, with wires, and with
// the TIA read-out stage in both.
TEST(CrossbarTile, OneShotAndResidentFormsOfOneCrossbarGiveTheSameColumnCurrents) {
    spice::Engine engine;
    const auto model = builtin_devices().find("domain_wall").make({});
    const auto face = make_device_face(*model);
    const int rows = 7, columns = 5;
    Rng rng(31);
    std::vector<DeviceState> states;
    for (int k = 0; k < rows * columns; ++k) {
        states.push_back(model->make_device(rng));
        model->set_level(states.back(), 0.05 + 0.95 * rng.uniform(), rng);
    }
    std::vector<double> inputs_V;
    for (int i = 0; i < rows; ++i) inputs_V.push_back(model->read_voltage_V() * (0.2 + 0.8 * rng.uniform()));
    const TileStates state = [&](int i, int j) -> const DeviceState& { return states[static_cast<std::size_t>(i * columns + j)]; };
    CrossbarPeripherals tia;
    tia.stages = {"tia"};
    tia.settings.netlist_dir = CIMKIT_NETLIST_DIR;

    for (const auto& [wire_ohm, peripherals] : {std::pair{0.0, CrossbarPeripherals{}}, std::pair{20.0, CrossbarPeripherals{}}, std::pair{20.0, tia}}) {
        const CrossbarGeometry g{rows, columns, wire_ohm, wire_ohm};
        CrossbarCircuitOptions options;
        options.peripherals = peripherals;
        engine.load(spice::NetlistText::from_string(to_spice(build_crossbar_read(g, *face, states, inputs_V, options)), "one-shot"));
        engine.run();
        const auto one_shot_A = read_crossbar(engine.plots().at(0), g, options).column_current_A;

        Netlist netlist("resident");
        face->add_shared(netlist);
        add_read_tile(netlist, "t", rows, columns, *face, state, TileWires{wire_ohm, wire_ohm}, peripherals);
        bind_read_tile(engine, "t", rows, columns, *face, state);
        for (int i = 0; i < rows; ++i) {
            const double v = inputs_V[static_cast<std::size_t>(i)];
            engine.set_external_voltage(tile_row_source("t", i), [v](double) { return v; });
        }
        engine.load(spice::NetlistText::from_string(to_spice(netlist), "resident"));
        const CrossbarStages stages = make_peripheral_stages(peripherals);
        const ColumnReadout& readout = column_readout(stages);
        std::vector<std::string> vectors;
        for (int j = 0; j < columns; ++j) vectors.push_back(readout.column_vector(CrossbarNames("t"), j));
        const auto resident = engine.run_and_read("op", vectors);

        ASSERT_EQ(one_shot_A.size(), static_cast<std::size_t>(columns));
        double worst = 0.0;
        for (int j = 0; j < columns; ++j) {
            const double resident_A = readout.column_current_A(resident[static_cast<std::size_t>(j)].at(0));
            const double one_shot = one_shot_A[static_cast<std::size_t>(j)];
            EXPECT_GT(resident_A, 0.0);
            EXPECT_LE(std::abs(one_shot - resident_A), 1e-9 * std::abs(resident_A))
                << "column " << j << ", wires " << wire_ohm << " Ohm: one-shot " << one_shot << " A, resident " << resident_A << " A";
            worst = std::max(worst, std::abs(one_shot - resident_A) / std::abs(resident_A));
        }
        std::printf("wires %g Ohm, %s read-out: max relative one-shot/resident difference %.3g\n", wire_ohm,
                    peripherals.stages.empty() ? "ideal" : peripherals.stages[0].c_str(), worst);
    }
}

}  // namespace cimkit::circuits
