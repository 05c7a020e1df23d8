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

namespace {

void write_vectors(h5::File& file, const std::string& group, const spice::Plot& plot, const AnalysisGroup* nested) {
    for (const auto& v : plot.vectors) {
        const std::string path = group + "/" + dataset_name(v.name);
        if (v.is_complex()) {
            file.write(path, v.complex, v.unit);
        } else if (nested && v.real.size() == nested->sweep.outer_points * nested->sweep.inner_points) {
            file.write_matrix(path, v.real, nested->sweep.outer_points, nested->sweep.inner_points, v.unit);
        } else {
            file.write(path, v.real, v.unit);
        }
        file.set_attribute(path, "ngspice_name", v.ngspice_name);
    }
}

void write_group(h5::File& file, const AnalysisGroup& g, bool with_card) {
    const std::string group = "/waveforms/" + g.name;
    file.create_group(group);
    file.set_attribute(group, "analysis", g.kind);
    if (with_card) file.set_attribute(group, "card", g.card);
    const spice::Vector* scale = g.plot.scale();
    file.set_attribute(group, "scale", scale ? dataset_name(scale->name) : std::string());
    if (g.nested) {
        const NestedSweep& s = g.sweep;
        file.set_integer_attribute(group, "sweep_shape", std::vector<std::uint64_t>{s.outer_points, s.inner_points});
        file.set_attribute(group, "inner_source", s.inner_source);
        file.set_attribute(group, "outer_source", s.outer_source);
        if (!s.outer_values.empty()) file.set_attribute(group, "outer_sweep", s.outer_values);
    }
    write_vectors(file, group, g.plot, g.nested ? &g : nullptr);
}

void write_measurements(h5::File& file, const std::string& group, const std::vector<Measurement>& measurements) {
    for (const auto& m : measurements) {
        const std::string path = "/measurements/" + group + "/" + dataset_name(m.name);
        file.write(path, std::vector<double>{m.value}, m.units);
        file.set_integer_attribute(path, "failed", m.failed ? 1u : 0u);
        file.set_attribute(path, "analysis", group);
        file.set_attribute(path, "card", m.card);
        if (m.failed) file.set_attribute(path, "error", m.error);
        for (const auto& [name, value] : m.details) file.set_attribute(path, name, value);
    }
}

void write_fourier(h5::File& file, const AnalysisGroup& g) {
    for (const auto& r : g.fourier) {
        const std::string group = "/fourier/" + g.name + "/" + dataset_name(r.vector);
        file.create_group(group);
        file.set_attribute(group, "card", r.card);
        file.set_attribute(group, "analysis", g.name);
        file.set_integer_attribute(group, "failed", r.failed ? 1u : 0u);
        if (r.failed) continue;
        std::vector<std::int64_t> harmonic(r.frequency_Hz.size());
        for (std::size_t i = 0; i < harmonic.size(); ++i) harmonic[i] = static_cast<std::int64_t>(i);
        file.write(group + "/harmonic", harmonic, "1");
        file.write(group + "/frequency", r.frequency_Hz, "Hz");
        file.write(group + "/magnitude", r.magnitude, r.units);
        file.write(group + "/phase", r.phase_deg, "degree");
        file.set_attribute(group, "thd_percent", r.thd_percent);
        if (r.frequency_Hz.size() > 1) {
            file.set_attribute(group, "fundamental_Hz", r.frequency_Hz[1]);
            file.set_attribute(group, "fundamental_magnitude", r.magnitude[1]);
            file.set_attribute(group, "fundamental_phase_degree", r.phase_deg[1]);
        }
    }
}

}  // namespace

void write_waveforms(h5::File& file, const std::vector<spice::Plot>& plots) {
    for (const auto& plot : plots) {
        AnalysisGroup g;
        g.name = plot.name;
        g.kind = plot.analysis;
        g.plot = plot;
        write_group(file, g, false);
    }
}

void write_analysis_groups(h5::File& file, const std::vector<AnalysisGroup>& groups,
                           const std::vector<Measurement>& unmatched) {
    for (const auto& g : groups) {
        write_group(file, g, true);
        write_measurements(file, g.name, g.measurements);
        write_fourier(file, g);
    }
    write_measurements(file, "unmatched", unmatched);
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
