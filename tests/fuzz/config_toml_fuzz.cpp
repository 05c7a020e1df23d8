// Fuzz target: a TOML run configuration read against a schema and resolved. Any input must end in a
// config or a cimkit::Error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "apps/config_file.hpp"
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
        const auto settings = cimkit::apps::read_config_text(text, "fuzz.toml", schema());
        (void)cimkit::resolve_config(schema(), settings).to_toml();
    } catch (const cimkit::Error&) {
    }
    return 0;
}
