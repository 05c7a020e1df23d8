#pragma once
// Pulse trains of any device model as the rows `cimkit device fit` reads (devices/table_device_pulses.hpp):
// per device and cycle a read at pulse 0, `up` potentiating then `down` depressing nominal pulses.
// Each device has its own stream of the seeded generator, drawn in a fixed order.
#include <string>

#include "devices/device_model.hpp"
#include "devices/table_device_pulses.hpp"

namespace cimkit::testing {

inline PulseData pulse_trains(const DeviceModel& model, int devices, int cycles, int up, int down, std::uint64_t seed) {
    PulseData data{"generated", false, {}};
    const Rng root(seed);
    int line = 1;
    for (int d = 0; d < devices; ++d) {
        Rng rng = root.stream(static_cast<std::uint64_t>(d));
        DeviceState state = model.make_device(rng);
        const std::string id = "d" + std::to_string(d);
        for (int c = 0; c < cycles; ++c) {
            data.rows.push_back({id, c, 0, 0, model.conductance_S(state), 0.0, ++line});
            for (int k = 1; k <= up + down; ++k) {
                const int polarity = k <= up ? +1 : -1;
                model.apply_pulse(state, model.nominal_pulse(polarity), rng);
                data.rows.push_back({id, c, k, polarity, model.conductance_S(state), 0.0, ++line});
            }
        }
    }
    return data;
}

}  // namespace cimkit::testing
