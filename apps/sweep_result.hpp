#pragma once
// The result file of `cimkit sweep` (docs/hdf5-schema.md#sweep-points--cimkit-sweep): the sweep table, one row per point
// with its grid values, seed, exit status and the headline figures read from the point's own file,
// and every point's file copied whole under /points/point_NNNN. Written once, by one process, under a
// temporary name and renamed into place like every cimkit output.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "apps/sweep_file.hpp"
#include "apps/sweep_pool.hpp"

namespace cimkit::apps {

// The headline figures of one point's file: for train the last epoch's metrics (and
// test_accuracy_after), for characterize "<experiment>.<figure>" of each experiment group, for
// crossbar the numeric attributes of /crossbar. `seed` is the file's root `seed`.
struct PointFigures {
    std::uint64_t seed = 0;
    std::map<std::string, double> figures;
};

PointFigures read_point_figures(const std::string& command, const std::filesystem::path& point_file);

// One row per point; `files[i]` is point i's file (absent when the point failed), `outcomes[i]` its
// outcome in this invocation (absent for a point finished by an earlier one).
void write_sweep_result(const std::filesystem::path& output, const std::string& command_line, const SweepSpec& spec,
                        const std::vector<std::optional<std::filesystem::path>>& files,
                        const std::vector<std::optional<PointOutcome>>& outcomes);

}  // namespace cimkit::apps
