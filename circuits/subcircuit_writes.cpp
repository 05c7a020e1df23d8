#include "circuits/subcircuit_writes.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

std::string drive_source(std::size_t device) { return "w" + std::to_string(device); }  // Source adds the v
std::string drive_node(std::size_t device) { return "nw" + std::to_string(device); }

double slot_s(const SubcircuitTwin& twin) { return 2.0 * twin.edge_s + twin.pulse_width_s + twin.read_width_s; }

spice::WorkerOptions worker_options() {
    spice::WorkerOptions options;
    options.max_solves_before_recycle = SubcircuitWriteCircuit::recycle_runs;
    return options;
}

}  // namespace

double subcircuit_write_stop_s(const SubcircuitTwin& twin, std::size_t slots) {
    return twin.read_width_s + static_cast<double>(slots) * slot_s(twin);
}

SubcircuitWriteDrive subcircuit_write_drive(const SubcircuitTwin& twin, const std::vector<int>& polarities, std::size_t slots) {
    SubcircuitWriteDrive drive;
    double t = 0.0;
    const auto corner = [&](double value_V, bool is_read) {
        drive.across.points.emplace_back(t, value_V);
        drive.read.points.emplace_back(t, is_read ? value_V : 0.0);
        drive.program.points.emplace_back(t, is_read ? 0.0 : value_V);
    };
    const auto hold = [&](double value_V, double hold_s, bool is_read) {
        corner(value_V, is_read);
        t += hold_s;
        corner(value_V, is_read);
    };
    hold(twin.read_voltage_V, twin.read_width_s, true);
    for (int polarity : polarities) {
        t += twin.edge_s;
        hold(polarity > 0 ? twin.potentiate_V : twin.depress_V, twin.pulse_width_s, false);
        t += twin.edge_s;
        hold(twin.read_voltage_V, twin.read_width_s, true);
    }
    // The idle slots: the read level to the common end (one corner; the level is already there).
    const double stop_s = subcircuit_write_stop_s(twin, slots);
    if (stop_s > t) {
        t = stop_s;
        corner(twin.read_voltage_V, true);
    }
    return drive;
}

SubcircuitWriteDeck build_subcircuit_writes(const SubcircuitTwin& twin, const std::vector<SubcircuitPulseTrain>& trains) {
    if (trains.empty()) throw ParameterError("subcircuit writes: no device to write");
    std::size_t slots = 0;
    for (std::size_t d = 0; d < trains.size(); ++d) {
        const SubcircuitPulseTrain& train = trains[d];
        if (!(train.start_x >= 0.0 && train.start_x <= 1.0)) {
            throw ParameterError("subcircuit writes: device " + std::to_string(d) + " starts at state " + spice_number(train.start_x) +
                                 "; expected a state in [0, 1]");
        }
        for (int polarity : train.polarities) {
            if (polarity != 1 && polarity != -1) {
                throw ParameterError("subcircuit writes: device " + std::to_string(d) + " has a pulse of polarity " + std::to_string(polarity) +
                                     "; expected +1 or -1");
            }
        }
        slots = std::max(slots, train.polarities.size());
    }
    Netlist netlist("cimkit subcircuit writes: " + twin.subcircuit);
    netlist.include(twin.file);
    for (std::size_t d = 0; d < trains.size(); ++d) {
        SubcircuitWriteDrive drive = subcircuit_write_drive(twin, trains[d].polarities, slots);
        const bool separate = twin.terminals.separate_programming();
        const std::string program_node = "p" + drive_node(d);
        netlist.add(Source{Source::Kind::voltage, drive_source(d), drive_node(d), "0", separate ? std::move(drive.read) : std::move(drive.across)});
        if (separate) netlist.add(Source{Source::Kind::voltage, "p" + drive_source(d), program_node, "0", std::move(drive.program)});
        netlist.add(Instance{"w" + std::to_string(d), twin.terminals.nodes(drive_node(d), "0", program_node), twin.subcircuit,
                             {{twin.state_parameter, trains[d].start_x}}});
        netlist.save("i(v" + drive_source(d) + ")");
    }
    // The step ceiling of the twin's own pulse trains (analysis/spice_pulse_trains.cpp): a fifth of
    // the shorter of plateau and read.
    const double max_step_s = std::min(twin.pulse_width_s, twin.read_width_s) / 5.0;
    return {std::move(netlist), "tran " + spice_number(twin.edge_s) + " " + spice_number(subcircuit_write_stop_s(twin, slots)) + " 0 " +
                                    spice_number(max_step_s) + " uic"};
}

SubcircuitWriteCircuit::SubcircuitWriteCircuit(std::shared_ptr<const SubcircuitTwin> twin)
    : twin_(std::move(twin)), worker_(worker_options()) {}

std::vector<double> SubcircuitWriteCircuit::run(const std::vector<SubcircuitPulseTrain>& trains) {
    if (trains.empty()) throw ParameterError("subcircuit writes: no device to write");
    std::vector<double> g_S;
    g_S.reserve(trains.size());
    const auto per_deck = static_cast<std::size_t>(subcircuit_instances_per_transient);
    for (std::size_t first = 0; first < trains.size(); first += per_deck) {
        const std::size_t last = std::min(trains.size(), first + per_deck);
        const std::vector<SubcircuitPulseTrain> part(trains.begin() + static_cast<std::ptrdiff_t>(first),
                                                     trains.begin() + static_cast<std::ptrdiff_t>(last));
        const SubcircuitWriteDeck deck = build_subcircuit_writes(*twin_, part);
        worker_.load(to_spice(deck.netlist), "<" + deck.netlist.title() + ">");
        std::vector<std::string> vectors;
        for (std::size_t d = 0; d < part.size(); ++d) vectors.push_back("i(v" + drive_source(d) + ")");
        // ngspice's source current flows into its + terminal: the device's current is its negative. The
        // last time point is inside the final read, where every device sits at the read voltage.
        for (const std::vector<double>& current : worker_.run_and_read(deck.analysis, vectors)) {
            g_S.push_back(-current.back() / twin_->read_voltage_V);
        }
    }
    return g_S;
}

}  // namespace cimkit::circuits
