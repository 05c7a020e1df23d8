#include "bench/harness.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>

namespace cimkit::bench {

double median(std::vector<double> values) {
    if (values.empty()) return std::nan("");
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double median_seconds(const BenchOptions& options, const std::function<void()>& work) {
    const int repeats = std::max(1, options.repeats), runs = options.warmup + repeats;
    for (int i = 0; i < options.warmup; ++i) {
        if (options.on_run) options.on_run(i, runs);
        work();
    }
    std::vector<double> seconds;
    for (int i = 0; i < repeats; ++i) {
        if (options.on_run) options.on_run(options.warmup + i, runs);
        const auto start = std::chrono::steady_clock::now();
        work();
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return median(seconds);
}

double resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    double pages_total = 0.0, pages_resident = 0.0;
    statm >> pages_total >> pages_resident;
    return pages_resident * static_cast<double>(sysconf(_SC_PAGESIZE));
}

namespace {

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) {
            out += fmt::format("\\u{:04x}", static_cast<int>(c));
            continue;
        }
        out += c;
    }
    return out + "\"";
}

std::string json_number(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : "null"; }

}  // namespace

std::string to_json(const CaseReport& report) {
    std::string out = "{\"case\": " + json_string(report.name) + ", \"figures\": [";
    for (std::size_t i = 0; i < report.figures.size(); ++i) {
        const Figure& f = report.figures[i];
        out += (i ? ", " : "") + fmt::format("{{\"name\": {}, \"value\": {}, \"unit\": {}, \"note\": {}}}", json_string(f.name),
                                             json_number(f.value), json_string(f.unit), json_string(f.note));
    }
    out += "], \"notes\": [";
    for (std::size_t i = 0; i < report.notes.size(); ++i) out += (i ? ", " : "") + json_string(report.notes[i]);
    return out + "]}";
}

std::string to_text(const CaseReport& report) {
    std::string out = report.name + "\n";
    for (const Figure& f : report.figures) out += fmt::format("  {:<44} {:>12.4g} {:<10} {}\n", f.name, f.value, f.unit, f.note);
    for (const auto& n : report.notes) out += "  note: " + n + "\n";
    return out;
}

}  // namespace cimkit::bench
