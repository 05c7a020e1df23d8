#pragma once
// Closed forms of the reduced domain-wall model (devices/domain_wall.hpp, "Reduced model"): the 1-D
// model with the wall angle held at its steady value, which leaves an overdamped tilted washboard
//   q' = mu (J cos(phi_ss(J)) - J_c sin(2 pi (q - n p)/p)),
// solved exactly over a pulse, and the relaxation after it, which puts the wall in the nearest well.

namespace cimkit::domain_wall_reduced {

// Steady angle phi_ss (rad, in [0, pi/2)) of a free wall driven by the spin-Hall field h_sh >= 0:
// the root of alpha ((pi/2) H_D sin(phi) - (H_K/2) sin(2 phi)) = (pi/2) H_SH cos(phi) (header, steady
// state with phi' = 0). The left side minus the right grows monotonically with phi when H_K < (pi/2) H_D,
// so Newton's iteration from the H_K = 0 solution tan(phi) = H_SH / (alpha H_D) converges.
double steady_angle_rad(double h_sh_A_per_m, double alpha, double h_dmi_A_per_m, double h_k_A_per_m);

// How far (m) the full model's wall gets ahead of the washboard's while its angle turns on from 0 to
// phi_ss: (1) gives alpha dq/Delta = gamma0 (pi/2) H_SH cos(phi) dt - d(phi) + (pinning), and the d(phi)
// terms cancel over pulse and relaxation, so the lead is
//   (Delta/alpha) gamma0 (pi/2) H_SH int_0^phi_ss (cos(phi) - cos(phi_ss)) / phi'(phi) dphi,
// phi'(phi) = (a - alpha b)/(1 + alpha^2) from (1) and (2) without pinning (header). The integrand is
// finite at phi_ss (both factors vanish linearly); a 64-point midpoint rule resolves it to < 0.1 %.
// About 1 nm at 2.6e11 A/m^2 and 20 nm (one site) at 3e12 A/m^2, where phi_ss is large.
double turn_on_lead_m(double h_sh_A_per_m, double alpha, double h_dmi_A_per_m, double h_k_A_per_m, double wall_width_m);

// Displacement (m) of an overdamped wall in the tilted washboard q' = mu (drive - J_c sin(2 pi x/p)) during
// width_s, from an offset x0 in [-p/2, p/2] off its nearest well (x = q - n p). drive (A/m^2) is signed;
// the motion is mirrored for drive < 0. Below threshold (|drive| <= J_c) the wall stays in its well: 0.
// Above it, with k = sqrt(drive^2 - J_c^2) and theta = 2 pi x/p, the phase
//   Phi(theta) = 2 atan((|drive| tan(theta/2) - J_c) / k)    (continued across wells by + 2 pi per well)
// advances uniformly, Phi' = 2 pi mu k / p, so the mean speed is mu k and no time step is needed.
double washboard_displacement_m(double drive_A_per_m2, double j_c_A_per_m2, double mobility_m3_per_A_s,
                                double pinning_period_m, double offset_m, double width_s);

// The well (a multiple of p) that relaxation at zero current takes a wall at q_m to: the nearest one,
// since the barriers of -H_p sin(2 pi q/p) sit half-way between wells.
double nearest_site_m(double q_m, double pinning_period_m);

}  // namespace cimkit::domain_wall_reduced
