#include "devices/core/parameters.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "devices/core/errors.hpp"
#include "devices/registry.hpp"

namespace cimkit {
namespace {

const ParameterTable table{"pcm",
                           {{"g_max_S", Unit::siemens, 25e-6, Range::positive(), "maximum conductance"},
                            {"g_min_S", Unit::siemens, 0.1e-6, Range::non_negative(), "minimum conductance"}}};

std::string message_of(const std::vector<Setting>& settings) {
    Parameters p(table);
    try {
        p.apply(settings, [](const Parameters& c) {
            if (!(c["g_min_S"] < c["g_max_S"])) c.fail("g_min_S must be below g_max_S");
        });
    } catch (const ParameterError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Parameters, OutOfRangeNamesDeviceOriginKeyValueUnitAndRange) {
    EXPECT_EQ(message_of({{"g_max_S", "-2.5e-05", "data/experiments/mnist_pcm.toml:12"}}),
              "device 'pcm' (data/experiments/mnist_pcm.toml:12): g_max_S = -2.5e-05 S is outside (0, inf) S");
}

TEST(Parameters, UnknownKeysAndNonNumbersAreRefused) {
    EXPECT_NE(message_of({{"g_maxx", "1", "--set"}}).find("unknown parameter 'g_maxx' (known: g_max_S, g_min_S)"),
              std::string::npos);
    EXPECT_NE(message_of({{"g_max_S", "25uS", "--set"}}).find("'25uS' is not a number"), std::string::npos);
    EXPECT_NE(message_of({{"g_max_S", "nan", "--set"}}).find("not a number"), std::string::npos);
}

// A retired name is refused with what replaced it, not with the list of known names.
TEST(Parameters, RetiredNamesAreRefusedNamingWhatReplacedThem) {
    ParameterTable renamed = table;
    renamed.retired.push_back({"g_top_S", "was renamed g_max_S"});
    Parameters p(renamed);
    try {
        p.apply({{"g_top_S", "1e-5", "x.toml:3"}});
        ADD_FAILURE() << "g_top_S accepted";
    } catch (const ParameterError& e) {
        EXPECT_EQ(std::string(e.what()), "device 'pcm' (x.toml:3): g_top_S was renamed g_max_S");
    }
}

TEST(Parameters, AllOrNothing) {
    Parameters p(table);
    // The first setting is valid, the second is not: neither may be committed.
    EXPECT_THROW(p.apply({{"g_max_S", "30e-6", "--set"}, {"g_min_S", "-1", "--set"}}), ParameterError);
    EXPECT_DOUBLE_EQ(p["g_max_S"], 25e-6);
    // A cross-parameter rule failing also leaves everything as it was.
    EXPECT_NE(message_of({{"g_min_S", "30e-6", "--set"}}).find("g_min_S must be below g_max_S"), std::string::npos);
    p.apply({{"g_max_S", "30e-6", "--set"}});
    EXPECT_DOUBLE_EQ(p["g_max_S"], 30e-6);
}

TEST(Parameters, RangesPrintAndTest) {
    EXPECT_EQ(Range::positive().text(), "(0, inf)");
    EXPECT_EQ(Range::closed(0, 1).text(), "[0, 1]");
    EXPECT_FALSE(Range::positive().contains(0.0));
    EXPECT_TRUE(Range::non_negative().contains(0.0));
    EXPECT_TRUE(Range::positive_or_infinite().contains(INFINITY));
    EXPECT_FALSE(Range::positive().contains(NAN));
}

TEST(Parameters, SettingTextIsKeyEqualsValue) {
    const Setting s = parse_setting(" g_max_S = 2e-5 ", "--set");
    EXPECT_EQ(s.key, "g_max_S");
    EXPECT_EQ(s.value, "2e-5");
    EXPECT_THROW(parse_setting("g_max_S", "--set"), ParameterError);
}

// Every table of every registered device: default inside its range, unit symbol set, description
// present, names unique (docs/architecture.md#parameter-tables).
TEST(Parameters, EveryBuiltinTableIsWellFormed) {
    for (const auto& device : builtin_devices().entries()) {
        std::vector<std::string> seen;
        for (const auto& spec : device.table->specs) {
            SCOPED_TRACE(device.name + "." + spec.name);
            EXPECT_TRUE(spec.range.contains(spec.default_value)) << spec.default_value << " not in " << spec.range.text();
            EXPECT_STRNE(symbol(spec.unit), "?");
            EXPECT_FALSE(spec.description.empty());
            EXPECT_EQ(std::count(seen.begin(), seen.end(), spec.name), 0);
            seen.push_back(spec.name);
        }
        EXPECT_NO_THROW(device.make({})) << device.name << ": the defaults must pass the cross-parameter rules";
    }
}

}  // namespace cimkit
