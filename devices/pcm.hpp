#pragma once
// Phase-change memory (PCM): the IBM statistical model of programming noise, conductance drift and
// 1/f read noise, with nonlinear accumulative SET and abrupt RESET.
//
// Sources: Nandakumar, Le Gallo, Boybat, Rajendran, Sebastian, Eleftheriou, "A phase-change memory
// model for neuromorphic computing", J. Appl. Phys. 124, 152135 (2018) (accumulative SET);
// Nandakumar et al., "Phase-change memory models for deep learning training and inference",
// ICECS 2019; Joshi et al., "Accurate deep neural network inference using computational
// phase-change memory", Nat. Commun. 11, 2473 (2020) (the fits below, from > 10^6 devices);
// Joshi et al., "Hybrid in-memory computing architecture for the training of deep neural networks",
// ISCAS 2021 (binary and multi-level PCM: the `levels` parameter); NeuroSim for the SET law.
//
// Conductances in S; g_T = g / g_max_S is the conductance normalised to the nominal g_max_S (the
// fits were made at g_max = 25 uS and are scaled in proportion to g_max_S).
//   programming noise  sigma_prog(g_T) = max(-1.1731 g_T^2 + 1.9650 g_T + 0.2635, 0) uS * g_max_S/25uS
//   drift              g(t) = g_prog ((t + t0)/t0)^(-nu),  t = time since the last programming event
//                      (set_level, SET or RESET), t0 = drift_t0_s: the IBM model's time of the first
//                      read after programming, at which g_prog is defined (aihwkit's PCMLikeNoiseModel
//                      counts its inference time from t0 in the same way). No flat window: the
//                      conductance drifts from the moment it is programmed.
//                      nu = drift_scale |N(mu_nu, sigma_nu)|, drawn at every programming event:
//                      mu_nu    = clip(-0.0155 ln g_T + 0.0244, 0.049, 0.1)
//                      sigma_nu = clip(-0.0125 ln g_T - 0.0059, 0.008, 0.045)
//   read noise (1/f)   read_conductance_S = g(t) (1 + r N(0,1)), r = read_noise_relative(state) =
//                      read_noise Q_s sqrt(ln((t + t0 + t_read)/(2 t_read))),
//                      Q_s = min(0.0088 / g_T^0.65, 0.2): the 1/f noise accumulated from programming
//                      to the read, t + t0 after it. Every read is a fresh draw (the arrays of
//                      training/ draw it per read, training/device_array/read_model.hpp).
//                      The logarithm is floored at 0: for t + t0 < t_read the 1/f band is empty.
//                      g_T is floored at 1e-12 in ln and power so that a fully RESET cell takes the
//                      clipped limits (mu_nu = 0.1, Q_s = 0.2). g_T in Q_s is the programmed
//                      g_prog / g_max_S; in mu_nu and sigma_nu it is the target of the programming
//                      event, as in the IBM model.
//   I-V                I = g(t) V (ohmic read below the amorphous threshold-switching voltage).
// The drift factor and r are cached in the state (slots drift_factor, read_noise_rel), updated at
// every programming event and by evolve(), so a read costs one multiplication per device.
//
// Programming events:
//   set_level(f)  program-and-verify to g_T = f (quantised to `levels` when levels >= 2):
//                 g_prog = clip(f g_max_S + prog_noise_scale sigma_prog(f) N(0,1), 0, g_sat).
//                 Clipping at 0 follows aihwkit's implementation of the same model.
//   SET (+1)      NeuroSim's G(P) = B (1 - e^(-P/A)) + G_min written per pulse:
//                 mean step dg = (g_sat - g(t)) (1 - e^(-n_eff/A)), A = set_pulses_per_efold,
//                 n_eff = (amplitude width) / (set_amplitude_V set_width_s), a charge-like pulse
//                 strength, so one pulse of twice the width equals two nominal pulses. The mean
//                 step falls linearly with g, the trend of the mean conductance change per SET pulse
//                 that Nandakumar et al. (2018) report.
//                 State-dependent cycle-to-cycle spread of the step (Nandakumar et al. 2018; the
//                 form and numbers of aihwkit's PCMPresetDevice, docs/physics-sources.md):
//                   sigma_dg(g) = step_noise_c2c dg + step_noise_floor g_max_S + step_noise_slope g(t)
//                 g_prog = clip(g(t) + dg + sigma_dg N(0,1), g_min_S, g_sat).
//                 The step noise is the SET noise; sigma_prog is not added on top, because it
//                 describes a verified multi-pulse programming, not a single pulse.
//                 From g_min, A ln((g_max - g_min)/(0.1 g_max)) ~ 2.3 A pulses reach 0.9 g_max.
//   RESET (-1)    abrupt melt-quench: g_prog = clip(g_min_S + prog_noise_scale sigma_prog(g_min/g_max)
//                 N(0,1), 0, g_sat), whatever the pulse's amplitude and width (no partial RESET).
// Every event restarts the drift clock and draws a new nu for the new g_T.
// Write energy: during a pulse the cell is threshold-switched and conducts through an ohmic
// programming path, R_set = set_amplitude_V / set_current_A for SET and R_reset = reset_amplitude_V /
// reset_current_A for RESET (the nominal pulses' currents), so a pulse of amplitude V and width t
// draws V^2 t / R: 5 pJ per nominal SET and 15 pJ per nominal RESET at the defaults. Whatever the
// state: the current of a switched cell does not depend on the phase it started from.
// A set_level is priced as the nominal pulses of the mean SET law that reach its result: from the
// present conductance g if the target lies above it, else one RESET and then SETs from g_min_S;
// n = A ln((g_sat - g_from)/(g_sat - g_to)) SETs, g_to capped at 99 % of g_sat (the law reaches g_sat
// only after infinitely many).
//
// Device-to-device variation: the saturation conductance g_sat = g_max_S m with
// m = 1 + g_max_spread_d2d N(0,1) (bounded at 3 sigma); since SET steps are proportional to
// (g_sat - g), m scales the step size too. A new device starts exactly at g_min_S, freshly RESET.
//
// PcmDifferentialPair: one weight w = (g+ - g-)/g_max_S from two devices of the same model, with
// refresh when either device nears saturation (Joshi et al. 2021; Nandakumar et al. 2020).
#include "devices/device_model.hpp"

