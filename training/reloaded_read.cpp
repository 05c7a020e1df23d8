#include "training/reloaded_read.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <thread>

#include "circuits/batched_read.hpp"
#include "circuits/crossbar.hpp"
#include "circuits/crossbar/stage_factory.hpp"
#include "circuits/crossbar/waveforms.hpp"
#include "circuits/crossbar/tiling.hpp"
#include "circuits/crossbar_tile.hpp"
#include "circuits/faces/face_registry.hpp"
#include "circuits/netlist.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::training {

// Inputs [row0, row0 + rows) x weight outputs [output0, output0 + outputs), each output on two lines
// (2 b: G+, 2 b + 1: G-).
struct ReloadedLayerRead::Tile {
    std::string prefix;
    int row0 = 0, rows = 0, output0 = 0, outputs = 0;
};

// One worker and the tiles of its column block.
struct ReloadedLayerRead::Block {
    std::unique_ptr<spice::Worker> worker;
    std::unique_ptr<circuits::DeviceFace> face;  // one per block: a face may keep per-netlist state
    bool differential = false;                   // ohmic devices: one VCCS per pair (add_differential_equivalent_tile)
    std::vector<Tile> tiles;
    std::vector<std::string> sources;  // every tile's row sources, tile by tile
    std::vector<std::string> outputs;  // every tile's column currents, then its row source currents
    std::string origin;
    // One netlist per tile, loaded and run one after another (DeviceFace::devices_per_transient), and
    // their texts, written at load_all from the states it loaded.
    bool tile_by_tile = false;
    std::vector<std::string> tile_netlists;
    std::vector<std::vector<std::string>> tile_outputs;  // per tile: its column currents, then its row source currents
};

namespace {

long nanoseconds_since(std::chrono::steady_clock::time_point start) {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
}

// ngspice slows down with every load-and-run cycle in one process, though its memory stays flat:
// 150 cycles of a 55 000-element block in one worker took load 0.24 -> 0.61 s and a 100-sample
// transient 0.21 -> 1.09 s; `destroy all` and `delete all` between cycles did not stop it. A fresh
// child every 25 reads (one load each) keeps both near their start (measured with 20: 0.23-0.35 s
// and 0.23-0.32 s over the same 150 cycles); the restart itself costs about a load.
spice::WorkerOptions worker_options() {
    spice::WorkerOptions options;
    options.max_solves_before_recycle = 25;
    return options;
}

// The device's shared-gate face where it has one (one gate source per distinct level, not per
// device), else its default face.
std::unique_ptr<circuits::DeviceFace> fixed_face(const DeviceModel& model) {
    const bool shared_gate = circuits::builtin_faces().find(model.name(), "shared_gate") != nullptr;
    return circuits::make_device_face(model, shared_gate ? "shared_gate" : "");
}

}  // namespace

