#include "devices/core/config_schema.hpp"

#include <gtest/gtest.h>

#include "devices/core/errors.hpp"

namespace cimkit {
namespace {

const std::vector<ConfigKey> schema{
    ConfigKey::integer_key("training.epochs", "10", Range::closed(1, 100000), "passes over the training set"),
    ConfigKey::number_key("training.learning_rate", "0.01", Unit::dimensionless, Range::positive(), "SGD step"),
    ConfigKey::text_key("engine.kind", "ideal", {"ideal", "compact", "spice"}, "engine"),
    ConfigKey::number_key("engine.read_time_s", "1e-08", Unit::second, Range::positive(), "read pulse"),
    ConfigKey::integer_list_key("network.layers", "4,8,3", Range::closed(1, 100000), "layer sizes"),
    ConfigKey::boolean_key("training.shuffle", "true", "shuffle each epoch"),
};

std::string error_of(const std::vector<Setting>& settings) {
    try {
        resolve_config(schema, settings);
    } catch (const ParameterError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(ConfigSchema, DefaultsThenOverridesInOrder) {
    const auto v = resolve_config(schema, {{"training.epochs", "20", "a.toml:3"}, {"training.epochs", "30", "--set"},
                                           {"network.layers", "784,100,10", "a.toml:5"}, {"device.g_max_S", "2e-5", "a.toml:9"}});
    EXPECT_EQ(v.integer("training.epochs"), 30);
    EXPECT_DOUBLE_EQ(v.number("training.learning_rate"), 0.01);
    EXPECT_EQ(v.text("engine.kind"), "ideal");
    EXPECT_TRUE(v.boolean("training.shuffle"));
    EXPECT_EQ(v.integer_list("network.layers"), (std::vector<long>{784, 100, 10}));
    ASSERT_EQ(v.passed_through().size(), 1u);
    EXPECT_EQ(v.passed_through()[0].key, "g_max_S");
    EXPECT_EQ(v.passed_through()[0].origin, "a.toml:9");
}

TEST(ConfigSchema, ErrorsNameOriginKeyValueAndRule) {
    EXPECT_EQ(error_of({{"training.epochs", "-3", "iris.toml:7"}}), "iris.toml:7: training.epochs = -3 is outside [1, 100000]");
    EXPECT_EQ(error_of({{"engine.read_time_s", "-1e-9", "--set"}}), "--set: engine.read_time_s = -1e-9 is outside (0, inf) s");
    EXPECT_EQ(error_of({{"engine.kind", "quantum", "x.toml:2"}}), "x.toml:2: engine.kind = quantum is not one of: ideal, compact, spice");
    EXPECT_EQ(error_of({{"training.epochs", "2.5", "x.toml:1"}}), "x.toml:1: training.epochs = 2.5 is not a whole number");
    EXPECT_EQ(error_of({{"training.shuffle", "yes", "x.toml:1"}}), "x.toml:1: training.shuffle = yes is not true or false");
    EXPECT_EQ(error_of({{"network.layers", "4,0,3", "x.toml:1"}}), "x.toml:1: network.layers = 4,0,3 has an element that is outside [1, 100000]");
    EXPECT_NE(error_of({{"training.epoch", "3", "x.toml:4"}}).find("x.toml:4: unknown key 'training.epoch' (known: training.epochs"), std::string::npos);
    EXPECT_NE(error_of({{"training.learning_rate", "nan", "--set"}}).find("is not a number"), std::string::npos);
}

TEST(ConfigSchema, EqualityComparesValuesAndPassThroughNumbersAsNumbers) {
    const auto a = resolve_config(schema, {{"device.junction_leak_A", ".5", "--set"}, {"device.g_max_S", "2e-5", "--set"}});
    const auto b = resolve_config(schema, {{"device.g_max_S", "0.00002", "x.toml:1"}, {"device.junction_leak_A", "0.5", "x.toml:2"}});
    EXPECT_TRUE(a == b);
    EXPECT_FALSE(a == resolve_config(schema, {{"device.junction_leak_A", "0.5", "--set"}}));
    EXPECT_FALSE(a == resolve_config(schema, {{"device.junction_leak_A", ".5", "--set"}, {"device.g_max_S", "3e-5", "--set"}}));
    EXPECT_FALSE(resolve_config(schema, {}) == resolve_config(schema, {{"engine.kind", "spice", "--set"}}));
    EXPECT_FALSE(resolve_config(schema, {}) == resolve_config(schema, {{"training.learning_rate", "0.010000000000000002", "--set"}}));
}

TEST(ConfigSchema, LaterPassThroughSettingOfAKeyReplacesTheEarlier) {
    const auto v = resolve_config(schema, {{"device.a", "1", "x.toml:1"}, {"device.b", "2", "x.toml:2"}, {"device.a", "3", "--set"}});
    ASSERT_EQ(v.passed_through().size(), 2u);
    EXPECT_EQ(v.passed_through()[0].key, "a");
    EXPECT_EQ(v.passed_through()[0].value, "3");
    EXPECT_EQ(v.passed_through()[0].origin, "--set");
}

TEST(ConfigSchema, PassThroughKeysMustBeParameterNames) {
    for (const std::string key : {"device.", "device.a b", "device.\tG", "device.a..b", "device.\"q\"", "device.\xc3\xa9"}) {
        EXPECT_NE(error_of({{key, "1", "--set"}}).find("--set: '" + key + "' is not a parameter name"), std::string::npos) << key;
    }
    EXPECT_EQ(error_of({{"device.g_max_S", "1", "--set"}, {"device.sub.k-1", "2", "--set"}}), "");
}

TEST(ConfigSchema, TextThatIsNotUtf8IsRefused) {
    EXPECT_EQ(error_of({{"device.path", "a\xff", "--set"}}), "--set: device.path = a\xff is not valid UTF-8 text");
    const std::vector<ConfigKey> free_text{ConfigKey::text_key("dataset.path", "", {}, "file")};
    try {
        resolve_config(free_text, {{"dataset.path", "data/\xc0\xaf", "--set"}});
        FAIL() << "accepted";
    } catch (const ParameterError& e) {
        EXPECT_NE(std::string(e.what()).find("dataset.path = data/\xc0\xaf is not valid UTF-8 text"), std::string::npos) << e.what();
    }
}

}  // namespace cimkit
