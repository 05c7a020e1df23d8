#include <algorithm>
#include <string>
#include <vector>

#include "circuits/spice/engine_impl.hpp"
#include "circuits/spice/plot.hpp"

// Reading ngspice's plots into cimkit's Plot and Vector (circuits/spice/plot.hpp).
namespace cimkit::spice {

Vector Engine::Impl::read_vector(const std::string& plot, const std::string& name, bool is_scale) const {
    std::string full = plot + "." + name;
    const pvector_info info = library->vec_info(full.data());
    Vector v;
    v.ngspice_name = name;
    v.is_scale = is_scale;
    if (!info) return v;
    v.name = exported_vector_name(name, info->v_type, is_scale);
    v.unit = unit_of_vector_type(info->v_type);
    const auto n = static_cast<std::size_t>(std::max(info->v_length, 0));
    // ngspice keeps an AC plot's frequency scale complex with zero imaginary part; export it real.
    const bool real_valued_scale = is_scale && info->v_compdata &&
        std::all_of(info->v_compdata, info->v_compdata + n, [](const ngcomplex_t& c) { return c.cx_imag == 0.0; });
    if (real_valued_scale) {
        for (std::size_t i = 0; i < n; ++i) v.real.push_back(info->v_compdata[i].cx_real);
    } else if (info->v_compdata) {
        v.complex.reserve(n);
        for (std::size_t i = 0; i < n; ++i) v.complex.emplace_back(info->v_compdata[i].cx_real, info->v_compdata[i].cx_imag);
    } else if (info->v_realdata) {
        v.real.assign(info->v_realdata, info->v_realdata + n);
    }
    return v;
}

Plot Engine::Impl::read_plot(const std::string& name) const {
    Plot plot;
    plot.name = name;
    plot.analysis = name.substr(0, name.find_first_of("0123456789"));
    std::string mutable_name = name;
    std::vector<std::string> names;
    if (char** vecs = library->all_vecs(mutable_name.data())) {
        for (int i = 0; vecs[i]; ++i) names.emplace_back(vecs[i]);
    }
    // ngspice lists a plot's vectors newest first, so its scale (created first) comes last.
    auto is_named_scale = [](const std::string& n) {
        return n == "time" || n == "frequency" || (n.size() > 6 && n.compare(n.size() - 6, 6, "-sweep") == 0);
    };
    std::string scale_name;
    for (const auto& n : names) {
        if (is_named_scale(n)) scale_name = n;
    }
    if (scale_name.empty() && plot.analysis != "op" && !names.empty()) scale_name = names.back();
    std::sort(names.begin(), names.end());
    if (!scale_name.empty()) plot.vectors.push_back(read_vector(name, scale_name, true));
    for (const auto& n : names) {
        if (n != scale_name) plot.vectors.push_back(read_vector(name, n, false));
    }
    return plot;
}

std::vector<Plot> Engine::plots() const {
    std::vector<Plot> out;
    char** names = impl_->library->all_plots();
    for (int i = 0; names && names[i]; ++i) {
        const std::string name = names[i];
        const auto& read = impl_->read_plots;  // already returned by run_and_read, as good as destroyed
        if (name != "const" && std::find(read.begin(), read.end(), name) == read.end()) out.push_back(impl_->read_plot(name));
    }
    std::reverse(out.begin(), out.end());
    return out;
}

}  // namespace cimkit::spice
