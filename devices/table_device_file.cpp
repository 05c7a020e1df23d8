#include "devices/table_device_file.hpp"

#include <toml++/toml.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "devices/core/errors.hpp"
#include "devices/core/input_file.hpp"
#include "devices/core/temporary_file.hpp"
#include "devices/core/text.hpp"

namespace cimkit {
namespace {

constexpr const char* format_name = "cimkit table device";
constexpr long format_version = 1;
// A device file holds a few hundred numbers; anything far larger is not one.
constexpr std::uintmax_t max_file_bytes = 4u << 20;
constexpr std::size_t max_states = 4096;

// Reads one file's keys, each refusal naming the file, the line and the key.
class Reader {
public:
    Reader(const toml::table& root, std::string origin) : root_(root), origin_(std::move(origin)) {}

    [[noreturn]] void fail(const toml::node* node, const std::string& key, const std::string& what) const {
        const int line = node ? static_cast<int>(node->source().begin.line) : 0;
        throw IoError(origin_ + (line > 0 ? ":" + std::to_string(line) : ""), key + ": " + what);
    }

    const toml::table& section(const std::string& name) {
        const toml::node* node = root_.get(name);
        if (!node) fail(nullptr, "[" + name + "]", "missing; expected a table of that name (docs/own-devices.md#the-device-file)");
        const toml::table* table = node->as_table();
        if (!table) fail(node, "[" + name + "]", "expected a table");
        sections_.insert(name);
        return *table;
    }

    double number(const std::string& section_name, const std::string& key, const Range& range) {
        const toml::table& t = section(section_name);
        const std::string name = "[" + section_name + "] " + key;
        const toml::node* node = t.get(key);
        if (!node) fail(&t, name, "missing; expected a number in " + range.text());
        used_.insert(section_name + "." + key);
        const auto value = node->value<double>();
        if (!value || !node->is_number()) fail(node, name, "expected a number in " + range.text());
        if (!range.contains(*value)) fail(node, name, number_text(*value) + " is outside " + range.text());
        return *value;
    }

    std::vector<double> list(const std::string& section_name, const std::string& key, const Range& range) {
        const toml::table& t = section(section_name);
        const std::string name = "[" + section_name + "] " + key;
        const toml::node* node = t.get(key);
        if (!node) fail(&t, name, "missing; expected a list of numbers in " + range.text());
        used_.insert(section_name + "." + key);
        const toml::array* array = node->as_array();
        if (!array || array->empty() || array->size() > max_states) {
            fail(node, name, "expected a list of 1 to " + std::to_string(max_states) + " numbers in " + range.text());
        }
        std::vector<double> out;
        for (const auto& item : *array) {
            const auto value = item.value<double>();
            if (!item.is_number() || !value) fail(&item, name, "expected only numbers in the list");
            if (!range.contains(*value)) fail(&item, name, "element " + std::to_string(out.size() + 1) + " = " + number_text(*value) + " is outside " + range.text());
            out.push_back(*value);
        }
        return out;
    }

    StepLaw law(const std::string& direction) {
        const Range finite = Range{};
        StepLaw law{list(direction, "g_S", finite), list(direction, "mean_step_S", finite),
                    list(direction, "step_sigma_S", Range::non_negative()), list(direction, "steps", Range::non_negative())};
        const toml::table& t = section(direction);
        for (const char* key : {"mean_step_S", "step_sigma_S", "steps"}) {
            if (t.get_as<toml::array>(key)->size() != law.g_S.size()) {
                fail(t.get(key), "[" + direction + "] " + key, "has " + std::to_string(t.get_as<toml::array>(key)->size()) +
                                                                   " elements; expected one per state of g_S (" + std::to_string(law.g_S.size()) + ")");
            }
        }
        for (std::size_t k = 1; k < law.g_S.size(); ++k) {
            if (!(law.g_S[k] > law.g_S[k - 1])) {
                fail(t.get("g_S"), "[" + direction + "] g_S", "must be strictly increasing; element " + std::to_string(k + 1) + " (" +
                                                                    number_text(law.g_S[k]) + ") is not above the one before");
            }
        }
        return law;
    }

    // Every key of every section read must have been used; [fit] is information only.
    void refuse_unknown_keys() const {
        for (const auto& [name, node] : root_) {
            const std::string section_name(name.str());
            if (section_name == "format" || section_name == "version" || section_name == "fit") continue;
            if (!sections_.count(section_name)) fail(&node, section_name, "is not a key of a table device file (docs/own-devices.md#the-device-file)");
            for (const auto& [key, value] : *node.as_table()) {
                if (!used_.count(section_name + "." + std::string(key.str()))) {
                    fail(&value, "[" + section_name + "] " + std::string(key.str()), "is not a key of this section (docs/own-devices.md#the-device-file)");
                }
            }
        }
    }

