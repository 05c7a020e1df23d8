#include "circuits/analysis_size.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "devices/core/text.hpp"

namespace cimkit::circuits {
namespace {

std::vector<std::string> words(const std::string& card) {
    std::istringstream in(card);
    std::vector<std::string> out;
    for (std::string word; in >> word;) out.push_back(word);
    return out;
}

// Points of a frequency sweep: "lin N f1 f2", "dec N f1 f2", "oct N f1 f2" from `first`.
std::optional<double> frequency_points(const std::vector<std::string>& w, std::size_t first) {
    if (w.size() < first + 4) return std::nullopt;
    const auto n = spice_number(w[first + 1]), f1 = spice_number(w[first + 2]), f2 = spice_number(w[first + 3]);
    if (!n || !f1 || !f2) return std::nullopt;
    if (w[first] == "lin") return *n;
    if (!(*f1 > 0.0 && *f2 > *f1)) return *n;
    if (w[first] == "dec") return *n * std::log10(*f2 / *f1);
    if (w[first] == "oct") return *n * std::log2(*f2 / *f1);
    return std::nullopt;
}

// Points of one dc sweep "src start stop step" from `first`.
std::optional<double> dc_points(const std::vector<std::string>& w, std::size_t first) {
    if (w.size() < first + 4) return std::nullopt;
    const auto start = spice_number(w[first + 1]), stop = spice_number(w[first + 2]), step = spice_number(w[first + 3]);
    if (!start || !stop || !step || *step == 0.0) return std::nullopt;
    return std::floor(std::abs((*stop - *start) / *step)) + 1.0;
}

}  // namespace

std::optional<double> spice_number(const std::string& text) {
    const char* begin = text.c_str();
    char* end = nullptr;
    const double value = std::strtod(begin, &end);
    if (end == begin || !std::isfinite(value)) return std::nullopt;
    const std::string scale = text::to_lower(end);
    if (text::starts_with(scale, "meg")) return value * 1e6;
    if (text::starts_with(scale, "mil")) return value * 25.4e-6;
    switch (scale.empty() ? '\0' : scale.front()) {
        case 't': return value * 1e12;
        case 'g': return value * 1e9;
        case 'k': return value * 1e3;
        case 'm': return value * 1e-3;
        case 'u': return value * 1e-6;
        case 'n': return value * 1e-9;
        case 'p': return value * 1e-12;
        case 'f': return value * 1e-15;
        default: return value;
    }
}

std::optional<double> analysis_points(const std::string& card) {
    if (card.find('{') != std::string::npos) return std::nullopt;
    const std::vector<std::string> w = words(card);
    if (w.empty()) return std::nullopt;
    if (w[0] == ".ac") return frequency_points(w, 1);
    if (w[0] == ".noise") {
        // .noise v(out) vin dec 10 1 1meg [pts_per_summary]: the sweep follows the two names.
        for (std::size_t k = 1; k < w.size(); ++k) {
            if (w[k] == "lin" || w[k] == "dec" || w[k] == "oct") return frequency_points(w, k);
        }
        return std::nullopt;
    }
    if (w[0] == ".dc") {
        const auto outer = dc_points(w, 1);
        if (!outer) return std::nullopt;
        const auto inner = w.size() >= 9 ? dc_points(w, 5) : std::optional<double>(1.0);
        return inner ? *outer * *inner : outer;
    }
    if (w[0] == ".tran" && w.size() >= 3) {
        const auto step = spice_number(w[1]), stop = spice_number(w[2]);
        if (!step || !stop || !(*step > 0.0)) return std::nullopt;
        return *stop / *step;
    }
    return std::nullopt;
}

}  // namespace cimkit::circuits
