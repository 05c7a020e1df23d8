#include "devices/registry.hpp"

#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"
#include "devices/domain_wall.hpp"
#include "devices/gain_cell.hpp"
#include "devices/mosfet.hpp"
#include "devices/pcm.hpp"

namespace cimkit {

void Registry::add(DeviceEntry entry) { entries_.push_back(std::move(entry)); }

const DeviceEntry& Registry::find(const std::string& name) const {
    std::vector<std::string> names;
    for (const auto& entry : entries_) {
        if (entry.name == name) return entry;
        names.push_back(entry.name);
    }
    throw UsageError("unknown device '" + name + "' (known: " + text::join(names, ", ") + ")");
}

template <typename Model>
DeviceEntry entry(std::string summary, std::string source, const ParameterTable& table,
                  const std::vector<PhysicalEffect>& effects) {
    return DeviceEntry{table.device, std::move(summary), std::move(source), &table, &effects,
                       [](const std::vector<Setting>& settings) -> std::unique_ptr<DeviceModel> {
                           return std::make_unique<Model>(settings);
                       }};
}

void register_builtin_devices(Registry& registry) {
    registry.add(entry<MosfetSynapse>("triode MOSFET; the weight is the gate voltage on a storage capacitor",
                                      "Dey et al., arXiv 1907.00625 (BioCAS 2019)", mosfet_parameter_table(),
                                      mosfet_physical_effects()));
    registry.add(entry<DomainWallSynapse>(
        "spin-orbit-torque domain wall read by an MTJ; 1D (q, phi) model with CVODE or reduced v(J)",
        "Thiaville et al., EPL 100, 57002 (2012); Emori et al., Nat. Mater. 12, 611 (2013); arXiv 1811.09966",
        domain_wall_parameter_table(), domain_wall_physical_effects()));
    registry.add(entry<PcmDevice>("phase-change memory: IBM statistical model with drift, read noise, nonlinear SET",
                                  "Nandakumar et al., ICECS 2019; Joshi et al., Nat. Commun. 11, 2473 (2020)",
                                  pcm_parameter_table(), pcm_physical_effects()));
    registry.add(entry<GainCell>("2T/3T gain cell; the weight is the stored node voltage, read with pulse-width inputs",
                                 "Leroux et al., arXiv 2409.19315 (Nat. Comput. Sci. 2025)", gain_cell_parameter_table(),
                                 gain_cell_physical_effects()));
}

const Registry& builtin_devices() {
    static const Registry registry = [] {
        Registry r;
        register_builtin_devices(r);
        return r;
    }();
    return registry;
}

}  // namespace cimkit
