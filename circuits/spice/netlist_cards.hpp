#pragma once
// The dot cards of a netlist as ngspice reads them: a card and its `+` continuation lines joined,
// comment and blank lines skipped, the title line (the first) never a card.
//
// cimkit reads a few cards itself because the shared library does not act on them the way batch
// ngspice does (docs/ngspice-facts.md#measure-and-fourier-in-the-shared-library): the analysis cards
// (to run them one at a time and name their results), `.meas` and `.four`.
#include <cstddef>
#include <string>
#include <vector>

#include "circuits/spice/netlist_text.hpp"

namespace cimkit::spice {

struct NetlistCard {
    std::size_t line = 0;             // 1-based line of the card's first line in its file
    std::size_t last_line = 0;        // 1-based line of its last continuation line
    std::string keyword;              // lower case, with its dot: ".tran", ".meas"
    std::string text;                 // the card as written, continuations joined by one space
    std::vector<std::string> words;   // `text` split at blanks (and '=' kept inside words)
};

// Every card starting with '.' (`.end` and what follows it excluded).
std::vector<NetlistCard> dot_cards(const NetlistText& netlist);

// The kind of an analysis card: "op", "dc", "tran", "ac", "tf", "noise", "sens", "pz", "disto",
// "pss", "sp"; "" for a card that is not an analysis.
std::string analysis_kind(const NetlistCard& card);

}  // namespace cimkit::spice
