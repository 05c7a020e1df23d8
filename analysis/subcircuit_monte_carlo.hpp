#pragma once
// Device-to-device Monte Carlo of a `spice:FILE:SUBCKT` device through ngspice: N devices, each with
// its parameters drawn from the spreads (analysis/subcircuit_spreads.hpp; device d from stream d of
// the seed), in ONE transient. Per device, instances with its parameters: one at `pulse_x` driven by
// the plan's read, one nominal potentiating pulse and a read; and one at each of `static_x` held at
// the read voltage, read at the first read's time (the interface's reads do not move the state).
// Shared by the variability experiment (analysis/characterization/subcircuit_experiments.hpp) and the
// twin's window and step spreads (analysis/subcircuit_twin.hpp). Failures: NetlistError naming the
// file and the subcircuit (exit 2).
#include <cstdint>
#include <vector>

#include "analysis/spice_pulse_trains.hpp"

namespace cimkit::analysis {

struct MonteCarloPlan {
    int devices = 200;
    std::uint64_t seed = 1;
    std::vector<ParameterSpread> spreads;  // merged, checked
    std::vector<double> static_x;          // states read at the read voltage
    double pulse_x = 0.5;                  // the state the pulsed instance starts at
    double timeout_s = 600.0;
};

struct MonteCarloDevices {
    std::vector<std::vector<double>> static_g_S;  // per static state, per device
    std::vector<double> before_S;                 // the pulsed instance's first read, per device
    std::vector<double> step_S;                   // its second read minus its first, per device
    std::vector<std::vector<double>> factors;     // per spread, each device's parameter over its default
};

// `pulses` gives the read and the nominal potentiating pulse (its up/down/cycles are ignored).
MonteCarloDevices subcircuit_monte_carlo(const SpiceDeviceName& device, const SubcircuitInterface& subcircuit, const MonteCarloPlan& plan,
                                         const SpicePulsePlan& pulses = {});

}  // namespace cimkit::analysis
