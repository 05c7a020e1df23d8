#pragma once
// The write pulses of `spice:FILE:SUBCKT` devices (devices/subcircuit_device.hpp) delivered to the
// user's subcircuit itself in ngspice, instead of to its compact twin's table.
//
// A training step decides, device by device, how many nominal pulses of which polarity to give (the
// array's update rule, training/device_array/pulse_replay.hpp). Here every device written in that
// step is one instance `X... p 0 SUBCKT <state>=x`, started at its state before the step, driven by
// its own piecewise-linear source: a read at the read voltage, then per pulse an edge, the nominal
// plateau (the twin's signed potentiate_V or depress_V for pulse_width_s), an edge and a read, which
// is the waveform the twin's pulse table was measured with (analysis/subcircuit_twin.hpp), so a
// replayed pulse and a table step are the same experiment. Pulse k of every device falls in the same
// time slot, so all the corners are shared breakpoints; a device with fewer pulses stays at the read
// voltage. All devices are ONE transient (`uic`, every instance starts at its x0), and each device's
// conductance is its current at the last time point over the read voltage.
//
// The state parameter is fixed when the deck is parsed, so every write is a new deck; the worker
// process is replaced every recycle_runs runs, since ngspice slows with every load in one process
// (training/reloaded_read.cpp measured it). A write of more than subcircuit_instances_per_transient
// devices runs as several decks of at most that many, one after another: every device has its own
// source, so the split changes no device's drive, and small decks keep ngspice's per-instance load
// cost low (devices/subcircuit_device.hpp), as the batched read's tiles do.
//
// With separate programming terminals (devices/subcircuit_terminals.hpp) the same corners drive two
// sources: p the reads (0 V during the plateaus) and A the plateaus (0 V during the reads).
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "circuits/netlist.hpp"
#include "circuits/spice/worker.hpp"
#include "devices/subcircuit_device.hpp"

namespace cimkit::circuits {

// One device's write: where it starts and its nominal pulses in the order given.
struct SubcircuitPulseTrain {
    double start_x = 0.0;          // the state parameter of the instance, in [0, 1]
    std::vector<int> polarities;   // +1 potentiate, -1 depress
};

// The corners of a device's drive for `polarities`, padded at the read voltage to `slots` pulse slots:
// `across` the whole waveform for a two-terminal device; `read` and `program` its two halves.
struct SubcircuitWriteDrive {
    PiecewiseLinear across, read, program;
};
SubcircuitWriteDrive subcircuit_write_drive(const SubcircuitTwin& twin, const std::vector<int>& polarities, std::size_t slots);
// The end of a write of `slots` pulse slots: the first read, then per slot two edges, a plateau and a read.
double subcircuit_write_stop_s(const SubcircuitTwin& twin, std::size_t slots);
// The deck of one write and the transient that runs it ("tran ... uic"); the current of device d is
// the vector i(vw<d>); a programming terminal's source is vpw<d>. ParameterError for a polarity other
// than +-1, a start_x outside [0, 1] or no train.
struct SubcircuitWriteDeck {
    Netlist netlist;
    std::string analysis;
};
SubcircuitWriteDeck build_subcircuit_writes(const SubcircuitTwin& twin, const std::vector<SubcircuitPulseTrain>& trains);

class SubcircuitWriteCircuit {
public:
    static constexpr long recycle_runs = 25;
    // Forks the worker: construct it before this process starts an in-process spice::Engine.
    explicit SubcircuitWriteCircuit(std::shared_ptr<const SubcircuitTwin> twin);

    // Each device's read conductance after its train, in S, in the order of `trains` (one transient
    // per subcircuit_instances_per_transient of them). Throws the worker's errors (ConvergenceError,
    // WorkerTimeout, WorkerCrashed).
    std::vector<double> run(const std::vector<SubcircuitPulseTrain>& trains);

    long runs() const { return worker_.solves(); }

private:
    std::shared_ptr<const SubcircuitTwin> twin_;
    spice::Worker worker_;
};

}  // namespace cimkit::circuits
