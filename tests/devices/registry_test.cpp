#include "devices/registry.hpp"

#include <gtest/gtest.h>

#include "devices/core/errors.hpp"

namespace cimkit {

TEST(Registry, HoldsTheFourDeviceFamilies) {
    std::vector<std::string> names;
    for (const auto& e : builtin_devices().entries()) names.push_back(e.name);
    EXPECT_EQ(names, (std::vector<std::string>{"mosfet", "domain_wall", "pcm", "gain_cell"}));
}

TEST(Registry, UnknownDeviceListsTheKnownOnes) {
    try {
        builtin_devices().find("memristor");
        FAIL();
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("known: mosfet, domain_wall, pcm, gain_cell"), std::string::npos);
    }
}

// Properties every model must have: conductance bounded and monotone in the mean under identical
// potentiating pulses, and the derivative consistent with the current.
TEST(Registry, EveryModelPotentiatesMonotonicallyOnAverage) {
    for (const auto& entry : builtin_devices().entries()) {
        SCOPED_TRACE(entry.name);
        const auto model = entry.make({});
        Rng rng(5);
        const int devices = 20, pulses = 30;
        std::vector<double> mean(pulses + 1, 0.0);
        for (int d = 0; d < devices; ++d) {
            Rng device_rng = rng.stream(static_cast<std::uint64_t>(d));
            DeviceState s = model->make_device(device_rng);
            model->set_level(s, 0.1, device_rng);
            mean[0] += model->conductance_S(s) / devices;
            for (int k = 1; k <= pulses; ++k) {
                model->apply_pulse(s, model->nominal_pulse(+1), device_rng);
                mean[static_cast<std::size_t>(k)] += model->conductance_S(s) / devices;
            }
        }
        EXPECT_GT(mean.back(), mean.front());
        for (int k = 5; k <= pulses; k += 5) {
            EXPECT_GE(mean[static_cast<std::size_t>(k)], mean[static_cast<std::size_t>(k - 5)]) << "pulse " << k;
        }
    }
}

}  // namespace cimkit
