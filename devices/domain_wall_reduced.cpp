#include "devices/domain_wall_reduced.hpp"

#include <algorithm>
#include <cmath>

#include "devices/domain_wall.hpp"

namespace cimkit::domain_wall_reduced {

using domain_wall_constants::pi;

double steady_angle_rad(double h_sh_A_per_m, double alpha, double h_dmi_A_per_m, double h_k_A_per_m) {
    const double half_pi = 0.5 * pi;
    double phi = std::atan(h_sh_A_per_m / (alpha * h_dmi_A_per_m));
    for (int iteration = 0; iteration < 50; ++iteration) {
        const double residual = alpha * (half_pi * h_dmi_A_per_m * std::sin(phi) - 0.5 * h_k_A_per_m * std::sin(2.0 * phi)) -
                                half_pi * h_sh_A_per_m * std::cos(phi);
        const double slope = alpha * (half_pi * h_dmi_A_per_m * std::cos(phi) - h_k_A_per_m * std::cos(2.0 * phi)) +
                             half_pi * h_sh_A_per_m * std::sin(phi);
        const double step = residual / slope;
        phi = std::clamp(phi - step, 0.0, half_pi);
        if (std::abs(step) < 1e-14) break;
    }
    return phi;
}

double turn_on_lead_m(double h_sh_A_per_m, double alpha, double h_dmi_A_per_m, double h_k_A_per_m, double wall_width_m) {
    const double half_pi = 0.5 * pi;
    const double phi_ss = steady_angle_rad(h_sh_A_per_m, alpha, h_dmi_A_per_m, h_k_A_per_m);
    // gamma0 cancels: dt = dphi / phi', and the lead carries gamma0 in front.
    const auto angle_rate = [&](double phi) {  // phi' / gamma0
        const double a = half_pi * h_sh_A_per_m * std::cos(phi);
        const double b = half_pi * h_dmi_A_per_m * std::sin(phi) - 0.5 * h_k_A_per_m * std::sin(2.0 * phi);
        return (a - alpha * b) / (1.0 + alpha * alpha);
    };
    const int intervals = 64;
    const double step = phi_ss / intervals;
    double integral = 0.0;  // int (cos(phi) - cos(phi_ss)) / (phi'/gamma0) dphi, in s A/m
    for (int i = 0; i < intervals; ++i) {
        const double phi = (i + 0.5) * step;
        integral += (std::cos(phi) - std::cos(phi_ss)) / angle_rate(phi) * step;
    }
    return wall_width_m / alpha * half_pi * h_sh_A_per_m * integral;
}

double washboard_displacement_m(double drive_A_per_m2, double j_c_A_per_m2, double mobility_m3_per_A_s,
                                double pinning_period_m, double offset_m, double width_s) {
    const double a = std::abs(drive_A_per_m2), b = j_c_A_per_m2;
    if (!(a > b)) return 0.0;
    const double direction = drive_A_per_m2 > 0.0 ? 1.0 : -1.0;
    const double k = std::sqrt(a * a - b * b);
    // Phase in the mirrored frame, where the drive is positive; theta0 in [-pi, pi], so cos(theta0/2) >= 0
    // and atan2 gives atan on the principal branch (and +-pi/2 at the barrier tops theta0 = +-pi).
    const double theta0 = 2.0 * pi * direction * offset_m / pinning_period_m;
    const double phase0 = 2.0 * std::atan2(a * std::sin(0.5 * theta0) - b * std::cos(0.5 * theta0), k * std::cos(0.5 * theta0));
    const double phase1 = phase0 + 2.0 * pi * mobility_m3_per_A_s * k * width_s / pinning_period_m;
    const double wells = std::round(phase1 / (2.0 * pi));
    const double reduced_phase = phase1 - 2.0 * pi * wells;  // in [-pi, pi]: inverse of Phi on one well
    const double theta1 = 2.0 * std::atan2(k * std::sin(0.5 * reduced_phase) + b * std::cos(0.5 * reduced_phase),
                                           a * std::cos(0.5 * reduced_phase)) +
                          2.0 * pi * wells;
    return direction * (theta1 - theta0) * pinning_period_m / (2.0 * pi);
}

double nearest_site_m(double q_m, double pinning_period_m) { return std::round(q_m / pinning_period_m) * pinning_period_m; }

}  // namespace cimkit::domain_wall_reduced
