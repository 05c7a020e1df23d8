// The update-rule seam (training/update_rules/): every registered rule is reachable by its name and
// only by a registered name, what each rule declares about itself holds for the array built on it,
// and a rule written against update_rule.hpp alone drives the array's devices. Also the device
// capability the array's refresh policy asks for instead of a type check
// (DeviceModel::saturation_level).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "devices/core/errors.hpp"
#include "devices/pcm.hpp"
#include "devices/registry.hpp"
#include "training/device_array.hpp"
#include "training/update_rules/registry.hpp"
#include "training/update_rules/update_rule.hpp"

namespace cimkit::training {
namespace {

std::unique_ptr<DeviceModel> make_model(const std::string& name, const std::vector<std::pair<std::string, std::string>>& keys = {}) {
    std::vector<Setting> settings;
    for (const auto& [key, value] : keys) settings.push_back({key, value, "update_rule_test"});
    return builtin_devices().find(name).make(settings);
}

// Domain wall: also no MTJ spread, and V_h so large that the MTJ is ohmic (G independent of V).
std::unique_ptr<DeviceModel> quiet_domain_wall() {
    return make_model("domain_wall", {{"displacement_noise_c2c", "0"}, {"pinning_spread_d2d", "0"},
                                      {"g_ap_spread_d2d", "0"}, {"tmr_half_bias_V", "1e9"}});
}

DeviceArrayOptions options_with(const std::string& mode) {
    DeviceArrayOptions options;
    options.update_mode = mode;
    return options;
}

std::string message_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const ParameterError& e) {
        return e.what();
    }
    return "";
}

TEST(UpdateRules, TheBuiltInRulesAreRegisteredInOrder) {
    EXPECT_EQ(update_rule_names(), (std::vector<std::string>{"exact", "pulse", "stochastic", "essop"}));
    for (const UpdateRuleInfo& rule : update_rules()) {
        EXPECT_FALSE(rule.summary.empty()) << rule.name;
        EXPECT_NE(rule.make, nullptr) << rule.name;
    }
}

// Each name parses to itself, passes validation and builds an array whose update moves the weights
// (a request of 5 pulses' worth: every rule delivers some of it, even the stochastic trains, whose
// chance of no coincidence in 10 slots at p q = 0.5 is 1e-3).
TEST(UpdateRules, EveryRegisteredRuleIsReachableByItsName) {
    const auto model = quiet_domain_wall();
    for (const std::string& name : update_rule_names()) {
        EXPECT_EQ(parse_update_mode(name), name);
        EXPECT_EQ(&find_update_rule(name), &find_update_rule(parse_update_mode(name)));
        EXPECT_NO_THROW(validate(options_with(name))) << name;
        DeviceArray array(*model, Eigen::MatrixXf::Zero(1, 1), options_with(name), Rng(3));
        const float lr = static_cast<float>(5.0 * array.pulse_weight_step());
        array.apply_outer_product(Eigen::VectorXf::Ones(1), Eigen::VectorXf::Constant(1, -1.0f), lr);
        EXPECT_GT(array.weights()(0, 0), 0.0f) << name;
    }
}

TEST(UpdateRules, AnUnknownNameIsRefusedWithTheKnownOnes) {
    std::string known;
    for (const std::string& name : update_rule_names()) known += (known.empty() ? "" : ", ") + name;
    EXPECT_EQ(message_of([] { parse_update_mode("ideal"); }), "device array: update_mode = 'ideal' must be one of " + known);
    // validate() checks the options against their settings table (training/settings/array_table.cpp),
    // whose choices are the registry's names.
    const std::string expected = "array.update_mode = ideal is not one of: " + known;
    EXPECT_EQ(message_of([] { validate(options_with("ideal")); }), expected);
    const auto model = quiet_domain_wall();
    EXPECT_EQ(message_of([&] { DeviceArray(*model, Eigen::MatrixXf::Zero(1, 1), options_with("ideal"), Rng(1)); }), expected);
}

// What a rule declares is what the array built on it does: a rule that applies given changes moves
// the weights by them (the quiet domain wall's programming is continuous, its pulses uniform, so the
// change of 3 dw_pulse arrives as 3 pulses or one program-and-verify write); one that does not
// refuses. weight_levels validates exactly for the rules that write levels.
TEST(UpdateRules, TheArrayHonoursWhatEachRuleDeclares) {
    const auto model = quiet_domain_wall();
    for (const UpdateRuleInfo& rule : update_rules()) {
        DeviceArray array(*model, Eigen::MatrixXf::Zero(1, 1), options_with(rule.name), Rng(5));
        const Eigen::MatrixXf dw = Eigen::MatrixXf::Constant(1, 1, static_cast<float>(3.0 * array.pulse_weight_step()));
        if (rule.applies_weight_changes) {
            array.apply_weight_changes(dw);
            EXPECT_NEAR(array.weights()(0, 0), dw(0, 0), 1e-5) << rule.name;
        } else {
            EXPECT_THROW(array.apply_weight_changes(dw), ParameterError) << rule.name;
        }
        DeviceArrayOptions levels = options_with(rule.name);
        levels.weight_levels = 8;
        if (rule.writes_weight_levels) {
            EXPECT_NO_THROW(validate(levels)) << rule.name;
        } else {
            EXPECT_NE(message_of([&] { validate(levels); }).find("array.weight_levels = 8 with array.update_mode = " + rule.name),
                      std::string::npos)
                << rule.name;
        }
    }
}

