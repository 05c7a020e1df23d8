#pragma once
// Where cimkit's own files are read from at run time: the data (Iris, MNIST, presets), the netlists
// (peripheral subcircuits, model cards, examples) and the plotting scripts. A build runs from its
// source tree; an installed copy (`cmake --install`) from <prefix>/share/cimkit, found beside the
// executable, so it works with the source tree gone (docs/install.md). An environment variable
// moves each folder anywhere (CIMKIT_DATA_DIR, CIMKIT_NETLIST_DIR, CIMKIT_PLOT_DIR); the Python
// package sets the first two to its installed share folder.
#include <filesystem>

namespace cimkit {

enum class Resource { data, netlists, plot };

// The folder of `resource`: the environment variable when set and not empty, else
// <executable's folder>/../share/cimkit/<name> when that exists (an installed copy), else the source tree's.
std::filesystem::path resource_dir(Resource resource);

}  // namespace cimkit
