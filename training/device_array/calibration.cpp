#include "training/device_array/calibration.hpp"

#include <cmath>
#include <string>

#include "training/device_array/refusal.hpp"

namespace cimkit::training {
namespace {

// Running sums of calibrate_device.
struct CalibrationSums {
    double low = 0.0, high = 0.0, mid = 0.0, noise_sq = 0.0, up = 0.0, down = 0.0;
    bool zero_current = true;
};

// One device: its conductance at levels 0 and 1, twice at 0.5, and one nominal pulse each way.
void calibrate_one(const DeviceModel& model, Rng& rng, CalibrationSums& sums) {
    DeviceState device = model.make_device(rng);
    const auto read = [&](const DeviceState& s) {
        sums.zero_current = sums.zero_current && model.current_A(0.0, s) == 0.0;
        return model.conductance_S(s);
    };
    model.set_level(device, 0.0, rng);
    sums.low += read(device);
    model.set_level(device, 1.0, rng);
    sums.high += read(device);
    DeviceState again = device;
    model.set_level(device, 0.5, rng);
    model.set_level(again, 0.5, rng);
    const double g_mid = read(device);
    sums.mid += g_mid;
    // Two programmings of the same device differ by programming noise only (its variation cancels):
    // var(g1 - g2) = 2 sigma^2.
    sums.noise_sq += 0.5 * (g_mid - read(again)) * (g_mid - read(again));
    DeviceState up = device, down = device;
    model.apply_pulse(up, model.nominal_pulse(+1), rng);
    model.apply_pulse(down, model.nominal_pulse(-1), rng);
    sums.up += read(up) - g_mid;
    sums.down += read(down) - g_mid;
}

}  // namespace

DeviceCalibration calibrate_device(const DeviceModel& model, int samples, Rng& rng) {
    if (samples < 1) refuse("calibration_samples = " + std::to_string(samples) + " must be >= 1");
    CalibrationSums sums;
    for (int s = 0; s < samples; ++s) calibrate_one(model, rng, sums);
    const double n = samples;
    DeviceCalibration c;
    c.g_low_S = sums.low / n;
    c.g_high_S = sums.high / n;
    c.g_mid_S = sums.mid / n;
    c.programming_noise_S = std::sqrt(sums.noise_sq / n);
    c.dg_potentiate_S = sums.up / n;
    c.dg_depress_S = sums.down / n;
    c.zero_current_at_zero_bias = sums.zero_current;
    if (!(c.g_range_S() > 0.0)) {
        refuse("device '" + model.name() + "': G at level 1 (" + format_value(c.g_high_S) + " S) must exceed G at level 0 (" +
             format_value(c.g_low_S) + " S)");
    }
    if (!(c.dg_potentiate_S > 0.0)) {
        refuse("device '" + model.name() + "': a nominal +1 pulse at mid-range must raise G (measured " + format_value(c.dg_potentiate_S) + " S)");
    }
    return c;
}

}  // namespace cimkit::training
