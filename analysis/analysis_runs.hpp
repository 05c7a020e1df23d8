#pragma once
// How `cimkit simulate` runs a netlist and names what comes out (docs/hdf5-schema.md#waveforms).
//
// Each analysis card runs in its own load of the netlist, with the other analysis cards turned into
// comments (their lines keep their numbers, so errors still name the user's line). The shared
// library evaluates `.meas` only for the last analysis of a `run`
// (docs/ngspice-facts.md#measure-and-fourier-in-the-shared-library); one analysis per run gives
// every analysis its measurements, and ties each printed result to the card it belongs to.
//
// Groups are named after the cards: the k-th `.op` card is `op<k>`, the k-th `.dc` `dc<k>`, and so
// on; a `.noise` card gives `noise<k>` (spectral densities) and `noise<k>_integrated`.
#include <cstddef>
#include <string>
#include <vector>

#include "analysis/spice_measurements.hpp"
#include "circuits/spice/netlist_cards.hpp"
#include "circuits/spice/netlist_text.hpp"
#include "circuits/spice/plot.hpp"

namespace cimkit::analysis {

// A nested `.dc SRC1 A B S SRC2 C D E`: SRC1 sweeps fastest. The flat vectors are outer x inner.
struct NestedSweep {
    std::size_t outer_points = 0;
    std::size_t inner_points = 0;
    std::string inner_source;         // "v1"
    std::string outer_source;         // "v2"
    std::vector<double> outer_values; // empty when the card's outer values are not literal numbers
};

struct AnalysisGroup {
    std::string name;      // "op1", "dc2", "noise1_integrated"
    std::string kind;      // "op", "dc", "noise", ...
    std::string card;      // the analysis card as written; "" when not known (a .control run)
    spice::Plot plot;      // fourier results already taken out
    bool nested = false;   // `sweep` holds a nested .dc's shape
    NestedSweep sweep;
    std::vector<Measurement> measurements;
    std::vector<FourierResult> fourier;
};

// The analysis cards of a netlist, in order.
std::vector<spice::NetlistCard> analysis_cards(const spice::NetlistText& netlist);

// The netlist with every analysis card but `keep` (an index into `cards`) commented out.
spice::NetlistText with_only_analysis(const spice::NetlistText& netlist, const std::vector<spice::NetlistCard>& cards,
                                      std::size_t keep);

// The groups of one analysis card's run: its plots (oldest first) and ngspice's output of that run.
// `cards` are all the netlist's dot cards (for `.meas` and `.four`).
std::vector<AnalysisGroup> groups_of_run(const spice::NetlistCard& analysis, std::size_t ordinal,
                                         std::vector<spice::Plot> plots, const std::vector<std::string>& output,
                                         const std::vector<spice::NetlistCard>& cards);

// The groups of a run whose cards are not known (a netlist with a .control block, or analysis cards in
// included files): ngspice's plot names, no card; each kind's measurements go with the last plot of
// that kind (ngspice evaluates only the last analysis' kind, so others come out failed).
std::vector<AnalysisGroup> groups_of_whole_run(std::vector<spice::Plot> plots, const std::vector<std::string>& output,
                                               const std::vector<spice::NetlistCard>& cards);

// `.meas` cards of an analysis kind no group has (`.meas tran` without a transient): failed, so that
// no card goes unrecorded.
std::vector<Measurement> unmatched_measurements(const std::vector<AnalysisGroup>& groups,
                                                const std::vector<spice::NetlistCard>& cards);

// The nesting of a `.dc` card with two sources, read from the card and the inner scale's values;
// nothing (nested false) for a single sweep or when the values do not split into equal rows.
bool find_nested_sweep(const spice::NetlistCard& card, const spice::Plot& plot, NestedSweep& sweep);

}  // namespace cimkit::analysis
