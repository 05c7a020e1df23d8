// The gain cell's physical effects (devices/gain_cell.hpp has the equations in full).
#include "devices/physical_effect.hpp"

namespace cimkit {

const std::vector<PhysicalEffect>& gain_cell_physical_effects() {
    static const std::vector<PhysicalEffect> effects{
        {"read polynomial", "f(x, y) = sum_{i+j<=3} C_ij (y - 0.45)^i x^j", "read_model, read_scale_A", "Leroux et al., arXiv 2409.19315",
         "GainCell.PolynomialMatchesPublishedCoefficients"},
        {"storage-node retention", "V(t) = v_rest + (V0 - v_rest) exp(-t/tau); sinh(u)/u for a subthreshold leak",
         "retention_tau_s, leak_nonlinearity_V, v_rest_V", "Leroux et al., arXiv 2409.19315", "GainCell.RetentionFollowsExponentialLaw"},
        {"write through the write transistor", "V <- V_w + (V - V_w) exp(-t_p / (r_write C_S))", "r_write_ohm, write_width_s, c_store_F",
         "RC charging", "GainCell.WritePulseChargesThroughTheWriteTransistor"},
        {"kT/C write noise", "sigma = sqrt(k_B T / C_S)", "temperature_K, c_store_F", "thermal noise of a sampled capacitor",
         "GainCell.WriteNoiseIsKTOverC"},
    };
    return effects;
}

}  // namespace cimkit
