#pragma once
// Replaying a write's pulses on a circuit of the devices themselves.
//
// An array's update rule decides the pulses (how many nominal pulses of which polarity each device
// gets) from the states it knows, and delivers them through DeviceModel::apply_pulse. A device whose
// own circuit is what should move (a user's SPICE subcircuit, circuits/subcircuit_writes.hpp) gets them
// twice: through its compact model first, so that the rest of the write (the next pulse's choice of
// device, a refresh) sees a prediction, exactly as without a replay; then, once the write is over,
// the same pulses in the same order from the state it started at, in the circuit, whose result
// replaces the prediction. The controller deciding pulse counts without reading the devices back in
// between is what an update circuit does on a chip.
//
// A programming write (set_level: initial weights, program-and-verify, a level refresh) sets the state
// absolutely and is not replayed: the pulses a device got before it in the same write are dropped.
#include <cstddef>
#include <functional>
#include <vector>

#include "devices/device_model.hpp"
#include "training/device_array/pair_side.hpp"

namespace cimkit::training {

// One device's pulses in one write.
struct PulseHistory {
    PairSide side = PairSide::plus;
    std::size_t index = 0;         // in the storage's order (column-major pairs)
    DeviceState before;            // at the write's first pulse
    DeviceState predicted;         // after the pulses, by the compact model
    std::vector<int> polarities;   // the nominal pulses in order: +1 potentiate, -1 depress
};

// Returns the state each device's circuit reached, in the order of `histories`.
using PulseReplay = std::function<std::vector<DeviceState>(const std::vector<PulseHistory>& histories)>;

}  // namespace cimkit::training
