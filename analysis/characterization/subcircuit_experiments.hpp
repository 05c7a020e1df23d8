#pragma once
// The iv, pulses, retention and variability experiments of a `spice:FILE:SUBCKT` device run through ngspice on the
// subcircuit itself, not on its compact twin (docs/own-devices.md#a-spice-subcircuit-as-a-device).
// Same curves, figures and HDF5 layout as the built-in experiments (experiment.hpp), with the group
// attribute source = "ngspice".
//   iv         instances at x0 = x(G(level)) for the levels 0, 0.25, 0.5, 0.75, 1, all on one node
//              swept by a `dc` analysis over [-V_read, V_read] (the twin's iv_sweep_limit_V), 201
//              points; the current of each read back through its own 0 V source.
//   pulses     N devices (--devices, default 16, at most 64) from level 0 (x0 = x(G) of the twin's
//              window bottom), each one instance in ONE transient of `device pulses` (analysis/
//              spice_pulse_trains.hpp: its read and nominal pulses, the twin's): p potentiating then p
//              depressing pulses, each followed by a read; p is the built-in experiment's branch length
//              computed on the twin. The curves and figures are the built-in experiment's
//              (shared_results.hpp), from the ngspice reads.
//   variability N devices (--devices, default 200, at most 1000), each with its parameters drawn from
//              the file's declared spreads and --spread (analysis/subcircuit_spreads.hpp; device d from
//              stream d of the seed), in ONE transient: per device an instance at the twin's state of
//              level 0.5 driven by a read, one nominal potentiating pulse and a read (step_S, and the read
//              at 0.5), and instances at the twin's states of levels 0, 1, 0.25, 0.75 held at the read
//              voltage (g_low_S, g_high_S, the other reads). The curves and figures are the built-in
//              experiment's (shared_results.hpp), with the spreads drawn (spread_parameters,
//              spread_sigma_NAME, spread_factor_NAME). Without any spread every device is the nominal
//              subcircuit and the spreads are 0 to rounding (spread_parameters = 0 says so).
//   retention  devices at levels (d + 1/2)/N (N = --devices, default 5: 0.1, 0.3, .., 0.9; at most 64), one
//              transient (`uic`) of a year with the terminals held at the read voltage, the current
//              read at the built-in grid of times (1 us to 1 year, 10 a decade).
#include "analysis/characterization/experiment.hpp"
#include "devices/subcircuit_device.hpp"

namespace cimkit::analysis {

inline constexpr int max_retention_devices = 64;  // --devices above it: UsageError (exit 2)
inline constexpr int max_pulse_devices = 64;      // likewise: all devices are one transient
inline constexpr int default_variability_devices = 200;
inline constexpr int max_variability_devices = 1000;  // likewise; 5 instances a device
inline constexpr double variability_timeout_s = 600.0;

ExperimentResult run_subcircuit_pulses(const SubcircuitDevice& model, const ExperimentOptions& options);
ExperimentResult run_subcircuit_iv(const SubcircuitDevice& model, const ExperimentOptions& options);
ExperimentResult run_subcircuit_retention(const SubcircuitDevice& model, const ExperimentOptions& options);
ExperimentResult run_subcircuit_variability(const SubcircuitDevice& model, const ExperimentOptions& options);

}  // namespace cimkit::analysis
