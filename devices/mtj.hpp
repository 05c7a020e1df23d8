#pragma once
// The magnetic tunnel junction that reads a domain-wall track (devices/domain_wall.hpp): the part of the
// free layer the wall has swept (fraction x = q/L) is parallel to the reference layer, the rest
// antiparallel, and the two regions conduct in parallel:
//   I(V) = s V [x G_P + (1 - x) G_AP(V)],   G_AP(V) = G_P / (1 + TMR(V)),   TMR(V) = TMR0 / (1 + (V/V_h)^2),
// with G_P = G_AP0 (1 + TMR0) and s the device's conductance scale (device-to-device spread). The
// parallel conductance is taken bias independent and the antiparallel one rises with |V| until the TMR
// has halved at V_h: the empirical law of the MgO MTJ compact model of Zhang et al., IEEE Trans.
// Electron Devices 59, 819 (2012) (docs/physics-sources.md, "Domain-wall synapse").
namespace cimkit {

class MagneticTunnelJunction {
public:
    MagneticTunnelJunction(double g_ap_zero_bias_S, double tmr_zero_bias, double tmr_half_bias_V);

    double tmr(double v_V) const;                      // TMR(V)
    double g_p_S() const { return g_p_S_; }            // G_P, bias independent
    double g_ap_S(double v_V) const;                   // G_AP(V) = G_P / (1 + TMR(V))
    // I(V) and dI/dV (closed form) of a junction whose fraction x is parallel, conductance scale s.
    double current_A(double v_V, double parallel_fraction, double scale) const;
    double dcurrent_dv_S(double v_V, double parallel_fraction, double scale) const;

private:
    double g_p_S_, tmr0_, v_half_V_;
};

}  // namespace cimkit
