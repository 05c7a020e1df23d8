#pragma once
// Results of ngspice analyses, copied out of the library so they outlive the next load.
//
// Vector names follow what ngspice prints: node voltages are "v(node)", source branch currents
// "i(vsource)", scales keep their own names ("time", "frequency", "v-sweep"). The unit comes from
// ngspice's vector type (V, A, s, Hz, ...).
#include <complex>
#include <string>
#include <string_view>
#include <vector>

namespace cimkit::spice {

struct Vector {
    std::string name;           // "v(out)", "i(v1)", "time"
    std::string ngspice_name;   // the library's own name: "out", "v1#branch", "time"
    std::string unit;           // "V", "A", "s", "Hz", ... ; "" when ngspice gives no type
    bool is_scale = false;      // the independent variable of its plot
    std::vector<double> real;                   // set when the vector is real
    std::vector<std::complex<double>> complex;  // set when the vector is complex (AC)

    bool is_complex() const { return !complex.empty(); }
    std::size_t size() const { return is_complex() ? complex.size() : real.size(); }
};

struct Plot {
    std::string name;      // "tran1", "op1", "dc1", "ac1"
    std::string analysis;  // "tran", "op", "dc", "ac", ... (the name without its number)
    std::vector<Vector> vectors;  // the scale first, then the others in name order

    const Vector* scale() const;
    // Throws cimkit::Error naming the plot and the available vectors when absent.
    const Vector& vector(std::string_view name) const;
    std::size_t points() const;
};

// The unit of an ngspice vector type (enum simulation_types in ngspice's sim.h).
std::string unit_of_vector_type(int ngspice_type);

// "out" (a voltage) -> "v(out)", "v1#branch" -> "i(v1)"; scales and others keep their name.
std::string exported_vector_name(const std::string& ngspice_name, int ngspice_type, bool is_scale);

}  // namespace cimkit::spice
