#include "devices/table_device_fit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>

#include "devices/core/errors.hpp"

namespace cimkit {
namespace {

struct Step {
    std::size_t device;
    int direction;
    double g_nom_S = 0.0;  // the conductance before the pulse, on the nominal window
    double y_S = 0.0;      // the step on the nominal window
};

struct Device {
    std::string id;
    int first_line = 0;
    double low_S = INFINITY, high_S = -INFINITY;
    long up = 0, down = 0;
    double up_sum_S = 0.0, down_sum_S = 0.0;
    double scale = 1.0, scale_variance = 0.0;
};

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", value);
    return text;
}

[[noreturn]] void refuse(const std::string& origin, int line, const std::string& what) {
    throw IoError(line > 0 ? origin + ":" + std::to_string(line) : origin, what);
}

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }

double relative_spread(const std::vector<double>& v) {
    const double m = mean(v);
    if (v.size() < 2 || !(m > 0.0)) return 0.0;
    double s2 = 0.0;
    for (double x : v) s2 += (x - m) * (x - m);
    return std::sqrt(s2 / static_cast<double>(v.size() - 1)) / m;
}

// a < b with runs of digits compared as numbers ("d2" < "d10"), then as text (so "d02" and "d2" differ).
bool natural_less(const std::string& a, const std::string& b) {
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            std::size_t ei = i, ej = j;
            while (ei < a.size() && digit(a[ei])) ++ei;
            while (ej < b.size() && digit(b[ej])) ++ej;
            // Without leading zeros the longer run is the larger number.
            std::size_t zi = i, zj = j;
            while (zi + 1 < ei && a[zi] == '0') ++zi;
            while (zj + 1 < ej && b[zj] == '0') ++zj;
            if (ei - zi != ej - zj) return ei - zi < ej - zj;
            const int c = a.compare(zi, ei - zi, b, zj, ej - zj);
            if (c != 0) return c < 0;
            i = ei;
            j = ej;
        } else {
            if (a[i] != b[j]) return a[i] < b[j];
            ++i;
            ++j;
        }
    }
    if ((i < a.size()) != (j < b.size())) return j < b.size();
    return a < b;
}


// Equal-count bins over the steps sorted by g_nom; a state at each bin's mean g_nom with the mean
// of y / c_d. Bins whose states coincide (many steps at one clipped conductance) are merged.
StepLaw bin_law(const std::vector<const Step*>& sorted, const std::vector<Device>& devices, const FitOptions& o) {
    const std::size_t n = sorted.size();
    const std::size_t states = std::clamp<std::size_t>(n / static_cast<std::size_t>(o.steps_per_state), 2, static_cast<std::size_t>(o.max_states));
    StepLaw law;
    std::vector<double> g_sum, y_sum;
    for (std::size_t k = 0; k < states; ++k) {
        double g = 0.0, y = 0.0;
        const std::size_t begin = k * n / states, end = (k + 1) * n / states;
        for (std::size_t i = begin; i < end; ++i) {
            g += sorted[i]->g_nom_S;
            y += sorted[i]->y_S / devices[sorted[i]->device].scale;
        }
        const double count = static_cast<double>(end - begin);
        if (!law.g_S.empty() && !(g / count > law.g_S.back() * (1.0 + 1e-12))) {  // merge into the state before
            g_sum.back() += g;
            y_sum.back() += y;
            law.steps.back() += count;
            law.g_S.back() = g_sum.back() / law.steps.back();
            law.mean_step_S.back() = y_sum.back() / law.steps.back();
            continue;
        }
        g_sum.push_back(g);
        y_sum.push_back(y);
        law.g_S.push_back(g / count);
        law.mean_step_S.push_back(y / count);
        law.steps.push_back(count);
    }
    law.sigma_S.assign(law.g_S.size(), 0.0);
    return law;
}

