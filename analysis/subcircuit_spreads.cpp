#include "analysis/subcircuit_spreads.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "circuits/analysis_size.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"
#include "devices/subcircuit_device.hpp"

namespace cimkit::analysis {
namespace {

constexpr const char* directive_prefix = "cimkit:";
constexpr const char* declaration_form = "*cimkit: spread NAME=SIGMA [lognormal]";
constexpr const char* state_form = "*cimkit: state NAME";
constexpr const char* program_form = "*cimkit: program A [B]";
constexpr const char* drive_form = "*cimkit: drive KEY=VALUE ...";

// The drive of a `*cimkit: drive` line (words after "drive"); `refusal` makes the error of a bad word.
template <class Refusal>
std::map<std::string, double> parse_drive(const std::vector<std::string>& words, Refusal refusal) {
    std::map<std::string, double> drive;
    if (words.size() < 2) throw refusal("expected " + std::string(drive_form) + " with KEY one of " + text::join(drive_keys, ", "));
    for (std::size_t k = 1; k < words.size(); ++k) {
        const std::size_t eq = words[k].find('=');
        const std::string key = words[k].substr(0, eq);
        const auto known = std::find_if(drive_keys.begin(), drive_keys.end(), [&](const std::string& name) { return text::iequals(name, key); });
        if (eq == std::string::npos || known == drive_keys.end()) {
            throw refusal("'" + words[k] + "': expected KEY=VALUE with KEY one of " + text::join(drive_keys, ", "));
        }
        const auto value = circuits::spice_number(words[k].substr(eq + 1));
        if (!value || !std::isfinite(*value)) throw refusal("'" + words[k] + "': expected a number after '=' (a SPICE number, e.g. 10n)");
        if (!drive.emplace(*known, *value).second) throw refusal("'" + *known + "' twice; expected each key once");
        const bool time = known->compare(known->size() - 2, 2, "_s") == 0;
        if (time && !(*value > 0.0)) throw refusal("'" + words[k] + "': expected a time above 0 s");
        if (!time && *value == 0.0) throw refusal("'" + words[k] + "': expected a voltage other than 0 V");
    }
    if (drive.count("potentiate_V") && drive.count("depress_V") && drive.at("potentiate_V") == drive.at("depress_V")) {
        throw refusal("potentiate_V and depress_V are equal; expected two different pulses");
    }
    return drive;
}

bool valid_sigma(double sigma) { return sigma >= 0.0 && sigma <= max_spread_sigma; }  // false for NaN

std::string sigma_range() {
    char text[64];
    std::snprintf(text, sizeof text, "[0, %g]", max_spread_sigma);
    return text;
}

// The text after "*cimkit:" when `line` is such a directive ('*', blanks, "cimkit:", any case).
std::optional<std::string> directive_of(const std::string& line) {
    const std::string trimmed = text::trim(line);
    if (trimmed.empty() || trimmed.front() != '*') return std::nullopt;
    const std::string rest = text::trim(trimmed.substr(1));
    if (!text::starts_with(text::to_lower(rest), directive_prefix)) return std::nullopt;
    return text::trim(rest.substr(std::string(directive_prefix).size()));
}

bool is_card(const std::string& line, const char* keyword) { return text::starts_with(text::to_lower(text::trim(line)), keyword); }

}  // namespace

std::optional<ParameterSpread> parse_spread_text(const std::string& t) {
    const std::size_t eq = t.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == t.size()) return std::nullopt;
    char* end = nullptr;
    const double sigma = std::strtod(t.c_str() + eq + 1, &end);
    if (end == t.c_str() + eq + 1 || *end != '\0') return std::nullopt;
    return ParameterSpread{t.substr(0, eq), sigma};
}

std::vector<ParameterSpread> parse_spread_options(const std::vector<std::string>& texts) {
    std::vector<ParameterSpread> out;
    for (const std::string& t : texts) {
        const auto spread = parse_spread_text(t);
        if (!spread) throw UsageError("--spread '" + t + "': expected NAME=SIGMA, e.g. k_on=0.1");
        out.push_back(*spread);
    }
    return out;
}