namespace cimkit {

const ParameterTable& pcm_parameter_table();

// pcm_parameter_table() by field: the same validated values as parameters(), typed, for code that
// builds on this device. Descriptions in the table; levels holds a whole number.
struct PcmParameters {
    double g_max_S, g_min_S, g_max_spread_d2d;                                    // conductance range
    double set_pulses_per_efold, step_noise_c2c, step_noise_floor, step_noise_slope;  // SET and its spread
    double set_amplitude_V, set_width_s;                                               // SET pulse
    double reset_amplitude_V, reset_width_s;                                           // RESET
    double set_current_A, reset_current_A;                                             // write energy
    double prog_noise_scale, drift_scale, drift_t0_s, read_noise, t_read_s, v_read_V;  // noise, drift, read
    double levels, refresh_threshold;
};

class PcmDevice final : public DeviceModel {
public:
    enum Slot {
        g_prog_S = 0,     // conductance at the last programming event (before drift)
        nu = 1,           // drift exponent in use (drift_scale already applied)
        time_s = 2,       // time since the last programming event
        g_sat_scale = 3,  // device-to-device factor m on g_max_S
        drift_factor = 4,    // ((t + t0)/t0)^-nu at time_s (cached)
        read_noise_rel = 5,  // sigma_read / g(t) at time_s (cached)
    };

    explicit PcmDevice(const std::vector<Setting>& settings = {});

