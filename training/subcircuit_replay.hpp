#pragma once
// The write pulses of a `spice:FILE:SUBCKT` device replayed on the subcircuit itself
// (spice.subcircuit_writes = ngspice; training/device_array/pulse_replay.hpp says when, and
// circuits/subcircuit_writes.hpp how): each device of the write starts at x0 = x(G) of its state
// before the write (the twin's inverse, as the read faces draw it) and ends at the conductance its
// instance was read at, which replaces the twin's prediction. The twin's other slots (its window and
// step scale, its drift clock) stay the prediction's.
#include "circuits/subcircuit_writes.hpp"
#include "devices/subcircuit_device.hpp"
#include "training/device_array/pulse_replay.hpp"

namespace cimkit::training {

// `device` and `circuit` must outlive the function.
PulseReplay subcircuit_pulse_replay(const SubcircuitDevice& device, circuits::SubcircuitWriteCircuit& circuit);

}  // namespace cimkit::training
