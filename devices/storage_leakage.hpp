#pragma once
// Leakage of a capacitor storage node through its off write transistor and its junction: the one
// retention mechanism of every charge-storing synapse (MOSFET gate, gain-cell storage node), with
// the same parameters and defaults in both (docs/physics-sources.md#storage-node-leakage).
//
// While the cell holds, the write transistor's gate sits at word_line_off_V and its other terminal,
// the write line, at 0 V. Current out of a node at V >= 0:
//   subthreshold (write transistor, source = write line; Sze and Ng, Physics of Semiconductor
//   Devices, 3rd ed., Eq. 6.104, the weak-inversion law):
//     I_sub = write_off_current_A exp(word_line_off_V / (n V_t)) (1 - exp(-V / V_t))
//   junction (storage-node diffusion reverse-biased against the grounded substrate, Shockley):
//     I_j   = junction_leak_A (1 - exp(-V / V_t))
// with V_t = k_B T / q and n = write_slope_factor. Both share the factor (1 - exp(-V/V_t)), so
//   C dV/dt = -I_0 (1 - exp(-V/V_t)),  I_0 = I_sub(V >> V_t) + I_j(V >> V_t),
// and with u = V/V_t the exact solution is  exp(u(t)) - 1 = (exp(u0) - 1) exp(-I_0 t / (C V_t)).
// A node well above V_t droops linearly (a constant current), not exponentially; the last few V_t
// relax exponentially with time constant C V_t / I_0. Below 0 V (kT/C write noise only) the same
// law is kept: the forward-biased junction and the reversed transistor pull the node back up.
// At T = 0 the law is its limit: a constant droop I_0 / C that stops at 0 V.
//
// The half-swing time of a node written to V_0 >> V_t is t_1/2 = C V_0 / (2 I_0): 5.0 ms for the
// gain cell's 10 fF at 0.9 V with the defaults, the silicon retention Leroux et al. quote.
#include <string>
#include <vector>

#include "devices/core/parameters.hpp"
#include "devices/core/rng.hpp"

namespace cimkit {

// The fields are the six parameter rows, in table order: the devices' typed parameter structs end
// with this struct (their tables end with these rows).
struct StorageLeakage {
    double write_off_current_A = 0.0;  // I_sub at V_GS = 0 and V_DS >> V_t
    double write_slope_factor = 1.5;   // n: subthreshold swing n V_t ln 10
    double word_line_off_V = 0.0;      // gate of the holding write transistor (<= 0)
    double junction_leak_A = 0.0;      // reverse saturation current of the node's junction
    double leak_spread_d2d = 0.0;      // relative sigma of I_0 between devices (drawn by the device)
    double temperature_K = 300.0;

    // The rows every charge-storing device adds to its parameter table (same names, same defaults).
    static std::vector<ParameterSpec> parameter_rows();
    static StorageLeakage from(const Parameters& p);
    // The retired first-order-leak keys (retention_tau_s and its companions), each refused naming
    // the keys that replaced them.
    static std::vector<RetiredParameter> retired_parameters();

    // A device's factor on I_0: 1 + leak_spread_d2d N(0, 1), the Gaussian bounded at 3 sigma so that
    // no device leaks backwards. One draw.
    double draw_leak_scale(Rng& rng) const;

    double thermal_voltage_V() const;
    // I_0: the current out of a node far above V_t (A).
    double saturated_current_A() const;
    // Current out of the node at v_V (A); the right-hand side of C dV/dt = -I.
    double current_A(double v_V) const;
    // The node's voltage after dt_s of holding, for capacitance c_F and a device's leakage factor
    // (its device-to-device spread multiplies I_0). Exact; no integration.
    double hold_V(double v_V, double dt_s, double c_F, double leak_scale = 1.0) const;
};

}  // namespace cimkit