// The residual standard deviation per state (each step counted in the state whose bin it fell in,
// found again by the bin edges) and the RMS of all residuals.
double fit_noise(StepLaw& law, const std::vector<const Step*>& sorted, const std::vector<Device>& devices) {
    std::size_t i = 0;
    double all = 0.0;
    for (std::size_t k = 0; k < law.g_S.size(); ++k) {
        const std::size_t count = static_cast<std::size_t>(law.steps[k]);
        double sum2 = 0.0;
        for (std::size_t j = 0; j < count; ++j, ++i) {
            const Step& s = *sorted[i];
            const double e = s.y_S - devices[s.device].scale * law.mean_at(s.g_nom_S);
            sum2 += e * e;
        }
        all += sum2;
        law.sigma_S[k] = std::sqrt(sum2 / static_cast<double>(std::max<std::size_t>(count - 1, 1)));
    }
    return std::sqrt(all / static_cast<double>(sorted.size()));
}

std::vector<const Step*> sorted_steps(const std::vector<Step>& steps, int direction) {
    std::vector<const Step*> out;
    for (const Step& s : steps) {
        if (s.direction == direction) out.push_back(&s);
    }
    std::stable_sort(out.begin(), out.end(), [](const Step* a, const Step* b) { return a->g_nom_S < b->g_nom_S; });
    return out;
}

// c_d = sum(y m) / sum(m^2) per device, and its sampling variance sum(m^2 s^2) / (sum m^2)^2.
void fit_scales(std::vector<Device>& devices, const std::vector<Step>& steps, const TableDeviceData& d) {
    std::vector<double> ym(devices.size(), 0.0), mm(devices.size(), 0.0), mms(devices.size(), 0.0);
    for (const Step& s : steps) {
        const StepLaw& law = s.direction > 0 ? d.potentiate : d.depress;
        const double m = law.mean_at(s.g_nom_S), sigma = law.sigma_at(s.g_nom_S);
        ym[s.device] += s.y_S * m;
        mm[s.device] += m * m;
        mms[s.device] += m * m * sigma * sigma;
    }
    double total = 0.0;
    for (std::size_t k = 0; k < devices.size(); ++k) {
        devices[k].scale = mm[k] > 0.0 ? ym[k] / mm[k] : 1.0;
        devices[k].scale_variance = mm[k] > 0.0 ? mms[k] / (mm[k] * mm[k]) : 0.0;
        total += devices[k].scale;
    }
    const double mean_scale = total / static_cast<double>(devices.size());
    for (Device& device : devices) {
        device.scale /= mean_scale;
        device.scale_variance /= mean_scale * mean_scale;
    }
}

}  // namespace

