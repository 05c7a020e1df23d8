#include "devices/table_device_pulses.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "devices/core/errors.hpp"
#include "devices/core/input_file.hpp"
#include "devices/core/text.hpp"

namespace cimkit {
namespace {

constexpr std::size_t max_id_chars = 64;
constexpr long max_count = 1000000000;
constexpr double max_smallest_conductance_S = 1e-2;

std::string number_text(double value) {
    char out[32];
    std::snprintf(out, sizeof out, "%.4g", value);
    return out;
}

enum Column { device_id, cycle, pulse, direction, conductance, time, columns };
const char* const column_names[columns] = {"device_id", "cycle", "pulse", "direction", "conductance_S", "time_s"};

[[noreturn]] void bad_line(const std::string& origin, int line, const std::string& what) {
    throw IoError(origin + ":" + std::to_string(line), what);
}

// A whole number; also as a spreadsheet or a data frame with a missing value writes it ("3.0").
long parse_count(const std::string& field, const char* name, const std::string& origin, int line) {
    char* end = nullptr;
    errno = 0;
    long value = std::strtol(field.c_str(), &end, 10);
    if (!field.empty() && end != field.c_str() + field.size() && errno != ERANGE) {
        const double number = std::strtod(field.c_str(), &end);
        const bool whole = end == field.c_str() + field.size() && std::isfinite(number) && number == std::floor(number) &&
                           number >= 0.0 && number <= static_cast<double>(max_count);
        value = whole ? static_cast<long>(number) : -1;
    }
    if (field.empty() || end != field.c_str() + field.size() || errno == ERANGE || value < 0 || value > max_count) {
        bad_line(origin, line, std::string(name) + " '" + field + "': expected a whole number in [0, 1e9]");
    }
    return value;
}

double parse_number(const std::string& field, const char* name, const std::string& origin, int line) {
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(field.c_str(), &end);
    if (field.empty() || end != field.c_str() + field.size() || errno == ERANGE || !std::isfinite(value)) {
        bad_line(origin, line, std::string(name) + " '" + field + "': expected a finite number");
    }
    return value;
}

// The words other tools write for a pulse's direction, besides the numbers +1, -1 and 0.
int parse_direction(const std::string& field, const std::string& origin, int line) {
    const std::string word = text::to_lower(field);
    for (const char* w : {"potentiate", "potentiation", "up", "set"}) {
        if (word == w) return +1;
    }
    for (const char* w : {"depress", "depression", "down", "reset"}) {
        if (word == w) return -1;
    }
    if (word == "read") return 0;
    // A number, as a spreadsheet may write it ("1.0", "-1.00"): exactly +1, -1 or 0.
    char* end = nullptr;
    const double value = std::strtod(field.c_str(), &end);
    if (!field.empty() && end == field.c_str() + field.size()) {
        if (value == 1.0) return +1;
        if (value == -1.0) return -1;
        if (value == 0.0) return 0;
    }
    bad_line(origin, line, "direction '" + field.substr(0, 64) +
                               "': expected +1, potentiate, up or set; -1, depress, down or reset; 0 or read (a read with no pulse)");
}

std::string parse_id(const std::string& field, const std::string& origin, int line) {
    bool ok = !field.empty() && field.size() <= max_id_chars;
    for (char c : field) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
    if (!ok) {
        bad_line(origin, line, "device_id '" + field.substr(0, max_id_chars) +
                                   "': expected 1 to 64 letters, digits, '_', '-' or '.'");
    }
    return field;
}

// One line's comma-separated fields, trimmed; a field may be quoted ("a,b", "say ""x"""), as
// spreadsheets write them. A line holds one row: a quote left open is refused.
std::vector<std::string> csv_fields(const std::string& line, const std::string& origin, int line_no) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false, was_quoted = false;
    for (std::size_t k = 0; k < line.size(); ++k) {
        const char c = line[k];
        if (quoted) {
            if (c != '"') {
                field += c;
            } else if (k + 1 < line.size() && line[k + 1] == '"') {
                field += '"';
                ++k;
            } else {
                quoted = false;
            }
        } else if (c == '"' && text::trim(field).empty() && !was_quoted) {
            field.clear();
            quoted = was_quoted = true;
        } else if (c == ',') {
            fields.push_back(was_quoted ? field : text::trim(field));
            field.clear();
            was_quoted = false;
        } else if (was_quoted) {
            if (!std::isspace(static_cast<unsigned char>(c))) {
                bad_line(origin, line_no, "text after the closing quote of field " + std::to_string(fields.size() + 1) + "; expected a comma");
            }
        } else {
            field += c;
        }
    }
    if (quoted) bad_line(origin, line_no, "a quote opened in field " + std::to_string(fields.size() + 1) + " is not closed on this line; expected one row a line");
    fields.push_back(was_quoted ? field : text::trim(field));
    return fields;
}

// A header column that names the conductance in another unit (conductance_uS, G_mS, ...): refused,
// not ignored as an unknown column, so the message says what is wrong.
bool conductance_in_other_unit(const std::string& lower) {
    if (lower == "conductance_s") return false;
    return text::starts_with(lower, "conductance") || lower == "g" || text::starts_with(lower, "g_") || text::starts_with(lower, "g(") ||
           text::starts_with(lower, "g [") || text::starts_with(lower, "g[");
}

}  // namespace

