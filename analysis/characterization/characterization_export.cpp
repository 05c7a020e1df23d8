#include "analysis/characterization/characterization_export.hpp"

#include <cstdio>
#include <sstream>

namespace cimkit::analysis {

void write_characterisation(h5::File& file, const ExperimentResult& result) {
    const std::string group = "/characterisation/" + result.device + "/" + result.experiment;
    file.create_group(group);
    if (!result.source.empty()) file.set_attribute(group, "source", result.source);
    for (const auto& curve : result.curves) {
        const std::string path = group + "/" + curve.name;
        if (curve.shape.size() == 2) {
            file.write_matrix(path, curve.values, curve.shape[0], curve.shape[1], curve.units);
        } else {
            file.write(path, curve.values, curve.units);
        }
        file.set_attribute(path, "description", curve.description);
    }
    for (const auto& figure : result.figures) {
        file.set_attribute(group, figure.name, figure.value);
        file.set_attribute(group, figure.name + "_units", figure.units);
    }
}

std::string figures_table(const ExperimentResult& result) {
    std::ostringstream out;
    out << result.device << " " << result.experiment << "\n";
    for (const auto& f : result.figures) {
        char line[256];
        std::snprintf(line, sizeof line, "  %-26s %12.5g %-4s %s\n", f.name.c_str(), f.value, f.units.c_str(),
                      f.description.c_str());
        out << line;
    }
    return out.str();
}

}  // namespace cimkit::analysis
