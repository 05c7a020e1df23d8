#pragma once
// The spice engine's batched read strategy (SpiceReadStrategy::batched, training/spice_array.hpp): a
// layer's crossbar with the device states written into the netlist as fixed elements, read a whole
// batch of samples per ngspice transient.
//
// Why: the live strategy's cosim face needs an EXTERNAL source and a B-source per device, so that
// states can change without a reload; at MNIST size (157 000 devices in the first layer) one read
// takes seconds.
// Fixed elements (VCCS for PCM, a gate source per distinct level for the MOSFET)
// are the cheapest circuit ngspice can solve, and a batched transient (circuits/batched_read.hpp)
// reads one sample per time point. The price is a reload (a new parse) whenever the states have
// changed, i.e. once per weight update: mini-batch training (TrainingConfig::batch_size) amortises
// it over the batch.
//
// Faces: ohmic devices (PCM) as their pairs' exact VCCS equivalent
// (circuits/crossbar_tile.hpp, add_differential_equivalent_tile: one VCCS of gain G+ - G- per pair
// into one sense line, and one load resistor per row that draws the devices' total driver current;
// the net currents and driver currents equal the resistor crossbar's). Other models go through their
// default face (the gain cell's and the domain wall's B-sources), or their shared-gate face where they have one
// (MOSFET: one gate source per distinct level, not per device). Both are transformations that
// change no output current. Which faces are ohmic is the face's to say (draws_linear_conductance).
//
// Work split (a transformation, docs/performance-notes.md): with ideal wires the output columns are
// independent, so the layer's outputs are cut into one contiguous block per worker process
// (spice::Worker); each worker holds its block's tiles (the same max_tile_rows x max_tile_columns
// tiling as the live strategy, tile partial sums added digitally) and all of the batch's samples. The
// workers parse and solve at the same time, one thread waiting on each.
//
// Tile by tile (a transformation): a face that limits the devices per transient
// (circuits::DeviceFace::devices_per_transient; the subcircuit face: 160) has each block cut into
// tiles of at most that many, and a read loads and runs them one after another in the block's worker.
// Why: ngspice walks a B-source's expression trees at every Newton load, and a block of 7 840 VTEAM
// instances outgrows the core's cache (17-27 us per instance and load against 3-5 us for 100-200;
// docs/performance-notes.md#subcircuit-devices-in-the-batched-read). The price is a parse of every tile
// at every read, even with unchanged states.
//
// A read-out other than the ideal virtual ground (ReloadedReadOptions::peripherals, the TIA) has its
// own input node per line, so the pair equivalent does not hold either: tiles are drawn as they are.
//
// Wires (array.wire_ohm > 0): the layer is drawn as it is, one tile of all its inputs and output lines
// with a resistor on every row and column segment (add_read_tile with wires; the pair equivalent
// above holds only for ideal wires), in one worker: the row wires couple every column, so the
// outputs cannot be split. The session refuses a wired layer larger than one tile
// (spice.max_tile_rows, spice.max_tile_columns).
//
// Pulse-width inputs (array.input_encoding = pulse_width) need the integrator read-out (spice.readout =
// integrator, whose reading is the charge a column collected). Then a batch is one transient of B
// windows of read_time_s + 7 e each (e = read_time_s/10): the integrators reset for 2 e, input j of
// sample k is a pulse of height sign(V) V_read and full width at half maximum |V|/V_read read_time_s
// (circuits/crossbar/fixed_stages.hpp, RowPulseTrains: an ohmic device passes exactly the compact
// engine's charge), starting at 4 e, and each column's charge is read at read_time_s + 5.5 e, after every
// pulse and before the next reset. The pulses are written into the netlist (the transient's
// breakpoints fall on their edges; EXTERNAL sources would be sampled only at ngspice's time points),
// so every batch reloads. A sample's power is the drivers' energy over its window plus the
// integrators' (ColumnReadout::delivered_energy_J), over read_time_s.
//
// Reload rule: before a read the devices' states are compared with the ones last loaded (bit for
// bit); any difference reloads every block, so a read always sees exactly the devices' present
// states. A worker that crashes costs a reload and one retry of the read; a second crash is thrown.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "circuits/crossbar/builder.hpp"
#include "circuits/crossbar/fixed_stages.hpp"
#include "circuits/crossbar/stage_settings.hpp"
#include "circuits/crossbar_tile.hpp"
#include "circuits/device_face.hpp"
#include "circuits/spice/worker.hpp"
#include "training/device_array.hpp"

