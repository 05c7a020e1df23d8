#pragma once
// What callers choose about a crossbar's peripherals: the stages by name (stage_factory.hpp) and the
// typed settings those stages read. The option structs of `cimkit crossbar`
// (analysis/crossbar_experiment.hpp) and of the one-shot builder carry one CrossbarPeripherals.
#include <filesystem>
#include <string>
#include <vector>

namespace cimkit::circuits {

// The one-shot read: rows rise in edge_s, hold for read_s, fall in edge_s. Stages whose reading
// depends on the read window (an integrating read-out) get it from the factory.
struct ReadTiming {
    double edge_s = 1e-9;
    double read_s = 10e-9;
};

// "1t1r": an NMOS select transistor in series with every device (row -> device -> m_i_j -> select
// transistor -> column), all gates on one word line held at v_wordline_V during the read. Its
// on-resistance 1/(kp W/L (V_wl - V_T)) adds to each device's; the defaults (W/L = 50) keep it near
// 80 Ohm, well below device resistances.
struct AccessTransistor {
    double width_m = 10e-6;
    double length_m = 0.2e-6;
    double kp_A_per_V2 = 120e-6;
    double vto_V = 0.4;
    double v_wordline_V = 2.5;
};

// "tia": the op-amp transimpedance amplifier of netlists/peripherals/tia.lib per column, whose
// output V_j = -I_j rf a0/(1 + a0) is turned back into the column current; its input sits at
// I_j rf/(1 + a0) instead of 0 V. (The plain read-out, "ideal", is a 0 V source per column.)
struct TiaReadout {
    double open_loop_gain = 1e4;
    double feedback_ohm = 10e3;
};

// "integrator": the op-amp charge integrator of netlists/peripherals/integrator.lib per column, for
// pulse-width inputs. Its output after the read, V_j = -Q_j a0/((1 + a0) cf), is turned back into
// the charge Q_j the column collected, reported as the mean current Q_j / read_s over the read window.
// cf sets the output swing: Q/cf should stay near a volt, so that the input's offset -V_out/a0 stays
// far below the read voltage (it takes about V_out/(a0 V_read) off every device's current).
//
// Repeated reads in one transient (the spice engine's batched pulse-width read, training/reloaded_read.hpp):
// with reset_period_s > 0 every column uses the library's integrator_rst, whose switch (reset_ohm)
// empties cf while its control is high: from t = 0 (through the operating point) to reset_s, then
// again for reset_s at every multiple of reset_period_s, after a rise of reset_edge_s that ends there.
// 0: one read that starts empty (uic), the one-shot read.
struct IntegratorReadout {
    double open_loop_gain = 1e4;
    double feedback_farad = 10e-12;
    double reset_period_s = 0.0;
    double reset_s = 0.0;
    double reset_edge_s = 0.0;
    double reset_ohm = 1.0;
};

struct StageSettings {
    std::filesystem::path netlist_dir;  // where the peripherals/*.lib subcircuits are (CIMKIT_NETLIST_DIR)
    AccessTransistor access;
    TiaReadout tia;
    IntegratorReadout integrator;
    // The "ideal" read-out of a resident tile: its column sources are EXTERNAL, their voltage set
    // from C++ (0 V for a forward read), so the same loaded tile can drive its columns for a
    // transposed read (training/spice_array.hpp).
    bool external_sense_sources = false;
};

struct CrossbarPeripherals {
    // Stage names in signal order, e.g. {"1t1r", "tia"}; without a read-out stage, "ideal" is used.
    std::vector<std::string> stages;
    StageSettings settings;
};

}  // namespace cimkit::circuits
