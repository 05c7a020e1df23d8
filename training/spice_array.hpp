#pragma once
// The `spice` engine: every forward read of every layer is an ngspice operating point of the
// network's crossbars, with the device states the compact models hold
// (docs/architecture.md#training-engines).
//
// One netlist holds the whole network, loaded once: layer l is split into tiles of at most
// max_tile_rows input lines x max_tile_columns output lines (a weight takes two lines, G+ and G-),
// each tile a crossbar with ideal wires and virtual-ground columns (circuits/crossbar_tile.hpp).
// Inputs reach the row lines and device states reach the devices through EXTERNAL sources that
// read C++ memory at every solve, so a read after an update needs no command and no re-parse
// (docs/ngspice-facts.md#per-command-leak: every command leaks, parsing costs tens of ms). A layer
// read drives only that layer's rows (the others sit at 0 V), runs `op`, and sums each output's
// tile currents, I+ - I-, digitally (tile partial sums, as on a tiled chip);
// DeviceArray::forward_output turns them into y.
// Because the op also solves the idle layers, a read costs about as much as the whole network's
// array; that is the price of never reloading.
//
// The backward read (W^T d) is a transposed read of the same loaded tiles: the column sources (EXTERNAL,
// at 0 V in a forward read) drive the output lines, the row sources hold the input lines at 0 V and
// their currents are the result (read_transposed: one phase with each G- line at -V for a device
// with an odd I-V, else two phases; the drives of training/device_array/read_model.hpp). It needs the "ideal" read-out, whose
// column sources can drive; with another read-out, or the batched strategy, the backward read stays
// in the compact model. What the compact model still does: drift and leakage, and the device
// response to write pulses. Layers with at most update_circuit_max_devices weights also run every
// update through the outer-product update circuit in ngspice, kept loaded in a worker process of its
// own (circuits/resident_update.hpp): its simulated storage-node changes dV_ij (about
// -dV_full x_j delta_i, with the circuit's finite edges) become the weight changes
// dw_ij = lr max|x| max|delta| dV_ij / dV_full, delivered as pulses by the array's update mode
// (DeviceArray::apply_weight_changes); its energy is energy_update_circuit_J. Under update_mode =
// essop the circuit is driven by the rule's own trains instead (circuits/slot_trains.hpp: a row pulse
// where an input's bit fires, a column level where an output's does, slot by slot), drawn by the
// same code from the same update stream as the compact rule (EssopTrains), and each pair gets
// n_ij pulses_per_coincidence pulses for the n_ij coincidences its storage node integrated. apply_outer_product only
// starts that transient; finish_updates (which apply_to_array calls after starting every layer's)
// waits for it and applies it, so the layers' update circuits solve at the same time.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "circuits/crossbar/stage.hpp"
#include "circuits/crossbar/stage_settings.hpp"
#include "circuits/device_face.hpp"
#include "circuits/spice/engine.hpp"
#include "circuits/spice/streamed_points.hpp"
#include "circuits/resident_update.hpp"
#include "circuits/subcircuit_writes.hpp"
#include "circuits/update_circuit.hpp"
#include "training/reloaded_read.hpp"
#include "training/device_array.hpp"
#include "training/update_rules/essop.hpp"

