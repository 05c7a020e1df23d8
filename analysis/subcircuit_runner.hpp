#pragma once
// Runs decks of a `spice:FILE:SUBCKT` device's instances in ngspice: one sandboxed worker confined
// to FILE's folder (the user's file is a stranger's, as in `device pulses`; not sandboxed with
// --allow-control, analysis/subcircuit_trust.hpp), and every failure turned
// into a NetlistError naming the file and the subcircuit (exit 2). Shared by the twin's
// characterisation (analysis/subcircuit_twin.hpp) and the ngspice experiments
// (analysis/characterization/subcircuit_experiments.hpp).
#include <string>
#include <vector>

#include "analysis/spice_pulse_trains.hpp"
#include "circuits/spice/worker.hpp"

namespace cimkit::analysis {

class SubcircuitRunner {
public:
    SubcircuitRunner(const SpiceDeviceName& device, std::string subcircuit, double timeout_s = 120.0);

    // "* cimkit <purpose>: SUBCKT" and the .include of FILE by its absolute path.
    std::string deck_head(const std::string& purpose) const;

    // Loads `deck` and runs `analysis`, returning `vectors`; a failure is refused with `failure`
    // and ngspice's reason.
    std::vector<std::vector<double>> solve(const std::string& deck, const std::string& analysis,
                                           const std::vector<std::string>& vectors, const std::string& failure);

    [[noreturn]] void refuse(const std::string& what) const;

    const std::string& subcircuit() const { return subcircuit_; }

private:
    SpiceDeviceName device_;
    std::string subcircuit_;
    spice::Worker worker_;
};

}  // namespace cimkit::analysis
