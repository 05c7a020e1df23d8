#pragma once
// The results of the iv, pulses and variability experiments built from their measured data, shared by the
// device-model experiments (iv_experiment.cpp, pulse_experiment.cpp, variability_experiment.cpp) and the ngspice runs of a
// subcircuit (subcircuit_experiments.cpp), so both write the same curves and compute the same figures.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/characterization/experiment.hpp"

namespace cimkit::analysis {

// The iv curves (voltage_V, level, current_A one row per level, conductance_S) and figures
// (g_low_S, g_high_S, read_voltage_V, on_off_ratio when g_low_S > 0).
ExperimentResult iv_result(const std::string& device, const std::vector<double>& voltage_V, const std::vector<double>& levels,
                           const std::vector<double>& current_A, const std::vector<double>& conductance_S, double read_voltage_V);

// Conductance after every pulse: one row per device, 2p + 1 points (the read before the first
// pulse, p potentiating, then p depressing pulses).
struct PulseTrain {
    int devices = 0, p = 0;
    std::size_t points = 0;
    std::vector<double> g;       // devices x points
    std::vector<double> g_mean;  // points

    const double* row(int d) const { return &g[static_cast<std::size_t>(d) * points]; }
};
// Pulses a fresh device of `model` needs to reach 98 % of its range, or to stall, plus 10 %: the
// branch length of the pulses experiment.
int pulses_per_branch(const DeviceModel& model, std::uint64_t seed);

// g_mean from g.
void fill_mean(PulseTrain& train);

// The pulses curves and figures (pulse_experiment.cpp's header lists them) of a measured train.
ExperimentResult pulse_result(const std::string& device, const PulseTrain& train);

// The levels the variability experiment reads every device at (its read-conductance spread).
inline constexpr double variability_read_levels[] = {0.25, 0.5, 0.75};

// Per device of the variability experiment: G at level 0 and 1, the step of one nominal
// potentiating pulse from level 0.5, and the read conductance at each variability_read_levels entry.
struct VariabilityDevices {
    std::vector<double> g_low_S, g_high_S, step_S;
    std::vector<std::vector<double>> g_read_S;  // one row per read level, one value per device
};

// The variability curves and figures (variability_experiment.cpp's header lists them).
ExperimentResult variability_result(const std::string& device, const VariabilityDevices& devices);

}  // namespace cimkit::analysis
