#include "devices/gain_cell.hpp"

#include <algorithm>
#include <cmath>

#include "devices/threshold_mismatch.hpp"

namespace cimkit {
namespace {

constexpr double boltzmann_J_per_K = 1.380649e-23;

void cross_rules(const Parameters& p) {
    const double model = p["read_model"];
    if (model != 0.0 && model != 1.0) p.fail("read_model must be 0 (published kernel of Leroux et al.) or 1 (linear surrogate 19.3)");
}

GainCellParameters typed(const Parameters& p) {
    GainCellParameters t;
    t.v_dd_V = p["v_dd_V"];
    t.c_store_F = p["c_store_F"];
    t.r_write_ohm = p["r_write_ohm"];
    t.write_width_s = p["write_width_s"];
    t.v_read_V = p["v_read_V"];
    t.read_scale_A = p["read_scale_A"];
    t.read_model = p["read_model"];
    t.c_spread_d2d = p["c_spread_d2d"];
    t.read_a_vt_V_m = p["read_a_vt_V_m"];
    t.read_w_m = p["read_w_m"];
    t.read_l_m = p["read_l_m"];
    t.leakage = StorageLeakage::from(p);
    return t;
}

ParameterTable make_table() {
    ParameterTable table{
        "gain_cell",
        {
            {"v_dd_V", Unit::volt, 0.9, Range::positive(), "supply; stored voltages lie in [0, v_dd_V]"},
            {"c_store_F", Unit::farad, 10e-15, Range::positive(), "storage capacitance C_S"},
            {"r_write_ohm", Unit::ohm, 1e6, Range::positive(), "on-resistance of the write transistor"},
            {"write_width_s", Unit::second, 0.2e-9, Range::positive(), "nominal write pulse width"},
            {"v_read_V", Unit::volt, 0.9, Range::positive(), "read word-line voltage V_in of an input pulse (0.9 V: Leroux et al.'s kernel)"},
            {"read_scale_A", Unit::ampere, 1e-6, Range::positive(), "read current per unit of the published f (the paper states no SI unit; 1 uA assumed)"},
            {"read_model", Unit::dimensionless, 0.0, Range::closed(0.0, 1.0), "0: published kernel f(V_in, V_store - 0.45), 1: linear surrogate 19.3 (V_in/0.9) (V_store - 0.45)"},
            {"c_spread_d2d", Unit::dimensionless, 0.05, Range::closed(0.0, 0.5), "device-to-device spread of C_S, relative sigma"},
            {"read_a_vt_V_m", Unit::volt_meter, 15e-9, Range::closed(0.0, 1e-7), "Pelgrom coefficient A_VT of the read transistor (15 mV um); sigma(V_T) = A_VT / sqrt(2 W L) per cell"},
            {"read_w_m", Unit::meter, 1e-6, Range::positive(), "read-transistor width (assumed, as the transistor-level face's)"},
            {"read_l_m", Unit::meter, 1e-6, Range::positive(), "read-transistor length (assumed, as the transistor-level face's)"},
        }};
    for (ParameterSpec& row : StorageLeakage::parameter_rows()) table.specs.push_back(std::move(row));
    table.retired = StorageLeakage::retired_parameters();
    return table;
}

}  // namespace

const ParameterTable& gain_cell_parameter_table() {
    static const ParameterTable table = make_table();
    return table;
}

GainCell::GainCell(const std::vector<Setting>& settings) : parameters_(gain_cell_parameter_table()) {
    parameters_.apply(settings, cross_rules);
    typed_parameters_ = typed(parameters_);
    const Parameters& p = parameters_;
    v_dd_V_ = p["v_dd_V"];
    c_store_F_ = p["c_store_F"];
    r_write_ohm_ = p["r_write_ohm"];
    write_width_s_ = p["write_width_s"];
    v_read_V_ = p["v_read_V"];
    read_scale_A_ = p["read_scale_A"];
    read_model_ = static_cast<GainCellReadModel>(static_cast<int>(p["read_model"]));
    c_spread_d2d_ = p["c_spread_d2d"];
    leakage_ = StorageLeakage::from(p);
    read_vth_sigma_V_ = pelgrom_sigma_V(p["read_a_vt_V_m"], p["read_w_m"], p["read_l_m"]);
}

const std::string& GainCell::name() const { return gain_cell_parameter_table().device; }

DeviceState GainCell::make_device(Rng& rng) const {
    DeviceState s;
    s.x[store_V] = 0.0;
    s.x[capacitance_scale] = 1.0 + c_spread_d2d_ * std::clamp(rng.normal(), -3.0, 3.0);
    s.x[leak_scale] = leakage_.draw_leak_scale(rng);
    s.x[read_vth_offset_V] = read_vth_sigma_V_ * rng.normal();  // drawn last: the draws above keep their values
    return s;
}

// A write ends when the write transistor opens, which samples the kT/C noise of the node.
void GainCell::set_level(DeviceState& state, double fraction, Rng& rng) const {
    const double c_F = c_store_F_ * state.x[capacitance_scale];
    const double ktc_V = std::sqrt(boltzmann_J_per_K * leakage_.temperature_K / c_F);
    state.x[store_V] = std::clamp(std::clamp(fraction, 0.0, 1.0) * v_dd_V_ + ktc_V * rng.normal(), 0.0, v_dd_V_);
}

double GainCell::level(const DeviceState& state) const { return state.x[store_V] / v_dd_V_; }

GainCellReadPolynomial GainCell::read_polynomial(const DeviceState& state) const {
    return gain_cell_read_polynomial(read_model_, read_gate_V(state));
}

double GainCell::current_A(double v_V, const DeviceState& state) const { return read_scale_A_ * read_polynomial(state).at(v_V); }

double GainCell::dcurrent_dv_S(double v_V, const DeviceState& state) const {
    return read_scale_A_ * read_polynomial(state).slope_at(v_V);
}

TerminalCurrent GainCell::current_between_A(double v_row_V, double, const DeviceState& state) const {
    return {current_A(v_row_V, state), dcurrent_dv_S(v_row_V, state), 0.0};
}

// G = I(v_read, V_store)/v_read with V_store = level v_dd: dG/dlevel = s v_dd (df/dV_store)/v_read.
double GainCell::dconductance_dlevel_S(const DeviceState& state) const {
    const double df_dv_store = read_model_ == GainCellReadModel::linear_surrogate
                                   ? gain_cell_surrogate_slope_per_V * v_read_V_ / gain_cell_published_v_in_V
                                   : gain_cell_polynomial_dv_store(v_read_V_, read_gate_V(state));
    return read_scale_A_ * v_dd_V_ * df_dv_store / v_read_V_;
}

double GainCell::conductance_S(const DeviceState& state) const { return current_A(v_read_V_, state) / v_read_V_; }

double GainCell::output_charge_C(double input_width_s, const DeviceState& state) const {
    return current_A(v_read_V_, state) * input_width_s;
}

void GainCell::apply_pulse(DeviceState& state, const Pulse& pulse, Rng& rng) const {
    const double c_F = c_store_F_ * state.x[capacitance_scale];
    const double target_V = pulse.polarity > 0 ? pulse.amplitude : 0.0;
    const double v = state.x[store_V];
    const double settled = target_V + (v - target_V) * std::exp(-pulse.width_s / (r_write_ohm_ * c_F));
    const double ktc_V = std::sqrt(boltzmann_J_per_K * leakage_.temperature_K / c_F);
    state.x[store_V] = std::clamp(settled + ktc_V * rng.normal(), 0.0, v_dd_V_);
}

// The write line, held at the pulse's target V_w, supplies the charge C_S (V_after - V_before) that
// the node gains and draws V_w times it (half of it is lost in the write transistor on the way); a
// pulse that discharges the node (target 0 V) gives its charge to a line at 0 V and draws nothing.
double GainCell::write_energy_J(const DeviceState& before, const DeviceState& after, const Pulse& pulse) const {
    if (pulse.polarity < 0) return 0.0;
    const double charge_C = c_store_F_ * before.x[capacitance_scale] * (after.x[store_V] - before.x[store_V]);
    return std::max(0.0, pulse.amplitude * charge_C);
}

double GainCell::program_energy_J(const DeviceState& before, const DeviceState& after) const {
    const double charge_C = c_store_F_ * before.x[capacitance_scale] * (after.x[store_V] - before.x[store_V]);
    return std::max(0.0, after.x[store_V] * charge_C);
}

void GainCell::evolve(DeviceState& state, double dt_s, Rng&) const {
    state.x[store_V] = leakage_.hold_V(state.x[store_V], dt_s, c_store_F_ * state.x[capacitance_scale], state.x[leak_scale]);
}

Pulse GainCell::nominal_pulse(int polarity) const { return Pulse{v_dd_V_, write_width_s_, polarity}; }

}  // namespace cimkit
