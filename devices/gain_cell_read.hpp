#pragma once
// The gain cell's read law: the kernel of Leroux et al., "Analog in-memory computing attention
// mechanism for fast and energy-efficient large language models", arXiv 2409.19315 (Nat. Comput.
// Sci. 2025), Eq. 4, as their public code evaluates it (docs/physics-sources.md#gain-cell names the
// repository, file and commit).
//
// A cell storing V_store, read with an input pulse of width t_in at word-line voltage V_in, gives
//   output = t_in f(V_in, V_store - 0.45 V),  f(x, w) = sum_{i+j<=3} C_ij w^i x^j,
// all ten terms, with V_in = 0.9 V (the code's x_max) and 0.45 V the code's weight offset. Nothing
// is subtracted: the terms without x (C_i0, the zero-input part of the fit) multiply x^0 = 1 and
// count like the others, and the constant f(0.9, 0) = 0.52 at zero weight stays (in an array it
// cancels between the two cells of a differential pair). cimkit's unit: f is the read current in
// units of read_scale_A, so a pulse delivers the charge Q = read_scale_A f(V_in, w) t_in.
// The linear surrogate the paper trains through (its backward pass): output = 19.3 t_in w, at
// V_in = 0.9 V; cimkit scales it in proportion to V_in elsewhere, so it carries no current at 0 V.
#include <vector>

namespace cimkit {

inline constexpr double gain_cell_weight_offset_V = 0.45;   // V_store of zero weight
inline constexpr double gain_cell_published_v_in_V = 0.9;   // the kernel's read voltage (x_max)
inline constexpr double gain_cell_surrogate_slope_per_V = 19.3;  // the paper's linear fit

enum class GainCellReadModel { published_kernel = 0, linear_surrogate = 1 };

// f(V_in, V_store - 0.45) with the published coefficients, in the paper's output units.
double gain_cell_polynomial(double v_in_V, double v_store_V);
// df/dV_store at (V_in, V_store).
double gain_cell_polynomial_dv_store(double v_in_V, double v_store_V);

// The read law at one stored voltage as a cubic in the read voltage V:
//   I(V) / read_scale_A = c0 + c1 V + c2 V^2 + c3 V^3.
// The SPICE faces write the same law (circuits/faces/gain_cell_faces.cpp).
struct GainCellReadPolynomial {
    double c0, c1, c2, c3;  // 1, per V, per V^2, per V^3 (in units of read_scale_A)
    double at(double v_V) const { return c0 + v_V * (c1 + v_V * (c2 + v_V * c3)); }
    double slope_at(double v_V) const { return c1 + v_V * (2.0 * c2 + 3.0 * v_V * c3); }
};
GainCellReadPolynomial gain_cell_read_polynomial(GainCellReadModel model, double v_store_V);

// The same law as a sum of monomials, f = sum coefficient (V_store - 0.45)^power_w V_in^power_x, for
// a circuit that evaluates it from its own storage-node voltage (the gain cell's SPICE faces).
struct GainCellReadTerm {
    double coefficient;
    int power_w, power_x;
};
std::vector<GainCellReadTerm> gain_cell_read_terms(GainCellReadModel model);

}  // namespace cimkit
