#include "circuits/crossbar_settling.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "circuits/crossbar/waveforms.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

// Elmore delay at the far node of a uniform ladder of n segments, ohm each, farad on each node.
double ladder_elmore_s(int segments, double ohm, double farad) {
    const double n = segments;
    return ohm * farad * n * (n + 1.0) / 2.0;
}

// The plateau's settling margin: twice the single-pole 1/2-LSB settling time of the Elmore delay.
double settling_margin_s(const CrossbarGeometry& g, const CrossbarCircuitOptions& options) {
    return 2.0 * half_lsb_settling_s(elmore_delay_s(g), options.adc_bits);
}

}  // namespace

void validate_adc_bits(int bits) {
    if (bits < 1 || bits > 24) throw ParameterError("crossbar: adc bits = " + std::to_string(bits) + " is outside [1, 24]");
}

double elmore_delay_s(const CrossbarGeometry& g) {
    // The driver's output resistance charges the whole row's capacitance: R_d C n more at the far node.
    return g.driver_ohm * g.row_wire_farad * g.columns + ladder_elmore_s(g.columns, g.row_wire_ohm, g.row_wire_farad) +
           ladder_elmore_s(g.rows, g.column_wire_ohm, g.column_wire_farad);
}

double half_lsb_settling_s(double tau_s, int adc_bits) { return tau_s * (adc_bits + 1) * std::log(2.0); }

ReadTiming settled_read_timing(const CrossbarGeometry& g, const CrossbarCircuitOptions& options) {
    validate_adc_bits(options.adc_bits);
    ReadTiming timing = options.timing;
    timing.read_s = std::max(timing.read_s, settling_margin_s(g, options));
    return timing;
}

double read_stop_s(const CrossbarGeometry& g, const CrossbarCircuitOptions& options) {
    const ReadTiming timing = settled_read_timing(g, options);
    return 2.0 * timing.edge_s + timing.read_s + settling_margin_s(g, options);
}

double settled_time_s(const std::vector<double>& t, double plateau_end_s) {
    const auto after = std::lower_bound(t.begin(), t.end(), plateau_end_s);
    return after == t.begin() ? plateau_end_s : *(after - 1);
}

ColumnSettling column_settling(const std::vector<double>& t, const std::vector<std::vector<double>>& column_A, double t_settled_s,
                               int adc_bits) {
    validate_adc_bits(adc_bits);
    ColumnSettling out;
    std::vector<double> settled_A;
    for (const auto& current : column_A) {
        settled_A.push_back(sample(t, current, t_settled_s));
        out.full_scale_A = std::max(out.full_scale_A, std::abs(settled_A.back()));
    }
    const double tolerance_A = 0.5 * out.full_scale_A / std::ldexp(1.0, adc_bits);
    const auto last = static_cast<std::size_t>(std::upper_bound(t.begin(), t.end(), t_settled_s) - t.begin());
    for (std::size_t j = 0; j < column_A.size(); ++j) {
        const auto deviation = [&](std::size_t k) { return std::abs(column_A[j][k] - settled_A[j]); };
        // The last sample before the settled point that is still outside the band; the column enters
        // the band for good between it and the next sample (linear interpolation of the deviation).
        for (std::size_t k = last; k-- > 0;) {
            if (deviation(k) <= tolerance_A) continue;
            double entered_s = t[k];
            if (k + 1 < t.size()) {
                const double outside = deviation(k) - tolerance_A, inside = tolerance_A - deviation(k + 1);
                entered_s += (t[k + 1] - t[k]) * outside / (outside + std::max(inside, 0.0));
            }
            out.latency_s = std::max(out.latency_s, entered_s);
            break;
        }
    }
    return out;
}

}  // namespace cimkit::circuits