ReloadedLayerRead::ReloadedLayerRead(const DeviceArray& devices, const ReloadedReadOptions& options, const std::string& name)
    : devices_(devices),
      name_(name),
      wires_{devices.options().wire_ohm, devices.options().wire_ohm, devices.options().driver_ohm},
      peripherals_(options.peripherals),
      stages_(circuits::make_peripheral_stages(peripherals_)),
      readout_(&circuits::column_readout(stages_)) {
    if (options.workers < 1) throw UsageError("spice.workers = " + std::to_string(options.workers) + " must be >= 1");
    pulse_width_ = devices.options().input_encoding == InputEncoding::pulse_width;
    if (pulse_width_ != readout_->integrates_charge()) {
        throw UsageError(name_ + ": pulse-width inputs and the integrator read-out go together (array.input_encoding, spice.readout)");
    }
    if (pulse_width_) {
        // The window of training/reloaded_read.hpp: reset [0, 2e), pulses from 4e, read at read_s + 5.5e.
        const double read_s = devices.options().read_time_s, edge_s = read_s / 10.0;
        pulse_timing_ = circuits::ReadTiming{edge_s, read_s};
        pulse_period_s_ = read_s + 7.0 * edge_s;
        circuits::IntegratorReadout& integrator = peripherals_.settings.integrator;
        integrator.reset_period_s = pulse_period_s_;
        integrator.reset_s = 2.0 * edge_s;
        integrator.reset_edge_s = edge_s;
        stages_ = circuits::make_peripheral_stages(peripherals_, pulse_timing_);
        readout_ = &circuits::column_readout(stages_);
    }
    const int outputs = devices.rows(), inputs = devices.cols();
    const bool wired = wires_.row_ohm > 0.0 || wires_.driver_ohm > 0.0;
    const int blocks = wired ? 1 : std::min(options.workers, outputs);
    const int tile_rows = wired ? inputs : options.max_tile_rows, per_tile = wired ? outputs : std::max(1, options.max_tile_columns / 2);
    for (int b = 0; b < blocks; ++b) {
        auto block = std::make_unique<Block>();
        block->face = fixed_face(devices.model());
        block->differential = block->face->draws_linear_conductance() && !wired && !readout_->reads_output_voltage();
        const int first = outputs * b / blocks, last = outputs * (b + 1) / blocks;  // this block's outputs
        block->origin = name_ + ", outputs " + std::to_string(first) + ".." + std::to_string(last - 1);
        int block_tile_rows = tile_rows, block_per_tile = per_tile;
        const int limit = options.devices_per_transient >= 0 ? options.devices_per_transient : block->face->devices_per_transient();
        const bool limited = limit > 0 && !wired && !pulse_width_ && !block->differential;
        if (limited) {
            // Tiles of at most `limit` devices (2 per weight), as many rows as fit under the block's columns.
            block_per_tile = std::clamp(limit / 2, 1, per_tile);
            const int lines = 2 * std::min(block_per_tile, last - first);
            block_tile_rows = std::clamp(limit / lines, 1, tile_rows);
        }
        for (const auto& span : circuits::split_into_tiles({0, inputs, first, last - first}, block_tile_rows, block_per_tile)) {
            Tile t;
            t.prefix = "r" + std::to_string(span.row0) + "c" + std::to_string(span.column0);
            t.row0 = span.row0;
            t.rows = span.rows;
            t.output0 = span.column0;
            t.outputs = span.columns;
            block->tiles.push_back(t);
        }
        block->tile_by_tile = limited && block->tiles.size() > 1;
        const int lines_per_output = block->differential ? 1 : 2;
        const auto column_vectors = [&](const Tile& t) {
            std::vector<std::string> vectors;
            const circuits::CrossbarNames names(t.prefix);
            for (int c = 0; c < lines_per_output * t.outputs; ++c) {
                vectors.push_back(block->differential ? circuits::tile_column_current_vector(t.prefix, c) : readout_->column_vector(names, c));
            }
            return vectors;
        };
        for (const Tile& t : block->tiles) {
            for (int r = 0; r < t.rows; ++r) block->sources.push_back(circuits::tile_row_source(t.prefix, r));
            const std::vector<std::string> columns = column_vectors(t);
            block->outputs.insert(block->outputs.end(), columns.begin(), columns.end());
            if (!block->tile_by_tile) continue;
            block->tile_outputs.push_back(columns);
            for (int r = 0; r < t.rows; ++r) block->tile_outputs.back().push_back(circuits::tile_row_source(t.prefix, r) + "#branch");
        }
        for (const std::string& source : block->sources) block->outputs.push_back(source + "#branch");
        if (pulse_width_) {
            for (const Tile& t : block->tiles) {
                for (int r = 0; r < t.rows; ++r) block->outputs.push_back(circuits::CrossbarNames(t.prefix).row_input(r));
            }
        }
        block->worker = std::make_unique<spice::Worker>(worker_options());
        blocks_.push_back(std::move(block));
    }
}

ReloadedLayerRead::~ReloadedLayerRead() = default;

std::vector<pid_t> ReloadedLayerRead::worker_pids() const {
    std::vector<pid_t> pids;
    for (const auto& block : blocks_) pids.push_back(block->worker->child_pid());
    return pids;
}

