#pragma once
// Characterisation results -> HDF5 and a text table.
//   /characterisation/<device>/<experiment>/<curve>   datasets with `units` and `description`
//   attributes of the experiment group: one per figure (a number), with "<figure>_units" beside it
#include <string>

#include "analysis/characterization/experiment.hpp"
#include "analysis/h5/h5_file.hpp"

namespace cimkit::analysis {

void write_characterisation(h5::File& file, const ExperimentResult& result);

// "pcm retention\n  nu_mean   0.0612   1   mean fitted drift exponent\n ..."
std::string figures_table(const ExperimentResult& result);

}  // namespace cimkit::analysis