PulseData read_pulse_csv_text(const std::string& content, const std::string& origin, const PulseLimits& limits) {
    if (content.size() > limits.max_bytes) throw IoError(origin, "larger than " + std::to_string(limits.max_bytes) + " bytes; expected a pulse CSV");
    if (content.compare(0, 2, "\xFF\xFE") == 0 || content.compare(0, 2, "\xFE\xFF") == 0) {
        throw IoError(origin, "UTF-16 text (a spreadsheet's 'Unicode text'); expected a pulse CSV in UTF-8 or ASCII");
    }
    if (content.find('\0') != std::string::npos) throw IoError(origin, "contains NUL bytes; expected a pulse CSV text file");
    PulseData data{origin, false, {}};
    int at[columns];
    bool header_seen = false;
    std::size_t fields_per_row = 0;
    int line_no = 0;
    // A UTF-8 byte-order mark, as spreadsheets put at the start of a CSV they save.
    const std::size_t start = content.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    int first_row_line = 0;
    double smallest_S = INFINITY;
    for (const std::string& raw : text::lines(std::string_view(content).substr(start))) {
        ++line_no;
        if (raw.size() > limits.max_line_chars) {
            bad_line(origin, line_no, "line of " + std::to_string(raw.size()) + " characters; expected at most " + std::to_string(limits.max_line_chars));
        }
        const std::string line = text::trim(raw);
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> fields = csv_fields(line, origin, line_no);
        // A row of empty fields (",,,,": a spreadsheet's blank row) is a blank line.
        if (std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return f.empty(); })) continue;
        if (!header_seen) {
            header_seen = true;
            if (fields.size() == 1 && (line.find(';') != std::string::npos || line.find('\t') != std::string::npos)) {
                bad_line(origin, line_no, std::string("header columns separated by ") + (line.find(';') != std::string::npos ? "';'" : "tabs") +
                                              "; expected commas (device_id,cycle,pulse,direction,conductance_S)");
            }
            fields_per_row = fields.size();
            for (int& a : at) a = -1;
            for (std::size_t k = 0; k < fields.size(); ++k) {
                const std::string lower = text::to_lower(fields[k]);
                int found = -1;
                for (int c = 0; c < columns; ++c) {
                    if (lower == text::to_lower(column_names[c])) found = c;
                }
                if (found < 0 && conductance_in_other_unit(lower)) {
                    bad_line(origin, line_no, "header column '" + fields[k].substr(0, 64) + "': the conductance in S expected, as a column named "
                                              "conductance_S (a file in uS or mS must be converted to S)");
                }
                if (found >= 0 && at[found] >= 0) {
                    bad_line(origin, line_no, "header column '" + fields[k].substr(0, 64) + "' appears twice; expected each of device_id, cycle, "
                                              "pulse, direction, conductance_S once, and optionally time_s");
                }
                // Any other column is another tool's (a temperature, a comment): read past and named in the printout.
                if (found < 0) {
                    data.ignored_columns.push_back(fields[k].empty() ? "(unnamed column " + std::to_string(k + 1) + ")" : fields[k].substr(0, 64));
                    continue;
                }
                at[found] = static_cast<int>(k);
            }
            for (int c = 0; c < time; ++c) {
                if (at[c] < 0) {
                    bad_line(origin, line_no, std::string("header has no column '") + column_names[c] +
                                                  "'; expected device_id, cycle, pulse, direction, conductance_S [, time_s] in any order" +
                                                  (data.ignored_columns.empty() ? "" : " (the header's other columns: " + text::join(data.ignored_columns, ", ") + ")"));
                }
            }
            data.has_time = at[time] >= 0;
            continue;
        }
        if (fields.size() != fields_per_row) {
            bad_line(origin, line_no, "expected " + std::to_string(fields_per_row) + " fields as in the header, found " + std::to_string(fields.size()));
        }
        if (data.rows.size() >= limits.max_rows) bad_line(origin, line_no, "more than " + std::to_string(limits.max_rows) + " rows");
        PulseRow row;
        row.line = line_no;
        row.device_id = parse_id(fields[static_cast<std::size_t>(at[device_id])], origin, line_no);
        row.cycle = parse_count(fields[static_cast<std::size_t>(at[cycle])], "cycle", origin, line_no);
        row.pulse = parse_count(fields[static_cast<std::size_t>(at[pulse])], "pulse", origin, line_no);
        row.direction = parse_direction(fields[static_cast<std::size_t>(at[direction])], origin, line_no);
        row.conductance_S = parse_number(fields[static_cast<std::size_t>(at[conductance])], "conductance_S", origin, line_no);
        if (std::abs(row.conductance_S) > 1.0) {
            bad_line(origin, line_no, "conductance_S " + fields[static_cast<std::size_t>(at[conductance])] +
                                          ": expected siemens in [-1, 1]: S expected (a file in uS or mS must be converted to S)");
        }
        if (data.has_time) {
            row.time_s = parse_number(fields[static_cast<std::size_t>(at[time])], "time_s", origin, line_no);
            if (row.time_s < 0.0) bad_line(origin, line_no, "time_s " + fields[static_cast<std::size_t>(at[time])] + ": expected a time >= 0 s");
        }
        if (first_row_line == 0) first_row_line = line_no;
        smallest_S = std::min(smallest_S, std::abs(row.conductance_S));
        data.rows.push_back(std::move(row));
    }
    if (!header_seen) throw IoError(origin, "empty; expected a header 'device_id,cycle,pulse,direction,conductance_S[,time_s]' and rows");
    // Every read above 10 mS (below 100 ohm): a file in mS or uS that happens to stay under 1. A
    // synapse's window reaches down to well under that (the VTEAM example's is 1 mS to 20 mS).
    if (!data.rows.empty() && smallest_S > max_smallest_conductance_S) {
        bad_line(origin, first_row_line, "conductance_S: every read is above " + number_text(max_smallest_conductance_S) + " S (the smallest " +
                                              number_text(smallest_S) + "); S expected: a file in mS or uS must be converted to S");
    }
    return data;
}