TableFit fit_table_device(const PulseData& p, const FitOptions& o) {
    const std::string& origin = p.origin;
    const auto& rows = p.rows;
    if (rows.empty()) refuse(origin, 0, "no rows; expected pulse trains of several devices (docs/own-devices.md#the-pulse-csv)");
    TableFit fit;
    fit.rows = static_cast<long>(rows.size());
    // The devices in the natural order of their ids (d2 before d10), not in the order the file
    // first names them: a file's row order is its tool's (shuffled, or device-major in the inner
    // loop of an array tester), and the fit must not depend on it. For ids d0, d1, ... written in
    // that order (device pulses) the two orders are the same.
    std::map<std::string, int> first_line;
    for (const PulseRow& r : rows) first_line.emplace(r.device_id, r.line);
    std::vector<std::string> ids;
    for (const auto& [id, line] : first_line) ids.push_back(id);
    std::stable_sort(ids.begin(), ids.end(), natural_less);
    std::map<std::string, std::size_t> index;
    std::vector<Device> devices;
    for (const std::string& id : ids) {
        index.emplace(id, devices.size());
        devices.push_back(Device{id, first_line.at(id)});
    }
    // Each device and cycle in pulse order: the pulse's row first, then the reads after it in time.
    const auto is_read = [](const PulseRow& r) { return r.direction == 0 || r.pulse == 0; };
    std::vector<std::size_t> order(rows.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
        const PulseRow &a = rows[i], &b = rows[j];
        const std::size_t da = index.at(a.device_id), db = index.at(b.device_id);
        if (da != db) return da < db;
        if (a.cycle != b.cycle) return a.cycle < b.cycle;
        if (a.pulse != b.pulse) return a.pulse < b.pulse;
        if (is_read(a) != is_read(b)) return !is_read(a);
        return a.time_s < b.time_s;
    });
    std::vector<Step> steps;
    std::vector<std::pair<double, double>> drift_points;  // (ln((dt + t0)/t0), -ln(G / G_pulse))
    const PulseRow* before = nullptr;      // the last row of this device and cycle
    const PulseRow* last_pulse = nullptr;  // the last pulse row of this device and cycle
    for (std::size_t i : order) {
        const PulseRow& r = rows[i];
        Device& device = devices[index.at(r.device_id)];
        if (before && (before->device_id != r.device_id || before->cycle != r.cycle)) before = last_pulse = nullptr;
        if (!is_read(r)) {
            if (last_pulse && last_pulse->pulse == r.pulse) {
                refuse(origin, r.line, "a second row for pulse " + std::to_string(r.pulse) + " of device '" + r.device_id + "', cycle " +
                                           std::to_string(r.cycle) + " (the first is line " + std::to_string(last_pulse->line) + ")");
            }
            if (before && before->pulse == r.pulse - 1) {
                steps.push_back(Step{index.at(r.device_id), r.direction, before->conductance_S, r.conductance_S - before->conductance_S});
                (r.direction > 0 ? device.up : device.down) += 1;
                (r.direction > 0 ? device.up_sum_S : device.down_sum_S) += r.conductance_S - before->conductance_S;
            }
            last_pulse = &r;
        } else if (p.has_time && last_pulse && last_pulse->pulse == r.pulse && r.time_s > last_pulse->time_s && r.conductance_S > 0.0 &&
                   last_pulse->conductance_S > 0.0) {
            drift_points.emplace_back(std::log((r.time_s - last_pulse->time_s + o.drift_t0_s) / o.drift_t0_s),
                                      -std::log(r.conductance_S / last_pulse->conductance_S));
        }
        if (is_read(r)) ++fit.reads;
        if (!is_read(r) || r.pulse == 0) {
            device.low_S = std::min(device.low_S, std::max(r.conductance_S, 0.0));  // below 0 S: read noise about an off device
            device.high_S = std::max(device.high_S, r.conductance_S);
        }
        before = &r;
    }
    fit.devices = static_cast<long>(devices.size());
    for (const Device& d : devices) {
        const std::string which = "device '" + d.id + "' (first row)";
        if (d.up + d.down < o.min_steps_per_device) {
            refuse(origin, d.first_line, which + " has " + std::to_string(d.up + d.down) + " steps (consecutive pulses of one cycle); at least " +
                                             std::to_string(o.min_steps_per_device) + " per device are needed");
        }
        if (d.up == 0 || d.down == 0) {
            refuse(origin, d.first_line, which + " has " + (d.up == 0 ? "depressing" : "potentiating") +
                                             " steps only; a table device needs both directions from every device");
        }
        if (!(d.high_S > d.low_S)) refuse(origin, d.first_line, which + ": its conductance never changes; expected a window g_min < g_max");
        if (!(d.up_sum_S > 0.0) || !(d.down_sum_S < 0.0)) {
            refuse(origin, d.first_line, which + ": mean potentiating step " + number(d.up_sum_S / static_cast<double>(d.up)) +
                                             " S, mean depressing step " + number(d.down_sum_S / static_cast<double>(d.down)) +
                                             " S; the window is not monotonic (potentiation must raise G on average and depression lower it; "
                                             "is the direction column inverted?)");
        }
    }
    for (const int direction : {+1, -1}) {
        const long n = static_cast<long>(std::count_if(steps.begin(), steps.end(), [&](const Step& s) { return s.direction == direction; }));
        if (n < 2L * o.steps_per_state) {
            refuse(origin, 0, "too few pulses: " + std::to_string(n) + (direction > 0 ? " potentiating" : " depressing") + " steps; at least " +
                                  std::to_string(2 * o.steps_per_state) + " (2 states of " + std::to_string(o.steps_per_state) + ") are needed");
        }
    }
    TableDeviceData& d = fit.data;
    d.origin = origin;
    std::vector<double> lows, highs;
    for (const Device& device : devices) {
        lows.push_back(device.low_S);
        highs.push_back(device.high_S);
    }
    d.g_min_S = mean(lows);
    d.g_max_S = mean(highs);
    d.g_min_spread_d2d = std::min(relative_spread(lows), 0.3);
    d.g_max_spread_d2d = std::min(relative_spread(highs), 0.3);
    d.g_spread_correlation = window_end_correlation(lows, highs);
    if (!(d.g_min_S * (1.0 + 3.0 * d.g_min_spread_d2d) < d.g_max_S * (1.0 - 3.0 * d.g_max_spread_d2d))) {
        refuse(origin, 0, "the device windows spread so far (g_min " + number(d.g_min_S) + " S +- " + number(100 * d.g_min_spread_d2d) + " %, g_max " +
                              number(d.g_max_S) + " S +- " + number(100 * d.g_max_spread_d2d) + " %) that devices 3 sigma apart would invert");
    }
    for (Step& s : steps) {
        const Device& device = devices[s.device];
        const double r = (device.high_S - device.low_S) / (d.g_max_S - d.g_min_S);
        s.g_nom_S = d.g_min_S + (s.g_nom_S - device.low_S) / r;
        s.y_S /= r;
    }
    const auto up = sorted_steps(steps, +1), down = sorted_steps(steps, -1);
    // The law with every scale 1, its noise, the scales, then the law and noise again on the scaled steps.
    for (int pass = 0; pass < 2; ++pass) {
        d.potentiate = bin_law(up, devices, o);
        d.depress = bin_law(down, devices, o);
        fit.potentiate.residual_rms_S = fit_noise(d.potentiate, up, devices);
        fit.depress.residual_rms_S = fit_noise(d.depress, down, devices);
        if (pass == 0) fit_scales(devices, steps, d);
        for (const Device& device : devices) {
            if (!(device.scale > 0.0) || !std::isfinite(device.scale)) {
                refuse(origin, device.first_line, "device '" + device.id + "' (first row): its steps run against the common law of the devices "
                                                  "(fitted step scale " + number(device.scale) + "; expected > 0)");
            }
        }
    }
    std::vector<double> scales;
    double sampling_variance = 0.0;
    for (const Device& device : devices) {
        scales.push_back(device.scale);
        sampling_variance += device.scale_variance / static_cast<double>(devices.size());
    }
    const double spread = relative_spread(scales);
    d.step_spread_d2d = std::min(std::sqrt(std::max(spread * spread - sampling_variance, 0.0)), 0.3);
    for (auto [law, out] : {std::pair{&up, &fit.potentiate}, std::pair{&down, &fit.depress}}) {
        double sum2 = 0.0;
        for (const Step* s : *law) sum2 += s->y_S * s->y_S;
        out->step_rms_S = std::sqrt(sum2 / static_cast<double>(law->size()));
        out->steps = static_cast<long>(law->size());
    }
    fit.potentiate.states = static_cast<int>(d.potentiate.g_S.size());
    fit.depress.states = static_cast<int>(d.depress.g_S.size());
    d.read_voltage_V = o.read_voltage_V;
    d.potentiate_amplitude_V = o.potentiate_amplitude_V;
    d.potentiate_width_s = o.potentiate_width_s;
    d.depress_amplitude_V = o.depress_amplitude_V;
    d.depress_width_s = o.depress_width_s;
    d.drift_t0_s = o.drift_t0_s;
    if (!p.has_time) {
        fit.drift_note = "none (no time_s column)";
    } else if (drift_points.size() < 3) {
        fit.drift_note = "none (" + std::to_string(drift_points.size()) + " reads after a pulse with time_s; at least 3 are needed)";
    } else {
        double xx = 0.0, xy = 0.0, ee = 0.0;
        for (const auto& [x, y] : drift_points) xx += x * x, xy += x * y;
        const double nu = xy / xx;
        for (const auto& [x, y] : drift_points) ee += (y - nu * x) * (y - nu * x);
        fit.drift_nu_error = std::sqrt(ee / static_cast<double>(drift_points.size() - 1) / xx);
        d.drift_nu = std::clamp(nu, 0.0, 1.0);
        fit.drift_note = "nu = " + number(nu) + " +- " + number(fit.drift_nu_error) + " from " + std::to_string(drift_points.size()) + " reads (t0 = " +
                         number(o.drift_t0_s) + " s)" + (nu < 0.0 ? "; negative: the conductance rose, no drift kept" : nu > 1.0 ? "; capped at 1" : "");
    }
    // What is written must read back and build a device: the same checks as any device file.
    (void)TableDevice(load_table(read_table_device_text(table_device_toml(d, fit.summary()), origin + " (the fitted table)")));
    return fit;
}