namespace cimkit::training {

// How a layer's forward read reaches ngspice. Both read the devices' present states through a
// circuit solve; they differ in how the states enter the circuit.
//   live     (default) the resident netlist above: one netlist for the whole network, loaded once,
//            each device drawn by its "cosim" face (circuits/device_face.hpp), whose EXTERNAL sources
//            read the live device states, or by its "osdi" face (spice.live_face), whose compiled
//            element reads a conductance table refreshed before every op; one `op` per read in this
//            process
//   batched  each layer's states written into its netlist as fixed elements and read a batch of
//            samples per transient on `workers` worker processes, the netlists reloaded after every
//            update (training/reloaded_read.hpp). The fast path for large layers with mini-batch
//            training (training.batch_size).
enum class SpiceReadStrategy { live, batched };
std::string to_string(SpiceReadStrategy strategy);
// "live" or "batched"; throws ParameterError naming the text otherwise.
SpiceReadStrategy parse_read_strategy(const std::string& text);

// The spice.* settings: each member's initialiser is its default, and its key, range and description
// are its row in training/settings/experiment_table.cpp (docs/architecture.md#settings).
struct SpiceOptions {
    SpiceReadStrategy read_strategy = SpiceReadStrategy::live;
    int max_tile_rows = 256;             // input lines per tile
    int max_tile_columns = 256;          // output lines per tile (even: two per weight)
    long update_circuit_max_devices = 128;  // layers with at most m n weights run the update circuit
    circuits::UpdateEncoding update_encoding;
    std::filesystem::path netlist_dir;   // netlists/ (the update-cell library); empty: the source tree's
    int workers = 2;                     // batched strategy: worker processes per layer (column blocks)
    // The column read-out stage of every tile (circuits/crossbar/stage_factory.hpp), both strategies:
    // "ideal" holds each column at 0 V; another read-out's output is read and turned back into the
    // column current by the stage itself, so a new read-out stage needs no change here.
    std::string readout = "ideal";
    // The live strategy's device face: "cosim" (EXTERNAL sources, any device with a cosim face),
    // "osdi" (cimkit's compiled OSDI element reading a shared conductance table: ohmic devices and
    // the domain wall; docs/performance-notes.md, "A compiled device element"), or "auto": osdi where
    // the device has that face, else cosim (the same circuit: when auto became the default, the
    // domain-wall golden's results stayed the same bits and its read energy moved by 2e-16 relative).
    std::string live_face = "auto";
    // Where the write pulses of a spice:FILE:SUBCKT device go: "ngspice" (the subcircuit itself, each
    // update's pulses replayed in one transient, training/subcircuit_replay.hpp) or "twin" (its
    // compact table only: faster, within the twin's agreement with the subcircuit).
    std::string subcircuit_writes = "ngspice";
    // Live strategy: 0, one `op` per read; N > 0, the reads are the consecutive accepted points of
    // transients of about N points each (circuits/spice/streamed_points.hpp), which skips ngspice's
    // per-analysis set-up (16x per read of a 784x20 domain-wall array, docs/performance-notes.md).
    int live_stream_points = 0;
};

// Throws ParameterError naming the key, its value and its range.
void validate(const SpiceOptions& options);
// options.netlist_dir, or the source tree's netlists/ when it is empty.
std::filesystem::path netlist_dir_of(const SpiceOptions& options);

class SpiceSession {
public:
    // Starts the process's ngspice engine. Throws UsageError for the live strategy if `model` has no
    // face of the variant spice.live_face names.
    SpiceSession(const DeviceModel& model, SpiceOptions options);
    ~SpiceSession();
    SpiceSession(const SpiceSession&) = delete;
    SpiceSession& operator=(const SpiceSession&) = delete;

    // Adds a layer whose devices `devices` holds (it must outlive the session's reads); returns its id.
    // With an update circuit, it starts that circuit's worker process, which must happen before the
    // first read starts this process's engine (UsageError otherwise).
    int add_layer(const DeviceArray& devices, bool with_update_circuit);

