#pragma once
// Fits a table device (devices/table_device.hpp) to pulse data (devices/table_device_pulses.hpp).
//
// Steps: within one device and cycle, the step of pulse k is dG = G_k - G_before, G_before the last
// read after pulse k - 1 (a read row, else the pulse's own row). Each device's window [a, b] is the
// lowest and highest conductance it reads after a pulse or at pulse 0; the nominal window is their
// mean and its d2d spreads their relative standard deviations (a read below 0 S counts as 0 S there). A step is mapped onto the nominal
// window (g_nom, y = dG / r, as the model maps back), then per direction:
//   1. the steps, sorted by g_nom, go into N bins of equal count, N = clamp(n / steps_per_state, 2,
//      max_states), so every state has at least steps_per_state steps; a state sits at the mean g_nom
//      of its bin, so for a law linear across the bin its mean step is the law at the state;
//   2. each device's step scale c_d = sum(y m) / sum(m^2) over its steps (m the law at g_nom),
//      normalised to a mean of 1; the law is refitted on y / c_d;
//   3. the noise sigma of a state is the standard deviation of the residuals y - c_d m(g_nom) in its bin.
// step_spread_d2d = sqrt(var(c_d) - mean of each c_d's sampling variance): the spread the scale
// estimates show beyond what the noise alone gives them. Drift (time_s column): nu by least squares
// of -ln(G_read / G_pulse) = nu ln((t_read - t_pulse + t0)/t0) over the reads after each pulse, t0 given.
//
// Refusals are IoErrors naming the file and the row or device that broke the fit (exit 2): too few
// steps, a device with one direction only, a device whose mean potentiating step is not positive or
// whose mean depressing step is not negative (a non-monotonic window), a device whose conductance
// never changes, two rows for one pulse, windows so spread that devices 3 sigma apart would invert.
#include <string>

#include "devices/table_device.hpp"
#include "devices/table_device_file.hpp"
#include "devices/table_device_pulses.hpp"

namespace cimkit {

struct FitOptions {
    int steps_per_state = 40;   // the least number of steps a state is fitted from
    int max_states = 32;
    int min_steps_per_device = 10;
    double read_voltage_V = 0.2;
    double potentiate_amplitude_V = 1.0, potentiate_width_s = 100e-9;
    double depress_amplitude_V = 1.0, depress_width_s = 100e-9;
    double drift_t0_s = 1.0;
};

struct DirectionFit {
    int states = 0;
    long steps = 0;
    double residual_rms_S = 0.0;  // of the steps about the fitted law with each device's scale
    double step_rms_S = 0.0;      // of the steps themselves, for scale
};

struct TableFit {
    TableDeviceData data;
    long rows = 0, devices = 0, reads = 0;
    DirectionFit potentiate, depress;
    double drift_nu_error = 0.0;  // standard error of nu (0 without drift data)
    std::string drift_note;       // how the drift was or was not fitted
    FitSummary summary() const;
    std::string report() const;   // the lines `cimkit device fit` prints
};

TableFit fit_table_device(const PulseData& pulses, const FitOptions& options = {});

// A table device's g_spread_correlation from its devices' window ends (low and high conductance, one
// entry per device): Pearson's correlation, clamped to [-1, 1]; 0 for fewer than 3 devices or when
// either end does not vary.
double window_end_correlation(const std::vector<double>& lows, const std::vector<double>& highs);

}  // namespace cimkit
