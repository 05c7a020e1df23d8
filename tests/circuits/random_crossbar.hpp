#pragma once
// A crossbar of devices at random levels with random row voltages in [0.1, 1] x the read voltage:
// the input of the tests that compare a circuit read with a second method.
#include <cstdint>
#include <vector>

#include "circuits/crossbar.hpp"
#include "devices/device_model.hpp"

namespace cimkit::circuits {

struct RandomCrossbar {
    std::vector<DeviceState> states;  // row-major rows x columns
    std::vector<double> inputs_V;     // one per row
};

inline RandomCrossbar random_crossbar(const DeviceModel& model, const CrossbarGeometry& g, std::uint64_t seed) {
    Rng rng(seed);
    RandomCrossbar a;
    for (int k = 0; k < g.rows * g.columns; ++k) {
        DeviceState s = model.make_device(rng);
        model.set_level(s, rng.uniform(), rng);
        a.states.push_back(s);
    }
    for (int i = 0; i < g.rows; ++i) a.inputs_V.push_back(model.read_voltage_V() * (0.1 + 0.9 * rng.uniform()));
    return a;
}

}  // namespace cimkit::circuits
