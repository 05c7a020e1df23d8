#pragma once
// How long a one-shot crossbar read (circuits/crossbar.hpp) must last for its wires to settle, and
// when its columns have settled (issue 15: latency from the waveform, not a constant).
//
// The read window: a line of n segments of resistance R with capacitance C on each segment's node,
// driven (a row) or sensed (a column) at one end, has the Elmore delay R C n (n + 1) / 2 at its far
// node; a device's current needs its row and its column, so the slowest path is the sum of the row's
// and the column's (the devices' own loading only speeds the lines up, so this overestimates). The
// plateau lasts at least 2 x that delay x ln(2^(bits + 1)) (a single pole's settling to 1/2 LSB, with
// a factor 2 of margin), and the transient runs as long again after the falling edge so the lines
// discharge. Without capacitance the delay is 0 and the timing is the caller's ReadTiming unchanged.
//
// The latency: LSB = full scale / 2^bits with the full scale of an auto-ranged column ADC, the
// largest settled |column current| of this read (a fixed range sized for every device at maximum
// conductance would be larger, its LSB coarser and its latency shorter: this is the conservative
// choice). The settled value of a column is its current at the end of the plateau (its last time
// point, settled_time_s); the latency is the time from the start of the rows' rising edge until the
// slowest column stays within 1/2 LSB of it.
#include <vector>

#include "circuits/crossbar.hpp"

namespace cimkit::circuits {

// Throws ParameterError unless 1 <= bits <= 24.
void validate_adc_bits(int bits);

// Elmore delay (s) of the slowest row-plus-column path, devices' loading ignored (see above).
double elmore_delay_s(const CrossbarGeometry& geometry);

// Time for a single pole of time constant tau_s to settle within 1/2 LSB of a step: tau ln(2^(bits + 1)).
double half_lsb_settling_s(double tau_s, int adc_bits);

// The timing the read actually uses: `options.timing` with the plateau stretched to the settling
// margin when the wires need it; and the transient's stop time (edges, plateau, discharge tail).
ReadTiming settled_read_timing(const CrossbarGeometry& geometry, const CrossbarCircuitOptions& options);
double read_stop_s(const CrossbarGeometry& geometry, const CrossbarCircuitOptions& options);

// The settled point: the last time point of the transient before the plateau's end `plateau_end_s`
// (at the corner itself the falling edge has begun by a rounding error, which shows at 1e-15 in the
// column currents); `plateau_end_s` when there is none.
double settled_time_s(const std::vector<double>& t, double plateau_end_s);

struct ColumnSettling {
    double latency_s = 0.0;      // start of the rising edge -> slowest column within 1/2 LSB for good
    double full_scale_A = 0.0;   // max_j |I_j(t_settled)|; LSB = full_scale_A / 2^bits
};

// `column_A[j]` is column j's current sampled at `t`; `t_settled_s` the end of the plateau.
ColumnSettling column_settling(const std::vector<double>& t, const std::vector<std::vector<double>>& column_A, double t_settled_s,
                               int adc_bits);

}  // namespace cimkit::circuits
