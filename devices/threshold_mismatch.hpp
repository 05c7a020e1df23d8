#pragma once
// Random threshold-voltage mismatch of a MOS transistor by Pelgrom's area law (Pelgrom, Duinmaijer,
// Welbers, IEEE JSSC 24(5), 1989; docs/physics-sources.md#threshold-mismatch):
//   sigma(V_T1 - V_T2) = A_VT / sqrt(W L)  for a pair of identically drawn transistors,
// so one device's offset from the mean has sigma(V_T) = A_VT / sqrt(2 W L). Used by the MOSFET
// synapse (its channel) and the gain cell (its read transistor).
#include <cmath>

namespace cimkit {

inline double pelgrom_sigma_V(double a_vt_V_m, double width_m, double length_m) {
    return a_vt_V_m / std::sqrt(2.0 * width_m * length_m);
}

}  // namespace cimkit
