#pragma once
// The benchmark harness behind `cimkit bench CASE [--json]` (performance issue): every case runs its
// workload after a warm-up, several times, and reports medians as figures; bench/run_all collects the
// JSON of every case into docs/performance.md. Timings are wall-clock on whatever else the machine is
// doing, which is why run_all measures each figure beside its baseline in the same run.
#include <functional>
#include <string>
#include <vector>

namespace cimkit::bench {

struct BenchOptions {
    int warmup = 1;          // unmeasured runs before the measured ones
    int repeats = 5;         // measured runs; the median is reported
    bool quick = false;      // smaller workloads, for a smoke test of the harness itself
    // Called before each run of median_seconds (warm-up runs included): run, of runs (progress).
    std::function<void(int run, int runs)> on_run;
};

struct Figure {
    std::string name;   // "784x10 resistive"
    double value = 0.0;
    std::string unit;   // "samples/s", "s", "MB", "x"
    std::string note;   // how it was measured, in a few words
};

struct CaseReport {
    std::string name;
    std::vector<Figure> figures;
    std::vector<std::string> notes;  // transformations used, caveats
};

// Seconds per call of `work`: `options.warmup` unmeasured calls, then the median of `options.repeats`.
double median_seconds(const BenchOptions& options, const std::function<void()>& work);
double median(std::vector<double> values);

// The process's resident set size now, in bytes (/proc/self/statm).
double resident_bytes();

std::string to_json(const CaseReport& report);
std::string to_text(const CaseReport& report);

using CaseFunction = std::function<CaseReport(const BenchOptions&)>;
struct CaseEntry {
    std::string name;
    std::string summary;
    CaseFunction run;
};
// Every case, in the order run_all runs them.
const std::vector<CaseEntry>& cases();

}  // namespace cimkit::bench
