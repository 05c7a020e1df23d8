#include "training/update_rules/registry.hpp"

#include "training/device_array/refusal.hpp"
#include "training/update_rules/update_rule.hpp"

namespace cimkit::training {

// Each rule's file (training/update_rules/<name>.cpp) defines its entry; a new rule adds its
// declaration here and its call to the list below. An explicit list, not static self-registration:
// the linker drops an unreferenced object file of a static library, and with it any registrar.
UpdateRuleInfo exact_update_rule();
UpdateRuleInfo pulse_update_rule();
UpdateRuleInfo stochastic_update_rule();
UpdateRuleInfo essop_update_rule();

const std::vector<UpdateRuleInfo>& update_rules() {
    static const std::vector<UpdateRuleInfo> rules{exact_update_rule(), pulse_update_rule(), stochastic_update_rule(), essop_update_rule()};
    return rules;
}

std::vector<std::string> update_rule_names() {
    std::vector<std::string> names;
    for (const UpdateRuleInfo& rule : update_rules()) names.push_back(rule.name);
    return names;
}

const UpdateRuleInfo& find_update_rule(const std::string& name) {
    std::string known;
    for (const UpdateRuleInfo& rule : update_rules()) {
        if (rule.name == name) return rule;
        known += (known.empty() ? "" : ", ") + rule.name;
    }
    refuse("update_mode = '" + name + "' must be one of " + known);
}

std::string update_rules_described() {
    std::string text;
    for (const UpdateRuleInfo& rule : update_rules()) text += (text.empty() ? "" : "; ") + rule.name + ": " + rule.summary;
    return text;
}

std::string update_rules_that(bool (*has)(const UpdateRuleInfo&)) {
    std::string names;
    for (const UpdateRuleInfo& rule : update_rules()) {
        if (has(rule)) names += (names.empty() ? "" : " or ") + rule.name;
    }
    return names;
}

}  // namespace cimkit::training
