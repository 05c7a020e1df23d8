#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <vector>

#include "circuits/spice/engine_impl.hpp"
#include "circuits/spice/netlist_cards.hpp"
#include "circuits/spice/plot.hpp"
#include "devices/core/text.hpp"

// Reading ngspice's plots into cimkit's Plot and Vector (circuits/spice/plot.hpp).
namespace cimkit::spice {

Vector Engine::Impl::read_vector(const std::string& plot, const std::string& name, bool is_scale) const {
    std::string full = plot + "." + name;
    const pvector_info info = library->vec_info(full.data());
    Vector v;
    v.ngspice_name = name;
    v.is_scale = is_scale;
    if (!info) return v;
    const auto derived = derived_vector_names.find(full);
    v.name = derived != derived_vector_names.end() ? derived->second : exported_vector_name(name, info->v_type, is_scale);
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
    // Only a named scale is one: ngspice's default scale of a plot without a sweep (op, tf, the
    // integrated noise, dc sens) is merely its first vector, a result, not an independent variable.
    std::string scale_name;
    for (const auto& n : names) {
        if (is_named_scale(n)) scale_name = n;
    }
    std::sort(names.begin(), names.end());
    if (!scale_name.empty()) plot.vectors.push_back(read_vector(name, scale_name, true));
    // In these plots a voltage-typed vector is a result (onoise_total, Transfer_function, a
    // sensitivity), not a node: it keeps ngspice's name rather than becoming "v(onoise_total)".
    const bool holds_nodes = plot.analysis != "noise" && plot.analysis != "tf" && plot.analysis != "sens" &&
                             plot.analysis != "pz";
    for (const auto& n : names) {
        if (n == scale_name) continue;
        Vector v = read_vector(name, n, false);
        if (v.name.empty()) continue;  // a vector ngspice would not hand over
        if (!holds_nodes) v.name = v.ngspice_name;
        plot.vectors.push_back(std::move(v));
    }
    return plot;
}

namespace {

// The `.four` fields go into an ngspice command, whose language expands backquotes (through a shell),
// variables and more: only plain vector expressions and numbers may go in.
void check_fourier_card(const NetlistCard& card, const NetlistText& netlist) {
    const bool plain = std::all_of(card.text.begin(), card.text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::strchr(" \t._()#:+-/[]@,", c) != nullptr;
    });
    if (!plain || card.words.size() < 3) {
        throw NetlistError(netlist.origin, static_cast<int>(card.line), card.text,
                           "expected '.four FREQUENCY VECTOR...' made of numbers and vector names (letters, digits "
                           "and ._()#:+-/[]@,)");
    }
}

std::vector<std::string> vector_names(NgspiceLibrary& library, const std::string& plot) {
    std::string mutable_name = plot;
    std::vector<std::string> names;
    if (char** vecs = library.all_vecs(mutable_name.data())) {
        for (int i = 0; vecs[i]; ++i) names.emplace_back(vecs[i]);
    }
    return names;
}

}  // namespace

// Batch ngspice runs `.four` after the analyses; the shared library's `run` ignores the card
// (docs/ngspice-facts.md#measure-and-fourier-in-the-shared-library). ngspice's `fourier` command does
// the same computation on the current plot and leaves fourier<call><k> (3 x harmonics: frequency,
// magnitude, phase) and thd<call><k> there; each call here names one vector, so its new vectors are
// that vector's.
void Engine::Impl::run_fourier_cards() {
    derived_vector_names.clear();
    std::vector<NetlistCard> cards;
    for (auto& card : dot_cards(netlist)) {
        if (card.keyword == ".four") cards.push_back(std::move(card));
    }
    for (const auto& card : cards) check_fourier_card(card, netlist);
    for (const auto& plot : plot_names()) {
        const bool already_read = std::find(read_plots.begin(), read_plots.end(), plot) != read_plots.end();
        if (!text::starts_with(plot, "tran") || already_read) continue;
        command("setplot " + plot);
        for (const auto& card : cards) {
            for (std::size_t k = 2; k < card.words.size(); ++k) {
                const auto before = vector_names(*library, plot);
                command("fourier " + card.words[1] + " " + card.words[k]);
                const std::string label = "(" + text::to_lower(card.words[k]) + ")";
                for (const auto& name : vector_names(*library, plot)) {
                    if (std::find(before.begin(), before.end(), name) != before.end()) continue;
                    const bool is_thd = text::starts_with(name, "thd");
                    // The transform is 2-D (3 x harmonics) and ngGet_Vec_Info refuses a vector with
                    // dimensions: made 1-D (rows one after the other) it reads like any other.
                    if (!is_thd) command("reshape " + name + " []");
                    derived_vector_names[plot + "." + name] = (is_thd ? "thd" : "fourier") + label;
                }
            }
        }
    }
    stderr_lines.clear();  // a failed transform is recorded by what is missing, not thrown
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
