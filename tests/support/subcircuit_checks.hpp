#pragma once
// Checks shared by the tests of `spice:FILE:SUBCKT` devices (tests/analysis/subcircuit_*_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/spice_pulse_trains.hpp"
#include "circuits/crossbar.hpp"
#include "circuits/device_face.hpp"
#include "circuits/spice/engine.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/rng.hpp"
#include "devices/device_model.hpp"

namespace cimkit::test {

struct CrossbarComparison {
    std::string netlist;
    double worst = 0.0;  // the largest |I_spice - I_compact| of a column over the sum of its |I|
};

// A crossbar of `model` at uniform random levels (`seed`), rows driven at the read voltage times
// low + (1 - low) u, read through ngspice with the model's spice face, against the compact
// column currents sum_i I(V_i, state_ij).
inline CrossbarComparison crossbar_against_compact(const DeviceModel& model, const circuits::CrossbarGeometry& g, std::uint64_t seed, double low) {
    const auto face = circuits::make_device_face(model);
    Rng rng(seed);
    std::vector<DeviceState> states;
    for (int k = 0; k < g.rows * g.columns; ++k) {
        DeviceState s = model.make_device(rng);
        model.set_level(s, rng.uniform(), rng);
        states.push_back(s);
    }
    std::vector<double> inputs_V;
    for (int i = 0; i < g.rows; ++i) inputs_V.push_back(model.read_voltage_V() * (low + (1.0 - low) * rng.uniform()));
    CrossbarComparison out;
    out.netlist = circuits::to_spice(circuits::build_crossbar_read(g, *face, states, inputs_V));
    spice::Engine engine;
    engine.load(spice::NetlistText::from_string(out.netlist, "crossbar"));
    engine.run();
    const auto spice = circuits::read_crossbar(engine.plots().at(0), g);
    for (int j = 0; j < g.columns; ++j) {
        double compact_A = 0.0, scale_A = 0.0;
        for (int i = 0; i < g.rows; ++i) {
            const double current = model.current_A(inputs_V[static_cast<std::size_t>(i)], states[static_cast<std::size_t>(i * g.columns + j)]);
            compact_A += current;
            scale_A += std::abs(current);
        }
        out.worst = std::max(out.worst, std::abs(spice.column_current_A[static_cast<std::size_t>(j)] - compact_A) / scale_A);
    }
    return out;
}

struct ExpectedRefusal {
    std::string subcircuit;
    int line;          // of `file`
    std::string part;  // of the message
};

// Each subcircuit of `file` refused by the interface check with a NetlistError naming the file's
// name, the line and the part.
inline void expect_refusals(const std::filesystem::path& file, const std::vector<ExpectedRefusal>& cases) {
    for (const auto& c : cases) {
        try {
            (void)analysis::check_spice_device({file, c.subcircuit});
            ADD_FAILURE() << c.subcircuit << " was accepted";
        } catch (const NetlistError& e) {
            EXPECT_EQ(e.line(), c.line) << e.what();
            EXPECT_NE(std::string(e.what()).find(file.filename().string()), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(c.part), std::string::npos) << e.what();
        }
    }
}

}  // namespace cimkit::test
