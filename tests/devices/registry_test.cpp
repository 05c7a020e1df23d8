#include "devices/registry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
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

// A read property that a model declares (DeviceModel::odd_read_current, ohmic_read) lets training
// take a shortcut, so it must hold bit for bit: `deviation` (relative, 0 exactly where the property
// holds) is checked at four levels and at `voltages` (in read voltages). A model that does not declare
// it must really deviate somewhere (more than 1 %), or it pays for the long way for nothing.
static void expect_declared_truthfully(bool (DeviceModel::*declared)() const, std::initializer_list<double> voltages,
                                const std::function<double(const DeviceModel&, const DeviceState&, double)>& deviation) {
    for (const auto& entry : builtin_devices().entries()) {
        SCOPED_TRACE(entry.name);
        const auto model = entry.make({});
        Rng rng(11);
        double largest = 0.0;
        for (const double level : {0.05, 0.3, 0.6, 0.95}) {
            DeviceState s = model->make_device(rng);
            model->set_level(s, level, rng);
            for (const double scale : voltages) {
                const double v = scale * model->read_voltage_V(), d = deviation(*model, s, v);
                if (((*model).*declared)()) {
                    EXPECT_EQ(d, 0.0) << "level " << level << ", " << v << " V";
                }
                largest = std::max(largest, d);
            }
        }
        if (!((*model).*declared)()) {
            EXPECT_GT(largest, 0.01);
        }
    }
}

// odd_read_current: a transposed read may drive a pair's G- line at -V in one phase
// (training/device_array/read_model.hpp) when the device conducts exactly oppositely at -v.
TEST(Registry, OddReadCurrentIsDeclaredTruthfully) {
    expect_declared_truthfully(&DeviceModel::odd_read_current, {1.0, 1.0 / 3.0}, [](const DeviceModel& m, const DeviceState& s, double v) {
        return std::abs(m.current_A(v, s) + m.current_A(-v, s)) / std::abs(m.current_A(v, s));
    });
}

// ohmic_read: the wired read solves a linear network (circuits/crossbar_relaxation.hpp) when the
// current is exactly G v at any voltage.
TEST(Registry, OhmicReadIsDeclaredTruthfully) {
    expect_declared_truthfully(&DeviceModel::ohmic_read, {1.0, 1.0 / 3.0, -2.0}, [](const DeviceModel& m, const DeviceState& s, double v) {
        const double ohmic_A = m.conductance_S(s) * v;
        return std::abs(m.current_A(v, s) - ohmic_A) / std::abs(ohmic_A);
    });
}

}  // namespace cimkit