PulseData pulse_trains(const DeviceModel& model, const PulseTrainPlan& plan, std::uint64_t seed) {
    PulseData data{"generated", false, {}};
    const Rng root(seed);
    int line = 1;  // the header
    for (int d = 0; d < plan.devices; ++d) {
        Rng rng = root.stream(static_cast<std::uint64_t>(d));
        DeviceState state = model.make_device(rng);
        const std::string id = "d" + std::to_string(d);
        const auto read = [&] { return plan.read_noise ? model.read_conductance_S(state, rng) : model.conductance_S(state); };
        for (int c = 0; c < plan.cycles; ++c) {
            data.rows.push_back({id, c, 0, 0, read(), 0.0, ++line});
            for (int k = 1; k <= plan.up + plan.down; ++k) {
                const int polarity = k <= plan.up ? +1 : -1;
                model.apply_pulse(state, model.nominal_pulse(polarity), rng);
                data.rows.push_back({id, c, k, polarity, read(), 0.0, ++line});
            }
        }
    }
    return data;
}

std::string pulse_csv(const PulseData& data) {
    std::string out = data.has_time ? "device_id,cycle,pulse,direction,conductance_S,time_s\n" : "device_id,cycle,pulse,direction,conductance_S\n";
    char number[64];
    for (const PulseRow& r : data.rows) {
        std::snprintf(number, sizeof number, "%.17g", r.conductance_S);
        out += r.device_id + "," + std::to_string(r.cycle) + "," + std::to_string(r.pulse) + "," + std::to_string(r.direction) + "," + number;
        if (data.has_time) {
            std::snprintf(number, sizeof number, "%.17g", r.time_s);
            out += std::string(",") + number;
        }
        out += "\n";
    }
    return out;
}

PulseData read_pulse_csv(const std::filesystem::path& path, const PulseLimits& limits) {
    require_regular_file(path, "pulse CSV file");
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || size > limits.max_bytes) throw IoError(path.string(), "larger than " + std::to_string(limits.max_bytes) + " bytes; expected a pulse CSV");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path.string(), "cannot open the pulse CSV file");
    std::ostringstream text;
    text << in.rdbuf();
    return read_pulse_csv_text(text.str(), path.string(), limits);
}

}  // namespace cimkit
