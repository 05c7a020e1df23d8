#include "circuits/spice/convergence_retry.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::spice {
namespace {

// ngspice's defaults are itl1 = 100 Newton iterations for an operating point and itl4 = 10 per
// transient time point; five to ten times that is still fast when the circuit does converge.
const std::pair<std::string, std::string> more_dc_iterations{"itl1", "500"};
const std::pair<std::string, std::string> more_tran_iterations{"itl4", "100"};
// gminsteps/srcsteps = 1 selects ngspice's adaptive stepping (the default, already tried); N > 1
// selects N fixed steps, which crawls through regions where the adaptive step gives up.
const std::pair<std::string, std::string> fine_gmin_steps{"gminsteps", "100"};
const std::pair<std::string, std::string> no_gmin_steps{"gminsteps", "0"};
const std::pair<std::string, std::string> fine_source_steps{"srcsteps", "100"};

std::vector<std::string> words(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& word : text::split(text::trim(text), ' ')) {
        if (!word.empty()) out.push_back(word);
    }
    return out;
}

std::string full_precision(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    return buffer;
}

}  // namespace

const std::vector<std::string>& retry_option_names() {
    static const std::vector<std::string> names{"itl1", "itl4", "gminsteps", "srcsteps"};
    return names;
}

std::vector<RetryAttempt> convergence_retries(const std::string& analysis) {
    const std::vector<std::string> parts = words(analysis);
    const std::string keyword = parts.empty() ? "" : text::to_lower(parts.front());
    // "run" runs the netlist's own analysis cards; their time steps cannot be changed from here.
    if (keyword != "op" && keyword != "tran" && keyword != "run") return {};
    std::vector<RetryAttempt> attempts{
        {"gmin stepping", {more_dc_iterations, fine_gmin_steps}, analysis},
        // Gmin stepping off: it was just tried, and running it again first would only cost time.
        {"source stepping", {more_dc_iterations, no_gmin_steps, fine_source_steps}, analysis},
    };
    if (keyword == "tran") {
        attempts.push_back({"smaller time steps", {more_dc_iterations, fine_gmin_steps, more_tran_iterations},
                            tran_with_smaller_max_step(analysis, 10.0)});
    } else if (keyword == "run") {
        attempts.push_back({"more transient iterations", {more_dc_iterations, fine_gmin_steps, more_tran_iterations}, analysis});
    }
    return attempts;
}

std::vector<std::pair<std::string, std::string>> printed_option_values(const std::vector<std::string>& output_lines,
                                                                       const std::vector<std::string>& names) {
    std::vector<std::pair<std::string, std::string>> values;
    for (const auto& line : output_lines) {
        std::string body = text::trim(line);
        if (text::starts_with(body, "stdout ")) body = text::trim(body.substr(7));
        const auto equals = body.find('=');
        if (equals == std::string::npos) continue;
        const std::vector<std::string> left = words(body.substr(0, equals));
        const std::string value = text::trim(body.substr(equals + 1));
        if (left.empty() || value.empty() || value.find(' ') != std::string::npos) continue;
        const std::string name = text::to_lower(left.front());
        const bool wanted = std::find(names.begin(), names.end(), name) != names.end();
        const bool seen = std::any_of(values.begin(), values.end(), [&](const auto& v) { return v.first == name; });
        if (wanted && !seen) values.emplace_back(name, value);
    }
    return values;
}

double spice_value(const std::string& token) {
    const std::string lower = text::to_lower(text::trim(token));
    const char* begin = lower.c_str();
    char* end = nullptr;
    const double mantissa = std::strtod(begin, &end);
    if (end == begin) throw UsageError("'" + token + "' is not a number");
    const std::string suffix(end);
    double scale = 1.0;
    if (text::starts_with(suffix, "meg")) {
        scale = 1e6;
    } else if (text::starts_with(suffix, "mil")) {
        scale = 25.4e-6;
    } else if (!suffix.empty()) {
        switch (suffix.front()) {
            case 'f': scale = 1e-15; break;
            case 'p': scale = 1e-12; break;
            case 'n': scale = 1e-9; break;
            case 'u': scale = 1e-6; break;
            case 'm': scale = 1e-3; break;
            case 'k': scale = 1e3; break;
            case 'g': scale = 1e9; break;
            case 't': scale = 1e12; break;
            default:
                if (!std::isalpha(static_cast<unsigned char>(suffix.front()))) {
                    throw UsageError("'" + token + "' is not a number");
                }
        }
    }
    return mantissa * scale;
}

std::string tran_with_smaller_max_step(const std::string& tran, double divisor) {
    std::vector<std::string> parts = words(tran);
    std::vector<std::string> numbers;
    bool uic = false;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        if (text::iequals(parts[i], "uic")) {
            uic = true;
        } else {
            numbers.push_back(parts[i]);
        }
    }
    if (parts.empty() || !text::iequals(parts.front(), "tran") || numbers.size() < 2 || numbers.size() > 4) {
        throw UsageError("'" + tran + "' is not 'tran tstep tstop [tstart [tmax]] [uic]'");
    }
    const double tstep_s = spice_value(numbers[0]);
    const double tstop_s = spice_value(numbers[1]);
    const double tstart_s = numbers.size() > 2 ? spice_value(numbers[2]) : 0.0;
    const double tmax_s = numbers.size() > 3 ? spice_value(numbers[3]) : std::min(tstep_s, (tstop_s - tstart_s) / 50.0);
    std::string out = "tran " + numbers[0] + " " + numbers[1] + " " + (numbers.size() > 2 ? numbers[2] : "0") + " " +
                      full_precision(tmax_s / divisor);
    if (uic) out += " uic";
    return out;
}

}  // namespace cimkit::spice