SubcircuitDeclarations subcircuit_declarations(const spice::NetlistText& file, std::size_t subckt_index,
                                               const std::map<std::string, double>& numeric_defaults,
                                               const std::vector<std::string>& terminals) {
    struct Line {
        int number;
        std::string text;
        std::vector<std::string> words;
    };
    std::vector<Line> spread_lines;  // this subcircuit's, checked once its state is known
    SubcircuitDeclarations out;
    int state_line = 0;
    constexpr std::size_t no_block = static_cast<std::size_t>(-1);
    std::size_t block = no_block;  // the .subckt line of the block line i is in
    for (std::size_t i = 0; i < file.lines.size(); ++i) {
        const std::string& line = file.lines[i];
        const int number = static_cast<int>(i + 1);
        if (is_card(line, ".subckt")) block = i;
        if (is_card(line, ".ends")) block = no_block;
        const auto directive = directive_of(line);
        if (!directive) continue;
        const auto refusal = [&](const std::string& what) { return NetlistError(file.origin, number, text::trim(line), what); };
        if (block == no_block) throw refusal("a *cimkit: line outside any .subckt ... .ends block; expected it inside the block of the subcircuit it describes");
        const auto words = text::words(*directive, " \t\f\v\r");
        const std::string word = words.empty() ? std::string() : text::to_lower(words[0]);
        if (word != "spread" && word != "state" && word != "program" && word != "drive") {
            throw refusal("unknown *cimkit: declaration '" + (words.empty() ? std::string() : words[0]) + "'; expected " + declaration_form +
                          ", " + state_form + ", " + program_form + " or " + drive_form);
        }
        // Only this subcircuit's block is checked against its parameters: the others' are theirs.
        if (block != subckt_index) continue;
        if (word == "spread") {
            spread_lines.push_back({number, text::trim(line), words});
            continue;
        }
        if (word == "drive") {
            if (out.drive_line != 0) throw refusal("a second drive declaration (the first at line " + std::to_string(out.drive_line) + "); expected one");
            out.drive = parse_drive(words, refusal);
            out.drive_line = number;
            continue;
        }
        if (word == "program") {
            if (words.size() < 2 || words.size() > 3) throw refusal("expected " + std::string(program_form));
            if (out.program_line != 0) {
                throw refusal("a second program declaration (the first at line " + std::to_string(out.program_line) + "); expected one");
            }
            for (std::size_t k = 1; k < words.size(); ++k) {
                const std::string name = text::to_lower(words[k]);
                if (std::find(terminals.begin(), terminals.end(), name) == terminals.end()) {
                    throw refusal("no terminal '" + words[k] + "' on the .subckt line (its terminals: " + text::join(terminals, ", ") + ")");
                }
                if (!out.program_terminals.empty() && out.program_terminals.front() == name) {
                    throw refusal("terminal '" + words[k] + "' twice; expected the programming terminal and, optionally, another as its return");
                }
                out.program_terminals.push_back(name);
            }
            out.program_line = number;
            continue;
        }
        if (words.size() != 2) throw refusal("expected " + std::string(state_form));
        const std::string name = text::to_lower(words[1]);
        if (!numeric_defaults.count(name)) {
            throw refusal("no parameter '" + words[1] + "' with a numeric default on the .subckt line; the state must be one (its default " +
                          "a number, the state in [0, 1])");
        }
        if (state_line != 0) throw refusal("a second state declaration (the first at line " + std::to_string(state_line) + "); expected one");
        state_line = number;
        out.state_parameter = name;
    }
    std::set<std::string> seen;
    for (const Line& l : spread_lines) {
        const auto refusal = [&](const std::string& what) { return NetlistError(file.origin, l.number, l.text, what); };
        const auto& words = l.words;
        if (words.size() < 2 || words.size() > 3) throw refusal("expected " + std::string(declaration_form));
        const auto spread = parse_spread_text(words[1]);
        if (!spread) throw refusal("'" + words[1] + "': expected NAME=SIGMA, e.g. k_on=0.1");
        if (words.size() == 3 && text::to_lower(words[2]) != "lognormal") {
            throw refusal("unknown distribution '" + words[2] + "'; expected lognormal (the only one), or nothing");
        }
        const std::string name = text::to_lower(spread->name);
        if (name == out.state_parameter) {
            throw refusal("a spread of the state " + out.state_parameter + "; the experiments set the state, expected a device parameter");
        }
        if (!numeric_defaults.count(name)) throw refusal("no parameter '" + spread->name + "' with a numeric default on the .subckt line");
        if (!valid_sigma(spread->sigma)) throw refusal("sigma of '" + spread->name + "' is " + words[1].substr(words[1].find('=') + 1) + "; expected a number in " + sigma_range());
        if (!seen.insert(name).second) throw refusal("a second spread of '" + spread->name + "'; expected each parameter once");
        out.spreads.push_back({name, spread->sigma});
    }
    return out;
}

void check_spread_options(const std::string& subcircuit, const std::map<std::string, double>& numeric_defaults,
                          const std::vector<ParameterSpread>& spreads) {
    for (const auto& spread : spreads) {
        if (!numeric_defaults.count(text::to_lower(spread.name))) {
            throw UsageError("--spread " + spread.name + ": subcircuit '" + subcircuit +
                             "' has no parameter of that name with a numeric default on its .subckt line");
        }
        if (!valid_sigma(spread.sigma)) throw UsageError("--spread " + spread.name + ": expected a sigma in " + sigma_range());
    }
}

std::vector<ParameterSpread> merge_spreads(const std::vector<ParameterSpread>& declared, const std::vector<ParameterSpread>& command_line) {
    std::vector<ParameterSpread> out = declared;
    for (const auto& spread : command_line) {
        bool replaced = false;
        for (auto& d : out) {
            if (text::iequals(d.name, spread.name)) {
                d.sigma = spread.sigma;
                replaced = true;
            }
        }
        if (!replaced) out.push_back(spread);
    }
    return out;
}

std::map<std::string, double> draw_spread_parameters(const std::map<std::string, double>& numeric_defaults,
                                                     const std::vector<ParameterSpread>& spreads,
                                                     const std::map<std::string, double>& fixed, Rng& stream) {
    std::map<std::string, double> p;
    for (const auto& [name, value] : fixed) p[text::to_lower(name)] = value;
    for (const auto& spread : spreads) {
        const std::string name = text::to_lower(spread.name);
        p[name] = numeric_defaults.at(name) * std::exp(spread.sigma * stream.normal());
    }
    return p;
}

std::string spreads_text(const std::vector<ParameterSpread>& spreads) {
    std::vector<std::string> parts;
    for (const auto& s : spreads) {
        char sigma[32];
        std::snprintf(sigma, sizeof sigma, "%g", s.sigma);
        parts.push_back(s.name + "=" + sigma);
    }
    return parts.empty() ? "none" : text::join(parts, ", ");
}

}  // namespace cimkit::analysis
