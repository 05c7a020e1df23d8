#include "training/spice_array.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>

#include "circuits/crossbar/builder.hpp"
#include "circuits/crossbar/names.hpp"
#include "circuits/crossbar/stage_factory.hpp"
#include "circuits/crossbar/tiling.hpp"
#include "circuits/crossbar_tile.hpp"
#include "circuits/faces/face_registry.hpp"
#include "circuits/netlist.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/resource_dirs.hpp"
#include "devices/core/text.hpp"
#include "devices/subcircuit_device.hpp"
#include "training/settings/experiment_settings.hpp"
#include "training/subcircuit_replay.hpp"
#include "training/settings/option_tables.hpp"
#include "training/update_rules/registry.hpp"
#include "training/update_rules/update_rule.hpp"

namespace cimkit::training {

// A rectangle of one layer's crossbar: input lines [row0, row0 + rows), weight columns
// [output0, output0 + outputs), each output on two lines (2 b: G+, 2 b + 1: G-).
struct SpiceSession::Tile {
    std::string prefix;
    int row0 = 0, rows = 0, output0 = 0, outputs = 0;
    std::vector<std::string> read_vectors;  // the 2 outputs column currents, then the rows' source currents
    std::vector<std::string> column_sources;  // the columns' EXTERNAL sources (transposed reads), or none
};

struct SpiceSession::Layer {
    const DeviceArray* devices = nullptr;
    std::vector<Tile> tiles;
    std::vector<std::string> read_vectors;  // every tile's read_vectors, in tile order
    std::size_t stream_vector0 = 0;         // where read_vectors start in a streamed point's values
    std::vector<double> volts;  // one per input line, read live by the row sources
    std::vector<double> column_volts;  // one per output line (2 per output), read live by the column sources
    std::unique_ptr<circuits::ResidentUpdateCircuit> update;  // rows: inputs, columns: outputs
    std::unique_ptr<ReloadedLayerRead> reloaded;              // the batched strategy's reads

