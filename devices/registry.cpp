#include "devices/registry.hpp"

#include <deque>
#include <map>
#include <mutex>

#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"
#include "devices/domain_wall.hpp"
#include "devices/gain_cell.hpp"
#include "devices/mosfet.hpp"
#include "devices/pcm.hpp"
#include "devices/subcircuit_device.hpp"
#include "devices/table_device.hpp"
#include "devices/table_device_file.hpp"
#include "devices/table_device_name.hpp"

namespace cimkit {

void Registry::add(DeviceEntry entry) { entries_.push_back(std::move(entry)); }

namespace {

DeviceEntry table_entry(std::string name, std::string summary, std::string source, std::shared_ptr<const LoadedTable> table) {
    const ParameterTable* parameters = &table->parameters;
    return DeviceEntry{std::move(name), std::move(summary), std::move(source), parameters, &table_device_physical_effects(),
                       [table](const std::vector<Setting>& settings) -> std::unique_ptr<DeviceModel> {
                           return std::make_unique<TableDevice>(table, settings);
                       }};
}

// The entry of "table:FILE": the file is read (and checked) at every lookup, so an edited file is
// seen; entries are kept for the life of the process (callers hold references), one per content.
const DeviceEntry& table_file_entry(const std::string& name) {
    const std::string path = name.substr(std::string(table_device_prefix).size());
    if (path.empty()) throw UsageError("device '" + name + "': expected table:FILE, a file written by 'cimkit device fit'");
    TableDeviceData data = read_table_device_file(path);
    const std::string key = name + '\n' + table_device_toml(data, {});
    static std::mutex mutex;
    static std::deque<DeviceEntry> entries;
    static std::map<std::string, const DeviceEntry*> by_content;
    const std::lock_guard<std::mutex> lock(mutex);
    if (const auto found = by_content.find(key); found != by_content.end()) return *found->second;
    entries.push_back(table_entry(name, "table device read from " + path, "fitted pulse data (" + path + ")", load_table(std::move(data))));
    by_content.emplace(key, &entries.back());
    return entries.back();
}

// The entry of "spice:FILE:SUBCKT": the subcircuit characterised through ngspice
// (characterise_subcircuit, which caches its twin per file content), one entry per name and content.
const DeviceEntry& subcircuit_entry(const std::string& name) {
    std::shared_ptr<const SubcircuitTwin> twin = characterise_subcircuit(name);
    const std::string key = name + '\n' + twin->file_content;
    static std::mutex mutex;
    static std::deque<DeviceEntry> entries;
    static std::map<std::string, const DeviceEntry*> by_content;
    const std::lock_guard<std::mutex> lock(mutex);
    if (const auto found = by_content.find(key); found != by_content.end()) return *found->second;
    std::shared_ptr<const LoadedTable> table = load_table(twin->table);
    const ParameterTable* parameters = &table->parameters;
    entries.push_back(DeviceEntry{name, "SPICE subcircuit " + twin->subcircuit + " of " + twin->file.string() + " and its compact twin",
                                  "its ngspice characterisation (docs/own-devices.md)", parameters, &table_device_physical_effects(),
                                  [twin, table](const std::vector<Setting>& settings) -> std::unique_ptr<DeviceModel> {
                                      return std::make_unique<SubcircuitDevice>(twin, table, settings);
                                  }});
    by_content.emplace(key, &entries.back());
    return entries.back();
}

}  // namespace

const DeviceEntry& Registry::find(const std::string& name) const {
    if (text::starts_with(name, table_device_prefix)) return table_file_entry(name);
    if (text::starts_with(name, spice_device_prefix)) return subcircuit_entry(name);
    std::vector<std::string> names;
    for (const auto& entry : entries_) {
        if (entry.name == name) return entry;
        names.push_back(entry.name);
    }
    throw UsageError("unknown device '" + name + "' (known: " + text::join(names, ", ") + "; or table:FILE, a device fitted by 'cimkit device fit'; or spice:FILE:SUBCKT, a subcircuit)");
}

std::string device_definition_toml(const std::string& name) {
    if (text::starts_with(name, spice_device_prefix)) {
        const std::string rest = name.substr(std::string(spice_device_prefix).size());  // FILE:SUBCKT
        return subcircuit_file_content(rest.substr(0, rest.rfind(':')));
    }
    if (!text::starts_with(name, table_device_prefix)) return "";
    return table_device_toml(read_table_device_file(name.substr(std::string(table_device_prefix).size())), {});
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
    registry.add(table_entry("table", "measured device: a table of mean step and noise by state, fitted to pulse data; table:FILE reads one",
                             "aihwkit SoftBoundsDevice law for the reference table; docs/own-devices.md for fitted ones",
                             load_table(reference_table_data())));
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
