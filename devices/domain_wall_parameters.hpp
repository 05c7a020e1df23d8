#pragma once
// The domain-wall synapse's parameter rules and the fields derived from them (devices/domain_wall.hpp).
#include "devices/device_model.hpp"

namespace cimkit {

struct DomainWallParameters;

// Damping-like spin-Hall field per unit current density, H_SH / J = hbar theta_SH / (2 e mu0 Ms t_F), in m.
double spin_hall_field_per_j_of(const Parameters& p);
// DMI field H_D = D / (mu0 Ms Delta).
double dmi_field_of(const Parameters& p);
// Refuses p < L violations, a Bloch ground state (H_K >= (pi/2) H_D) and full_dynamics other than 0 or 1.
void domain_wall_cross_rules(const Parameters& p);
DomainWallParameters domain_wall_typed_parameters(const Parameters& p);

}  // namespace cimkit
