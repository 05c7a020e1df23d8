#pragma once
// The analog multiplier of backprop's error product delta_k = f'(z_k) e_k (docs/circuits.md#the-error-product),
// netlists/peripherals/multiplier_mos.lib: four triode NMOS whose square-law terms cancel, so that
//   I(outp) - I(outm) = beta (V(xp) - V(xm)) (V(yp) - V(ym)).
// Its x input is the derivative circuit's two outputs (the neuron's copies at V_in +- step, whose
// difference is the slope), its y input the error from a DAC at +-y; the outputs are held at 0 V by
// the current read-out. cimkit uses it in two ways, both from the circuit itself:
//   - measure_error_multiplier: a DC grid of one multiplier in a worker; the compact engine's twin
//     is the gain and the supply-power law fitted to it (training/circuit_neuron.hpp);
//   - add_error_multiplier: a multiplier in a resident neuron layer (neuron_circuit.hpp), its gates on
//     the derivative circuit's output nodes, solved by ngspice with the neurons.
#include <filesystem>
#include <string>

#include "circuits/netlist.hpp"

namespace cimkit::circuits {

// The error DAC's full scale: each sample's largest |e| drives y = this on yp and -y on ym. Small
// enough that every transistor stays in triode down to 0 V gates (the library's condition:
// gates above vto + |y| = -0.3 V), large enough that the product current is many orders above
// ngspice's gmin leakage (1e-12 S x 0.2 V against about 1e-7 A).
inline constexpr double error_full_scale_V = 0.2;

// The multiplier's twin, fitted to its DC grid by least squares:
//   I(outp) - I(outm) = gain_A_per_V2 (V(xp) - V(xm)) (V(yp) - V(ym))
//   P (delivered by the y sources at +-y) = y^2 (power_sum_W_per_V3 (V(xp) + V(xm)) + power_offset_W_per_V2)
struct MultiplierFit {
    double gain_A_per_V2 = 0.0;
    double power_sum_W_per_V3 = 0.0;
    double power_offset_W_per_V2 = 0.0;
    double worst_product_residual = 0.0;  // max |I - fit| over the grid, relative to the largest |I|
    double worst_power_residual = 0.0;    // max |P - fit|, relative to the largest P
};

// Measures one multiplier on a grid of gates over [low_V, high_V] (both inputs, 5 levels each) and
// y over +-error_full_scale_V (5 levels), in one operating point of 125 instances in a worker
// process. Throws IoError when the library is missing, Error when the fit's residual exceeds 1e-3
// (the circuit left its bilinear range: a multiplier cimkit cannot use), and what the worker throws.
MultiplierFit measure_error_multiplier(const std::filesystem::path& netlist_dir, double low_V, double high_V);

// Includes the multiplier library in `netlist` (once per netlist).
void include_error_multiplier(Netlist& netlist, const std::filesystem::path& netlist_dir);

// The names of one multiplier's sources in a netlist: y drives (EXTERNAL in a resident layer, or DC)
// and the two 0 V read-out sources whose branch currents are the outputs.
struct MultiplierNames {
    std::string y_plus_source, y_minus_source;          // Source names ("ymp_3"; SPICE "vymp_3")
    std::string out_plus_branch, out_minus_branch;      // ngspice vectors ("vsmp_3#branch")
    std::string y_plus_branch, y_minus_branch;          // the y sources' branch currents
    std::string y_plus_node, y_minus_node;
};
MultiplierNames multiplier_names(const std::string& suffix);

// Adds multiplier "mul_<suffix>" with its gates on xp_node and xm_node, its y sources with the
// given waveforms and its 0 V read-out sources.
void add_error_multiplier(Netlist& netlist, const std::string& suffix, const std::string& xp_node, const std::string& xm_node,
                          decltype(Source::waveform) y_plus, decltype(Source::waveform) y_minus);

// The product current and the power the y sources deliver, from one multiplier's solved vectors.
double product_current_A(double out_plus_branch_A, double out_minus_branch_A);
double multiplier_power_W(double y_plus_V, double y_plus_branch_A, double y_minus_V, double y_minus_branch_A);

}  // namespace cimkit::circuits
