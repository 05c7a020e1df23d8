#pragma once
// How many points an analysis card asks ngspice for, read from the card before ngspice sees it, so
// that `.ac lin 2000000000 1 1meg` is refused at once with the line named instead of filling memory
// for minutes. Only literal numbers are read; a card with {expressions} is left to the worker's time
// and memory limits.
#include <optional>
#include <string>

namespace cimkit::circuits {

// A SPICE number: "1e-9", "10u", "2.5k", "1meg", "25mil", "1us" (letters after the scale are a unit
// and ignored). Nothing when the text does not start with a number.
std::optional<double> spice_number(const std::string& text);

// The points of a `.ac`, `.dc`, `.noise` or `.tran` card (lower case, trimmed): sweep points, or
// tstop / tstep for a transient (its output points). Nothing for other cards, or when a value is not
// a literal number.
std::optional<double> analysis_points(const std::string& card);

}  // namespace cimkit::circuits