bool ReloadedLayerRead::states_changed() const {
    const auto differs = [](const std::vector<DeviceState>& now, const std::vector<DeviceState>& loaded) {
        return now.size() != loaded.size() || std::memcmp(now.data(), loaded.data(), now.size() * sizeof(DeviceState)) != 0;
    };
    return !loaded_ || differs(devices_.states(PairSide::plus), loaded_plus_) || differs(devices_.states(PairSide::minus), loaded_minus_);
}

namespace {

// Runs f(b) for every block b on its own thread and rethrows the first failure after all have ended.
template <typename F>
void for_each_block(std::size_t blocks, const F& f) {
    std::vector<std::exception_ptr> errors(blocks);
    std::vector<std::thread> threads;
    for (std::size_t b = 0; b < blocks; ++b) {
        threads.emplace_back([&, b] {
            try {
                f(b);
            } catch (...) {
                errors[b] = std::current_exception();
            }
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& e : errors) {
        if (e) std::rethrow_exception(e);
    }
}

}  // namespace

circuits::RowPulseTrains ReloadedLayerRead::pulse_trains(const Eigen::MatrixXd& volts, int row0, int rows) const {
    const double v_read = devices_.model().read_voltage_V();
    circuits::RowPulseTrains trains;
    trains.samples = static_cast<int>(volts.cols());
    trains.period_s = pulse_period_s_;
    trains.start_s = 4.0 * pulse_timing_.edge_s;
    trains.edge_s = pulse_timing_.edge_s;
    for (int r = 0; r < rows; ++r) {
        for (Eigen::Index k = 0; k < volts.cols(); ++k) {
            const double v = volts(row0 + r, k);
            trains.level_V.push_back(v == 0.0 ? 0.0 : std::copysign(v_read, v));
            trains.width_s.push_back(circuits::pulse_width_s(std::abs(v), v_read, pulse_timing_));
        }
    }
    return trains;
}

void ReloadedLayerRead::load_all(const Eigen::MatrixXd* pulse_volts) {
    loaded_ = false;
    // Each block on its own thread: it writes its netlist (about 0.07 s at 55 000 devices) and its
    // worker parses it (about 0.25 s), both blocks at once.
    for_each_block(blocks_.size(), [&](std::size_t b) {
        Block& block = *blocks_[b];
        const auto new_netlist = [&] {
            circuits::Netlist netlist("cimkit " + block.origin + ", face " + block.face->name() + " (states as fixed elements)");
            block.face->add_shared(netlist);
            return netlist;
        };
        const auto add_tile = [&](circuits::Netlist& netlist, const Tile& t) {
            const auto state = [&](int row, int column) -> const DeviceState& {
                const std::size_t k = static_cast<std::size_t>(t.output0 + column / 2) +
                                      static_cast<std::size_t>(devices_.rows()) * static_cast<std::size_t>(t.row0 + row);
                return devices_.states(column % 2 == 0 ? PairSide::plus : PairSide::minus)[k];
            };
            if (block.differential) {
                const DeviceModel& model = devices_.model();
                circuits::add_differential_equivalent_tile(
                    netlist, t.prefix, t.rows, t.outputs, [&](int row, int b) { return model.conductance_S(state(row, 2 * b)); },
                    [&](int row, int b) { return model.conductance_S(state(row, 2 * b + 1)); });
            } else {
                circuits::add_read_tile(netlist, t.prefix, t.rows, 2 * t.outputs, *block.face, state, wires_, peripherals_,
                                        pulse_volts ? circuits::make_pulse_train_row_driver(pulse_trains(*pulse_volts, t.row0, t.rows)) : nullptr,
                                        pulse_timing_);
            }
            if (pulse_volts) return;  // the pulse-train driver saves its own currents and voltages
            for (int r = 0; r < t.rows; ++r) netlist.save("i(" + circuits::tile_row_source(t.prefix, r) + ")");  // read energy
        };
        if (block.tile_by_tile) {
            // Only written here: run_all loads each tile before its transient.
            block.tile_netlists.clear();
            for (const Tile& t : block.tiles) {
                circuits::Netlist netlist = new_netlist();
                add_tile(netlist, t);
                block.tile_netlists.push_back(circuits::to_spice(netlist));
            }
            return;
        }
        circuits::Netlist netlist = new_netlist();
        for (const Tile& t : block.tiles) add_tile(netlist, t);
        const std::string text = circuits::to_spice(netlist);
        const auto started = std::chrono::steady_clock::now();
        block.worker->load(text, "<" + block.origin + ">");
        last_parse_ns_ += nanoseconds_since(started);
    });
    loaded_plus_ = devices_.states(PairSide::plus);
    loaded_minus_ = devices_.states(PairSide::minus);
    loaded_ = true;
    ++loads_;
}

ReloadedLayerRead::Batch ReloadedLayerRead::run_all(const Eigen::MatrixXd& volts) {
    const Eigen::Index samples = volts.cols();
    Batch out{Eigen::MatrixXd::Zero(devices_.rows(), samples), Eigen::VectorXd::Zero(samples)};
    last_time_points_ = 0;
    std::vector<Eigen::VectorXd> block_power(blocks_.size(), Eigen::VectorXd::Zero(samples));
    // One batched transient of `tiles` (loaded in block b's worker) with their outputs `vectors` (every
    // tile's column currents, then every tile's row source currents), added to out and block_power[b].
    const auto run = [&](std::size_t b, const Tile* tiles, std::size_t count, const std::vector<std::string>& vectors) {
        Block& block = *blocks_[b];
        for (const Tile* t = tiles; t != tiles + count; ++t) {
            for (int r = 0; r < t->rows; ++r) {
                const Eigen::VectorXd line = volts.row(t->row0 + r).transpose();
                block.worker->set_external_table(circuits::tile_row_source(t->prefix, r), std::vector<double>(line.data(), line.data() + line.size()),
                                                 1.0);
            }
        }
        const auto started = std::chrono::steady_clock::now();
        const auto points = block.worker->run_and_read(circuits::batched_transient(samples), circuits::batched_vectors(vectors));
        last_transient_ns_ += nanoseconds_since(started);
        last_time_points_ += static_cast<long>(points.front().size());
        const Eigen::MatrixXd values = circuits::samples_from_time_points(points, samples);
        // Blocks own disjoint outputs, so their threads write disjoint rows of net_current_A.
        Eigen::Index v = 0;
        for (const Tile* t = tiles; t != tiles + count; ++t) {
            for (int o = 0; o < t->outputs; ++o) {
                if (block.differential) {
                    out.net_current_A.row(t->output0 + o) += values.col(v).transpose();
                    v += 1;
                    continue;
                }
                // The read-out turns its output back into the line current and says what its own
                // sources delivered (a TIA's amplifier; nothing for the virtual ground).
                for (Eigen::Index k = 0; k < samples; ++k) {
                    const double plus = values(k, v), minus = values(k, v + 1);
                    out.net_current_A(t->output0 + o, k) += readout_->column_current_A(plus) - readout_->column_current_A(minus);
                    block_power[b](k) += readout_->delivered_power_W(plus) + readout_->delivered_power_W(minus);
                }
                v += 2;
            }
        }
        // ngspice's branch current flows from + through the source to -: a driver delivers -V I.
        for (const Tile* t = tiles; t != tiles + count; ++t) {
            for (int r = 0; r < t->rows; ++r, ++v) {
                block_power[b] -= volts.row(t->row0 + r).transpose().cwiseProduct(values.col(v));
            }
        }
    };
    for_each_block(blocks_.size(), [&](std::size_t b) {
        Block& block = *blocks_[b];
        if (!block.tile_by_tile) {
            run(b, block.tiles.data(), block.tiles.size(), block.outputs);
            return;
        }
        for (std::size_t i = 0; i < block.tiles.size(); ++i) {
            const Tile& t = block.tiles[i];
            const auto started = std::chrono::steady_clock::now();
            block.worker->load(block.tile_netlists[i], "<" + block.origin + ", tile " + t.prefix + ">");
            last_parse_ns_ += nanoseconds_since(started);
            run(b, &t, 1, block.tile_outputs[i]);
        }
    });
    for (const auto& p : block_power) out.power_W += p;
    return out;
}

ReloadedLayerRead::Batch ReloadedLayerRead::run_pulse_widths(const Eigen::MatrixXd& volts) {
    const Eigen::Index samples = volts.cols();
    const double period_s = pulse_period_s_, read_at_s = pulse_timing_.read_s + 5.5 * pulse_timing_.edge_s;
    Batch out{Eigen::MatrixXd::Zero(devices_.rows(), samples), Eigen::VectorXd::Zero(samples)};
    std::vector<Eigen::VectorXd> block_energy_J(blocks_.size(), Eigen::VectorXd::Zero(samples));
    // Steps of at most e/8 between the breakpoints that the pulses' and the resets' corners set. ngspice
    // takes a backward-Euler step after every corner; with e/2 that left the charges 1.5e-4 of the full
    // scale off Ohm's law, with e/8 5e-5 (PulseWidthBatchIntegratesTheChargeOfOhmsLaw).
    const std::string command = "tran " + circuits::spice_number(pulse_timing_.edge_s / 8.0) + " " +
                                circuits::spice_number(period_s * static_cast<double>(samples));
    for_each_block(blocks_.size(), [&](std::size_t b) {
        Block& block = *blocks_[b];
        const auto values = block.worker->run_and_read(command, circuits::batched_vectors(block.outputs));
        const std::vector<double>& t = values.front();
        // The integrators' outputs at sample k's read time; they hold still from the last pulse's end
        // to the next reset, so linear interpolation between time points is exact there.
        for (Eigen::Index k = 0; k < samples; ++k) {
            const double at_s = static_cast<double>(k) * period_s + read_at_s;
            std::size_t v = 1;
            for (const Tile& tile : block.tiles) {
                for (int o = 0; o < tile.outputs; ++o, v += 2) {
                    const double plus = circuits::sample(t, values[v], at_s), minus = circuits::sample(t, values[v + 1], at_s);
                    out.net_current_A(tile.output0 + o, k) += readout_->column_current_A(plus) - readout_->column_current_A(minus);
                    block_energy_J[b](k) += readout_->delivered_energy_J({}, {plus}) + readout_->delivered_energy_J({}, {minus});
                }
            }
        }
        // The drivers' energy, -V I (ngspice's branch current flows into the source's + terminal), over
        // each step; a step belongs to the window it starts in (a reset's breakpoint is a time point at
        // every window's start).
        const std::size_t sources = block.sources.size(), first_current = values.size() - 2 * sources;
        for (std::size_t r = 0; r < sources; ++r) {
            const std::vector<double>& i_A = values[first_current + r];
            const std::vector<double>& v_V = values[first_current + sources + r];
            for (std::size_t p = 1; p < t.size(); ++p) {
                const auto k = std::min<Eigen::Index>(static_cast<Eigen::Index>(t[p - 1] / period_s), samples - 1);
                // Exact for V and I linear over the step (PWL drives, ohmic devices), where the
                // trapezoid of V I would count each edge's V^2 t^2 ramp about a tenth too high.
                block_energy_J[b](k) -= (2.0 * v_V[p - 1] * i_A[p - 1] + v_V[p - 1] * i_A[p] + v_V[p] * i_A[p - 1] + 2.0 * v_V[p] * i_A[p]) *
                                        (t[p] - t[p - 1]) / 6.0;
            }
        }
    });
    for (const auto& e : block_energy_J) out.power_W += e / pulse_timing_.read_s;
    return out;
}

ReloadedLayerRead::Batch ReloadedLayerRead::read(const Eigen::MatrixXd& volts) {
    last_parse_ns_ = 0;
    last_transient_ns_ = 0;
    if (volts.rows() != devices_.cols() || volts.cols() < 1) {
        throw UsageError(name_ + ": a batch read takes " + std::to_string(devices_.cols()) + " x B input voltages (B >= 1), not " +
                         std::to_string(volts.rows()) + " x " + std::to_string(volts.cols()));
    }
    for (int attempt = 1;; ++attempt) {
        try {
            if (pulse_width_) {
                load_all(&volts);  // the pulses are part of the netlist
                return run_pulse_widths(volts);
            }
            if (states_changed()) load_all(nullptr);
            return run_all(volts);
        } catch (const spice::WorkerCrashed&) {
            loaded_ = false;  // the fresh children hold no circuit
            if (attempt == 2) throw;
        }
    }
}

}  // namespace cimkit::training
