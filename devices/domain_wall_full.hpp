#pragma once
// The full 1-D (q, phi) domain-wall model's right-hand side and its CVODE integration
// (devices/domain_wall.hpp, equations (1) and (2)).
#include "devices/device_model.hpp"

namespace cimkit::domain_wall_full {

// Right-hand side of the 1D model (header, equations (1) and (2)) in y = ((q - q_start)/Delta, phi):
// displacement in wall widths, so CVODE's relative tolerance applies to the motion, not to where on
// the track the wall happens to be.
struct WallDynamics {
    double alpha, wall_width_m, h_k_A_per_m, h_dmi_A_per_m, h_pin_A_per_m, pinning_period_m;
    double q_start_m = 0.0;
    double h_sh_A_per_m = 0.0;  // the drive; changed between the pulse and the relaxation

    void operator()(const double* y, double* dydt) const;
};

// Integrates the wall for duration_s from `state` (max_step_s = 0: no step cap). Updates the angle and
// returns the displacement (m), so that the caller can scale it by the cycle-to-cycle noise.
double integrate_wall(WallDynamics& wall, DeviceState& state, double duration_s, double max_step_s);

}  // namespace cimkit::domain_wall_full
