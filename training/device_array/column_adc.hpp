#pragma once
// The analog-to-digital converter at the end of every output line of a read (forward and
// transposed, compact and spice engines alike): array.adc_bits, array.adc_bound,
// array.adc_energy_per_step_J.
//
// What it converts: the line's net current in units of one full pair at the full read voltage,
//   u = (I+ - I-) / ((G_high - G_low) v_read),
// i.e. the output the read would give with weights in [-1, 1] (w / w_max) and inputs in [-1, 1]
// (x / input_max): the scale on which aihwkit states its output bound (IOParameters.out_bound, 12 by
// default). The digital gains that follow (w_max, input_max, drift compensation) act on the codes.
//
// Quantiser: a mid-rise converter with 2^b codes over [-B, B] (B = adc_bound), as a SAR ADC or a
// comparator reconstructs at code centres:
//   step = 2 B / 2^b,   u_q = (floor(u / step) + 1/2) step,   clipped to +-(B - step/2).
// One bit is a sense amplifier: u_q = +-B/2 by the sign of u (u = 0 reads as positive). There is no
// zero code: a line with no current reads step/2.
//
// Energy: Walden's figure of merit, E = adc_energy_per_step_J 2^b per conversion, one conversion per
// output line and read (docs/physics-sources.md#column-adc). Conversion time is not modelled yet.
#include <Eigen/Core>

#include "training/array_options.hpp"

namespace cimkit::training {

class ColumnAdc {
public:
    explicit ColumnAdc(const DeviceArrayOptions& options);

    bool active() const { return bits_ > 0; }
    double step() const { return step_; }
    // The reconstructed value of u (see above). Only for an active converter.
    double quantise(double u) const;
    // Quantises every line of `u` in place and returns the energy of those conversions, J.
    double convert(Eigen::VectorXd& u) const;

private:
    int bits_;
    double bound_, step_, energy_per_conversion_J_;
};

}  // namespace cimkit::training
