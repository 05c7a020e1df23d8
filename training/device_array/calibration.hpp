#pragma once
// What a DeviceArray (training/device_array.hpp) needs to know about a device model, measured once
// on fresh devices rather than declared: the conductances of levels 0, 0.5 and 1 that map weights
// onto pairs (training/device_array/pair_storage.hpp), the programming noise that bounds
// program-and-verify, the mean conductance step of one nominal pulse each way (the pulse rules'
// dw_pulse) and whether a line at 0 V may be skipped in a read.
//
// Whether depression is gradual is measured here too, not declared by the model: it decides which
// devices of a pair updates move (PairPolicy::automatic) and how refresh clears a device, and it
// depends on the model's parameters (a pulse table, a depression amplitude), which the measurement
// sees and a per-model declaration would not.
#include "devices/core/rng.hpp"
#include "devices/device_model.hpp"

namespace cimkit::training {

// Means over `samples` fresh devices, so device-to-device and cycle-to-cycle noise average out to
// the nominal device's figures, up to the noise's nonlinear effects (clipping at the range ends).
// The DeviceModel interface cannot make a noise-free nominal device; for that, calibrate a twin model
// built with the noise settings at 0.
struct DeviceCalibration {
    double g_low_S = 0.0;          // mean conductance_S after set_level(0)
    double g_high_S = 0.0;         // mean conductance_S after set_level(1)
    double g_mid_S = 0.0;          // mean conductance_S after set_level(0.5)
    double programming_noise_S = 0.0;  // sigma of set_level(0.5), from two programmings of each device
    double dg_potentiate_S = 0.0;  // mean change of one nominal +1 pulse from level 0.5
    double dg_depress_S = 0.0;     // mean change of one nominal -1 pulse from level 0.5 (< 0)
    bool zero_current_at_zero_bias = true;  // current_A(0, s) == 0 at levels 0, 0.5, 1

    double g_range_S() const { return g_high_S - g_low_S; }
    // Depression is gradual when one nominal -1 pulse moves G down by at most 4 potentiation steps.
    bool gradual_depression() const { return dg_depress_S < 0.0 && -dg_depress_S <= 4.0 * dg_potentiate_S; }
};

// Throws ParameterError if `samples` < 1, the model's range is empty (G_high <= G_low) or a nominal
// pulse does not potentiate at mid-range.
DeviceCalibration calibrate_device(const DeviceModel& model, int samples, Rng& rng);

}  // namespace cimkit::training