    struct LayerRead {
        Eigen::VectorXd net_current_A;  // per output: sum over tiles of I+ - I-
        double power_W = 0.0;           // delivered by the layer's row drivers and its read-out (a TIA's amplifiers)
    };
    // One operating point with layer `id`'s inputs at `volts`; the netlist is (re)loaded if needed.
    LayerRead read(int id, const Eigen::VectorXd& volts);
    // The transposed read: output i's lines driven at volts(i), the input lines held at 0 V by their
    // (row) sources, whose currents are the result (net_current_A: one per input line, summed over
    // tiles, G+ minus G-; power_W: delivered by the column sources). One operating point with the G-
    // lines at -volts(i) for a device with an odd I-V, else two, the G+ lines driven and then the G-
    // lines (training/device_array/read_model.hpp). UsageError unless reads_transposed().
    LayerRead read_transposed(int id, const Eigen::VectorXd& volts);
    // The live strategy with a read-out whose column sources can drive (spice.readout = ideal); else
    // the transposed read stays in the compact model.
    bool reads_transposed() const { return reads_transposed_; }
    // Batched strategy only: B samples (columns of `volts`) as one batched transient per column block
    // (ReloadedLayerRead::read). UsageError with the live strategy, whose batch is B read()s.
    ReloadedLayerRead::Batch read_batch(int id, const Eigen::MatrixXd& volts);

    // Layer `id`'s update circuit (rows: its inputs, columns: its outputs); UsageError if it has none.
    circuits::ResidentUpdateCircuit& update_circuit(int id);
    // What replays the arrays' write pulses on the devices' own circuit (a subcircuit device with
    // spice.subcircuit_writes = ngspice); empty otherwise.
    const PulseReplay& pulse_replay() const { return pulse_replay_; }

    // Ends a running stream (spice.live_stream_points): the rest of its chunk is solved, reading the
    // devices as they are now. A later read starts a new chunk.
    void end_stream() {
        if (stream_) stream_->finish();
    }

    const SpiceOptions& options() const { return options_; }
    std::uint64_t solves() const { return solves_; }  // live strategy: `op`s run, or streamed points taken
    long stream_chunks() const { return stream_ ? stream_->chunks() : 0; }  // transients the stream started
    std::uint64_t loads() const;                      // netlist loads (batched strategy: of every layer)

private:
    struct Tile;
    struct Layer;
    void load();
    spice::Engine& engine();  // started at the first load, after every update circuit's fork
    // One solve of the loaded network (an `op`, or the stream's next point): the values of
    // layer.read_vectors, one each.
    std::vector<double> solve(const Layer& layer);

    circuits::CrossbarPeripherals batched_peripherals() const;
    circuits::CrossbarPeripherals peripherals() const;  // the read-out of options_
    // Layer `id`'s input lines (columns false) or output lines (true), to be driven; the lines driven
    // before, if others, are set back to 0 V (one layer, one direction is driven per solve).
    std::vector<double>& drive_lines(int id, bool columns);

    SpiceOptions options_;
    std::unique_ptr<circuits::DeviceFace> face_;  // the live strategy's cosim face; null when batched
    circuits::CrossbarStages stages_;              // the live tiles' peripheral stages
    const circuits::ColumnReadout* readout_ = nullptr;  // the read-out among stages_
    std::vector<std::unique_ptr<Layer>> layers_;  // before engine_: their workers end after it
    std::unique_ptr<spice::Engine> engine_;
    std::unique_ptr<spice::StreamedPoints> stream_;  // after engine_: its transient ends before the engine does
    std::unique_ptr<circuits::SubcircuitWriteCircuit> subcircuit_writes_;  // a fork: made before engine_
    PulseReplay pulse_replay_;
    bool loaded_ = false;
    bool reads_transposed_ = false;
    struct Driven {
        int layer = -1;  // the layer whose lines are not at 0 V
        bool columns = false;
    } driven_;
    std::uint64_t solves_ = 0, loads_ = 0;
};

class SpiceArray final : public WeightArray {
public:
    // Programs `initial_weights` into a DeviceArray (as the compact engine would) and registers it
    // with `session`. Refuses two_phase_read (ParameterError): the circuit reads one phase.
    // `updated` false: an array that is never written (a feedback array) gets no update circuit.
    SpiceArray(SpiceSession& session, const DeviceModel& model, const DeviceCalibration& calibration,
               const Eigen::MatrixXf& initial_weights, const DeviceArrayOptions& options, Rng rng, bool updated = true);

