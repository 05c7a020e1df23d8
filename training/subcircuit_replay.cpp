#include "training/subcircuit_replay.hpp"

#include <vector>

namespace cimkit::training {

PulseReplay subcircuit_pulse_replay(const SubcircuitDevice& device, circuits::SubcircuitWriteCircuit& circuit) {
    return [&device, &circuit](const std::vector<PulseHistory>& histories) {
        std::vector<circuits::SubcircuitPulseTrain> trains;
        trains.reserve(histories.size());
        for (const PulseHistory& h : histories) trains.push_back({device.twin().state_of_conductance(device.conductance_S(h.before)), h.polarities});
        const std::vector<double> g_S = circuit.run(trains);
        std::vector<DeviceState> reached;
        reached.reserve(histories.size());
        for (std::size_t k = 0; k < histories.size(); ++k) {
            DeviceState state = histories[k].predicted;
            device.set_conductance(state, g_S[k]);
            reached.push_back(state);
        }
        return reached;
    };
}

}  // namespace cimkit::training
