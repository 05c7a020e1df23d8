#pragma once
// ngspice plots -> HDF5, following docs/hdf5-schema.md:
//   /waveforms/<plot>/            one group per analysis run ("tran1", "op1", "dc1", "ac1")
//       attributes: analysis ("tran"), scale (name of the scale dataset, "" without a sweep), card
//       (the analysis card; simulate only), and for a nested .dc sweep_shape, outer_sweep, ...
//   /waveforms/<plot>/<vector>    one dataset per vector, named as ngspice prints it ("v(out)",
//                                 "i(v1)", "time"); attribute units; complex AC data as {r, i};
//                                 (outer x inner) for a nested .dc
//   /measurements/<plot>/<name>   `.meas` results (simulate)
//   /fourier/<plot>/<vector>/     `.four` results (simulate)
#include <string>
#include <vector>

#include "analysis/analysis_runs.hpp"
#include "analysis/h5/h5_file.hpp"
#include "circuits/spice/plot.hpp"

namespace cimkit::analysis {

// Keeps only the requested vectors (by exported or ngspice name) and each plot's scale. Throws
// UsageError naming a requested vector that no plot has.
std::vector<spice::Plot> select_vectors(const std::vector<spice::Plot>& plots,
                                        const std::vector<std::string>& wanted);

// Plots without their cards (a crossbar's read transient): groups named as the plots.
void write_waveforms(h5::File& file, const std::vector<spice::Plot>& plots);
// simulate's groups: /waveforms with each card, /measurements (`unmatched` under
// /measurements/unmatched) and /fourier.
void write_analysis_groups(h5::File& file, const std::vector<AnalysisGroup>& groups,
                           const std::vector<Measurement>& unmatched = {});

// HDF5 names cannot contain '/': a vector name holding one is stored with "%2F" instead.
std::string dataset_name(const std::string& vector_name);

// One line per plot: "tran1: 3 vectors x 1008 points, time 0 .. 0.005 s".
std::string summary_line(const spice::Plot& plot);

}  // namespace cimkit::analysis
