#pragma once
// The sweep file of `cimkit sweep` (docs/sweeps.md): which command, its fixed arguments, a grid of
// keys with a list of values each (the cartesian product), and optionally Monte-Carlo seeds that
// repeat every grid point. Each point becomes one command line of this same binary.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cimkit::apps {

// One value of a grid key: as passed on the command line, and as a number when it is one.
struct GridValue {
    std::string text;
    std::optional<double> number;
};

struct GridKey {
    std::string key;  // "training.learning_rate" (passed as --set key=value) or "--rows" (passed as --rows value)
    std::vector<GridValue> values;
};

struct SweepSpec {
    std::filesystem::path file;
    std::string text;                       // the sweep file as read
    std::string command;                    // train, characterize or crossbar
    std::vector<std::string> args;          // fixed arguments
    std::vector<GridKey> grid;              // in key order (toml++ keeps a table's keys sorted)
    std::vector<std::uint64_t> seeds;       // empty: no --seed, each point runs with its config's seed

    // Grid points times seeds (at least 1: a sweep without grid keys runs its command once per seed).
    std::size_t point_count() const;
};

// One point: its grid values (index per key) and its seed.
struct SweepPoint {
    std::size_t index = 0;
    std::vector<std::size_t> value_index;  // per grid key
    std::optional<std::uint64_t> seed;
};

// Reads and checks the sweep file; UsageError naming the file and the key on anything wrong.
SweepSpec read_sweep_file(const std::filesystem::path& file);

// Point `index` (0 .. point_count()-1): the last grid key varies fastest, then the seeds fastest of all.
SweepPoint sweep_point(const SweepSpec& spec, std::size_t index);

// The command's arguments for a point (after the command name), writing `output`, quiet.
std::vector<std::string> point_arguments(const SweepSpec& spec, const SweepPoint& point, const std::filesystem::path& output);

// "training.learning_rate=0.01, device.g_max_S=2e-05, seed 3", for messages.
std::string point_description(const SweepSpec& spec, const SweepPoint& point);

}  // namespace cimkit::apps
