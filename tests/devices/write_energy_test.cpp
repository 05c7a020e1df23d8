// The energy each device's write pulse draws (DeviceModel::write_energy_J), against the closed form
// of its law (the device headers) and, for the charge-stored cells, against energy conservation.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "devices/domain_wall.hpp"
#include "devices/gain_cell.hpp"
#include "devices/mosfet.hpp"
#include "devices/pcm.hpp"

namespace cimkit {
namespace {

double pulse_energy_J(const DeviceModel& model, DeviceState state, const Pulse& pulse) {
    Rng rng(7);
    const DeviceState before = state;
    model.apply_pulse(state, pulse, rng);
    return model.write_energy_J(before, state, pulse);
}

// V^2 t / R with R = V_nominal / I_nominal: 1 V x 100 uA x 50 ns and 2.5 V x 300 uA x 20 ns.
TEST(WriteEnergy, PcmPulseDrawsVSquaredOverTheSwitchedCellsResistance) {
    const PcmDevice pcm;
    Rng rng(1);
    const DeviceState fresh = pcm.make_device(rng);
    EXPECT_NEAR(pulse_energy_J(pcm, fresh, pcm.nominal_pulse(+1)), 5e-12, 1e-24);
    EXPECT_NEAR(pulse_energy_J(pcm, fresh, pcm.nominal_pulse(-1)), 15e-12, 1e-24);
    // Half the amplitude: a quarter of the power; twice the width: twice the energy.
    EXPECT_NEAR(pulse_energy_J(pcm, fresh, Pulse{0.5, 100e-9, +1}), 5e-12 / 4.0 * 2.0, 1e-24);
    DeviceState set = fresh;
    pcm.set_level(set, 0.8, rng);
    EXPECT_EQ(pulse_energy_J(pcm, set, pcm.nominal_pulse(+1)), pulse_energy_J(pcm, fresh, pcm.nominal_pulse(+1)));
}

// J^2 rho (w t L) t_p, and the same as I^2 R t_p of the heavy-metal line (I = J w t, R = rho L / (w t)).
TEST(WriteEnergy, DomainWallPulseIsTheJouleHeatOfTheHeavyMetalLine) {
    const DomainWallSynapse dw;
    Rng rng(2);
    const DeviceState state = dw.make_device(rng);
    const Pulse nominal = dw.nominal_pulse(+1);
    EXPECT_NEAR(pulse_energy_J(dw, state, nominal), 1.08e-15, 1e-27);
    const DomainWallParameters& p = dw.typed_parameters();
    const double current_A = nominal.amplitude * p.track_width_m * p.hm_thickness_m;
    const double line_ohm = p.hm_resistivity_ohm_m * p.length_m / (p.track_width_m * p.hm_thickness_m);
    EXPECT_NEAR(pulse_energy_J(dw, state, dw.nominal_pulse(-1)), current_A * current_A * line_ohm * nominal.width_s, 1e-27);
}

// The pump's charge I_p t_p from its upper rail v_g_max_V when potentiating; nothing when sinking.
TEST(WriteEnergy, MosfetPumpDrawsItsChargeFromTheUpperRailOnlyWhenCharging) {
    const MosfetSynapse mosfet;
    Rng rng(3);
    DeviceState state = mosfet.make_device(rng);
    mosfet.set_level(state, 0.5, rng);
    EXPECT_NEAR(pulse_energy_J(mosfet, state, mosfet.nominal_pulse(+1)), 1.2 * 15e-9 * 10e-9, 1e-30);
    EXPECT_EQ(pulse_energy_J(mosfet, state, mosfet.nominal_pulse(-1)), 0.0);
}

// Charging C from 0 V to V_w through a resistor draws C V_w^2 from the line, twice the stored
// C V_w^2 / 2: half is lost in the write transistor whatever its resistance.
TEST(WriteEnergy, GainCellFullChargeDrawsTwiceTheStoredEnergy) {
    const GainCell cell({{"c_spread_d2d", "0", "test"}, {"temperature_K", "0", "test"}, {"leak_spread_d2d", "0", "test"}});
    Rng rng(4);
    DeviceState empty = cell.make_device(rng);
    cell.set_level(empty, 0.0, rng);
    const GainCellParameters& p = cell.typed_parameters();
    const Pulse long_pulse{p.v_dd_V, 50.0 * p.r_write_ohm * p.c_store_F, +1};  // 50 RC: fully charged
    const double drawn_J = pulse_energy_J(cell, empty, long_pulse);
    const double stored_J = 0.5 * p.c_store_F * p.v_dd_V * p.v_dd_V;
    EXPECT_NEAR(drawn_J / stored_J, 2.0, 1e-12);
    // A nominal pulse from mid-range: the line's V_w times the charge the node gained.
    DeviceState mid = empty;
    cell.set_level(mid, 0.5, rng);
    DeviceState after = mid;
    const Pulse nominal = cell.nominal_pulse(+1);
    cell.apply_pulse(after, nominal, rng);
    EXPECT_NEAR(cell.write_energy_J(mid, after, nominal),
                p.v_dd_V * p.c_store_F * (after.x[GainCell::store_V] - mid.x[GainCell::store_V]), 1e-30);
    EXPECT_EQ(pulse_energy_J(cell, mid, cell.nominal_pulse(-1)), 0.0);
}

// ---- set_level (program-and-verify) writes ----

std::vector<Setting> quiet(std::vector<std::pair<std::string, std::string>> pairs) {
    std::vector<Setting> out;
    for (const auto& [key, value] : pairs) out.push_back(Setting{key, value, "test"});
    return out;
}

double program_energy_J(const DeviceModel& model, DeviceState state, double level) {
    Rng rng(9);
    const DeviceState before = state;
    model.set_level(state, level, rng);
    return model.program_energy_J(before, state);
}

// Raising the gate across its window takes C_G dV / (I_p t_p) = 400 pump pulses, each drawing
// v_g_max I_p t_p: the same 1.2 V x 100 fF x 0.6 V as the charge C_G dV from the rail.
TEST(WriteEnergy, MosfetProgrammingCostsWhatTheEquivalentPumpPulsesCost) {
    const MosfetSynapse mosfet(quiet({{"step_spread_d2d", "0"}, {"a_vt_V_m", "0"}}));
    Rng rng(5);
    DeviceState low = mosfet.make_device(rng);
    mosfet.set_level(low, 0.0, rng);
    const double pulses = 100e-15 * 0.6 / (15e-9 * 10e-9);
    EXPECT_NEAR(program_energy_J(mosfet, low, 1.0), pulses * pulse_energy_J(mosfet, low, mosfet.nominal_pulse(+1)), 1e-27);
    DeviceState high = low;
    mosfet.set_level(high, 1.0, rng);
    EXPECT_EQ(program_energy_J(mosfet, high, 0.0), 0.0);
}

// The wall crosses L / p = 50 pinning sites, one nominal pulse each.
TEST(WriteEnergy, DomainWallProgrammingCostsOneNominalPulsePerSiteCrossed) {
    const DomainWallSynapse dw(quiet({{"pinning_spread_d2d", "0"}}));
    Rng rng(6);
    const DeviceState start = dw.make_device(rng);
    EXPECT_NEAR(program_energy_J(dw, start, 1.0), 50.0 * 1.08e-15, 1e-26);
}

// The mean SET law's pulse count n = A ln((g_sat - g_min)/(g_sat - g)) against counting noise-free
// nominal SET pulses until the conductance reaches g; a target below the present one adds a RESET.
TEST(WriteEnergy, PcmProgrammingCostsTheSetPulsesTheMeanLawNeeds) {
    const PcmDevice pcm(quiet({{"g_max_spread_d2d", "0"}, {"step_noise_c2c", "0"}, {"step_noise_floor", "0"},
                               {"step_noise_slope", "0"}, {"prog_noise_scale", "0"}, {"drift_scale", "0"}}));
    Rng rng(7);
    const DeviceState fresh = pcm.make_device(rng);
    DeviceState target = fresh;
    pcm.set_level(target, 0.6, rng);
    const double set_J = 5e-12;
    const double energy_J = program_energy_J(pcm, fresh, 0.6);
    DeviceState pulsed = fresh;
    int pulses = 0;
    while (pcm.conductance_S(pulsed) < pcm.conductance_S(target)) {
        pcm.apply_pulse(pulsed, pcm.nominal_pulse(+1), rng);
        ++pulses;
    }
    EXPECT_GT(energy_J, (pulses - 1) * set_J);
    EXPECT_LE(energy_J, pulses * set_J);
    EXPECT_NEAR(program_energy_J(pcm, target, 0.3), 15e-12 + program_energy_J(pcm, fresh, 0.3), 1e-24);
}

// Driving the write line to v_dd and the node from 0 V to it: C v_dd^2, twice the stored energy.
TEST(WriteEnergy, GainCellProgrammingDrawsTheLinesChargeAtTheTargetVoltage) {
    const GainCell cell(quiet({{"c_spread_d2d", "0"}, {"temperature_K", "0"}, {"leak_spread_d2d", "0"}}));
    Rng rng(8);
    DeviceState empty = cell.make_device(rng);
    cell.set_level(empty, 0.0, rng);
    const GainCellParameters& p = cell.typed_parameters();
    EXPECT_NEAR(program_energy_J(cell, empty, 1.0), p.c_store_F * p.v_dd_V * p.v_dd_V, 1e-30);
    DeviceState full = empty;
    cell.set_level(full, 1.0, rng);
    EXPECT_EQ(program_energy_J(cell, full, 0.0), 0.0);
}

}  // namespace
}  // namespace cimkit
