#pragma once
// A model that is another model, call for call, except where a subclass overrides a call: the
// subcircuit device (its table twin under the name "subcircuit") and a test's PCM that does not
// declare its read ohmic (tests/training/read_cache_test.cpp) both need it.
//
// Every virtual call of DeviceModel is forwarded, the capability queries (ohmic_read,
// odd_read_current, has_read_noise, ...) included: a forwarding model that left one out would
// silently take the base class's default instead of the inner model's answer (the subcircuit
// device once did with ohmic_read, and lost the compact engine's read cache).
//
// Inner is the concrete type (a final class), so the forwarded calls bind statically.
#include <memory>
#include <string>
#include <utility>

#include "devices/device_model.hpp"

namespace cimkit {

template <typename Inner>
class ForwardingDevice : public DeviceModel {
public:
    const Inner& inner() const { return *inner_; }

    const std::string& name() const override { return inner_->name(); }
    const Parameters& parameters() const override { return inner_->parameters(); }
    DeviceState make_device(Rng& rng) const override { return inner_->make_device(rng); }
    void set_level(DeviceState& s, double fraction, Rng& rng) const override { inner_->set_level(s, fraction, rng); }
    double level(const DeviceState& s) const override { return inner_->level(s); }
    double conductance_S(const DeviceState& s) const override { return inner_->conductance_S(s); }
    double read_conductance_S(const DeviceState& s, Rng& rng) const override { return inner_->read_conductance_S(s, rng); }
    bool has_read_noise() const override { return inner_->has_read_noise(); }
    double read_noise_relative(const DeviceState& s) const override { return inner_->read_noise_relative(s); }
    double current_A(double v_V, const DeviceState& s) const override { return inner_->current_A(v_V, s); }
    double dcurrent_dv_S(double v_V, const DeviceState& s) const override { return inner_->dcurrent_dv_S(v_V, s); }
    TerminalCurrent current_between_A(double v_row_V, double v_column_V, const DeviceState& s) const override {
        return inner_->current_between_A(v_row_V, v_column_V, s);
    }
    bool row_supplies_read_current() const override { return inner_->row_supplies_read_current(); }
    bool odd_read_current() const override { return inner_->odd_read_current(); }
    bool ohmic_read() const override { return inner_->ohmic_read(); }
    double dconductance_dlevel_S(const DeviceState& s) const override { return inner_->dconductance_dlevel_S(s); }
    void apply_pulse(DeviceState& s, const Pulse& pulse, Rng& rng) const override { inner_->apply_pulse(s, pulse, rng); }
    double write_energy_J(const DeviceState& before, const DeviceState& after, const Pulse& pulse) const override {
        return inner_->write_energy_J(before, after, pulse);
    }
    double program_energy_J(const DeviceState& before, const DeviceState& after) const override {
        return inner_->program_energy_J(before, after);
    }
    void evolve(DeviceState& s, double dt_s, Rng& rng) const override { inner_->evolve(s, dt_s, rng); }
    Pulse nominal_pulse(int polarity) const override { return inner_->nominal_pulse(polarity); }
    Unit pulse_amplitude_unit() const override { return inner_->pulse_amplitude_unit(); }
    double read_voltage_V() const override { return inner_->read_voltage_V(); }
    double read_supply_V(double line_V) const override { return inner_->read_supply_V(line_V); }
    double iv_sweep_limit_V() const override { return inner_->iv_sweep_limit_V(); }
    RetentionKind retention_kind() const override { return inner_->retention_kind(); }
    void refresh_derived(DeviceState& s) const override { inner_->refresh_derived(s); }
    double saturation_level(const DeviceState& s) const override { return inner_->saturation_level(s); }

protected:
    explicit ForwardingDevice(std::shared_ptr<const Inner> inner) : inner_(std::move(inner)) {}

private:
    std::shared_ptr<const Inner> inner_;
};

}  // namespace cimkit