namespace cimkit::training {

struct ReloadedReadOptions {
    int workers = 2;           // worker processes (column blocks), >= 1
    int max_tile_rows = 256;   // input lines per tile
    int max_tile_columns = 256;  // output lines per tile (two per weight)
    // The column read-out of every tile (no stages: "ideal", the virtual ground). Another read-out
    // (the TIA) draws the tiles as they are, one line per device, and its output is turned back into
    // the column current, and its power added, by the read-out stage itself.
    circuits::CrossbarPeripherals peripherals;
    // The most devices in one transient: -1, the face's own limit (circuits::DeviceFace::
    // devices_per_transient; only the subcircuit face has one); 0, none; n > 0, at most n. Under a
    // limit, a block (one worker) of a layer drawn device by device (not the ohmic pair equivalent,
    // not wired, not pulse-width) is cut into tiles of at most n devices, and each read loads and runs
    // them one after another: the same devices at the same voltages, their partial currents added.
    int devices_per_transient = -1;
};

class ReloadedLayerRead {
public:
    // Starts the workers (forks: this process must have no in-process ngspice Engine yet). `devices`
    // must outlive this object. Throws UsageError for workers < 1.
    ReloadedLayerRead(const DeviceArray& devices, const ReloadedReadOptions& options, const std::string& name);
    ~ReloadedLayerRead();

    struct Batch {
        Eigen::MatrixXd net_current_A;  // outputs x B: per output, sum over tiles of I+ - I-
        Eigen::VectorXd power_W;        // B: power the row drivers delivered during each sample
    };
    // Input line voltages `volts` (inputs x B, B >= 1), one sample per column.
    Batch read(const Eigen::MatrixXd& volts);

    std::uint64_t loads() const { return loads_; }  // reloads of the whole layer (all blocks)
    // Accepted time points of the last read's transients, summed over every transient it ran (solver
    // work, for benchmarks: ideally one per sample per transient, plus ngspice's start-up steps).
    long last_time_points() const { return last_time_points_; }
    // Seconds the workers spent parsing netlists and running transients during the last read, summed
    // over the workers (which run at once), for benchmarks.
    double last_parse_s() const { return 1e-9 * static_cast<double>(last_parse_ns_); }
    double last_transient_s() const { return 1e-9 * static_cast<double>(last_transient_ns_); }
    std::vector<pid_t> worker_pids() const;         // the workers' current child processes (tests, diagnostics)

private:
    struct Tile;
    struct Block;
    bool states_changed() const;
    // `volts`: the batch's inputs when they are pulse widths (written into the netlist), else null.
    void load_all(const Eigen::MatrixXd* pulse_volts);
    Batch run_all(const Eigen::MatrixXd& volts);
    Batch run_pulse_widths(const Eigen::MatrixXd& volts);
    circuits::RowPulseTrains pulse_trains(const Eigen::MatrixXd& volts, int row0, int rows) const;

    const DeviceArray& devices_;
    std::string name_;
    std::vector<std::unique_ptr<Block>> blocks_;
    circuits::TileWires wires_;  // array.wire_ohm on every segment, array.driver_ohm before every row
    circuits::CrossbarPeripherals peripherals_;
    circuits::CrossbarStages stages_;       // made from peripherals_
    const circuits::ColumnReadout* readout_;  // the column read-out among stages_
    bool pulse_width_ = false;             // inputs are pulse widths into the integrator read-out
    circuits::ReadTiming pulse_timing_;    // its edge e and read window
    double pulse_period_s_ = 0.0;          // one sample's window in the transient
    std::vector<DeviceState> loaded_plus_, loaded_minus_;  // the states in the loaded netlists
    bool loaded_ = false;
    std::uint64_t loads_ = 0;
    std::atomic<long> last_time_points_{0};
    std::atomic<long> last_parse_ns_{0}, last_transient_ns_{0};
};

}  // namespace cimkit::training
