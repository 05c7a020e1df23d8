#include "training/config_file.hpp"

#include <gtest/gtest.h>

#include "devices/core/errors.hpp"

namespace cimkit::training {
namespace {

const std::vector<ConfigKey> schema{
    ConfigKey::integer_key("training.epochs", "10", Range::closed(1, 100000), "passes"),
    ConfigKey::number_key("training.learning_rate", "0.01", Unit::dimensionless, Range::positive(), "step"),
    ConfigKey::text_key("engine.kind", "ideal", {"ideal", "compact"}, "engine"),
    ConfigKey::integer_list_key("network.layers", "4,3", Range::closed(1, 100000), "sizes"),
};

std::string error_of(const std::string& toml) {
    try {
        read_config_text(toml, "preset.toml", schema);
    } catch (const ParameterError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(ConfigFile, FlattensSectionsWithTheLineOfEachValue) {
    const auto settings = read_config_text(
        "# preset\n[training]\nepochs = 30\nlearning_rate = 2e-2\n\n[network]\nlayers = [784, 100, 10]\n[device]\ng_max_S = 2.5e-5\n",
        "preset.toml", schema);
    ASSERT_EQ(settings.size(), 4u);
    EXPECT_EQ(settings[0].key, "device.g_max_S");  // toml++ iterates keys in order
    bool saw_epochs = false;
    for (const auto& s : settings) {
        if (s.key == "training.epochs") {
            EXPECT_EQ(s.value, "30");
            EXPECT_EQ(s.origin, "preset.toml:3");
            saw_epochs = true;
        }
        if (s.key == "network.layers") {
            EXPECT_EQ(s.value, "784,100,10");
        }
        if (s.key == "training.learning_rate") {
            EXPECT_EQ(s.value, "0.02");
        }
    }
    EXPECT_TRUE(saw_epochs);
    // An integer where a number is expected is fine (TOML writes 1 for 1.0).
    EXPECT_EQ(error_of("[training]\nlearning_rate = 1\n"), "");
}

TEST(ConfigFile, WrongTypesAndSyntaxErrorsNameFileAndLine) {
    EXPECT_EQ(error_of("[training]\n\nepochs = \"30\"\n"),
              "preset.toml:3: training.epochs has the wrong type: expected a whole number, found a string");
    EXPECT_EQ(error_of("[engine]\nkind = 3\n"), "preset.toml:2: engine.kind has the wrong type: expected a string, found a whole number");
    EXPECT_EQ(error_of("[network]\nlayers = [4, \"x\"]\n"), "preset.toml:2: network.layers must be a list of whole numbers");
    EXPECT_EQ(error_of("[training]\nepochs = 2.5\n"),
              "preset.toml:2: training.epochs has the wrong type: expected a whole number, found a number");
    EXPECT_NE(error_of("[training\nepochs = 3\n").find("preset.toml:1:"), std::string::npos);
    EXPECT_NE(error_of("[training]\nepochs = = 3\n").find("not valid TOML"), std::string::npos);
    EXPECT_NE(error_of("when = 1979-05-27\n").find("dates"), std::string::npos);
}

TEST(ConfigFile, MissingFileIsAnIoError) {
    EXPECT_THROW(read_config_file("/nonexistent/preset.toml", schema), IoError);
}

}  // namespace cimkit::training
