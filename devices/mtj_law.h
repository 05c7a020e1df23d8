/* The MTJ's bias law (devices/mtj.hpp) as inline C, shared by the compact model (devices/mtj.cpp)
 * and cimkit's compiled OSDI element (circuits/osdi/shared_g.c), so the law is written once:
 *   TMR(V) = TMR0 / (1 + (V/V_h)^2),   G_AP(V) = G_P / (1 + TMR(V)),
 *   dI_AP/dV = G_P [(1 + 3u^2)(1 + u^2 + TMR0) - 2u^2 (1 + u^2)] / (1 + u^2 + TMR0)^2,  u = V/V_h
 * (I_AP = G_P V (1 + u^2) / (1 + u^2 + TMR0)). The operations are in the order the compact model
 * has always used: its results are bit-identical. */
#pragma once

static inline double cimkit_mtj_tmr(double v_V, double tmr0, double v_half_V) {
    const double u = v_V / v_half_V;
    return tmr0 / (1.0 + u * u);
}

/* dI_AP/dV of a junction whose zero-bias parallel conductance is g_p_S, all of it antiparallel. */
static inline double cimkit_mtj_ap_differential_S(double g_p_S, double v_V, double tmr0, double v_half_V) {
    const double u2 = (v_V / v_half_V) * (v_V / v_half_V);
    const double denominator = 1.0 + u2 + tmr0;
    return g_p_S * ((1.0 + 3.0 * u2) * denominator - 2.0 * u2 * (1.0 + u2)) / (denominator * denominator);
}
