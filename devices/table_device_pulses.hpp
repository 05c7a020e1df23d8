#pragma once
// Pulse data for `cimkit device fit` (docs/own-devices.md#the-pulse-csv): a CSV with a header line
// naming its columns, in any order,
//   device_id, cycle, pulse, direction, conductance_S [, time_s]
// and one row per read of a device: the conductance after pulse number `pulse` of a cycle.
//   device_id      text (letters, digits, '_', '-', '.'; up to 64 characters)
//   cycle, pulse   whole numbers >= 0; pulse 0 is the read before the cycle's first pulse
//   direction      +1, 1 or potentiate; -1 or depress; 0 or read: a read with no pulse (retention),
//                  after the pulse of the same number
//   conductance_S  in siemens, in [-1, 1] (a file in uS is refused, not rescaled); a read below 0 S
//                  is read noise about an off device, kept as read
//   time_s         optional: when the read was taken, >= 0 (drift is fitted from the reads)
// Other tools' files are read as they come: a UTF-8 byte-order mark, CRLF line ends, quoted fields
// ("a","b"), header names in any case; direction also as up/down, set/reset, potentiation/
// depression, or a number equal to +1, -1, 0 ("1.0"); other columns are ignored and listed in
// `ignored_columns`. Refused with the file and line: columns separated by ';' or tabs, a header
// column naming the conductance in another unit (conductance_uS, G_mS, ...), a column twice, a read
// above 1 S, and a file whose every read is above 1e-2 S ("S expected").
// Blank lines and lines starting with '#' are skipped. The file may come from anyone: its size,
// line length and row count are bounded, and every bad row is an IoError "FILE:LINE: what was
// expected" (exit 2).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "devices/device_model.hpp"

namespace cimkit {

struct PulseRow {
    std::string device_id;
    long cycle = 0;
    long pulse = 0;
    int direction = 0;  // +1, -1, or 0 for a read with no pulse
    double conductance_S = 0.0;
    double time_s = 0.0;  // 0 when the file has no time_s column
    int line = 0;         // 1-based line in the file
};

struct PulseData {
    std::string origin;  // the file name, for messages
    bool has_time = false;
    std::vector<PulseRow> rows;
    std::vector<std::string> ignored_columns = {};  // header columns that are none of the above
};

struct PulseLimits {
    std::size_t max_bytes = std::size_t(256) << 20;
    std::size_t max_rows = 5000000;
    std::size_t max_line_chars = 4096;
};

PulseData read_pulse_csv(const std::filesystem::path& path, const PulseLimits& limits = {});
// The same from text; `origin` stands in for the file name.
PulseData read_pulse_csv_text(const std::string& text, const std::string& origin, const PulseLimits& limits = {});

// Pulse trains of a device model, as a measurement would take them: per device and cycle a read at
// pulse 0, `up` potentiating then `down` depressing nominal pulses, each followed by a read. Each
// device has its own stream of the seeded generator (Rng::stream(device)), drawn in a fixed order.
struct PulseTrainPlan {
    int devices = 40, cycles = 3, up = 100, down = 100;
    bool read_noise = true;  // reads through read_conductance_S (the model's read noise, where it has one)
};
PulseData pulse_trains(const DeviceModel& model, const PulseTrainPlan& plan, std::uint64_t seed);
// The CSV read_pulse_csv reads, conductances to 17 significant digits (read back bit for bit).
std::string pulse_csv(const PulseData& data);

}  // namespace cimkit
