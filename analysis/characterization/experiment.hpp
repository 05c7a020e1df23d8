#pragma once
// Device characterisation experiments (`cimkit characterize DEVICE --experiment EXP`):
//   iv           I-V sweeps at five states (levels 0, 0.25, 0.5, 0.75, 1)
//   pulses       conductance vs pulse number, potentiation then depression, over N devices
//   retention    conductance vs time from 1 us to 1 year (log-spaced) from mid-range, N devices
//   variability  Monte-Carlo over N devices: G at both ends of the range, the first step, and the
//                read-conductance spread (mean, sigma, sigma/mean) at levels 0.25, 0.5, 0.75
// Each returns curves (datasets with units) and fitted figures (attributes with units); the HDF5
// layout is /characterisation/<device>/<experiment>/ (docs/hdf5-schema.md).
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/subcircuit_spreads.hpp"
#include "devices/device_model.hpp"

namespace cimkit::analysis {

struct Curve {
    std::string name;                 // dataset name, e.g. "conductance_S"
    std::vector<double> values;       // row-major
    std::vector<std::size_t> shape;   // {n} or {rows, cols}
    std::string units;
    std::string description;
};

struct Figure {
    std::string name;   // attribute name, e.g. "nu_mean"
    double value;
    std::string units;  // "1" for dimensionless
    std::string description;
};

struct ExperimentResult {
    std::string device;
    std::string experiment;
    std::vector<Curve> curves;
    std::vector<Figure> figures;
    // What computed it, written as the group's `source` attribute: empty for the device model
    // itself (no attribute), "ngspice" for a subcircuit's experiments run through ngspice.
    std::string source = {};

    const Figure& figure(const std::string& name) const;  // throws Error when absent
    const Curve& curve(const std::string& name) const;
};

struct ExperimentOptions {
    int devices = 0;         // 0: the experiment's default (iv 1, pulses 16, retention 16, variability 1000)
    std::uint64_t seed = 1;
    // `--spread NAME=SIGMA` of a spice:FILE:SUBCKT device, merged into the file's declared spreads
    // (analysis/subcircuit_spreads.hpp) by its pulses and variability experiments; none for a model.
    std::vector<ParameterSpread> spreads = {};
};

const std::vector<std::string>& experiment_names();

// Throws UsageError for an unknown experiment or a device count outside [1, 100000] (0: default).
void check_experiment(const std::string& experiment, const ExperimentOptions& options);

// check_experiment, then the experiment.
ExperimentResult run_experiment(const std::string& experiment, const DeviceModel& model,
                                const ExperimentOptions& options);

ExperimentResult run_iv(const DeviceModel& model, const ExperimentOptions& options);
ExperimentResult run_pulses(const DeviceModel& model, const ExperimentOptions& options);
ExperimentResult run_retention(const DeviceModel& model, const ExperimentOptions& options);
ExperimentResult run_variability(const DeviceModel& model, const ExperimentOptions& options);

}  // namespace cimkit::analysis