    static std::string number_text(double value) {
        std::ostringstream out;
        out.precision(6);
        out << value;
        return out.str();
    }

private:
    const toml::table& root_;
    std::string origin_;
    std::set<std::string> sections_, used_;
};

toml::array to_array(const std::vector<double>& values) {
    toml::array out;
    for (double v : values) out.push_back(v);
    return out;
}

toml::table law_table(const StepLaw& law) {
    return toml::table{{"g_S", to_array(law.g_S)}, {"mean_step_S", to_array(law.mean_step_S)}, {"step_sigma_S", to_array(law.sigma_S)},
                       {"steps", to_array(law.steps)}};
}

}  // namespace

TableDeviceData read_table_device_text(const std::string& toml_text, const std::string& origin) {
    toml::table root;
    try {
        root = toml::parse(toml_text, origin);
    } catch (const toml::parse_error& e) {
        const auto& begin = e.source().begin;
        throw IoError(origin + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column),
                      "not valid TOML: " + std::string(e.description()));
    }
    Reader r(root, origin);
    const toml::node* format = root.get("format");
    if (!format || format->value<std::string>() != std::string(format_name)) {
        r.fail(format, "format", std::string("expected format = \"") + format_name + "\" (a file written by cimkit device fit)");
    }
    const toml::node* version = root.get("version");
    if (!version || !version->is_integer() || version->value<long>() != format_version) {
        r.fail(version, "version", "expected version = " + std::to_string(format_version));
    }
    TableDeviceData d;
    const Range spread = Range::closed(0.0, 0.3);
    d.g_min_S = r.number("window", "g_min_S", Range::non_negative());
    d.g_max_S = r.number("window", "g_max_S", Range::positive());
    if (!(d.g_max_S > d.g_min_S)) r.fail(r.section("window").get("g_max_S"), "[window] g_max_S", "must be above g_min_S");
    d.g_min_spread_d2d = r.number("window", "g_min_spread_d2d", spread);
    d.g_max_spread_d2d = r.number("window", "g_max_spread_d2d", spread);
    // Optional: files written before it have independent window ends.
    if (r.section("window").get("g_spread_correlation")) d.g_spread_correlation = r.number("window", "g_spread_correlation", Range::closed(-1.0, 1.0));
    d.read_voltage_V = r.number("pulses", "read_voltage_V", Range::positive());
    d.potentiate_amplitude_V = r.number("pulses", "potentiate_amplitude_V", Range::positive());
    d.potentiate_width_s = r.number("pulses", "potentiate_width_s", Range::positive());
    d.depress_amplitude_V = r.number("pulses", "depress_amplitude_V", Range::positive());
    d.depress_width_s = r.number("pulses", "depress_width_s", Range::positive());
    d.potentiate = r.law("potentiate");
    d.depress = r.law("depress");
    d.step_spread_d2d = r.number("variation", "step_spread_d2d", spread);
    d.drift_nu = r.number("drift", "nu", Range::closed(0.0, 1.0));
    d.drift_t0_s = r.number("drift", "t0_s", Range::positive());
    r.refuse_unknown_keys();
    d.origin = origin;
    return d;
}

TableDeviceData read_table_device_file(const std::filesystem::path& path) {
    require_regular_file(path, "table device file (TOML, written by cimkit device fit)");
    std::error_code ec;
    if (std::filesystem::file_size(path, ec) > max_file_bytes) {
        throw IoError(path.string(), "larger than " + std::to_string(max_file_bytes >> 20) + " MiB; not a table device file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path.string(), "cannot open the table device file");
    std::ostringstream text;
    text << in.rdbuf();
    if (!text::is_utf8(text.str())) throw IoError(path.string(), "not UTF-8 text; expected a TOML table device file");
    return read_table_device_text(text.str(), path.string());
}

std::string table_device_toml(const TableDeviceData& d, const FitSummary& fit) {
    toml::table fit_table{{"source", fit.source}};
    for (const auto& [name, value] : fit.figures) fit_table.insert(name, value);
    toml::table root{
        {"format", format_name},
        {"version", format_version},
        {"window", toml::table{{"g_min_S", d.g_min_S}, {"g_max_S", d.g_max_S}, {"g_min_spread_d2d", d.g_min_spread_d2d},
                               {"g_max_spread_d2d", d.g_max_spread_d2d}, {"g_spread_correlation", d.g_spread_correlation}}},
        {"pulses", toml::table{{"read_voltage_V", d.read_voltage_V}, {"potentiate_amplitude_V", d.potentiate_amplitude_V},
                               {"potentiate_width_s", d.potentiate_width_s}, {"depress_amplitude_V", d.depress_amplitude_V},
                               {"depress_width_s", d.depress_width_s}}},
        {"potentiate", law_table(d.potentiate)},
        {"depress", law_table(d.depress)},
        {"variation", toml::table{{"step_spread_d2d", d.step_spread_d2d}}},
        {"drift", toml::table{{"nu", d.drift_nu}, {"t0_s", d.drift_t0_s}}},
        {"fit", std::move(fit_table)},
    };
    std::ostringstream out;
    out << "# A cimkit table device (docs/own-devices.md). Use it as --device table:<this file>.\n";
    out << toml::toml_formatter(root) << "\n";
    return out.str();
}

void write_table_device_file(const std::filesystem::path& path, const TableDeviceData& data, const FitSummary& fit) {
    const std::string text = table_device_toml(data, fit);
    TemporaryFile file(path);
    file.write_all_and_close(text.data(), text.size());
    file.move_into_place();
}

}  // namespace cimkit