    const DeviceState& state(const Tile& t, int row, int column) const {
        const int input = t.row0 + row, output = t.output0 + column / 2;
        const PairSide side = column % 2 == 0 ? PairSide::plus : PairSide::minus;
        return devices->states(side)[static_cast<std::size_t>(output) + static_cast<std::size_t>(devices->rows()) * input];
    }
};

std::string to_string(SpiceReadStrategy strategy) { return strategy == SpiceReadStrategy::batched ? "batched" : "live"; }

SpiceReadStrategy parse_read_strategy(const std::string& text) {
    for (const SpiceReadStrategy strategy : {SpiceReadStrategy::live, SpiceReadStrategy::batched}) {
        if (text == to_string(strategy)) return strategy;
    }
    throw ParameterError("spice.read_strategy = '" + text + "' must be one of live, batched");
}

void validate(const SpiceOptions& o) {
    settings::check_fields(settings::spice_fields(), o);
    circuits::validate_encoding(o.update_encoding);
}

namespace {

// The live strategy draws every device by its spice.live_face face ("cosim": EXTERNAL sources read the
// live states; "osdi": the face refreshes a shared conductance table before every op).
std::unique_ptr<circuits::DeviceFace> live_face(const DeviceModel& model, std::string variant) {
    if (variant == "auto") variant = circuits::builtin_faces().find(model.name(), "osdi") ? "osdi" : "cosim";
    try {
        return circuits::make_device_face(model, variant);
    } catch (const UsageError& e) {
        throw UsageError(std::string(e.what()) + "; the spice engine's live read strategy with spice.live_face = " + variant +
                         " needs a face whose state ngspice reads live (" +
                         text::join(circuits::builtin_faces().devices_with(variant), ", ") +
                         "); use spice.read_strategy = batched or run.engine = compact");
    }
}

// The spice faces and the replayed writes draw the nominal subcircuit (one parameter set for every
// device); a twin with device-to-device spreads draws each device's own window and steps. The two
// engines then train different arrays, which a user comparing them must know.
void warn_when_spreads_stay_compact(const SubcircuitDevice& device) {
    const TableDeviceData& t = device.twin().table;
    if (t.g_min_spread_d2d == 0.0 && t.g_max_spread_d2d == 0.0 && t.step_spread_d2d == 0.0) return;
    std::fprintf(stderr,
                 "cimkit: warning: spice:%s:%s declares device-to-device spreads (*cimkit: spread): its compact twin draws each device's "
                 "window and steps from them, but the spice engine reads (and, with spice.subcircuit_writes = ngspice, writes) every device as "
                 "the nominal subcircuit at its twin's conductance, clamped to the nominal window: the spreads act fully in the compact "
                 "engine only (docs/own-devices.md)\n",
                 device.twin().file.c_str(), device.twin().subcircuit.c_str());
}

}  // namespace

std::filesystem::path netlist_dir_of(const SpiceOptions& options) {
    return options.netlist_dir.empty() ? resource_dir(Resource::netlists) : options.netlist_dir;
}

SpiceSession::SpiceSession(const DeviceModel& model, SpiceOptions options)
    : options_(std::move(options)), face_(options_.read_strategy == SpiceReadStrategy::live ? live_face(model, options_.live_face) : nullptr) {
    validate(options_);
    options_.netlist_dir = netlist_dir_of(options_);
    stages_ = circuits::make_peripheral_stages(peripherals());
    readout_ = &circuits::column_readout(stages_);
    reads_transposed_ = face_ && !readout_->column_drive_source(circuits::CrossbarNames("t"), 0).empty();
    const auto* subcircuit = dynamic_cast<const SubcircuitDevice*>(&model);
    if (subcircuit) warn_when_spreads_stay_compact(*subcircuit);
    if (subcircuit && options_.subcircuit_writes == "ngspice") {
        subcircuit_writes_ = std::make_unique<circuits::SubcircuitWriteCircuit>(subcircuit->twin_shared());
        pulse_replay_ = subcircuit_pulse_replay(*subcircuit, *subcircuit_writes_);
    }
}

circuits::CrossbarPeripherals SpiceSession::peripherals() const {
    circuits::CrossbarPeripherals p;
    p.stages = {options_.readout};
    p.settings.netlist_dir = options_.netlist_dir;
    p.settings.external_sense_sources = true;  // the transposed read drives the columns
    return p;
}

// The batched strategy reads forward only: its sense sources stay plain 0 V sources.
circuits::CrossbarPeripherals SpiceSession::batched_peripherals() const {
    circuits::CrossbarPeripherals p = peripherals();
    p.settings.external_sense_sources = false;
    return p;
}

spice::Engine& SpiceSession::engine() {
    if (!engine_) engine_ = std::make_unique<spice::Engine>();
    return *engine_;
}

SpiceSession::~SpiceSession() = default;

int SpiceSession::add_layer(const DeviceArray& devices, bool with_update_circuit) {
    auto layer = std::make_unique<Layer>();
    layer->devices = &devices;
    if (with_update_circuit) {
        // Its worker is a fork, which must happen before this process's engine exists (first read).
        if (engine_) throw UsageError("spice engine: a layer with an update circuit must be added before the first read");
        layer->update = std::make_unique<circuits::ResidentUpdateCircuit>(devices.cols(), devices.rows(),
                                                                          options_.update_encoding, options_.netlist_dir);
    }
    if (options_.read_strategy == SpiceReadStrategy::live && devices.options().input_encoding == InputEncoding::pulse_width) {
        throw UsageError("spice engine: pulse-width inputs are read in a transient (spice.read_strategy = batched), not by the live strategy's op");
    }
    layer->volts.assign(static_cast<std::size_t>(devices.cols()), 0.0);
    layer->column_volts.assign(2 * static_cast<std::size_t>(devices.rows()), 0.0);
    const int id = static_cast<int>(layers_.size());
    if (options_.read_strategy == SpiceReadStrategy::batched) {
        layer->reloaded = std::make_unique<ReloadedLayerRead>(
            devices, ReloadedReadOptions{options_.workers, options_.max_tile_rows, options_.max_tile_columns, batched_peripherals()},
            "layer " + std::to_string(id));
    }
    const circuits::TileSpan layer_area{0, devices.cols(), 0, devices.rows()};  // inputs x weight outputs
    const auto spans = circuits::split_into_tiles(layer_area, options_.max_tile_rows, options_.max_tile_columns / 2);
    // With wires or driver resistance, the compact engine reads a layer as one array; tiles would be
    // other wires, and each tile's copy of a row driver would carry only that tile's current.
    const DeviceArrayOptions& array = devices.options();
    if ((array.wire_ohm > 0.0 || array.driver_ohm > 0.0) && spans.size() > 1) {
        const std::string key = array.wire_ohm > 0.0 ? "array.wire_ohm" : "array.driver_ohm";
        throw UsageError("spice engine: layer " + std::to_string(layers_.size()) + " (" + std::to_string(devices.cols()) + " inputs x " +
                         std::to_string(devices.rows()) + " outputs) spans " + std::to_string(spans.size()) + " tiles, and " + key +
                         " > 0 is drawn for a layer in one tile; raise spice.max_tile_rows (" + std::to_string(options_.max_tile_rows) +
                         ") and spice.max_tile_columns (" + std::to_string(options_.max_tile_columns) + ") or set " + key + " = 0");
    }
    for (const auto& span : spans) {
        Tile t;
        t.prefix = "l" + std::to_string(id) + "r" + std::to_string(span.row0) + "c" + std::to_string(span.column0);
        t.row0 = span.row0;
        t.rows = span.rows;
        t.output0 = span.column0;
        t.outputs = span.columns;
        const circuits::CrossbarNames names(t.prefix);
        for (int c = 0; c < 2 * t.outputs; ++c) {
            t.read_vectors.push_back(readout_->column_vector(names, c));
            if (reads_transposed_) t.column_sources.push_back(readout_->column_drive_source(names, c));
        }
        for (int r = 0; r < t.rows; ++r) t.read_vectors.push_back(circuits::tile_row_source(t.prefix, r) + "#branch");
        layer->read_vectors.insert(layer->read_vectors.end(), t.read_vectors.begin(), t.read_vectors.end());
        layer->tiles.push_back(std::move(t));
    }
    layers_.push_back(std::move(layer));
    loaded_ = false;
    return id;
}

void SpiceSession::load() {
    stream_.reset();  // its transient must end before the engine takes another netlist
    circuits::Netlist netlist("cimkit training network, " + std::to_string(layers_.size()) + " layers, face " + face_->name());
    face_->add_shared(netlist);
    spice::Engine& engine = this->engine();
    engine.clear_external_sources();
    for (const auto& layer : layers_) {
        for (const Tile& t : layer->tiles) {
            const auto state = [&](int row, int column) -> const DeviceState& { return layer->state(t, row, column); };
            const DeviceArrayOptions& array = layer->devices->options();
            circuits::add_read_tile(netlist, t.prefix, t.rows, 2 * t.outputs, *face_, state, {array.wire_ohm, array.wire_ohm, array.driver_ohm},
                                    peripherals());
            circuits::bind_read_tile(engine, t.prefix, t.rows, 2 * t.outputs, *face_, state);
            for (int r = 0; r < t.rows; ++r) {
                netlist.save("i(" + circuits::tile_row_source(t.prefix, r) + ")");  // the drivers' current: read energy
                const double* volts = &layer->volts[static_cast<std::size_t>(t.row0 + r)];
                engine.set_external_voltage(circuits::tile_row_source(t.prefix, r), [volts](double) { return *volts; });
            }
            for (std::size_t c = 0; c < t.column_sources.size(); ++c) {
                const double* volts = &layer->column_volts[2 * static_cast<std::size_t>(t.output0) + c];
                engine.set_external_voltage(t.column_sources[c], [volts](double) { return *volts; });
            }
        }
    }
    engine.load(spice::NetlistText::from_string(circuits::to_spice(netlist), "<" + netlist.title() + ">"));
    loaded_ = true;
    ++loads_;
    if (options_.live_stream_points > 0) {
        std::vector<std::string> vectors;
        for (const auto& layer : layers_) {
            layer->stream_vector0 = vectors.size();
            vectors.insert(vectors.end(), layer->read_vectors.begin(), layer->read_vectors.end());
        }
        stream_ = std::make_unique<spice::StreamedPoints>(engine, std::move(vectors), options_.live_stream_points);
    }
}

std::vector<double> SpiceSession::solve(const Layer& layer) {
    ++solves_;
    if (stream_) {
        const std::vector<double>& point = stream_->next();
        const auto first = point.begin() + static_cast<std::ptrdiff_t>(layer.stream_vector0);
        return {first, first + static_cast<std::ptrdiff_t>(layer.read_vectors.size())};
    }
    std::vector<double> out;
    out.reserve(layer.read_vectors.size());
    for (const auto& values : engine_->run_and_read("op", layer.read_vectors)) out.push_back(values.at(0));
    return out;
}

std::uint64_t SpiceSession::loads() const {
    std::uint64_t total = loads_;
    for (const auto& layer : layers_) total += layer->reloaded ? layer->reloaded->loads() : 0;
    return total;
}

ReloadedLayerRead::Batch SpiceSession::read_batch(int id, const Eigen::MatrixXd& volts) {
    Layer& layer = *layers_.at(static_cast<std::size_t>(id));
    if (!layer.reloaded) {
        throw UsageError("spice engine: layer " + std::to_string(id) + " is read live; batch reads need spice.read_strategy = batched");
    }
    return layer.reloaded->read(volts);
}

SpiceSession::LayerRead SpiceSession::read(int id, const Eigen::VectorXd& volts) {
    Layer& layer = *layers_.at(static_cast<std::size_t>(id));
    assert(volts.size() == static_cast<Eigen::Index>(layer.volts.size()));
    if (layer.reloaded) {
        const ReloadedLayerRead::Batch batch = layer.reloaded->read(volts);
        return {batch.net_current_A.col(0), batch.power_W(0)};
    }
    if (!loaded_) load();
    std::vector<double>& drive = drive_lines(id, false);
    std::copy(volts.data(), volts.data() + volts.size(), drive.begin());

    LayerRead out;
    out.net_current_A = Eigen::VectorXd::Zero(layer.devices->rows());
    const std::vector<double> values = solve(layer);
    std::size_t v = 0;
    for (const Tile& t : layer.tiles) {
        for (int b = 0; b < t.outputs; ++b) {
            const double plus = values.at(v), minus = values.at(v + 1);
            out.net_current_A(t.output0 + b) += readout_->column_current_A(plus) - readout_->column_current_A(minus);
            // The read-out's own sources (a TIA's amplifier; nothing for a virtual ground at 0 V).
            out.power_W += readout_->delivered_power_W(plus) + readout_->delivered_power_W(minus);
            v += 2;
        }
        // ngspice's branch current flows from + through the source to -: a driver delivers -V I.
        for (int r = 0; r < t.rows; ++r) out.power_W -= layer.volts[static_cast<std::size_t>(t.row0 + r)] * values.at(v++);
    }
    return out;
}

std::vector<double>& SpiceSession::drive_lines(int id, bool columns) {
    if (driven_.layer >= 0 && (driven_.layer != id || driven_.columns != columns)) {
        Layer& idle = *layers_[static_cast<std::size_t>(driven_.layer)];
        std::vector<double>& lines = driven_.columns ? idle.column_volts : idle.volts;
        std::fill(lines.begin(), lines.end(), 0.0);
    }
    driven_ = {id, columns};
    Layer& layer = *layers_[static_cast<std::size_t>(id)];
    return columns ? layer.column_volts : layer.volts;
}

SpiceSession::LayerRead SpiceSession::read_transposed(int id, const Eigen::VectorXd& volts) {
    Layer& layer = *layers_.at(static_cast<std::size_t>(id));
    assert(volts.size() == layer.devices->rows());
    if (!reads_transposed_) {
        throw UsageError("spice engine: transposed reads need the live read strategy and a read-out that drives its columns (spice.readout = ideal)");
    }
    if (!loaded_) load();
    std::vector<double>& drive = drive_lines(id, true);
    LayerRead out;
    out.net_current_A = Eigen::VectorXd::Zero(layer.devices->cols());
    // One op with G+ lines at plus_sign V_i and G- lines at minus_sign V_i; adds sign times the input
    // lines' currents.
    const auto phase = [&](double plus_sign, double minus_sign, double sign) {
        for (Eigen::Index i = 0; i < volts.size(); ++i) {
            drive[2 * static_cast<std::size_t>(i)] = plus_sign * volts(i);
            drive[2 * static_cast<std::size_t>(i) + 1] = minus_sign * volts(i);
        }
        const std::vector<double> values = solve(layer);
        std::size_t v = 0;
        for (const Tile& t : layer.tiles) {
            // ngspice's branch current flows from + through the source to -: a column source at V
            // delivers -V I, and a row source at 0 V takes in the current its devices send into the row.
            const std::size_t line0 = 2 * static_cast<std::size_t>(t.output0);
            for (int c = 0; c < 2 * t.outputs; ++c) out.power_W -= drive[line0 + static_cast<std::size_t>(c)] * values.at(v++);
            for (int r = 0; r < t.rows; ++r) out.net_current_A(t.row0 + r) += sign * values.at(v++);
        }
    };
    if (layer.devices->model().odd_read_current()) {
        phase(1.0, -1.0, 1.0);  // the complementary drive: G- lines at -V_i
    } else {
        phase(1.0, 0.0, 1.0);
        phase(0.0, 1.0, -1.0);
    }
    return out;
}

circuits::ResidentUpdateCircuit& SpiceSession::update_circuit(int id) {
    Layer& layer = *layers_.at(static_cast<std::size_t>(id));
    if (!layer.update) throw UsageError("spice engine: layer " + std::to_string(id) + " has no update circuit");
    return *layer.update;
}

// ---- SpiceArray ----

namespace {

// Checked before the array registers with the session, so a refused array leaves nothing behind.
// The experiment's rules (training/settings/rules.cpp) for these options on the spice engine, for a
// C++ caller that builds a SpiceArray directly; the update circuit's rule applies only to a layer
// that runs it.
const DeviceArrayOptions& spice_checked(const DeviceArrayOptions& options, const SpiceOptions& spice, bool update_circuit) {
    ExperimentSettings on_spice;
    on_spice.engine = "spice";
    on_spice.array = options;
    on_spice.spice = spice;
    if (!update_circuit) on_spice.spice.update_circuit_max_devices = 0;
    settings::check_rules(settings::experiment_rules(), settings::experiment_fields(), on_spice);
    return options;
}

}  // namespace

SpiceArray::SpiceArray(SpiceSession& session, const DeviceModel& model, const DeviceCalibration& calibration,
                       const Eigen::MatrixXf& initial_weights, const DeviceArrayOptions& options, Rng rng, bool updated)
    : session_(session),
      use_update_circuit_(updated && initial_weights.size() <= session.options().update_circuit_max_devices),
      devices_(model, calibration, initial_weights, spice_checked(options, session.options(), use_update_circuit_), rng),
      layer_id_(session.add_layer(devices_, use_update_circuit_)),
      drives_slots_(use_update_circuit_ && find_update_rule(options.update_mode).drives_update_circuit) {
    if (session.pulse_replay()) devices_.set_pulse_replay(session.pulse_replay());
}

SpiceArray::~SpiceArray() {
    try {
        session_.end_stream();
    } catch (...) {
        // An error of points no read asked for; a destructor must not throw.
    }
}

void SpiceArray::require_settled() const {
    if (use_update_circuit_ && session_.update_circuit(layer_id_).running()) {
        throw UsageError("spice engine: layer " + std::to_string(layer_id_) + "'s update is still solving; call finish_updates first");
    }
}

Eigen::VectorXf SpiceArray::output_of(const Eigen::VectorXd& volts, const Eigen::VectorXd& net_current_A, double power_W) const {
    devices_.add_read_energy(power_W * devices_.options().read_time_s);
    return devices_.forward_output(volts, net_current_A);
}

Eigen::VectorXf SpiceArray::multiply(const Eigen::VectorXf& x) const {
    require_settled();
    const Eigen::VectorXd volts = devices_.forward_drive_V(x);
    const SpiceSession::LayerRead read = session_.read(layer_id_, volts);
    return output_of(volts, read.net_current_A, read.power_W);
}

Eigen::VectorXf SpiceArray::multiply_transposed(const Eigen::VectorXf& d) const {
    require_settled();
    if (!session_.reads_transposed()) return devices_.multiply_transposed(d);
    const ReadModel::BackwardDrive drive = devices_.backward_drive_V(d);
    if (!(drive.d_max > 0.0)) return Eigen::VectorXf::Zero(devices_.cols());
    const SpiceSession::LayerRead read = session_.read_transposed(layer_id_, drive.volts);
    devices_.add_read_energy(read.power_W * devices_.options().read_time_s);
    return devices_.backward_output(drive, read.net_current_A);
}

Eigen::MatrixXf SpiceArray::multiply_batch(const Eigen::MatrixXf& x) const {
    // The live strategy: one op per sample.
    if (session_.options().read_strategy == SpiceReadStrategy::live) return WeightArray::multiply_batch(x);
    require_settled();
    Eigen::MatrixXd volts(x.rows(), x.cols());
    for (Eigen::Index b = 0; b < x.cols(); ++b) volts.col(b) = devices_.forward_drive_V(x.col(b));
    const ReloadedLayerRead::Batch read = session_.read_batch(layer_id_, volts);
    Eigen::MatrixXf y(devices_.rows(), x.cols());
    for (Eigen::Index b = 0; b < x.cols(); ++b) y.col(b) = output_of(volts.col(b), read.net_current_A.col(b), read.power_W(b));
    return y;
}

void SpiceArray::apply_outer_product(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, float learning_rate) {
    finish_updates();
    if (!use_update_circuit_) {
        devices_.apply_outer_product(x, delta, learning_rate);
        return;
    }
    if (drives_slots_) {
        start_slot_update(x, delta, learning_rate);
        return;
    }
    const double x_max = x.cwiseAbs().maxCoeff(), d_max = delta.cwiseAbs().maxCoeff();
    if (!(x_max > 0.0 && d_max > 0.0)) return;
    std::vector<double> x_lines(static_cast<std::size_t>(x.size())), d_lines(static_cast<std::size_t>(delta.size()));
    for (Eigen::Index j = 0; j < x.size(); ++j) x_lines[static_cast<std::size_t>(j)] = x(j) / x_max;
    for (Eigen::Index i = 0; i < delta.size(); ++i) d_lines[static_cast<std::size_t>(i)] = delta(i) / d_max;
    session_.update_circuit(layer_id_).start(x_lines, d_lines);
    pending_update_scale_ = learning_rate * x_max * d_max / circuits::full_scale_update_V(session_.options().update_encoding);
}

circuits::SlotTrains essop_slot_trains(const EssopTrains& trains, const Eigen::VectorXf& x, const Eigen::VectorXf& delta) {
    const int inputs = trains.inputs(), outputs = trains.outputs();
    circuits::SlotTrains t;
    t.slots = trains.bit_length();
    for (int j = 0; j < inputs; ++j) t.row_sign.push_back(x(j) > 0.0f ? 1.0 : -1.0);
    for (int i = 0; i < outputs; ++i) t.column_sign.push_back(delta(i) > 0.0f ? 1.0 : -1.0);
    for (int slot = 0; slot < t.slots; ++slot) {
        for (int j = 0; j < inputs; ++j) t.row_fires.push_back(trains.input_fires(slot, j) ? 1 : 0);
        for (int i = 0; i < outputs; ++i) t.column_fires.push_back(trains.output_fires(slot, i) ? 1 : 0);
    }
    return t;
}

// The circuit's rows are the inputs j (x), its columns the outputs i (delta); the bits come from
// EssopTrains::draw on the array's update stream, as in the compact rule.
void SpiceArray::start_slot_update(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, float learning_rate) {
    bool drawn = false;
    devices_.write_pairs([&](PairWriter& pairs) {
        drawn = trains_.prepare(x, delta, learning_rate, pairs.options(), pairs.pulse_weight_step());
        if (drawn) trains_.draw(pairs.update_stream());
    });
    if (!drawn) return;
    pending_slots_ = essop_slot_trains(trains_, x, delta);
    pending_x_ = x;
    pending_delta_ = delta;
    session_.update_circuit(layer_id_).start_slots(pending_slots_);
}

// The coincidences the storage nodes integrated, through the compact rule's own pulse code.
void SpiceArray::finish_slot_update(const circuits::UpdateResult& result) {
    const std::vector<int> counts = circuits::slot_counts(result, pending_slots_, session_.options().update_encoding);
    devices_.write_pairs([&](PairWriter& pairs) { apply_essop_counts(pairs, pending_x_, pending_delta_, trains_, counts); });
}

void SpiceArray::finish_updates() {
    circuits::ResidentUpdateCircuit* circuit = use_update_circuit_ ? &session_.update_circuit(layer_id_) : nullptr;
    if (!circuit || !circuit->running()) return;
    const circuits::UpdateResult result = circuit->finish();
    update_energy_J_ += result.energy_J;
    if (drives_slots_) {
        finish_slot_update(result);
        return;
    }
    // Rows of the update circuit are inputs j, columns outputs i (row-major n x m).
    const auto outputs = static_cast<Eigen::Index>(result.columns), inputs = static_cast<Eigen::Index>(result.rows);
    Eigen::MatrixXf dw(outputs, inputs);
    for (Eigen::Index j = 0; j < inputs; ++j) {
        for (Eigen::Index i = 0; i < outputs; ++i) {
            dw(i, j) = static_cast<float>(pending_update_scale_ * result.delta_storage_V[static_cast<std::size_t>(j * outputs + i)]);
        }
    }
    devices_.apply_weight_changes(dw);
}

ArrayActivity SpiceArray::activity() const {
    require_settled();
    ArrayActivity a = devices_.activity();
    a.update_circuit_energy_J = update_energy_J_;  // stays 0 without the update circuit
    return a;
}

ArrayCheckpoint SpiceArray::checkpoint() const {
    require_settled();
    ArrayCheckpoint c = devices_.checkpoint();
    c["update_energy_J"] = {update_energy_J_};
    return c;
}

void SpiceArray::restore(const ArrayCheckpoint& checkpoint) {
    finish_updates();
    devices_.restore(checkpoint);
    update_energy_J_ = checkpoint_block(checkpoint, "update_energy_J", 1)[0];
}

ArrayFactory make_spice_array_factory(SpiceSession& session, const DeviceModel& model, DeviceArrayOptions options, std::uint64_t seed) {
    validate(options);
    Rng calibration_rng = Rng(seed).stream(calibration_stream);
    const DeviceCalibration calibration = calibrate_device(model, options.calibration_samples, calibration_rng);
    return [&session, &model, options, calibration, seed](int layer, const Eigen::MatrixXf& initial_weights) -> std::unique_ptr<WeightArray> {
        return std::make_unique<SpiceArray>(session, model, calibration, initial_weights, options_for_layer(options, layer),
                                            Rng(seed).stream(static_cast<std::uint64_t>(layer)), layer < feedback_layer_base);
    };
}

}  // namespace cimkit::training
