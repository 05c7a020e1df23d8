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

TEST(ConfigSchema, ResolvedConfigPrintsAsToml) {
    const auto v = resolve_config(schema, {{"engine.kind", "spice", "--set"}});
    const std::string toml = v.to_toml();
    EXPECT_NE(toml.find("[engine]\nkind = \"spice\"\nread_time_s = 1e-08  # s\n"), std::string::npos) << toml;
    EXPECT_NE(toml.find("layers = [4, 8, 3]"), std::string::npos);
}

}  // namespace cimkit
