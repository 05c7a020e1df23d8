#include "devices/storage_leakage.hpp"

#include <algorithm>
#include <cmath>


namespace cimkit {
namespace {

constexpr double boltzmann_J_per_K = 1.380649e-23;
constexpr double elementary_charge_C = 1.602176634e-19;

// log(1 + exp(x)) without overflow for large x.
double softplus(double x) { return x > 30.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

}  // namespace

std::vector<ParameterSpec> StorageLeakage::parameter_rows() {
    return {
        {"write_off_current_A", Unit::ampere, 0.9e-12, Range::non_negative(),
         "subthreshold current of the holding write transistor at V_GS = 0 (0.9 pA: a 10 fF node loses half of 0.9 V in 5 ms, Leroux et al.'s silicon retention)"},
        {"write_slope_factor", Unit::dimensionless, 1.5, Range::closed(1.0, 3.0),
         "subthreshold slope factor n of the write transistor (1.5: 89 mV/decade at 300 K)"},
        {"word_line_off_V", Unit::volt, 0.0, Range::closed(-1.0, 0.0),
         "write word line while holding (below 0: DRAM-style underdrive, one decade less subthreshold leak per n kT/q ln 10)"},
        {"junction_leak_A", Unit::ampere, 1e-15, Range::non_negative(), "reverse saturation current of the storage-node junction (1 fA: a DRAM cell's)"},
        {"leak_spread_d2d", Unit::dimensionless, 0.1, Range::closed(0.0, 0.5), "device-to-device spread of the leakage current, relative sigma"},
        {"temperature_K", Unit::kelvin, 300.0, Range::non_negative(), "temperature: kT/q of the leakage (and kT/C write noise where the device has it)"},
    };
}

StorageLeakage StorageLeakage::from(const Parameters& p) {
    StorageLeakage l;
    l.write_off_current_A = p["write_off_current_A"];
    l.write_slope_factor = p["write_slope_factor"];
    l.word_line_off_V = p["word_line_off_V"];
    l.junction_leak_A = p["junction_leak_A"];
    l.leak_spread_d2d = p["leak_spread_d2d"];
    l.temperature_K = p["temperature_K"];
    return l;
}

std::vector<RetiredParameter> StorageLeakage::retired_parameters() {
    const std::string why =
        "belonged to the retired first-order leak; retention now follows from the storage node's physical leakage: "
        "write_off_current_A, write_slope_factor, word_line_off_V, junction_leak_A, leak_spread_d2d (docs/devices.md)";
    std::vector<RetiredParameter> retired;
    for (const char* name : {"retention_tau_s", "v_rest_V", "v_leak_target_V", "leak_nonlinearity_V", "tau_spread_d2d"}) retired.push_back({name, why});
    return retired;
}

double StorageLeakage::draw_leak_scale(Rng& rng) const { return 1.0 + leak_spread_d2d * std::clamp(rng.normal(), -3.0, 3.0); }

double StorageLeakage::thermal_voltage_V() const { return boltzmann_J_per_K * temperature_K / elementary_charge_C; }

double StorageLeakage::saturated_current_A() const {
    const double v_t = thermal_voltage_V();
    // At T = 0 the word-line factor is its limit: 1 at 0 V, 0 below.
    const double underdrive = v_t > 0.0 ? std::exp(word_line_off_V / (write_slope_factor * v_t)) : (word_line_off_V < 0.0 ? 0.0 : 1.0);
    return write_off_current_A * underdrive + junction_leak_A;
}

double StorageLeakage::current_A(double v_V) const {
    const double v_t = thermal_voltage_V();
    const double shape = v_t > 0.0 ? -std::expm1(-v_V / v_t) : (v_V > 0.0 ? 1.0 : (v_V < 0.0 ? -1.0 : 0.0));
    return saturated_current_A() * shape;
}

double StorageLeakage::hold_V(double v_V, double dt_s, double c_F, double leak_scale) const {
    const double i0_A = saturated_current_A() * leak_scale;
    if (dt_s <= 0.0 || i0_A <= 0.0) return v_V;
    const double v_t = thermal_voltage_V();
    if (v_t <= 0.0) {  // T = 0: constant droop towards 0 V from either side
        const double droop_V = i0_A * dt_s / c_F;
        return v_V > 0.0 ? std::max(v_V - droop_V, 0.0) : std::min(v_V + droop_V, 0.0);
    }
    const double u0 = v_V / v_t;
    const double decay = i0_A * dt_s / (c_F * v_t);  // ln of the factor on exp(u) - 1
    // Above 40 V_t, exp(-u) < 5e-18 is below double precision: the droop is exactly linear there.
    // This path is most of a training run's evolve (every device, every sample period).
    if (u0 - decay > 40.0) return v_V - i0_A * dt_s / c_F;
    if (u0 > 0.0) {
        // exp(u) - 1 = exp(L - decay), L = ln(exp(u0) - 1) = u0 + ln(1 - exp(-u0)): no overflow at u0 ~ 50.
        const double log_excess = u0 + std::log(-std::expm1(-u0));
        return v_t * softplus(log_excess - decay);
    }
    return v_t * std::log1p(std::expm1(u0) * std::exp(-decay));
}

}  // namespace cimkit
