#pragma once
// The energy of one crossbar read (circuits/crossbar.hpp), part by part (issue 15), from the read's
// transient waveforms, over the whole transient (rising edge, plateau, falling edge, tail).
//
// Drawn from the sources (each metered as the integral of the power it delivers):
//   row_drivers_J        sum_i integral V_i I_i dt of the row sources
//   read_supplies_J      the supplies devices draw from (add_read_supply: the gain cell's v_dd)
//   readout_amplifiers_J the read-out's own sources (the TIA's op-amp output; 0 for the ideal
//                        virtual ground, which sits at 0 V and delivers nothing)
//   total_J              their sum
// Spent in (these five sum to total_J):
//   wire_resistance_J    conduction loss in the wire segments: sum_seg dV_seg^2 / R at the end of the
//                        plateau times integral u(t)^2 dt, u(t) = V_in(t) / V_in(plateau) the rows'
//                        common pulse shape (quasi-static: exact for ohmic devices, whose currents
//                        scale with u; the lines' charging losses belong to wire_capacitance_J)
//   driver_resistance_J  conduction loss in the row drivers' output resistances (geometry.driver_ohm,
//                        resistor rdrv_i from in_i to drv_i), quasi-static like wire_resistance_J:
//                        sum_i (v(in_i) - v(drv_i))^2 / R_d at the end of the plateau times
//                        integral u(t)^2 dt; 0 without a driver resistance
//   wire_capacitance_J   the energy the drivers spend on the line capacitances, sum_n C V_n^2 with
//                        V_n at the end of the plateau: half is lost in the resistances while the
//                        lines charge, half is stored and lost as they discharge on the falling edge
//   readout_J            dissipated in the read-out (the TIA's feedback resistors; 0 ideal)
//   devices_J            the rest: total_J minus the four above. A device's current is not metered
//                        directly (a face may draw it from internal sources, and with --1t1r the
//                        select transistor shares its branch), so the cells (device, select
//                        transistor, the face's internal elements) get what the metered parts leave;
//                        it also carries the small difference between the lines' actual dynamic
//                        losses and C V^2 (energy the falling edge takes back, finite edges).
//
// The line nodes' voltages are needed with wires or a driver resistance: save_line_nodes has ngspice keep them in a netlist
// built by build_crossbar_read. `cimkit crossbar` calls it after writing --emit-netlist, so the
// emitted circuit is the same text with or without the meters, and keeps only the emitted netlist's
// vectors in /waveforms.
#include <string>
#include <vector>

#include "circuits/crossbar.hpp"
#include "circuits/netlist.hpp"
#include "circuits/spice/plot.hpp"

namespace cimkit::circuits {

struct CrossbarEnergy {
    double row_drivers_J = 0.0;
    double read_supplies_J = 0.0;
    double readout_amplifiers_J = 0.0;
    double total_J = 0.0;
    double wire_resistance_J = 0.0;
    double wire_capacitance_J = 0.0;
    double readout_J = 0.0;
    double devices_J = 0.0;
    double driver_resistance_J = 0.0;  // last, so that older aggregate initialisations keep their meaning
};

// The meters read the line nodes (v(r_i_j), v(c_i_j), v(col_j), v(drv_i)) of lines with resistance.
// With wires or a driver resistance this adds `.save all`: ngspice matches each named .save against every node, so naming the
// rows x columns line nodes one by one is slower than saving every vector (ngspice wall time on
// 256 x 100 with 1 Ohm wires: 45 s named, 19 s all, 12.5 s without the meters).
void save_line_nodes(Netlist& netlist, const CrossbarGeometry& geometry);
// Keeps only the scale and the vectors named in `saves` (the netlist's own .save list before
// save_line_nodes), so a stored plot holds what the emitted netlist saves.
void keep_saved_vectors(spice::Plot& tran, const std::vector<std::string>& saves);

// Needs the vectors build_crossbar_read saves, and with wires those of save_line_nodes (Error
// naming the missing vector otherwise). `options` as given to build_crossbar_read.
CrossbarEnergy crossbar_energy(const spice::Plot& tran, const CrossbarGeometry& geometry, const CrossbarCircuitOptions& options = {});

// The two sources every read has: the row drivers' energy and the read supplies'.
double row_driver_energy_J(const spice::Plot& tran, int rows);
double read_supply_energy_J(const spice::Plot& tran);

}  // namespace cimkit::circuits
