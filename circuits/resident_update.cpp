#include "circuits/resident_update.hpp"

#include <algorithm>
#include <cstddef>
#include <sstream>

#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

// The leak's time constant in units of the longest update window (see the header).
constexpr double leak_time_constants = 1e6;

Netlist resident_netlist(int rows, int columns, const UpdateEncoding& encoding, const std::filesystem::path& netlist_dir) {
    Netlist netlist("cimkit resident update circuit " + std::to_string(rows) + "x" + std::to_string(columns));
    netlist.include(update_library(netlist_dir));
    const double longest_window_s = update_window_s({1.0}, encoding);
    const double leak_ohm = leak_time_constants * longest_window_s / encoding.storage_F;
    const auto r_count = static_cast<std::size_t>(rows), c_count = static_cast<std::size_t>(columns);
    for (std::size_t i = 0; i < r_count; ++i) {
        const std::string row = update_row_source(i).substr(1);  // the writer adds the "v"
        netlist.add(Source{Source::Kind::voltage, row, row, "0", External{}});
    }
    for (std::size_t j = 0; j < c_count; ++j) {
        const std::string column = update_column_source(j).substr(1);
        netlist.add(Source{Source::Kind::voltage, column, column, "0", External{}});
    }
    for (std::size_t i = 0; i < r_count; ++i) {
        for (std::size_t j = 0; j < c_count; ++j) {
            const std::string storage = update_storage_node(i, j);
            netlist.add(update_cell(i, j, storage, encoding));
            netlist.add(Capacitor{storage, storage, "0", encoding.storage_F});
            netlist.add(Resistor{"leak_" + storage, storage, "0", leak_ohm});
            netlist.save("v(" + storage + ")");
        }
    }
    return netlist;
}

}  // namespace

ResidentUpdateCircuit::ResidentUpdateCircuit(int rows, int columns, const UpdateEncoding& encoding,
                                             const std::filesystem::path& netlist_dir)
    : rows_(rows), columns_(columns), encoding_(encoding) {
    validate_encoding(encoding_);
    if (rows < 1 || columns < 1 || static_cast<double>(rows) * columns > 1e6) {
        throw ParameterError("resident update circuit: " + std::to_string(rows) + " x " + std::to_string(columns) +
                             " cells; expected 1 to 10^6");
    }
    const Netlist netlist = resident_netlist(rows, columns, encoding_, netlist_dir);
    worker_.load(to_spice(netlist), "<" + netlist.title() + ">");
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < columns; ++j) {
            storage_vectors_.push_back(update_storage_node(static_cast<std::size_t>(i), static_cast<std::size_t>(j)));
        }
    }
}

void ResidentUpdateCircuit::start(const std::vector<double>& x, const std::vector<double>& delta) {
    if (running_) throw UsageError("resident update circuit: an update is still running");
    check_update_signals(x, delta);
    if (x.size() != static_cast<std::size_t>(rows_) || delta.size() != static_cast<std::size_t>(columns_)) {
        throw ParameterError("resident update circuit: got " + std::to_string(x.size()) + " x " +
                             std::to_string(delta.size()) + " signals for " + std::to_string(rows_) + " x " +
                             std::to_string(columns_) + " cells");
    }
    std::vector<double> breakpoints_s;
    for (std::size_t i = 0; i < x.size(); ++i) {
        std::vector<double> times_s{0.0}, values_V{0.0};  // x = 0: the row stays at 0 V
        const auto corners = row_pulse_corners(x[i], encoding_);
        if (!corners.empty()) {
            times_s.clear();
            values_V.clear();
            for (const auto& [t, v] : corners) {
                times_s.push_back(t);
                values_V.push_back(v);
            }
        }
        worker_.set_external_waveform(update_row_source(i), std::move(times_s), std::move(values_V));
        const auto crossings = row_switching_times_s(x[i], encoding_);
        breakpoints_s.insert(breakpoints_s.end(), crossings.begin(), crossings.end());
    }
    for (std::size_t j = 0; j < delta.size(); ++j) {
        worker_.set_external_table(update_column_source(j), {delta[j] * encoding_.max_column_V}, 1.0);
    }
    std::sort(breakpoints_s.begin(), breakpoints_s.end());
    breakpoints_s.erase(std::remove_if(breakpoints_s.begin(), breakpoints_s.end(), [](double t) { return !(t > 0.0); }),
                        breakpoints_s.end());
    // Steps of one edge between the switching windows, as the PWL netlist takes (build_update_circuit).
    const double step_s = encoding_.row_edge_s;
    std::ostringstream tran;
    tran.precision(17);
    tran << "tran " << step_s << " " << update_window_s(x, encoding_) << " 0 " << step_s;
    worker_.start_run_and_read(tran.str(), storage_vectors_, breakpoints_s);
    x_ = x;
    running_ = true;
}

void ResidentUpdateCircuit::start_slots(const SlotTrains& trains) {
    if (running_) throw UsageError("resident update circuit: an update is still running");
    check_slot_trains(trains, rows_, columns_);
    std::vector<double> breakpoints_s;
    for (int i = 0; i < rows_; ++i) {
        Waveform w = slot_row_waveform(trains, i, encoding_, breakpoints_s);
        worker_.set_external_waveform(update_row_source(static_cast<std::size_t>(i)), std::move(w.times_s), std::move(w.values_V));
    }
    for (int j = 0; j < columns_; ++j) {
        Waveform w = slot_column_waveform(trains, j, encoding_);
        worker_.set_external_waveform(update_column_source(static_cast<std::size_t>(j)), std::move(w.times_s), std::move(w.values_V));
    }
    std::sort(breakpoints_s.begin(), breakpoints_s.end());
    const double step_s = pulse_edge_s(encoding_.slot_pulse_s, encoding_);
    std::ostringstream tran;
    tran.precision(17);
    tran << "tran " << step_s << " " << slot_window_s(trains.slots, encoding_) << " 0 " << step_s;
    worker_.start_run_and_read(tran.str(), storage_vectors_, breakpoints_s);
    x_.clear();
    trains_ = trains;
    running_ = true;
}

UpdateResult ResidentUpdateCircuit::finish() {
    if (!running_) throw UsageError("resident update circuit: no update was started");
    running_ = false;
    const std::vector<std::vector<double>> storage_V = worker_.finish_run_and_read();
    UpdateResult result = empty_update_result(x_, columns_, encoding_);
    if (x_.empty()) {  // slot trains
        result.rows = rows_;
        result.latency_s = slot_window_s(trains_.slots, encoding_);
        result.row_pulse_s.assign(static_cast<std::size_t>(rows_), 0.0);
        for (int t = 0; t < trains_.slots; ++t) {
            for (int i = 0; i < rows_; ++i) {
                if (trains_.row_fires[static_cast<std::size_t>(t) * static_cast<std::size_t>(rows_) + static_cast<std::size_t>(i)]) {
                    result.row_pulse_s[static_cast<std::size_t>(i)] += encoding_.slot_pulse_s;
                }
            }
        }
    }
    for (const auto& v : storage_V) {
        const double start_V = v.front(), end_V = v.back();
        result.delta_storage_V.push_back(end_V - start_V);
        result.cell_energy_J.push_back(0.5 * encoding_.storage_F * (end_V * end_V - start_V * start_V));
        result.energy_J += result.cell_energy_J.back();
    }
    return result;
}

}  // namespace cimkit::circuits
