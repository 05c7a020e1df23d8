#pragma once
// `cimkit crossbar`: one MVM with random (seeded) device states and inputs, read through ngspice
// (the device's SPICE face in a crossbar) and through the compact model, compared column by column.
//
// The compact path sums I(V_i, state_ij) down each column with ideal wires (under pulse-width inputs,
// the charge of each row's pulse, edges included). With wire resistance it
// solves the wired network for every device with the compact model's I(v_row, v_column) by Newton on
// the sparse nodal system (circuits/crossbar_newton.hpp): ngspice agrees within 1 % for pcm,
// domain_wall, mosfet and gain_cell (docs/circuits.md has the measured numbers). Only if that solve
// does not converge does the compact path fall back to ideal wires, and it says so.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "circuits/crossbar.hpp"
#include "circuits/crossbar_energy.hpp"
#include "circuits/spice/plot.hpp"
#include "circuits/weight_mapping.hpp"
#include "devices/device_model.hpp"

namespace cimkit::analysis {

struct CrossbarRun {
    circuits::CrossbarGeometry geometry;  // rows x weight columns; wires
    circuits::WeightScheme scheme = circuits::WeightScheme::single;
    // Select device and read-out stages by name, e.g. {"1t1r", "tia"} (circuits/crossbar/stage_factory.hpp);
    // the compact path has neither a select transistor nor a TIA.
    circuits::CrossbarPeripherals peripherals;
    std::string face_variant;             // "" default face, "transistor" for the gain cell's
    std::uint64_t seed = 1;
    int adc_bits = 8;                     // column ADC resolution: the latency settles to 1/2 LSB
    // Pulse-width inputs at the device's read voltage, read by the "integrator" read-out
    // (circuits/crossbar.hpp): the outputs are each column's charge over the read window as a mean
    // current; the compact path integrates I(V(t)) over each row's pulse, edges included.
    bool pulse_width_inputs = false;
};

struct CrossbarResult {
    std::string face;
    int physical_columns = 0;
    std::vector<double> weights;   // rows x weight columns, row-major, in [-1, 1]
    std::vector<double> levels;    // rows x physical columns, row-major (as programmed)
    std::vector<double> inputs_V;  // rows
    std::vector<double> spice_column_current_A;
    std::vector<double> compact_column_current_A;
    std::vector<double> spice_column_output_V;  // TIA outputs, with --readout tia
    std::vector<double> spice_output_A;  // one per weight column, after the scheme's combination
    std::vector<double> compact_output_A;
    bool compact_includes_wires = true;
    double max_relative_error = 0.0;  // max_j |I_spice - I_compact| / sum_i |I_ij|
    double read_energy_J = 0.0;
    double read_latency_s = 0.0;   // settling to 1/2 LSB (circuits/crossbar_settling.hpp)
    double adc_full_scale_A = 0.0;
    double settled_time_s = 0.0;   // where the column currents are sampled: the end of the read plateau
    circuits::CrossbarEnergy energy;  // the read's energy part by part (circuits/crossbar_energy.hpp)
    double spice_wall_time_s = 0.0;
    double compact_wall_time_s = 0.0;  // the compact path's solve, wired or ideal
    std::vector<spice::Plot> waveforms;
};

// The drawn array and its circuit, before any simulation: `--emit-netlist` without `-o` stops here.
struct CrossbarCircuit {
    std::unique_ptr<circuits::DeviceFace> face;
    circuits::CrossbarGeometry geometry;  // with the physical columns
    circuits::CrossbarCircuitOptions options;
    std::vector<DeviceState> states;      // rows x physical columns, row-major
    circuits::Netlist netlist;
    CrossbarResult drawn;                 // face, physical_columns, weights, levels, inputs_V filled in
};

// Draws weights, device states and inputs from run.seed (always in the same order) and builds the netlist.
CrossbarCircuit prepare_crossbar(const DeviceModel& model, const CrossbarRun& run);

// The netlist as `--emit-netlist` writes it, for plain `ngspice -b FILE` and `cimkit simulate`: a header
// comment (command line, seed, cimkit version and commit, the weight mapping with the weights and the
// programmed levels), libraries inlined, and `.meas` cards printing each column's settled current
// (circuits::crossbar_measurements). Throws UsageError for a face with EXTERNAL sources (cosim), which
// only run with cimkit's process supplying their values.
std::string emitted_crossbar_netlist(const CrossbarCircuit& circuit, const CrossbarRun& run, const std::string& command_line);

// Runs the circuit in ngspice and the compact path, and compares them.
CrossbarResult simulate_crossbar(const DeviceModel& model, const CrossbarRun& run, CrossbarCircuit& circuit);

std::string crossbar_summary(const std::string& device, const CrossbarRun& run, const CrossbarResult& result);

}  // namespace cimkit::analysis
