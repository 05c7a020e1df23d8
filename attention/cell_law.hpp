#pragma once
// What one gain cell delivers while its word line is high, as a function of its weight
// w = V_store - 0.45 V, in units of read_scale_A: the block's f (attention/gain_cell_attention.hpp).
// Either a law of the paper (the published polynomial at 0.9 V, or the linear surrogate), or a
// table measured on a cell circuit in ngspice (the transistor-level tile's cell,
// attention/gain_cell_tile.hpp), linear between its points.
#include <vector>

#include "devices/gain_cell_read.hpp"

namespace cimkit::attention {

class CellLaw {
public:
    static CellLaw of(GainCellReadModel law);
    // values[i] at w = first_w_V + i step_w_V; outside the table, its end values.
    static CellLaw tabulated(double first_w_V, double step_w_V, std::vector<double> values);

    double at(double w_V) const;
    const char* name() const { return name_; }

private:
    const char* name_ = "";
    std::vector<double> polynomial_;  // a_0 .. a_3, when a law of the paper
    double first_w_V_ = 0.0, step_w_V_ = 0.0;
    std::vector<double> table_;
};

}  // namespace cimkit::attention
