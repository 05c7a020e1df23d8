// Fuzz target: a TOML run configuration read against a schema and resolved. Any input must end in a
// config or a cimkit::Error, never a crash; and a config that resolves must read back as itself from
// the TOML that config_toml writes (the run file's config_toml), or the target aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "training/config_file.hpp"
#include "apps/config_toml.hpp"
#include "devices/core/errors.hpp"

namespace {

const std::vector<cimkit::ConfigKey>& schema() {
    using cimkit::ConfigKey;
    static const std::vector<ConfigKey> keys{
        ConfigKey::integer_key("training.epochs", "10", cimkit::Range::closed(1, 100000), "passes"),
        ConfigKey::number_key("training.learning_rate", "0.01", cimkit::Unit::dimensionless, cimkit::Range::positive(), "step"),
        ConfigKey::text_key("engine.kind", "ideal", {"ideal", "compact", "spice"}, "engine"),
        ConfigKey::integer_list_key("network.layers", "4,8,3", cimkit::Range::closed(1, 100000), "sizes"),
        ConfigKey::boolean_key("training.shuffle", "true", "shuffle"),
    };
    return keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto settings = cimkit::training::read_config_text(text, "fuzz.toml", schema());
        const auto config = cimkit::resolve_config(schema(), settings);
        const std::string written = cimkit::apps::config_toml(config);
        try {
            if (cimkit::resolve_config(schema(), cimkit::training::read_config_text(written, "written.toml", schema())) == config) return 0;
        } catch (const cimkit::Error& e) {
            std::fprintf(stderr, "config_toml wrote TOML that does not resolve: %s\n%s", e.what(), written.c_str());
            std::abort();
        }
        std::fprintf(stderr, "config_toml wrote TOML that resolves to another config:\n%s", written.c_str());
        std::abort();
    } catch (const cimkit::Error&) {
    }
    return 0;
}
