#include "apps/sweep_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "devices/core/errors.hpp"
#include "devices/table_device_name.hpp"

namespace cimkit::apps {
namespace {

const char* const commands[] = {"train", "characterize", "crossbar"};

// Arguments the sweep itself gives every point; in `args` they would clash with it.
const char* const reserved_arguments[] = {"-o", "--output", "--resume", "--force", "--quiet", "--seed"};

// Trusting a subcircuit file (analysis/subcircuit_trust.hpp) is the user's decision on their own
// command line (`cimkit sweep --allow-control` passes it to every point); a sweep file may come from
// someone else.
const char* const trust_refusal = "is the user's own decision on the command line (it turns off the netlist guard and the "
                                  "sandbox for spice:FILE:SUBCKT files); a sweep file cannot give it: give "
                                  "'cimkit sweep --allow-control' instead";
bool is_allow_control(const std::string& arg) { return arg == "--allow-control" || arg.rfind("--allow-control=", 0) == 0; }

[[noreturn]] void refuse(const SweepSpec& s, const std::string& key, const std::string& what) {
    throw UsageError(s.file.string() + ": " + key + ": " + what);
}

std::optional<double> number_in(const std::string& text) {
    if (text.empty()) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const double x = std::strtod(text.c_str(), &end);
    if (*end != '\0' || errno == ERANGE || !std::isfinite(x)) return std::nullopt;
    return x;
}

// A TOML value as it would be typed after --set key=: numbers in their shortest exact form.
GridValue grid_value(const SweepSpec& s, const std::string& key, const toml::node& node) {
    if (const auto* i = node.as_integer()) return {std::to_string(i->get()), static_cast<double>(i->get())};
    if (const auto* f = node.as_floating_point()) {
        if (!std::isfinite(f->get())) refuse(s, key, "expected finite numbers, got " + fmt::format("{}", f->get()));
        return {fmt::format("{}", f->get()), f->get()};
    }
    if (const auto* b = node.as_boolean()) return {b->get() ? "true" : "false", std::nullopt};
    if (const auto* t = node.as_string()) return {t->get(), number_in(t->get())};
    refuse(s, key, "expected numbers, strings or booleans in the list");
}

std::uint64_t seed_value(const SweepSpec& s, const toml::node& node) {
    const auto* i = node.as_integer();
    if (i == nullptr || i->get() < 0) refuse(s, "monte_carlo.seeds", "expected whole numbers >= 0");
    return static_cast<std::uint64_t>(i->get());
}

void read_monte_carlo(SweepSpec& s, const toml::table& mc) {
    for (const auto& [key, node] : mc) {
        const std::string name(key.str());
        if (name != "seeds" && name != "count") refuse(s, "monte_carlo." + name, "unknown key (expected seeds or count)");
    }
    if (mc.contains("seeds") && mc.contains("count")) refuse(s, "monte_carlo", "give seeds or count, not both");
    if (const auto* list = mc.get_as<toml::array>("seeds")) {
        if (list->empty()) refuse(s, "monte_carlo.seeds", "empty list");
        for (const auto& node : *list) s.seeds.push_back(seed_value(s, node));
    } else if (mc.contains("seeds")) {
        refuse(s, "monte_carlo.seeds", "expected a list of seeds");
    } else if (mc.contains("count")) {
        const auto* count = mc.get_as<std::int64_t>("count");
        if (count == nullptr || count->get() < 1 || count->get() > 1000000) refuse(s, "monte_carlo.count", "expected a whole number in [1, 1000000]");
        for (std::int64_t seed = 1; seed <= count->get(); ++seed) s.seeds.push_back(static_cast<std::uint64_t>(seed));
    } else {
        refuse(s, "monte_carlo", "expected seeds = [...] or count = N");
    }
}

}  // namespace

std::size_t SweepSpec::point_count() const {
    std::size_t n = seeds.empty() ? 1 : seeds.size();
    for (const auto& k : grid) n *= k.values.size();
    return n;
}

SweepSpec read_sweep_file(const std::filesystem::path& file) {
    SweepSpec s;
    s.file = file;
    std::ifstream in(file, std::ios::binary);
    if (!in) throw IoError(file.string(), "cannot read the sweep file");
    std::ostringstream text;
    text << in.rdbuf();
    s.text = text.str();
    toml::table root;
    try {
        root = toml::parse(s.text, file.string());
    } catch (const toml::parse_error& e) {
        throw UsageError(file.string() + ":" + std::to_string(e.source().begin.line) + ": not valid TOML: " + std::string(e.description()));
    }
    for (const auto& [key, node] : root) {
        const std::string name(key.str());
        if (name != "command" && name != "args" && name != "grid" && name != "monte_carlo") {
            refuse(s, name, "unknown key (expected command, args, [grid], [monte_carlo])");
        }
    }
    const auto* command = root.get_as<std::string>("command");
    if (command == nullptr) refuse(s, "command", "missing; expected \"train\", \"characterize\" or \"crossbar\"");
    s.command = command->get();
    bool known = false;
    for (const char* c : commands) known = known || s.command == c;
    if (!known) refuse(s, "command", "unknown command '" + s.command + "'; expected train, characterize or crossbar");
    if (root.contains("args")) {
        const auto* args = root.get_as<toml::array>("args");
        if (args == nullptr) refuse(s, "args", "expected a list of strings");
        for (const auto& node : *args) {
            const auto* arg = node.as_string();
            if (arg == nullptr) refuse(s, "args", "expected a list of strings");
            if (is_allow_control(arg->get())) refuse(s, "args", "'" + arg->get() + "' " + trust_refusal);
            for (const char* r : reserved_arguments) {
                const std::string a = arg->get();
                if (a == r || a.rfind(std::string(r) + "=", 0) == 0) refuse(s, "args", "'" + a + "' is given by the sweep to every point; remove it");
            }
            s.args.push_back(arg->get());
        }
    }
    if (root.contains("grid")) {
        const auto* grid = root.get_as<toml::table>("grid");
        if (grid == nullptr) refuse(s, "grid", "expected a table of key = [values]");
        for (const auto& [key, node] : *grid) {
            GridKey k{std::string(key.str()), {}};
            if (k.key.empty() || k.key.find('/') != std::string::npos) refuse(s, "grid." + k.key, "a key cannot be empty or hold '/'");
            if (k.key == "--seed" || k.key == "run.seed") refuse(s, "grid." + k.key, "seeds go in [monte_carlo] seeds = [...]");
            if (is_allow_control(k.key)) refuse(s, "grid." + k.key, trust_refusal);
            for (const char* r : reserved_arguments) {
                if (k.key == r) refuse(s, "grid." + k.key, "is given by the sweep to every point");
            }
            const auto* list = node.as_array();
            if (list == nullptr) refuse(s, "grid." + k.key, "expected a list of values");
            if (list->empty()) refuse(s, "grid." + k.key, "empty list");
            for (const auto& v : *list) k.values.push_back(grid_value(s, "grid." + k.key, v));
            // A device FILE in a sweep file is found beside it, as in a config file; the points run
            // with it absolute (devices/table_device_name.hpp).
            if (k.key == "array.device" || k.key == "--device") {
                for (auto& v : k.values) v.text = resolve_device_file_name(v.text, file.parent_path());
            }
            s.grid.push_back(std::move(k));
        }
    }
    if (root.contains("monte_carlo")) {
        const auto* mc = root.get_as<toml::table>("monte_carlo");
        if (mc == nullptr) refuse(s, "monte_carlo", "expected a table");
        read_monte_carlo(s, *mc);
    }
    if (s.point_count() > 1000000) refuse(s, "grid", "more than 1000000 points");
    return s;
}

SweepPoint sweep_point(const SweepSpec& spec, std::size_t index) {
    SweepPoint p;
    p.index = index;
    std::size_t rest = index;
    if (!spec.seeds.empty()) {
        p.seed = spec.seeds[rest % spec.seeds.size()];
        rest /= spec.seeds.size();
    }
    p.value_index.assign(spec.grid.size(), 0);
    for (std::size_t k = spec.grid.size(); k-- > 0;) {
        p.value_index[k] = rest % spec.grid[k].values.size();
        rest /= spec.grid[k].values.size();
    }
    return p;
}

std::vector<std::string> point_arguments(const SweepSpec& spec, const SweepPoint& point, const std::filesystem::path& output) {
    std::vector<std::string> args = spec.args;
    for (std::size_t k = 0; k < spec.grid.size(); ++k) {
        const GridKey& key = spec.grid[k];
        const std::string& value = key.values[point.value_index[k]].text;
        if (key.key.rfind("--", 0) == 0) {
            args.push_back(key.key);
            args.push_back(value);
        } else {
            args.push_back("--set");
            args.push_back(key.key + "=" + value);
        }
    }
    if (point.seed) {
        args.push_back("--seed");
        args.push_back(std::to_string(*point.seed));
    }
    args.push_back("-o");
    args.push_back(output.string());
    args.push_back("--quiet");
    return args;
}

std::string point_description(const SweepSpec& spec, const SweepPoint& point) {
    std::string out;
    for (std::size_t k = 0; k < spec.grid.size(); ++k) {
        out += (out.empty() ? "" : ", ") + spec.grid[k].key + "=" + spec.grid[k].values[point.value_index[k]].text;
    }
    if (point.seed) out += (out.empty() ? "" : ", ") + std::string("seed ") + std::to_string(*point.seed);
    return out.empty() ? "the command as given" : out;
}

}  // namespace cimkit::apps
