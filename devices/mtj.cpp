#include "devices/mtj.hpp"

namespace cimkit {

MagneticTunnelJunction::MagneticTunnelJunction(double g_ap_zero_bias_S, double tmr_zero_bias, double tmr_half_bias_V)
    : g_p_S_(g_ap_zero_bias_S * (1.0 + tmr_zero_bias)), tmr0_(tmr_zero_bias), v_half_V_(tmr_half_bias_V) {}

double MagneticTunnelJunction::tmr(double v_V) const {
    const double u = v_V / v_half_V_;
    return tmr0_ / (1.0 + u * u);
}

double MagneticTunnelJunction::g_ap_S(double v_V) const { return g_p_S_ / (1.0 + tmr(v_V)); }

double MagneticTunnelJunction::current_A(double v_V, double parallel_fraction, double scale) const {
    return scale * v_V * (parallel_fraction * g_p_S_ + (1.0 - parallel_fraction) * g_ap_S(v_V));
}

// I_AP = G_P V (1 + u^2) / (1 + u^2 + TMR0), u = V/V_h, so
// dI_AP/dV = G_P [(1 + 3u^2)(1 + u^2 + TMR0) - 2u^2 (1 + u^2)] / (1 + u^2 + TMR0)^2.
double MagneticTunnelJunction::dcurrent_dv_S(double v_V, double parallel_fraction, double scale) const {
    const double u2 = (v_V / v_half_V_) * (v_V / v_half_V_);
    const double denominator = 1.0 + u2 + tmr0_;
    const double g_ap_differential_S =
        g_p_S_ * ((1.0 + 3.0 * u2) * denominator - 2.0 * u2 * (1.0 + u2)) / (denominator * denominator);
    return scale * (parallel_fraction * g_p_S_ + (1.0 - parallel_fraction) * g_ap_differential_S);
}

}  // namespace cimkit
