#pragma once
// Where cimkit's own files are read from at run time: the data (Iris, MNIST, presets), the netlists
// (peripheral subcircuits, model cards, examples) and the plotting scripts. A build runs from its
// source tree; an installed copy (`cmake --install`) from <prefix>/share/cimkit, found beside the
// executable, so it works with the source tree gone (docs/install.md). An environment variable
// moves each folder anywhere (CIMKIT_DATA_DIR, CIMKIT_NETLIST_DIR, CIMKIT_PLOT_DIR, CIMKIT_OSDI_DIR);
// the Python package sets the first two to its installed share folder.
// The OSDI device library (circuits/osdi/) is a build output, not a source file: a build reads it
// from its build tree (<build>/circuits/osdi), an installed copy from <prefix>/lib/cimkit.
#include <filesystem>

namespace cimkit {

enum class Resource { data, netlists, plot, osdi };

// The folder of `resource`: the environment variable when set and not empty, else
// <executable's folder>/../share/cimkit/<name> (../lib/cimkit for osdi) when the installed share folder
// exists (an installed copy), else the source tree's (the build tree's for osdi).
std::filesystem::path resource_dir(Resource resource);

}  // namespace cimkit
