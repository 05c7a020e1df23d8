#include "apps/sweep_result.hpp"

#include <cstdio>
#include <limits>
#include <set>

#include "analysis/h5/h5_file.hpp"
#include "analysis/provenance.hpp"

namespace cimkit::apps {
namespace {

constexpr double missing = std::numeric_limits<double>::quiet_NaN();

bool numeric_type(const std::string& type) {
    return type.rfind("float", 0) == 0 || type.rfind("int", 0) == 0 || type.rfind("uint", 0) == 0;
}

// Numeric scalar attributes of `object` (not the `<name>_units` texts), as `prefix + name`.
void numeric_attributes(const h5::Reader& file, const std::string& object, const std::string& prefix,
                        std::map<std::string, double>& figures) {
    for (const auto& name : file.attribute_names(object)) {
        const std::string type = file.attribute_type_name(object, name);
        if (!numeric_type(type)) continue;
        try {
            figures[prefix + name] = type.rfind("uint", 0) == 0 ? static_cast<double>(file.integer_attribute(object, name))
                                                                : file.number_attribute(object, name);
        } catch (const std::exception&) {
            // an array attribute (a nested sweep's shape): not a headline figure
        }
    }
}

// The lines joined by '\n'.
std::string lines(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : "\n") + i;
    return out;
}

std::string point_group(std::size_t index) {
    char name[48];
    std::snprintf(name, sizeof name, "/points/point_%04zu", index);
    return name;
}

}  // namespace

PointFigures read_point_figures(const std::string& command, const std::filesystem::path& point_file) {
    const h5::Reader file(point_file);
    PointFigures p;
    if (file.attribute_type_name("/", "seed").rfind("uint", 0) == 0) p.seed = file.integer_attribute("/", "seed");
    if (command == "train") {
        for (const auto& column : file.children("/training/metrics")) {
            if (column == "wall_time_s") continue;  // a clock, not a result: it would differ from run to run
            const auto values = file.read_real("/training/metrics/" + column);
            if (!values.empty()) p.figures[column] = values.back();
        }
        if (file.exists("/training")) {
            std::map<std::string, double> after;
            numeric_attributes(file, "/training", "", after);
            for (const auto& [name, value] : after) p.figures[name] = value;
        }
    } else if (command == "characterize") {
        for (const auto& device : file.children("/characterisation")) {
            for (const auto& experiment : file.children("/characterisation/" + device)) {
                numeric_attributes(file, "/characterisation/" + device + "/" + experiment, experiment + ".", p.figures);
            }
        }
    } else if (command == "crossbar") {
        if (file.exists("/crossbar")) numeric_attributes(file, "/crossbar", "", p.figures);
    }
    return p;
}

void write_sweep_result(const std::filesystem::path& output, const std::string& command_line, const SweepSpec& spec,
                        const std::vector<std::optional<std::filesystem::path>>& files,
                        const std::vector<std::optional<PointOutcome>>& outcomes) {
    const std::size_t n = spec.point_count();
    std::vector<PointFigures> rows(n);
    std::set<std::string> columns;
    for (std::size_t i = 0; i < n; ++i) {
        if (!files[i]) continue;
        rows[i] = read_point_figures(spec.command, *files[i]);
        for (const auto& f : rows[i].figures) columns.insert(f.first);
    }

    h5::File out(output);
    analysis::write_provenance(out, command_line);
    out.create_group("/sweep/table");
    out.set_attribute("/sweep", "sweep_toml", spec.text);
    out.set_attribute("/sweep", "sweep_file", spec.file.string());
    out.set_attribute("/sweep", "command", spec.command);
    out.set_attribute("/sweep", "args", lines(spec.args));
    std::vector<std::string> keys;
    for (const auto& k : spec.grid) keys.push_back(k.key);
    out.set_attribute("/sweep", "grid_keys", lines(keys));
    out.set_integer_attribute("/sweep", "points", n);
    if (!spec.seeds.empty()) out.set_integer_attribute("/sweep", "seeds", spec.seeds);

    std::vector<std::int64_t> index(n), seed(n), status(n);
    std::vector<double> wall(n, missing);
    for (std::size_t i = 0; i < n; ++i) {
        const SweepPoint p = sweep_point(spec, i);
        index[i] = static_cast<std::int64_t>(i);
        seed[i] = static_cast<std::int64_t>(p.seed ? *p.seed : rows[i].seed);
        status[i] = outcomes[i] ? outcomes[i]->exit_status : 0;
        if (outcomes[i]) wall[i] = outcomes[i]->wall_time_s;
    }
    out.write("/sweep/table/point", index, "1");
    out.write("/sweep/table/seed", seed, "1");
    out.write("/sweep/table/exit_status", status, "1");
    for (std::size_t k = 0; k < spec.grid.size(); ++k) {
        std::vector<std::string> text(n);
        std::vector<double> number(n, missing);
        for (std::size_t i = 0; i < n; ++i) {
            const GridValue& v = spec.grid[k].values[sweep_point(spec, i).value_index[k]];
            text[i] = v.text;
            if (v.number) number[i] = *v.number;
        }
        out.write("/sweep/table/keys/" + spec.grid[k].key, number, "");
        out.write("/sweep/table/keys_text/" + spec.grid[k].key, text, "");
    }
    for (const auto& column : columns) {
        std::vector<double> values(n, missing);
        for (std::size_t i = 0; i < n; ++i) {
            const auto found = rows[i].figures.find(column);
            if (found != rows[i].figures.end()) values[i] = found->second;
        }
        out.write("/sweep/table/figures/" + column, values, "");
    }
    out.write("/sweep/timing/wall_time_s", wall, "s");
    for (std::size_t i = 0; i < n; ++i) {
        if (files[i]) out.copy_file_into(*files[i], point_group(i));
    }
    out.commit();
}

}  // namespace cimkit::apps