// A rule outside the registry, written against update_rule.hpp only: one nominal pulse towards the
// sign of each nonzero request ("sign SGD"). Run on the pairs of a quiet domain wall, every weight
// moves by exactly +-dw_pulse (the reduced wall model's step is the same everywhere away from the
// track ends), zero requests write nothing, and the pulses are counted.
class SignRule final : public PerWeightRule<SignRule> {
public:
    template <typename Change>
    void update(PairWriter& pairs, const Change& dw) {
        for (int j = 0; j < pairs.cols(); ++j) {
            for (int i = 0; i < pairs.rows(); ++i) {
                const double change = dw(i, j);
                if (change != 0.0) pairs.pulse_pair(pairs.index(i, j), change > 0.0 ? +1 : -1, 1);
            }
        }
    }
};

TEST(UpdateRules, ARuleWrittenAgainstTheInterfaceDrivesThePairs) {
    const auto model = quiet_domain_wall();
    const DeviceArrayOptions options;
    Rng rng(7), device_rng = rng.stream(0), program_rng = rng.stream(1), update_rng = rng.stream(2), calibration_rng = rng.stream(4);
    const DeviceCalibration calibration = calibrate_device(*model, 16, calibration_rng);
    DeviceArrayCounters counters;
    WriteContext write{program_rng, update_rng, counters};
    PairStorage pairs(*model, calibration, options, 2, 3, device_rng);
    const Eigen::MatrixXf w0 = (Eigen::MatrixXf(2, 3) << 0.5f, -0.5f, 0.2f, 0.0f, 0.3f, -0.1f).finished();
    pairs.program_initial(w0, write);
    const Eigen::MatrixXf before = pairs.weights();
    const RefreshPolicy refresh(options);
    std::vector<double> no_residual;
    PairWriter writer(pairs, refresh, options, no_residual, write);
    SignRule rule;
    const Eigen::VectorXf x = (Eigen::VectorXf(3) << 1.0f, 0.0f, -0.5f).finished(), delta = (Eigen::VectorXf(2) << 0.2f, -0.4f).finished();
    static_cast<UpdateRule&>(rule).apply_outer_product(writer, x, delta, 0.1);
    const Eigen::MatrixXf change = pairs.weights() - before;
    for (int i = 0; i < 2; ++i) {
        for (int j = 0; j < 3; ++j) {
            const double requested = -0.1 * delta(i) * x(j);
            const double expected = requested == 0.0 ? 0.0 : std::copysign(pairs.pulse_weight_step(), requested);
            EXPECT_NEAR(change(i, j), expected, 1e-6) << i << ", " << j;
        }
    }
    EXPECT_EQ(counters.update_pulses, 4u);
}

// ---------------------------------------------------------------- device capabilities

// PCM declares the level at which its SET law stops, g_sat / g_max_S = m per device (the value the
// array read through a PcmDevice cast before), and nominal SET pulses do drive a device there: the
// mean step (g_sat - g)(1 - e^(-1/A)) leaves (1 - 1/A)^n of the way after n pulses, e^(-500/30) ~ 6e-8.
TEST(DeviceCapabilities, PcmSaturatesAtItsOwnDeclaredLevel) {
    const auto model = make_model("pcm", {{"step_noise_c2c", "0"}, {"step_noise_floor", "0"}, {"step_noise_slope", "0"},
                                          {"prog_noise_scale", "0"}, {"drift_scale", "0"}});
    const auto& pcm = dynamic_cast<const PcmDevice&>(*model);
    Rng rng(11);
    int below_one = 0;
    for (int d = 0; d < 20; ++d) {
        DeviceState device = model->make_device(rng);
        const double declared = model->saturation_level(device);
        EXPECT_EQ(declared, pcm.g_sat_S(device) / pcm.g_max_S());
        below_one += declared < 1.0;
        for (int p = 0; p < 500; ++p) model->apply_pulse(device, model->nominal_pulse(+1), rng);
        EXPECT_NEAR(model->level(device), declared, 1e-6) << "device " << d;
    }
    EXPECT_GT(below_one, 0);  // the device-to-device spread puts some below 1
    EXPECT_LT(below_one, 20);
}

// Every other model reaches the top of its range: level 1, whatever the state.
TEST(DeviceCapabilities, OtherModelsSaturateAtLevelOne) {
    for (const std::string name : {"domain_wall", "mosfet", "gain_cell"}) {
        const auto model = make_model(name);
        Rng rng(12);
        DeviceState device = model->make_device(rng);
        EXPECT_EQ(model->saturation_level(device), 1.0) << name;
        model->set_level(device, 0.7, rng);
        EXPECT_EQ(model->saturation_level(device), 1.0) << name;
    }
}

}  // namespace
}  // namespace cimkit::training
