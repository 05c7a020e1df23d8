#include "circuits/slot_trains.hpp"

#include <cmath>
#include <cstddef>
#include <string>

#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

std::size_t at(int slot, int line, int lines) { return static_cast<std::size_t>(slot) * static_cast<std::size_t>(lines) + static_cast<std::size_t>(line); }

void check_signs(const std::vector<double>& signs, const char* what) {
    for (std::size_t k = 0; k < signs.size(); ++k) {
        if (signs[k] != 1.0 && signs[k] != -1.0) {
            throw ParameterError(std::string("slot trains: ") + what + "[" + std::to_string(k) + "] = " + std::to_string(signs[k]) +
                                 ", expected +1 or -1");
        }
    }
}

}  // namespace

void check_slot_trains(const SlotTrains& t, int rows, int columns) {
    const auto r = static_cast<std::size_t>(rows), c = static_cast<std::size_t>(columns), n = static_cast<std::size_t>(t.slots);
    if (t.slots < 1 || t.row_sign.size() != r || t.column_sign.size() != c || t.row_fires.size() != n * r || t.column_fires.size() != n * c) {
        throw ParameterError("slot trains: " + std::to_string(t.slots) + " slots, " + std::to_string(t.row_sign.size()) + " row and " +
                             std::to_string(t.column_sign.size()) + " column signs, " + std::to_string(t.row_fires.size()) + " row and " +
                             std::to_string(t.column_fires.size()) + " column bits; expected >= 1 slots for " + std::to_string(rows) +
                             " rows x " + std::to_string(columns) + " columns");
    }
    check_signs(t.row_sign, "row_sign");
    check_signs(t.column_sign, "column_sign");
}

double slot_period_s(const UpdateEncoding& e) { return e.slot_pulse_s + 3.0 * pulse_edge_s(e.slot_pulse_s, e); }

double slot_update_V(const UpdateEncoding& e) { return e.cell_gain_A_per_V * e.max_column_V * e.slot_pulse_s / e.storage_F; }

double slot_window_s(int slots, const UpdateEncoding& e) { return slots * slot_period_s(e); }

Waveform slot_row_waveform(const SlotTrains& t, int row, const UpdateEncoding& e, std::vector<double>& breakpoints_s) {
    const int rows = static_cast<int>(t.row_sign.size());
    const double edge_s = pulse_edge_s(e.slot_pulse_s, e), period_s = slot_period_s(e);
    const double sign = t.row_sign[static_cast<std::size_t>(row)];
    Waveform w{{0.0}, {0.0}};
    for (int slot = 0; slot < t.slots; ++slot) {
        if (!t.row_fires[at(slot, row, rows)]) continue;
        const double start_s = slot * period_s + edge_s;
        for (const auto& [time_s, volts] : pulse_corners(e.slot_pulse_s, sign, e)) {
            w.times_s.push_back(start_s + time_s);
            w.values_V.push_back(volts);
        }
        for (const double crossing_s : pulse_switching_times_s(e.slot_pulse_s, e)) breakpoints_s.push_back(start_s + crossing_s);
    }
    return w;
}

Waveform slot_column_waveform(const SlotTrains& t, int column, const UpdateEncoding& e) {
    const int columns = static_cast<int>(t.column_sign.size());
    const double edge_s = pulse_edge_s(e.slot_pulse_s, e), period_s = slot_period_s(e);
    const double level_V = t.column_sign[static_cast<std::size_t>(column)] * e.max_column_V;
    Waveform w{{0.0}, {0.0}};
    double held_V = 0.0;
    for (int slot = 0; slot < t.slots; ++slot) {
        const double target_V = t.column_fires[at(slot, column, columns)] ? level_V : 0.0;
        if (target_V == held_V) continue;
        const double start_s = slot * period_s;
        if (start_s > w.times_s.back()) {
            w.times_s.push_back(start_s);
            w.values_V.push_back(held_V);
        }
        w.times_s.push_back(start_s + edge_s);
        w.values_V.push_back(target_V);
        held_V = target_V;
    }
    return w;
}

std::vector<int> slot_counts(const UpdateResult& result, const SlotTrains& t, const UpdateEncoding& e) {
    const double dv_slot_V = slot_update_V(e);
    std::vector<int> counts;
    counts.reserve(result.delta_storage_V.size());
    for (std::size_t cell = 0; cell < result.delta_storage_V.size(); ++cell) {
        const std::size_t row = cell / static_cast<std::size_t>(result.columns), column = cell % static_cast<std::size_t>(result.columns);
        const double dv_V = result.delta_storage_V[cell];
        const double slots = std::abs(dv_V) / dv_slot_V, whole = std::round(slots);
        const std::string name = "update circuit: cell (" + std::to_string(row) + ", " + std::to_string(column) + ")";
        if (std::abs(slots - whole) > slot_count_tolerance) {
            throw Error(name + " integrated " + std::to_string(slots) + " slots of " + std::to_string(dv_slot_V) +
                        " V each, not a whole number (tolerance " + std::to_string(slot_count_tolerance) +
                        "): a coincidence was not integrated over its whole pulse");
        }
        const double expected_sign = -t.row_sign[row] * t.column_sign[column];
        if (whole > 0.0 && (dv_V > 0.0 ? 1.0 : -1.0) != expected_sign) {
            throw Error(name + " moved by " + std::to_string(dv_V) + " V, against the polarity -sign(row) sign(column) of its coincidences");
        }
        counts.push_back(static_cast<int>(whole));
    }
    return counts;
}

}  // namespace cimkit::circuits
