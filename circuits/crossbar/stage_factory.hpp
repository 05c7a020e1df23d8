#pragma once
// Stages chosen by name (the select devices and column read-outs of CrossbarPeripherals). Row
// drivers and wires are not chosen by name: the read (one-shot or resident) and the geometry fix
// them (row_drivers.hpp, segment_wires.hpp).
#include <string>
#include <vector>

#include "circuits/crossbar/stage.hpp"
#include "circuits/crossbar/stage_settings.hpp"

namespace cimkit::circuits {

// The stage called `name`, reading its part of `settings` (and the read window, if its reading
// depends on it). Throws UsageError naming the stage and listing the known ones.
std::shared_ptr<const CrossbarStage> make_crossbar_stage(const std::string& name, const StageSettings& settings,
                                                         const ReadTiming& timing = {});

// The chosen stages, in their order, with the "ideal" read-out appended when none was chosen.
CrossbarStages make_peripheral_stages(const CrossbarPeripherals& peripherals, const ReadTiming& timing = {});

// The chosen read-out's input resistance (ColumnReadout::input_ohm): what a compact solve puts after
// each column as the twin of that stage.
double readout_input_ohm(const CrossbarPeripherals& peripherals);

// Names of the known stages at one place (e.g. the column read-outs, for a command-line choice).
std::vector<std::string> crossbar_stage_names(StagePlace place);
// "ideal (virtual ground), tia (op-amp TIA, ...)": the stages at one place with what they are, for help texts.
std::string crossbar_stage_help(StagePlace place);

}  // namespace cimkit::circuits
