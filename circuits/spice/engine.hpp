#pragma once
// The embedded ngspice engine: one per process (libngspice keeps global state).
//
//   Engine engine;
//   engine.load(NetlistText::from_file("netlists/examples/rc_lowpass.cir"));
//   engine.run();                          // every analysis card of the netlist
//   for (const Plot& plot : engine.plots()) ...
//
// All ngspice output is captured (output()); nothing is printed to the terminal. Errors become
// SpiceError (carrying the netlist line ngspice complained about) or ConvergenceError; an op, tran or
// run that does not converge is first retried under a bounded policy (convergence_retry.hpp). When ngspice
// takes its fatal-error path (ControlledExit) the library is unloaded and loaded again, the call
// throws, and the engine is usable for the next load.
//
// A netlist whose .model cards name cimkit's OSDI device (cimkit_shared_g, circuits/spice/osdi_table.hpp)
// gets that library loaded first (ngspice's `osdi FILE`); no other library is ever loaded.
//
// Co-simulation: an `EXTERNAL` voltage or current source (`V1 in 0 external`) takes its value at
// every time point from a C++ function registered under the source's instance name.
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "circuits/spice/netlist_text.hpp"
#include "circuits/spice/plot.hpp"

namespace cimkit::spice {

using SourceFunction = std::function<double(double time_s)>;

class Engine {
public:
    // Throws cimkit::Error if another Engine is alive in this process or ngspice cannot be loaded.
    Engine();
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Parses a netlist, replacing the loaded one. Throws SpiceError (stage load) on a parse error.
    void load(const NetlistText& netlist);
    // Runs every analysis card (.op, .dc, .tran, .ac, ...) of the loaded netlist, then its .four cards
    // on each transient plot (their results are vectors of that plot: "fourier(v(out))", "thd(v(out))").
    void run();
    // Runs one analysis given as an ngspice analysis command: "op", "dc v1 0 1 0.1", "tran 1u 1m",
    // "ac dec 10 1 1meg". Anything else is a UsageError.
    void run_analysis(std::string_view analysis);
    // Runs one analysis ("op", "dc ..." or "tran ...": their plots are real; validated like
    // run_analysis) on the loaded circuit and returns the named vectors of the plot it produced, as
    // real values, in the order asked (ngspice names: "in_0" for a node voltage, "vsense_3#branch" for a source current, "time"),
    // then destroys that plot (in groups of 32, one command per group: every command leaks), so
    // repeated solves of one loaded circuit keep memory and time flat
    // (a kept plot per solve makes each solve slower;
    // docs/ngspice-facts.md#destroy-plots-or-solves-slow-down). The circuit stays loaded.
    // Throws like run_analysis; cimkit::Error naming the vector and the plot if a vector is missing.
    // `breakpoints_s` (tran only, each > 0 s): times the transient must land on, as a PWL corner
    // would make it, for EXTERNAL waveforms whose corners ngspice cannot see. They take effect from
    // the analysis' first EXTERNAL callback, so the circuit needs an EXTERNAL source (UsageError).
    std::vector<std::vector<double>> run_and_read(std::string_view analysis, const std::vector<std::string>& vectors,
                                                  const std::vector<double>& breakpoints_s = {});
    // Every plot produced since the last load, oldest first (ngspice's "const" plot excluded).
    std::vector<Plot> plots() const;
    // Frees the loaded circuit and all plots (remcirc, destroy all) so memory stays flat.
    void clear();

    // Registers the function that drives an EXTERNAL source, by instance name (case-insensitive).
    void set_external_voltage(const std::string& source_name, SourceFunction value_V);
    void set_external_current(const std::string& source_name, SourceFunction value_A);
    // Clears the EXTERNAL source functions and the before-analysis functions.
    void clear_external_sources();
    // Registers `prepare`, run before every analysis (op, tran, ..., and each convergence retry)
    // under `key`, replacing an earlier one of that key: a face whose states live outside the
    // netlist and are read by no callback (the `osdi` face's conductance table) refreshes them here.
    void set_before_analysis(const std::string& key, std::function<void()> prepare);

    // Streaming (circuits/spice/streamed_points.hpp): `observe` is called on the thread running the analysis
    // once per ACCEPTED point of every analysis (an op's one point, a transient's t = 0 point and each
    // accepted time step; never a rejected step), with the values of `vectors` (ngspice names as for
    // run_and_read, e.g. "time", "vsense_0#branch"; they must be in the plot) at that point, in that
    // order. ngspice has not yet taken the next step when it is called, so an observer may block,
    // change states and EXTERNAL inputs, and every solve of the next step sees them; after it returns
    // the before-analysis functions run again (the osdi face's table picks up changed states).
    // An exception from the observer is rethrown by the analysis command once it returns.
    using PointObserver = std::function<void(const std::vector<double>& values)>;
    void set_point_observer(std::vector<std::string> vectors, PointObserver observe);
    void clear_point_observer();

    // ngspice's output since the last load, one line per entry, prefixed "stdout " or "stderr ".
    const std::deque<std::string>& output() const;
    // ngspice's own counters for the loaded circuit (`rusage all`: load time, analysis time, Newton
    // iterations, ...), one printed line each; CPU time, so other work on the machine hardly moves
    // them. For benchmarks (bench/osdi_load_cost.cpp).
    std::vector<std::string> resource_usage();
    // How many times the library was reloaded after a fatal error.
    int restart_count() const;
    // Analysis runs repeated by the convergence retry policy (docs/engine.md) since construction.
    int convergence_retry_count() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace cimkit::spice