    const std::string& name() const override;
    const Parameters& parameters() const override { return parameters_; }
    const PcmParameters& typed_parameters() const { return typed_parameters_; }
    DeviceState make_device(Rng& rng) const override;
    void set_level(DeviceState& state, double fraction, Rng& rng) const override;
    double level(const DeviceState& state) const override;
    double conductance_S(const DeviceState& state) const override;
    double read_conductance_S(const DeviceState& state, Rng& rng) const override;
    double read_noise_relative(const DeviceState& state) const override { return state.x[read_noise_rel]; }
    bool has_read_noise() const override { return read_noise_ > 0.0; }
    double current_A(double v_V, const DeviceState& state) const override;
    bool odd_read_current() const override { return true; }  // I = V f(V^2)
    bool ohmic_read() const override { return true; }        // current_A = conductance_S * v
    double dcurrent_dv_S(double v_V, const DeviceState& state) const override;
    double dconductance_dlevel_S(const DeviceState& state) const override;
    void apply_pulse(DeviceState& state, const Pulse& pulse, Rng& rng) const override;
    double write_energy_J(const DeviceState& before, const DeviceState& after, const Pulse& pulse) const override;
    double program_energy_J(const DeviceState& before, const DeviceState& after) const override;
    void evolve(DeviceState& state, double dt_s, Rng& rng) const override;
    Pulse nominal_pulse(int polarity) const override;
    Unit pulse_amplitude_unit() const override { return Unit::volt; }
    double read_voltage_V() const override { return v_read_V_; }
    double iv_sweep_limit_V() const override { return iv_limit_V; }
    RetentionKind retention_kind() const override { return RetentionKind::drift; }
    void refresh_derived(DeviceState& state) const override { update_drift(state); }
    // g_sat / g_max_S = m, the device-to-device factor: a device with m < 1 saturates below level 1.
    double saturation_level(const DeviceState& state) const override { return g_sat_S(state) / g_max_S_; }

    double g_max_S() const { return g_max_S_; }
    // Saturation conductance of this device, g_max_S m.
    double g_sat_S(const DeviceState& state) const { return g_max_S_ * state.x[g_sat_scale]; }
    double refresh_threshold() const { return refresh_threshold_; }
    // sigma_dg of one SET pulse whose mean step is mean_step_S, at conductance g_S.
    double set_step_spread_S(double mean_step_S, double g_S) const;

    // Below the threshold-switching voltage of the amorphous phase, where the ohmic read holds.
    static constexpr double iv_limit_V = 0.3;

private:
    void start_drift(DeviceState& state, double g_prog, double g_T, Rng& rng) const;
    void update_drift(DeviceState& state) const;  // the cached slots from g_prog, nu and time_s
    double programming_noise_S(double g_T) const;

    Parameters parameters_;
    PcmParameters typed_parameters_;
    double g_max_S_, g_min_S_, g_max_spread_d2d_;
    double set_pulses_per_efold_, step_noise_c2c_, step_noise_floor_, step_noise_slope_, set_amplitude_V_, set_width_s_;
    double reset_amplitude_V_, reset_width_s_;
    double prog_noise_scale_, drift_scale_, drift_t0_s_, read_noise_, t_read_s_, v_read_V_;
    int levels_;
    double refresh_threshold_;
};

// A weight as the difference of two PCM devices. Positive updates are SET pulses on G+, negative
// ones SET pulses on G- (PCM can only be potentiated gradually). The caller checks needs_refresh()
// and calls refresh(); the pair never refreshes on its own, so the training loop sees when it happens.
class PcmDifferentialPair {
public:
    // Both devices start freshly RESET (w ~ 0). `model` must outlive the pair.
    PcmDifferentialPair(const PcmDevice& model, Rng& rng);

    double weight() const;             // (g+(t) - g-(t)) / g_max_S, noise-free
    double read_weight(Rng& rng) const; // the same from two noisy reads
    // `pulses` nominal SET pulses on G+ (polarity > 0) or G- (polarity < 0).
    void apply_update(int polarity, int pulses, Rng& rng);
    void evolve(double dt_s, Rng& rng);
    // Either device above refresh_threshold of its own saturation conductance (so a device with a
    // low g_sat is still refreshed before it stops responding).
    bool needs_refresh() const;
    // Reads w, RESETs both devices and programs |w| onto G+ (w > 0) or G- (w < 0), on top of the
    // other device's RESET conductance so that w is kept up to programming noise.
    void refresh(Rng& rng);

    int refresh_count() const { return refreshes_; }
    const DeviceState& plus() const { return plus_; }
    const DeviceState& minus() const { return minus_; }

private:
    const PcmDevice* model_;
    DeviceState plus_, minus_;
    int refreshes_ = 0;
};

}  // namespace cimkit
