// The run file's config_toml must read back as the config it was written from: a config that does
// not is either unresumable (".5" written raw is not TOML) or, worse, resumes on other input (a path
// holding "\u0041" read back through TOML's escapes as "A").
#include "apps/config_toml.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "training/config_file.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::apps {
namespace {

const std::vector<ConfigKey> schema{
    ConfigKey::integer_key("run.seed", "1", Range::closed(0, 4294967295.0), "seed"),
    ConfigKey::number_key("training.learning_rate", "0.05", Unit::dimensionless, Range::closed(-1e308, 1e308), "step"),
    ConfigKey::number_key("training.sample_period_s", "0", Unit::second, Range::non_negative(), "period"),
    ConfigKey::text_key("dataset.path", "", {}, "file"),
    ConfigKey::text_key("run.engine", "ideal", {"ideal", "compact"}, "engine"),
    ConfigKey::boolean_key("array.two_phase_read", "false", "flag"),
    ConfigKey::integer_list_key("network.hidden_layers", "[8]", Range::closed(1, 100000), "sizes"),
};

ConfigValues round_trip(const ConfigValues& config) {
    const std::string written = config_toml(config);
    return resolve_config(schema, training::read_config_text(written, "written.toml", schema));
}

// Only configs that `train` accepts need to read back: a refused one never reaches a run file.
void expect_round_trip(const std::vector<Setting>& settings) {
    ConfigValues config;
    try {
        config = resolve_config(schema, settings);
    } catch (const ParameterError&) {
        return;
    }
    const std::string written = config_toml(config);
    ConfigValues back;
    try {
        back = round_trip(config);
    } catch (const Error& e) {
        FAIL() << "the written TOML does not read back: " << e.what() << "\n" << written;
    }
    EXPECT_TRUE(back == config) << written;
    // Text is compared byte for byte: equality of ConfigValues already does, but say which.
    EXPECT_EQ(back.text("dataset.path"), config.text("dataset.path")) << written;
}

// Strings a path or a device value might hold that TOML gives a meaning to.
const std::vector<std::string> tricky_strings{
    "", "plain", "C:\\data\\iris.csv", "\\u0041", "\\\\u0041", "\\U0001F600", "\\n", "\\", "ends with \\", "\"", "\"\"\"",
    "'", "'''", "a\"b'c", "line\nbreak", "cr\rlf\r\n", "tab\there", "\x01\x1f\x7f", "#not a comment", "= [x]", "[section]",
    "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", " leading and trailing spaces ", "key = \"value\"\n[run]\nseed = 2",
};

// Numbers as a user might type them, and values at the edges of double precision.
const std::vector<std::string> tricky_numbers{
    ".5", "5.", "1e-3", "1E+300", "-0", "-0.0", "0.1", "0.30000000000000004", "4.9406564584124654e-324",
    "2.2250738585072014e-308", "1.7976931348623157e308", "123456789012345678", "9223372036854775807",
    "9223372036854775808", "18446744073709551615", "1e19", "+7", "007", "0x1p-3", "inf", "-inf", "nan", "NaN", " 2.5 ",
};

}  // namespace

TEST(ConfigToml, TrickyStringsReadBackByteForByte) {
    for (const auto& s : tricky_strings) {
        SCOPED_TRACE(s);
        expect_round_trip({{"dataset.path", s, "--set"}, {"device.label", s, "--set"}});
    }
}

TEST(ConfigToml, TrickyNumbersReadBackAsTheSameNumbers) {
    for (const auto& n : tricky_numbers) {
        SCOPED_TRACE(n);
        expect_round_trip({{"device.junction_leak_A", n, "--set"}});
        const double v = std::strtod(n.c_str(), nullptr);
        if (std::abs(v) <= 1e308) expect_round_trip({{"training.learning_rate", n, "--set"}});  // within its range
    }
    expect_round_trip({{"run.seed", "4294967295", "--set"}, {"network.hidden_layers", "", "--set"}});
    expect_round_trip({{"network.hidden_layers", "100000, 1, 7", "--set"}, {"array.two_phase_read", "true", "--set"}});
}

// The property over random configs: random strings of bytes that are valid UTF-8 (ASCII with every
// control character, and multi-byte characters), random doubles of every magnitude, random device
// parameter names (dots, dashes).
TEST(ConfigToml, RandomConfigsReadBackAsThemselves) {
    std::mt19937_64 rng(20240613);
    const auto random_text = [&](std::size_t max_length) {
        static const std::vector<std::string> pieces{"\\", "\"", "'", "\n", "\r", "\t", "u", "U", "0041", "{", "}", "#", "=", "[",
                                                     "]", ".", " ", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x7f"};
        std::string s;
        const std::size_t length = rng() % (max_length + 1);
        while (s.size() < length) {
            if (rng() % 3 == 0) {
                s += pieces[rng() % pieces.size()];
            } else {
                s += static_cast<char>(rng() % 0x80);  // any ASCII byte, NUL and controls included
            }
        }
        return s;
    };
    const auto random_key = [&] {  // parameter names: bare keys, possibly dotted
        static const std::string chars = "abcXYZ019_-.";
        std::string key(1, 'k');
        for (std::size_t k = rng() % 8; k > 0; --k) {
            const char c = chars[rng() % chars.size()];
            if (!(c == '.' && key.back() == '.')) key += c;
        }
        return key.back() == '.' ? key + "z" : key;
    };
    const auto random_double = [&] {
        std::uint64_t bits = rng();
        double v = 0;
        std::memcpy(&v, &bits, sizeof v);
        return std::isfinite(v) ? v : 0.5;
    };
    for (int trial = 0; trial < 2000; ++trial) {
        char number[40];
        std::snprintf(number, sizeof number, trial % 2 ? "%.17g" : "%a", random_double());
        std::vector<Setting> settings{{"dataset.path", random_text(40), "--set"},
                                      {"training.learning_rate", number, "--set"},
                                      {"run.seed", std::to_string(rng() % 4294967296ull), "--set"},
                                      {"device." + random_key(), random_text(12), "--set"},
                                      {"device.g_" + std::to_string(trial), number, "--set"}};
        ASSERT_TRUE(text::is_utf8(settings[0].value));
        SCOPED_TRACE("trial " + std::to_string(trial));
        expect_round_trip(settings);
        if (HasFailure()) break;
    }
}

TEST(ConfigToml, WritesTypedTomlNotText) {
    const auto config = resolve_config(schema, {{"device.junction_leak_A", ".5", "--set"}, {"device.states", "64", "--set"},
                                                {"dataset.path", "C:\\u0041", "--set"}});
    const std::string written = config_toml(config);
    EXPECT_NE(written.find("junction_leak_A = 0.5"), std::string::npos) << written;
    EXPECT_NE(written.find("states = 64"), std::string::npos) << written;
    EXPECT_NE(written.find(R"(path = "C:\\u0041")"), std::string::npos) << written;  // the backslash escaped
    EXPECT_NE(written.find("seed = 1\n"), std::string::npos) << written;
    EXPECT_NE(written.find("hidden_layers = [ 8 ]"), std::string::npos) << written;
    EXPECT_NE(written.find("learning_rate = 0.050000000000000003"), std::string::npos) << written;
}

}  // namespace cimkit::apps
