#pragma once
// The update rules a DeviceArray can use, by name (DeviceArrayOptions::update_mode): listed once in
// training/update_rules/registry.cpp, each defined in its own file in this folder
// (training/update_rules/update_rule.hpp). The config schema takes its choices from
// update_rule_names(), and validate(DeviceArrayOptions) refuses any other name.
#include <memory>
#include <string>
#include <vector>

namespace cimkit::training {

class UpdateRule;
struct DeviceArrayOptions;

struct UpdateRuleInfo {
    std::string name;     // the value of update_mode
    std::string summary;  // one line: what the rule delivers to the devices
    // It can write a dense dW given from outside (mini-batches, the spice update circuit); a rule
    // that draws its pulses from one sample's x and delta cannot.
    bool applies_weight_changes = true;
    // Its own trains drive the spice update circuit (training/spice_array.cpp, circuits/slot_trains.hpp)
    // instead of a dW the circuit computes: essop.
    bool drives_update_circuit = false;
    // It writes weights on the weight_levels grid (training/device_array/refresh_policy.hpp).
    bool writes_weight_levels = false;
    // The longest time one update of an array takes on hardware, every device written at once, with
    // the device's nominal pulse lasting pulse_s (training/sample_latency.hpp).
    double (*update_time_s)(const DeviceArrayOptions& options, double pulse_s) = nullptr;
    std::unique_ptr<UpdateRule> (*make)() = nullptr;
};

// Every registered rule, in registration order.
const std::vector<UpdateRuleInfo>& update_rules();
std::vector<std::string> update_rule_names();
// The rule named `name`; ParameterError "device array: update_mode = '<name>' must be one of ..."
// listing the registered names otherwise.
const UpdateRuleInfo& find_update_rule(const std::string& name);
// "<name>: <summary>" of every rule, joined with "; " (the config reference's description).
std::string update_rules_described();
// The names of the rules for which `has` holds, joined with " or " (for messages).
std::string update_rules_that(bool (*has)(const UpdateRuleInfo&));

}  // namespace cimkit::training
