#pragma once
// `.meas` and `.four` results of a run, recovered from what ngspice leaves behind
// (docs/ngspice-facts.md#measure-and-fourier-in-the-shared-library):
//   - a `.meas` result exists only as a printed line, "name = value [targ= .. trig= ..|at= ..]" on
//     stdout, or "... failed!" on stderr; printed with 17 digits (NGSPICE_MEAS_PRECISION, set by the
//     engine), so the value read back is the double ngspice computed;
//   - a `.four` result is a pair of vectors the engine's `fourier` calls left in the transient plot,
//     exported as "fourier(v(out))" (frequency, magnitude, phase rows) and "thd(v(out))".
#include <string>
#include <utility>
#include <vector>

#include "circuits/spice/netlist_cards.hpp"
#include "circuits/spice/plot.hpp"

namespace cimkit::analysis {

struct Measurement {
    std::string name;   // as ngspice prints it (lower case)
    std::string card;   // the .meas card as written
    double value = 0.0; // NaN when failed
    bool failed = false;
    std::string error;  // ngspice's message when failed
    std::string units;  // inferred from the measurement's kind and vector; "unknown" otherwise
    std::vector<std::pair<std::string, double>> details;  // printed after the value: targ, trig, at
};

struct FourierResult {
    std::string vector;  // as written on the card, lower case: "v(out)"
    std::string card;
    std::string units;   // the vector's ("unknown" when it is an expression)
    bool failed = false; // ngspice computed nothing (its message is in its output)
    std::vector<double> frequency_Hz, magnitude, phase_deg;  // harmonic 0 (dc) .. nfreqs-1
    double thd_percent = 0.0;
};

// The `.meas` cards of analysis `kind` ("tran", "ac", "dc", "sp"), each with its result in `output`
// (ngspice's lines, "stdout ..."/"stderr ..."), failed with NaN when none was printed.
std::vector<Measurement> measurements_of(const std::string& kind, const std::vector<spice::NetlistCard>& cards,
                                         const std::vector<std::string>& output, const spice::Plot& plot);

// Takes the fourier/thd vectors out of a transient plot and returns one result per vector of every
// `.four` card (failed when ngspice made none).
std::vector<FourierResult> take_fourier(spice::Plot& plot, const std::vector<spice::NetlistCard>& cards);

}  // namespace cimkit::analysis
