#include "analysis/spice_measurements.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <optional>

#include "devices/core/text.hpp"

namespace cimkit::analysis {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// "stdout text" -> "text"; the engine prefixes every line with its stream.
std::string without_stream(const std::string& line) {
    if (text::starts_with(line, "stdout ")) return line.substr(7);
    if (text::starts_with(line, "stderr ")) return line.substr(7);
    return line;
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> words_of(const std::string& line) {
    std::vector<std::string> words;
    for (const auto& w : text::split(line, ' ')) {
        if (!w.empty()) words.push_back(w);
    }
    return words;
}

std::optional<double> number(const std::string& word) {
    if (word.empty()) return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(word.c_str(), &end);
    if (end != word.c_str() + word.size()) return std::nullopt;
    return value;
}

// "name = 2.19e-03 targ= 2.30e-03 trig= 1.05e-04" -> value and the named numbers after it.
bool parse_result(const std::string& rest, Measurement& m) {
    const std::vector<std::string> words = words_of(rest);
    if (words.empty()) return false;
    if (text::to_lower(words[0]) == "failed") {
        m.failed = true;
        m.value = nan;
        m.error = "ngspice printed 'failed'";
        return true;
    }
    const auto value = number(words[0]);
    if (!value) return false;
    m.value = *value;
    for (std::size_t i = 1; i + 1 < words.size(); ++i) {
        if (words[i].size() > 1 && words[i].back() == '=') {
            if (const auto detail = number(words[i + 1])) m.details.emplace_back(words[i].substr(0, words[i].size() - 1), *detail);
        }
    }
    return true;
}

std::string unit_of_vector(const std::string& expression, const spice::Plot& plot) {
    const std::string wanted = text::to_lower(expression);
    for (const auto& v : plot.vectors) {
        if (text::to_lower(v.name) == wanted && !v.unit.empty()) return v.unit;
    }
    if (text::starts_with(wanted, "vdb(")) return "dB";
    if (text::starts_with(wanted, "v(") || text::starts_with(wanted, "vm(") || text::starts_with(wanted, "vr(") ||
        text::starts_with(wanted, "vi(")) {
        return "V";
    }
    if (text::starts_with(wanted, "i(") || text::starts_with(wanted, "im(")) return "A";
    return "unknown";
}

// ngspice gives no unit for a measurement; the card says what it measures: a time (or frequency, or
// swept value) for trig/targ, when and *_at; the measured vector's unit for find, max, min, avg, pp,
// rms; their product or ratio with the scale's for integ and deriv.
std::string measurement_units(const spice::NetlistCard& card, const spice::Plot& plot) {
    const spice::Vector* scale = plot.scale();
    const std::string scale_unit = scale && !scale->unit.empty() ? scale->unit : "unknown";
    if (card.words.size() < 5) return "unknown";
    const std::string how = text::to_lower(card.words[3]);
    const std::string& what = card.words[4];
    if (how == "trig" || how == "targ" || how == "when" || how == "max_at" || how == "min_at") return scale_unit;
    if (how == "find" || how == "max" || how == "min" || how == "avg" || how == "pp" || how == "rms") {
        return unit_of_vector(what, plot);
    }
    const std::string vector_unit = unit_of_vector(what, plot);
    if (vector_unit == "unknown" || scale_unit == "unknown") return "unknown";
    if (how == "integ" || how == "integral") return vector_unit + "*" + scale_unit;
    if (how == "deriv" || how == "derivative") return vector_unit + "/" + scale_unit;
    return "unknown";
}

}  // namespace

std::vector<Measurement> measurements_of(const std::string& kind, const std::vector<spice::NetlistCard>& cards,
                                         const std::vector<std::string>& output, const spice::Plot& plot) {
    std::vector<Measurement> out;
    std::vector<const spice::NetlistCard*> wanted;
    for (const auto& card : cards) {
        const bool is_meas = card.keyword == ".meas" || card.keyword == ".measure";
        if (is_meas && card.words.size() >= 3 && text::to_lower(card.words[1]) == kind) wanted.push_back(&card);
    }
    for (const auto* card : wanted) {
        Measurement m;
        m.name = text::to_lower(card->words[2]);
        m.card = card->text;
        m.units = measurement_units(*card, plot);
        std::string last_error;
        bool done = false;
        for (const auto& raw : output) {
            const std::string line = without_stream(raw);
            const std::string trimmed = text::trim(line);
            const std::size_t equals = trimmed.find('=');
            const bool names_it = equals != std::string::npos && text::to_lower(text::trim(trimmed.substr(0, equals))) == m.name;
            if (names_it && parse_result(trimmed.substr(equals + 1), m)) {
                done = true;
                if (m.failed && !last_error.empty()) m.error = last_error;
                break;
            }
            const auto words = words_of(trimmed);
            const bool failure = ends_with(trimmed, "failed!") && words.size() > 2 &&
                                 text::to_lower(words[2]) == m.name;
            if (failure) {
                m.failed = true;
                m.value = nan;
                m.error = last_error.empty() ? trimmed : last_error + " (" + trimmed + ")";
                done = true;
                break;
            }
            if (text::starts_with(raw, "stderr ") && !trimmed.empty()) last_error = trimmed;
        }
        if (!done) {
            m.failed = true;
            m.value = nan;
            m.error = "ngspice printed no result for it";
        }
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<FourierResult> take_fourier(spice::Plot& plot, const std::vector<spice::NetlistCard>& cards) {
    std::vector<FourierResult> out;
    auto take = [&](const std::string& name) -> std::optional<std::vector<double>> {
        const auto it = std::find_if(plot.vectors.begin(), plot.vectors.end(),
                                     [&](const spice::Vector& v) { return v.name == name && !v.is_scale; });
        if (it == plot.vectors.end()) return std::nullopt;
        std::vector<double> values = it->real;
        plot.vectors.erase(it);
        return values;
    };
    for (const auto& card : cards) {
        if (card.keyword != ".four") continue;
        for (std::size_t k = 2; k < card.words.size(); ++k) {
            FourierResult r;
            r.vector = text::to_lower(card.words[k]);
            r.card = card.text;
            r.units = unit_of_vector(r.vector, plot);
            const auto rows = take("fourier(" + r.vector + ")");
            const auto thd = take("thd(" + r.vector + ")");
            r.failed = !rows || rows->empty() || rows->size() % 3 != 0 || !thd || thd->empty();
            if (!r.failed) {
                const std::size_t n = rows->size() / 3;
                r.frequency_Hz.assign(rows->begin(), rows->begin() + static_cast<long>(n));
                r.magnitude.assign(rows->begin() + static_cast<long>(n), rows->begin() + static_cast<long>(2 * n));
                r.phase_deg.assign(rows->begin() + static_cast<long>(2 * n), rows->end());
                r.thd_percent = thd->front();
            }
            out.push_back(std::move(r));
        }
    }
    return out;
}

}  // namespace cimkit::analysis
