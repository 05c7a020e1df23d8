#include "devices/registry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "devices/core/errors.hpp"

namespace cimkit {

TEST(Registry, HoldsTheFourDeviceFamiliesAndTheReferenceTable) {
    std::vector<std::string> names;
    for (const auto& e : builtin_devices().entries()) names.push_back(e.name);
    EXPECT_EQ(names, (std::vector<std::string>{"mosfet", "domain_wall", "pcm", "gain_cell", "table"}));
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

namespace cimkit {

// dG/dlevel of every model against a central finite difference of conductance_S over set_level,
// with programming noise off so that set_level is deterministic (PCM: the IBM programming noise;
// gain cell: kT/C, off at 0 K).
TEST(Registry, ConductanceDerivativeMatchesFiniteDifference) {
    const std::map<std::string, std::vector<Setting>> noiseless{{"pcm", {{"prog_noise_scale", "0", "test"}}},
                                                                {"gain_cell", {{"temperature_K", "0", "test"}}}};
    for (const auto& entry : builtin_devices().entries()) {
        SCOPED_TRACE(entry.name);
        const auto it = noiseless.find(entry.name);
        const auto model = entry.make(it == noiseless.end() ? std::vector<Setting>{} : it->second);
        Rng rng(8);
        DeviceState s = model->make_device(rng);
        for (double level : {0.2, 0.5, 0.8}) {
            const double h = 1e-5;
            model->set_level(s, level + h, rng);
            const double up = model->conductance_S(s);
            model->set_level(s, level - h, rng);
            const double down = model->conductance_S(s);
            model->set_level(s, level, rng);
            const double fd = (up - down) / (2 * h);
            EXPECT_NEAR(model->dconductance_dlevel_S(s), fd, 1e-6 * std::abs(fd) + 1e-15) << "level " << level;
        }
    }
}

}  // namespace cimkit

namespace cimkit {

// DeviceModel::odd_read_current decides whether a transposed read may drive a pair's G- line at -V in
// one phase (training/device_array/read_model.hpp). A model that declares it must conduct exactly
// oppositely at -v, bit for bit, at every level and at two read voltages; a model that does not must
// really be asymmetric somewhere (more than 1 %), so the two-phase read it gets is not a needless cost.
TEST(Registry, OddReadCurrentIsDeclaredTruthfully) {
    for (const auto& entry : builtin_devices().entries()) {
        SCOPED_TRACE(entry.name);
        const auto model = entry.make({});
        Rng rng(11);
        double largest_asymmetry = 0.0;
        for (const double level : {0.05, 0.3, 0.6, 0.95}) {
            DeviceState s = model->make_device(rng);
            model->set_level(s, level, rng);
            for (const double v : {model->read_voltage_V(), model->read_voltage_V() / 3.0}) {
                const double forward_A = model->current_A(v, s), reversed_A = model->current_A(-v, s);
                if (model->odd_read_current()) {
                    EXPECT_EQ(reversed_A, -forward_A) << "level " << level << ", " << v << " V";
                }
                largest_asymmetry = std::max(largest_asymmetry, std::abs(forward_A + reversed_A) / std::abs(forward_A));
            }
        }
        if (!model->odd_read_current()) {
            EXPECT_GT(largest_asymmetry, 0.01);
        }
    }
}

// An ohmic declaration lets the wired read solve a linear network (circuits/crossbar_relaxation.hpp):
// it must hold bit for bit at any voltage, and a model without it must really bend its I-V.
TEST(Registry, OhmicReadIsDeclaredTruthfully) {
    for (const auto& entry : builtin_devices().entries()) {
        SCOPED_TRACE(entry.name);
        const auto model = entry.make({});
        Rng rng(13);
        double largest_bend = 0.0;
        for (const double level : {0.05, 0.3, 0.6, 0.95}) {
            DeviceState s = model->make_device(rng);
            model->set_level(s, level, rng);
            const double g_S = model->conductance_S(s);
            for (const double v : {model->read_voltage_V(), model->read_voltage_V() / 3.0, -2.0 * model->read_voltage_V()}) {
                const double i_A = model->current_A(v, s);
                if (model->ohmic_read()) {
                    EXPECT_EQ(i_A, g_S * v) << "level " << level << ", " << v << " V";
                }
                largest_bend = std::max(largest_bend, std::abs(i_A - g_S * v) / std::abs(g_S * v));
            }
        }
        if (!model->ohmic_read()) {
            EXPECT_GT(largest_bend, 0.01);
        }
    }
}

}  // namespace cimkit
