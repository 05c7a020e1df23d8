#include "analysis/waveform_export.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::analysis {

std::vector<spice::Plot> select_vectors(const std::vector<spice::Plot>& plots,
                                        const std::vector<std::string>& wanted) {
    if (wanted.empty()) return plots;
    std::set<std::string> found;
    std::vector<spice::Plot> out;
    for (const auto& plot : plots) {
        spice::Plot kept{plot.name, plot.analysis, {}};
        for (const auto& v : plot.vectors) {
            const bool requested = std::any_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
                const bool hit = text::iequals(w, v.name) || text::iequals(w, v.ngspice_name);
                if (hit) found.insert(w);
                return hit;
            });
            if (requested || v.is_scale) kept.vectors.push_back(v);
        }
        out.push_back(std::move(kept));
    }
    for (const auto& w : wanted) {
        if (found.count(w)) continue;
        std::set<std::string> available;
        for (const auto& plot : plots) {
            for (const auto& v : plot.vectors) available.insert(v.name);
        }
        throw UsageError("--vectors: '" + w + "' is not a vector of any analysis (available: " +
                         text::join({available.begin(), available.end()}, ", ") + ")");
    }
    return out;
}

std::string dataset_name(const std::string& vector_name) {
    std::string out;
    for (char c : vector_name) out += c == '/' ? std::string("%2F") : std::string(1, c);
    if (out == "." || out.empty()) out = "%2E";
    return out;
}

void write_waveforms(h5::File& file, const std::vector<spice::Plot>& plots) {
    for (const auto& plot : plots) {
        const std::string group = "/waveforms/" + plot.name;
        file.create_group(group);
        file.set_attribute(group, "analysis", plot.analysis);
        const spice::Vector* scale = plot.scale();
        file.set_attribute(group, "scale", scale ? dataset_name(scale->name) : std::string());
        for (const auto& v : plot.vectors) {
            const std::string path = group + "/" + dataset_name(v.name);
            if (v.is_complex()) {
                file.write(path, v.complex, v.unit);
            } else {
                file.write(path, v.real, v.unit);
            }
            file.set_attribute(path, "ngspice_name", v.ngspice_name);
        }
    }
}

std::string summary_line(const spice::Plot& plot) {
    std::ostringstream out;
    out << plot.name << ": " << plot.vectors.size() << " vectors x " << plot.points() << " points";
    if (const spice::Vector* scale = plot.scale(); scale && scale->size() > 0) {
        auto value = [&](std::size_t i) { return scale->is_complex() ? scale->complex[i].real() : scale->real[i]; };
        out << ", " << scale->name << " " << value(0) << " .. " << value(scale->size() - 1);
        if (!scale->unit.empty()) out << " " << scale->unit;
    }
    return out.str();
}

}  // namespace cimkit::analysis
