#include "devices/domain_wall_full.hpp"

#include <cmath>
#include <vector>

#include "devices/domain_wall.hpp"
#include "devices/ode/cvode_integrator.hpp"

namespace cimkit::domain_wall_full {

using namespace domain_wall_constants;

void WallDynamics::operator()(const double* y, double* dydt) const {
    const double q_m = q_start_m + y[0] * wall_width_m;
    const double phi = y[1];
    const double h_pin = h_pin_A_per_m * std::sin(2.0 * pi * q_m / pinning_period_m);
    const double a = gamma0_m_per_A_s * (-h_pin + 0.5 * pi * h_sh_A_per_m * std::cos(phi));
    const double b = gamma0_m_per_A_s * (-0.5 * h_k_A_per_m * std::sin(2.0 * phi) +
                                         0.5 * pi * h_dmi_A_per_m * std::sin(phi));
    const double det = 1.0 + alpha * alpha;
    dydt[0] = (b + alpha * a) / det;  // q'/Delta
    dydt[1] = (a - alpha * b) / det;  // phi'
}

double integrate_wall(WallDynamics& wall, DeviceState& state, double duration_s, double max_step_s) {
    ode::SolverOptions options;
    options.relative_tolerance = 1e-6;
    options.absolute_tolerance = 1e-6;  // y is in wall widths and radians
    options.max_step_s = max_step_s;
    options.max_steps = 100000 + (max_step_s > 0.0 ? static_cast<long>(2.0 * duration_s / max_step_s) : 0);
    ode::CvodeIntegrator solver(2, [&wall](double, const double* y, double* dydt) { wall(y, dydt); }, options);
    wall.q_start_m = state.x[DomainWallSynapse::position_m];
    std::vector<double> y{0.0, state.x[DomainWallSynapse::angle_rad]};
    solver.integrate(0.0, duration_s, y);
    state.x[DomainWallSynapse::angle_rad] = y[1];
    return y[0] * wall.wall_width_m;
}

}  // namespace cimkit::domain_wall_full
