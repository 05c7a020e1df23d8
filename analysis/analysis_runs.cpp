#include "analysis/analysis_runs.hpp"

#include <algorithm>
#include <limits>

#include "circuits/analysis_size.hpp"
#include "devices/core/text.hpp"

namespace cimkit::analysis {
namespace {

bool is_fourier_vector(const spice::Vector& v) {
    return text::starts_with(v.name, "fourier(") || text::starts_with(v.name, "thd(");
}

// The .four results of a transient plot, taken out of its vectors (which keep only the waveforms).
std::vector<FourierResult> fourier_of(spice::Plot& plot, const std::vector<spice::NetlistCard>& cards) {
    std::vector<FourierResult> out;
    if (plot.analysis == "tran") out = take_fourier(plot, cards);
    plot.vectors.erase(std::remove_if(plot.vectors.begin(), plot.vectors.end(), is_fourier_vector), plot.vectors.end());
    return out;
}

// The name of the i-th plot of an analysis card's run (`base` = "noise1", ...).
std::string plot_group_name(const std::string& kind, const std::string& base, std::size_t index) {
    if (index == 0) return base;
    if (kind == "noise" && index == 1) return base + "_integrated";
    return base + "_" + std::to_string(index + 1);
}

}  // namespace

std::vector<spice::NetlistCard> analysis_cards(const spice::NetlistText& netlist) {
    std::vector<spice::NetlistCard> out;
    for (auto& card : spice::dot_cards(netlist)) {
        if (!spice::analysis_kind(card).empty()) out.push_back(std::move(card));
    }
    return out;
}

spice::NetlistText with_only_analysis(const spice::NetlistText& netlist, const std::vector<spice::NetlistCard>& cards,
                                      std::size_t keep) {
    spice::NetlistText out = netlist;
    for (std::size_t i = 0; i < cards.size(); ++i) {
        if (i == keep) continue;
        for (std::size_t line = cards[i].line; line <= cards[i].last_line && line <= out.lines.size(); ++line) {
            out.lines[line - 1] = "*" + out.lines[line - 1];
        }
    }
    return out;
}

bool find_nested_sweep(const spice::NetlistCard& card, const spice::Plot& plot, NestedSweep& sweep) {
    // .dc SRC1 START STOP STEP SRC2 START STOP STEP
    const spice::Vector* scale = plot.scale();
    if (card.words.size() < 9 || !scale || scale->is_complex() || scale->real.empty()) return false;
    const std::vector<double>& inner = scale->real;
    std::size_t inner_points = inner.size();
    for (std::size_t k = 1; k < inner.size(); ++k) {
        if (inner[k] == inner[0]) {  // ngspice sets the inner source back to its start value exactly
            inner_points = k;
            break;
        }
    }
    if (inner.size() % inner_points != 0) return false;
    sweep.inner_points = inner_points;
    sweep.outer_points = inner.size() / inner_points;
    sweep.inner_source = text::to_lower(card.words[1]);
    sweep.outer_source = text::to_lower(card.words[5]);
    sweep.outer_values.clear();
    const auto start = circuits::spice_number(text::to_lower(card.words[6]));
    const auto step = circuits::spice_number(text::to_lower(card.words[8]));
    if (start && step) {
        // ngspice steps the outer source by adding the step (dctrcurv.c), so the values are summed the
        // same way rather than computed as start + k * step, which can differ in the last bit.
        double value = *start;
        for (std::size_t k = 0; k < sweep.outer_points; ++k, value += *step) sweep.outer_values.push_back(value);
    }
    return true;
}

std::vector<AnalysisGroup> groups_of_run(const spice::NetlistCard& analysis, std::size_t ordinal,
                                         std::vector<spice::Plot> plots, const std::vector<std::string>& output,
                                         const std::vector<spice::NetlistCard>& cards) {
    const std::string kind = spice::analysis_kind(analysis);
    const std::string base = kind + std::to_string(ordinal);
    std::vector<AnalysisGroup> groups;
    for (std::size_t i = 0; i < plots.size(); ++i) {
        AnalysisGroup g;
        g.name = plot_group_name(kind, base, i);
        g.kind = kind;
        g.card = analysis.text;
        g.plot = std::move(plots[i]);
        g.plot.name = g.name;
        g.plot.analysis = kind;
        g.fourier = fourier_of(g.plot, cards);
        if (i == 0) g.measurements = measurements_of(kind, cards, output, g.plot);
        if (kind == "dc") g.nested = find_nested_sweep(analysis, g.plot, g.sweep);
        groups.push_back(std::move(g));
    }
    return groups;
}

std::vector<AnalysisGroup> groups_of_whole_run(std::vector<spice::Plot> plots, const std::vector<std::string>& output,
                                               const std::vector<spice::NetlistCard>& cards) {
    std::vector<AnalysisGroup> groups;
    for (auto& plot : plots) {
        AnalysisGroup g;
        g.name = plot.name;
        g.kind = plot.analysis;
        g.fourier = fourier_of(plot, cards);
        g.plot = std::move(plot);
        groups.push_back(std::move(g));
    }
    for (auto it = groups.rbegin(); it != groups.rend(); ++it) {
        const bool kind_done = std::any_of(groups.rbegin(), it, [&](const AnalysisGroup& g) { return g.kind == it->kind; });
        if (!kind_done) it->measurements = measurements_of(it->kind, cards, output, it->plot);
    }
    return groups;
}

std::vector<Measurement> unmatched_measurements(const std::vector<AnalysisGroup>& groups,
                                                const std::vector<spice::NetlistCard>& cards) {
    std::vector<Measurement> out;
    for (const auto& card : cards) {
        if ((card.keyword != ".meas" && card.keyword != ".measure") || card.words.size() < 3) continue;
        const std::string kind = text::to_lower(card.words[1]);
        if (std::any_of(groups.begin(), groups.end(), [&](const AnalysisGroup& g) { return g.kind == kind; })) continue;
        Measurement m;
        m.name = text::to_lower(card.words[2]);
        m.card = card.text;
        m.value = std::numeric_limits<double>::quiet_NaN();
        m.failed = true;
        m.error = "no ." + kind + " analysis ran";
        m.units = "unknown";
        out.push_back(std::move(m));
    }
    return out;
}

}  // namespace cimkit::analysis
