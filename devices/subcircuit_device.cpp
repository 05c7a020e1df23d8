#include "devices/subcircuit_device.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>

#include "devices/core/errors.hpp"
#include "devices/core/input_file.hpp"

namespace cimkit {

std::string subcircuit_file_content(const std::filesystem::path& file) {
    require_regular_file(file, "subcircuit file");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw IoError(file.string(), "cannot read the subcircuit file");
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

double SubcircuitTwin::state_of_conductance(double g_S) const {
    // G(x) is monotone: bracket g_S between grid points and interpolate from the one of lower G.
    const std::vector<double>& g = state_g_S;
    const bool rising = g.back() > g.front();
    const std::size_t low_end = rising ? 0 : g.size() - 1, high_end = g.size() - 1 - low_end;
    if (g_S <= g[low_end]) return state_x[low_end];
    if (g_S >= g[high_end]) return state_x[high_end];
    std::size_t low = 0, high = 0;  // g[low] <= g_S < g[high], neighbours
    if (rising) {
        high = static_cast<std::size_t>(std::upper_bound(g.begin(), g.end(), g_S) - g.begin());
        low = high - 1;
    } else {
        low = static_cast<std::size_t>(std::lower_bound(g.begin(), g.end(), g_S, std::greater<>()) - g.begin());
        high = low - 1;
    }
    const double f = (g_S - g[low]) / (g[high] - g[low]);
    return state_x[low] + f * (state_x[high] - state_x[low]);
}

namespace {

// A subcircuit's parameters are its .subckt defaults: a device.* setting would change the twin's table
// knobs (its read voltage, say) and not the subcircuit the spice face draws, so the two would differ.
const std::vector<Setting>& refuse_settings(const std::vector<Setting>& settings, const SubcircuitTwin& twin) {
    if (!settings.empty()) {
        throw UsageError(settings.front().origin + ": device." + settings.front().key + ": a spice:FILE:SUBCKT device takes no device.* " +
                         "settings; its parameters are the .subckt defaults in " + twin.file.string());
    }
    return settings;
}

}  // namespace

SubcircuitDevice::SubcircuitDevice(std::shared_ptr<const SubcircuitTwin> twin, std::shared_ptr<const LoadedTable> table,
                                   const std::vector<Setting>& settings)
    : ForwardingDevice(std::make_shared<const TableDevice>(std::move(table), refuse_settings(settings, *twin))), twin_(std::move(twin)) {}

const std::string& SubcircuitDevice::name() const {
    static const std::string name = "subcircuit";
    return name;
}

namespace {
std::mutex characteriser_mutex;
SubcircuitCharacteriser installed;
}  // namespace

void set_subcircuit_characteriser(SubcircuitCharacteriser characteriser) {
    const std::lock_guard<std::mutex> lock(characteriser_mutex);
    installed = std::move(characteriser);
}

std::shared_ptr<const SubcircuitTwin> characterise_subcircuit(const std::string& name) {
    SubcircuitCharacteriser characteriser;
    {
        const std::lock_guard<std::mutex> lock(characteriser_mutex);
        characteriser = installed;
    }
    if (!characteriser) throw UsageError("device '" + name + "': spice:FILE:SUBCKT needs ngspice, which this program does not run");
    return characteriser(name);
}

}  // namespace cimkit