    ~SpiceArray() override;  // ends the session's stream, whose remaining points still read these devices

    Eigen::VectorXf multiply(const Eigen::VectorXf& x) const override;  // through ngspice
    Eigen::MatrixXf multiply_batch(const Eigen::MatrixXf& x) const override;
    // The dense update of a mini-batch goes to the devices by the array's update mode; the update
    // circuit (rank-1 outer products) is not used for it.
    void apply_weight_changes(const Eigen::MatrixXf& dw) override {
        finish_updates();
        devices_.apply_weight_changes(dw);
    }
    // Through ngspice when the session reads_transposed(), else the compact model.
    Eigen::VectorXf multiply_transposed(const Eigen::VectorXf& d) const override;
    // With the update circuit, starts it; finish_updates applies the result.
    void apply_outer_product(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, float learning_rate) override;
    void finish_updates() override;
    Eigen::MatrixXf weights() const override {
        require_settled();
        return devices_.weights();
    }

    ArrayActivity activity() const override;
    void evolve(double dt_s) override { finish_updates(); devices_.evolve(dt_s); }
    void start_epoch(int epoch) override { finish_updates(); devices_.start_epoch(epoch); }
    void record_drift_reference() override { finish_updates(); devices_.record_drift_reference(); }
    void compensate_drift() override { finish_updates(); devices_.compensate_drift(); }
    void remove_drift_compensation() override { devices_.remove_drift_compensation(); }
    std::map<std::string, Eigen::MatrixXd> conductances_S() const override {
        require_settled();
        return devices_.conductances_S();
    }
    ArrayCheckpoint checkpoint() const override;  // the devices' blocks and "update_energy_J"
    void restore(const ArrayCheckpoint& checkpoint) override;

    const DeviceArray& devices() const { return devices_; }
    bool uses_update_circuit() const { return use_update_circuit_; }

private:
    // UsageError if an update is still solving: what the devices hold would not include it.
    void require_settled() const;
    // Adds the read energy and the devices' read noise for the drive `volts` (a fresh draw per
    // sample and layer, training/device_array/read_model.hpp).
    Eigen::VectorXf output_of(const Eigen::VectorXd& volts, const Eigen::VectorXd& net_current_A, double power_W) const;
    // update_mode = essop with the update circuit: draw the trains and start the circuit; apply the
    // coincidences it integrated.
    void start_slot_update(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, float learning_rate);
    void finish_slot_update(const circuits::UpdateResult& result);

    SpiceSession& session_;
    bool use_update_circuit_;
    DeviceArray devices_;
    int layer_id_;
    double update_energy_J_ = 0.0;
    double pending_update_scale_ = 0.0;  // dw per volt of dV for the running update
    // update_mode = essop: the trains drive the circuit (circuits/slot_trains.hpp) and the pairs get
    // the coincidences it integrated; these hold the running update's trains, x and delta.
    bool drives_slots_ = false;
    EssopTrains trains_;
    circuits::SlotTrains pending_slots_;
    Eigen::VectorXf pending_x_, pending_delta_;
};

// The update circuit's slot trains for ESSOP trains drawn for x and delta: its rows are the inputs j
// (polarity sign(x_j)), its columns the outputs i (sign(delta_i)), each firing where its line's bit does.
circuits::SlotTrains essop_slot_trains(const EssopTrains& trains, const Eigen::VectorXf& x, const Eigen::VectorXf& delta);

// Every layer a SpiceArray on devices of `model`, calibrated once with Rng(seed).stream(calibration_stream)
// as make_device_array_factory does, so the spice and compact engines start from the same devices.
ArrayFactory make_spice_array_factory(SpiceSession& session, const DeviceModel& model, DeviceArrayOptions options,
                                      std::uint64_t seed);

}  // namespace cimkit::training
