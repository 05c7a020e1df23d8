#include "devices/mtj.hpp"

#include "devices/mtj_law.h"

namespace cimkit {

MagneticTunnelJunction::MagneticTunnelJunction(double g_ap_zero_bias_S, double tmr_zero_bias, double tmr_half_bias_V)
    : g_p_S_(g_ap_zero_bias_S * (1.0 + tmr_zero_bias)), tmr0_(tmr_zero_bias), v_half_V_(tmr_half_bias_V) {}

double MagneticTunnelJunction::tmr(double v_V) const { return cimkit_mtj_tmr(v_V, tmr0_, v_half_V_); }

double MagneticTunnelJunction::g_ap_S(double v_V) const { return g_p_S_ / (1.0 + tmr(v_V)); }

double MagneticTunnelJunction::current_A(double v_V, double parallel_fraction, double scale) const {
    return scale * v_V * (parallel_fraction * g_p_S_ + (1.0 - parallel_fraction) * g_ap_S(v_V));
}

// The closed form of dI_AP/dV is in devices/mtj_law.h.
double MagneticTunnelJunction::dcurrent_dv_S(double v_V, double parallel_fraction, double scale) const {
    const double g_ap_differential_S = cimkit_mtj_ap_differential_S(g_p_S_, v_V, tmr0_, v_half_V_);
    return scale * (parallel_fraction * g_p_S_ + (1.0 - parallel_fraction) * g_ap_differential_S);
}

}  // namespace cimkit
