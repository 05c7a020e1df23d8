// The config_toml of characterize and crossbar files must read back, with toml++, as the parameters
// it was written from: the same keys in one [device.<name>] table, every value a TOML float equal bit
// for bit. The hand-written TOML it replaces wrote 30.0 as the integer 30 and printed no table a
// reader could check; these cases hold the doubles a printer gets wrong first.
#include "analysis/characterization/parameters_toml.hpp"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "devices/core/errors.hpp"
#include "devices/registry.hpp"

namespace cimkit::analysis {
namespace {

std::uint64_t bits(double value) {
    std::uint64_t b = 0;
    std::memcpy(&b, &value, sizeof b);
    return b;
}

// A table whose defaults are `values` (defaults are not range-checked, so any double gets through).
ParameterTable table_of(const std::vector<double>& values) {
    ParameterTable table{"odd-device_2", {}};
    for (std::size_t k = 0; k < values.size(); ++k) {
        table.specs.push_back({"p" + std::to_string(k) + "_S", Unit::siemens, values[k], Range{}, "test"});
    }
    return table;
}

// Parses `written` and checks it holds exactly `parameters` under [device.<device>], in order.
void expect_reads_back(const std::string& device, const Parameters& parameters, const std::string& written) {
    toml::table root;
    try {
        root = toml::parse(written);
    } catch (const toml::parse_error& e) {
        FAIL() << "not TOML: " << e.description() << "\n" << written;
    }
    ASSERT_EQ(root.size(), 1u) << written;
    const toml::table* devices = root["device"].as_table();
    ASSERT_NE(devices, nullptr) << written;
    ASSERT_EQ(devices->size(), 1u) << written;
    const toml::table* values = (*devices)[device].as_table();
    ASSERT_NE(values, nullptr) << written;
    // toml++ keeps a table's keys sorted, so the file lists them by name; same count, each found.
    const auto& specs = parameters.table().specs;
    ASSERT_EQ(values->size(), specs.size()) << written;
    for (const auto& spec : specs) {
        const auto* number = values->get(spec.name) == nullptr ? nullptr : values->get(spec.name)->as_floating_point();
        if (number == nullptr) {
            ADD_FAILURE() << spec.name << " is missing or not a TOML float\n" << written;
            continue;
        }
        const double expected = parameters[spec.name];
        EXPECT_EQ(bits(number->get()), bits(expected)) << spec.name << " = " << expected << "\n" << written;
    }
}

TEST(ParametersToml, EveryBuiltinDeviceReadsBack) {
    for (const auto& entry : builtin_devices().entries()) {
        const auto model = entry.make({});
        expect_reads_back(model->name(), model->parameters(), parameters_toml(*model));
    }
}

// --set values, as characterize and crossbar take them, with 17 significant digits.
TEST(ParametersToml, SettingsReadBack) {
    const auto model = builtin_devices().find("pcm").make(
        {{"g_max_S", "2.5000000000000004e-05", "test"}, {"t_read_s", "1e-300", "test"}, {"levels", "1024", "test"}});
    const std::string written = parameters_toml(*model);
    expect_reads_back("pcm", model->parameters(), written);
    EXPECT_NE(written.find("levels = 1024.0"), std::string::npos) << "a whole number stays a float:\n" << written;
}

TEST(ParametersToml, AwkwardDoublesReadBackBitForBit) {
    using limits = std::numeric_limits<double>;
    const ParameterTable table = table_of({
        limits::denorm_min(), -limits::denorm_min(), 2.2250738585072009e-308 /* largest subnormal */,
        limits::min(), limits::max(), -limits::max(), limits::epsilon(), 1.0 + limits::epsilon(),
        0.0, -0.0, 0.1, 1.0 / 3.0, 1e-300, 1e300, 1e22, 1e23, 9007199254740993.0, 123456789012345678.0,
        30.0, -2.0, 5e-324 * 3, limits::infinity(), -limits::infinity(),
    });
    const Parameters parameters(table);
    expect_reads_back(table.device, parameters, parameters_toml(table.device, parameters));
}

// Random bit patterns cover every exponent, subnormals included.
TEST(ParametersToml, RandomDoublesReadBackBitForBit) {
    std::mt19937_64 rng(13);
    std::vector<double> values;
    while (values.size() < 4000) {
        const std::uint64_t b = rng();
        double value = 0.0;
        std::memcpy(&value, &b, sizeof value);
        if (!std::isnan(value)) values.push_back(value);
    }
    const ParameterTable table = table_of(values);
    const Parameters parameters(table);
    expect_reads_back(table.device, parameters, parameters_toml(table.device, parameters));
}

// Parameters::apply refuses NaN, so a NaN can only come from a table; the writer names it rather
// than write a nan that drops its sign and payload.
TEST(ParametersToml, NanIsRefusedNamingTheParameter) {
    const ParameterTable table = table_of({1.0, std::numeric_limits<double>::quiet_NaN()});
    const Parameters parameters(table);
    try {
        parameters_toml(table.device, parameters);
        FAIL() << "a NaN parameter was written";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("p1_S is NaN"), std::string::npos) << e.what();
    }
    const ParameterTable plain = table_of({1.0});
    Parameters set(plain);
    EXPECT_THROW(set.apply({{"p0_S", "nan", "--set"}}), ParameterError);
}

}  // namespace
}  // namespace cimkit::analysis
