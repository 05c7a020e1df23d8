#include "circuits/spice/spice_messages.hpp"

#include <array>
#include <cctype>

#include "devices/core/text.hpp"

namespace cimkit::spice {
namespace {

bool is_error_line(const std::string& line) {
    const std::string lower = text::to_lower(text::trim(line));
    // "doAnalyses: TRAN:  Timestep too small; time = ..." carries the reason of the "aborted" line after it.
    // A warning that ngspice dropped a line ("'r1 a' is not a valid resistor instance line, ignored!")
    // means the circuit simulated is not the one written: an error too.
    const bool dropped = text::starts_with(lower, "warning") &&
                         (lower.find("ignored") != std::string::npos || lower.find("not a valid") != std::string::npos);
    return dropped || text::starts_with(lower, "error") || text::starts_with(lower, "doanalyses:") ||
           lower.find("aborted") != std::string::npos || lower.find("fatal") != std::string::npos;
}

// The first '...'-quoted part of a message, where ngspice quotes the line it is talking about.
std::string quoted_part(const std::string& message) {
    const auto open = message.find('\'');
    if (open == std::string::npos) return "";
    const auto close = message.find('\'', open + 1);
    return close == std::string::npos ? "" : message.substr(open + 1, close - open - 1);
}

// Collapses runs of blanks and lower-cases, as ngspice does to the lines it echoes.
std::string normalised(const std::string& line) {
    std::string out;
    bool in_space = false;
    for (char c : text::to_lower(text::trim(line))) {
        const bool space = c == ' ' || c == '\t';
        if (space && in_space) continue;
        out += space ? ' ' : c;
        in_space = space;
    }
    return out;
}

NetlistLocation at(const NetlistText& netlist, std::size_t index) {
    return NetlistLocation{static_cast<int>(index + 1), text::trim(netlist.lines[index])};
}

// The N of "line N" or "line no. N" in ngspice's message; 0 when there is none. (Hand-parsed: GCC 12's
// std::regex trips -Wmaybe-uninitialized under the sanitizer build.)
long ngspice_line_number(const std::string& message) {
    const std::string lower = text::to_lower(message);
    for (auto at = lower.find("line "); at != std::string::npos; at = lower.find("line ", at + 1)) {
        std::size_t digits = at + 5;
        if (lower.compare(digits, 4, "no. ") == 0) digits += 4;
        std::size_t end = digits;
        while (end < lower.size() && std::isdigit(static_cast<unsigned char>(lower[end]))) ++end;
        if (end > digits && end - digits < 9) return std::stol(lower.substr(digits, end - digits));
    }
    return 0;
}

}  // namespace

bool reports_singular_matrix(const std::vector<std::string>& stderr_lines) {
    for (const auto& line : stderr_lines) {
        if (text::to_lower(line).find("singular matrix") != std::string::npos) return true;
    }
    return false;
}

std::string error_message(const std::vector<std::string>& stderr_lines) {
    std::vector<std::string> kept;
    for (const auto& line : stderr_lines) {
        if (kept.empty() && !is_error_line(line)) continue;
        const std::string trimmed = text::trim(line);
        if (!trimmed.empty()) kept.push_back(trimmed);
    }
    return text::join(kept, "; ");
}

bool is_convergence_failure(const std::string& message) {
    static const std::array<const char*, 8> markers = {
        "timestep too small", "singular matrix", "no convergence", "without convergence", "iteration limit",
        "gmin stepping failed", "source stepping failed", "op failed"};
    const std::string lower = text::to_lower(message);
    for (const char* marker : markers) {
        if (lower.find(marker) != std::string::npos) return true;
    }
    return false;
}

NetlistLocation locate_by_text(const std::string& message, const NetlistText& netlist) {
    // ngspice echoes the offending line between "; " separators of our joined message.
    for (const auto& part : text::split(message, ';')) {
        if (const std::string quoted = normalised(quoted_part(part)); quoted.size() >= 3) {
            for (std::size_t i = 1; i < netlist.lines.size(); ++i) {
                if (normalised(netlist.lines[i]) == quoted) return at(netlist, i);
            }
        }
        const std::string wanted = normalised(part);
        if (wanted.size() < 3) continue;
        for (std::size_t i = 1; i < netlist.lines.size(); ++i) {  // line 1 is the title
            if (normalised(netlist.lines[i]) == wanted) return at(netlist, i);
        }
        // "Error: unknown subckt: x1 in 0 nosub" quotes the line after a colon.
        const auto colon = wanted.rfind(": ");
        if (colon == std::string::npos) continue;
        const std::string tail = wanted.substr(colon + 2);
        for (std::size_t i = 1; i < netlist.lines.size() && tail.size() >= 3; ++i) {
            if (normalised(netlist.lines[i]) == tail) return at(netlist, i);
        }
    }
    return {};
}

NetlistLocation locate_in_netlist(const std::string& message, const NetlistText& netlist) {
    if (NetlistLocation by_text = locate_by_text(message, netlist); by_text.line > 0) return by_text;
    const long wanted = ngspice_line_number(message);
    if (wanted <= 0) return {};
    long non_blank = 0;
    for (std::size_t i = 0; i < netlist.lines.size(); ++i) {
        if (text::trim(netlist.lines[i]).empty()) continue;
        if (++non_blank == wanted) return at(netlist, i);
    }
    return {};
}

}  // namespace cimkit::spice