FitSummary TableFit::summary() const {
    return FitSummary{"cimkit device fit of " + data.origin,
                      {{"rows", double(rows)},
                       {"devices", double(devices)},
                       {"potentiate_states", double(potentiate.states)},
                       {"potentiate_steps", double(potentiate.steps)},
                       {"potentiate_residual_rms_S", potentiate.residual_rms_S},
                       {"depress_states", double(depress.states)},
                       {"depress_steps", double(depress.steps)},
                       {"depress_residual_rms_S", depress.residual_rms_S},
                       {"drift_nu_error", drift_nu_error}}};
}

std::string TableFit::report() const {
    const auto direction = [](const char* name, const DirectionFit& f, const StepLaw& law) {
        double least = INFINITY;
        for (double n : law.steps) least = std::min(least, n);
        return std::string(name) + ": " + std::to_string(f.states) + " states from " + std::to_string(f.steps) + " steps (at least " +
               number(least) + " per state), residual RMS " + number(f.residual_rms_S) + " S against a step RMS of " + number(f.step_rms_S) + " S\n";
    };
    return std::to_string(rows) + " rows, " + std::to_string(devices) + " devices, " + std::to_string(reads) + " reads without a pulse\n" +
           "window: g_min " + number(data.g_min_S) + " S (d2d " + number(100 * data.g_min_spread_d2d) + " %), g_max " + number(data.g_max_S) +
           " S (d2d " + number(100 * data.g_max_spread_d2d) + " %, correlation " + number(data.g_spread_correlation) + ")\n" + direction("potentiate", potentiate, data.potentiate) +
           direction("depress", depress, data.depress) + "step scale d2d spread: " + number(100 * data.step_spread_d2d) + " %\n" +
           "drift: " + drift_note + "\n";
}

double window_end_correlation(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() < 3) return 0.0;
    const double ma = mean(a), mb = mean(b);
    double sab = 0.0, saa = 0.0, sbb = 0.0;
    for (std::size_t k = 0; k < a.size(); ++k) {
        sab += (a[k] - ma) * (b[k] - mb);
        saa += (a[k] - ma) * (a[k] - ma);
        sbb += (b[k] - mb) * (b[k] - mb);
    }
    return saa > 0.0 && sbb > 0.0 ? std::clamp(sab / std::sqrt(saa * sbb), -1.0, 1.0) : 0.0;
}

}  // namespace cimkit
