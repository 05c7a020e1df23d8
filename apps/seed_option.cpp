#include "apps/seed_option.hpp"

#include <cerrno>
#include <cstdlib>
#include <functional>

#include "devices/core/errors.hpp"

namespace cimkit::apps {

std::uint64_t parse_seed(const std::string& text, const std::string& option) {
    const bool digits_only = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    errno = 0;
    char* end = nullptr;
    const unsigned long long value = digits_only ? std::strtoull(text.c_str(), &end, 10) : 0;
    if (!digits_only || errno == ERANGE || *end != '\0') {
        throw UsageError(option + " must be a whole number in [0, 18446744073709551615], got '" + text + "'");
    }
    return value;
}

namespace {

CLI::Option* add_seed_option_calling(CLI::App& cmd, const std::function<void(std::uint64_t)>& store, const std::string& description) {
    // Thrown inside CLI11's parse, so as its own error type: main() reports those as bad usage (exit 2).
    const auto set = [store](const std::string& text) {
        try {
            store(parse_seed(text, "--seed"));
        } catch (const UsageError& e) {
            throw CLI::ValidationError(e.what());
        }
    };
    return cmd.add_option_function<std::string>("--seed", set, description);
}

}  // namespace

CLI::Option* add_seed_option(CLI::App& cmd, std::uint64_t& seed, const std::string& description) {
    return add_seed_option_calling(cmd, [&seed](std::uint64_t value) { seed = value; }, description);
}

CLI::Option* add_seed_option(CLI::App& cmd, std::optional<std::uint64_t>& seed, const std::string& description) {
    return add_seed_option_calling(cmd, [&seed](std::uint64_t value) { seed = value; }, description);
}

}  // namespace cimkit::apps
