#include "circuits/netlist_guard.hpp"

#include <filesystem>

#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::circuits {
namespace {

const char* const opt_in = "; pass --allow-control to accept it from a netlist you trust";

std::string first_word(const std::string& lowered_line) {
    return lowered_line.substr(0, lowered_line.find_first_of(" \t"));
}

// The path argument of `.include path` / `.lib path [section]`, without quotes.
std::string include_path(const std::string& line) {
    std::string rest = text::trim(line.substr(line.find_first_of(" \t") == std::string::npos
                                                  ? line.size()
                                                  : line.find_first_of(" \t")));
    if (!rest.empty() && (rest.front() == '"' || rest.front() == '\'')) {
        const auto close = rest.find(rest.front(), 1);
        return rest.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    }
    return rest.substr(0, rest.find_first_of(" \t"));
}

bool escapes_directory(const std::string& path) {
    const std::filesystem::path p(path);
    if (p.is_absolute() || (!path.empty() && path.front() == '~')) return true;
    int depth = 0;
    for (const auto& part : p.lexically_normal()) {
        if (part == "..") --depth;
        else if (part != ".") ++depth;
        if (depth < 0) return true;
    }
    return false;
}

}  // namespace

void check_untrusted_netlist(const spice::NetlistText& netlist, const NetlistPolicy& policy) {
    if (policy.allow_control) return;
    auto refuse = [&](std::size_t index, const std::string& rule) {
        throw NetlistError(netlist.origin, static_cast<int>(index + 1), text::trim(netlist.lines[index]),
                           rule + opt_in);
    };
    for (std::size_t i = 0; i < netlist.lines.size(); ++i) {
        const std::string line = text::to_lower(text::trim(netlist.lines[i]));
        if (i == 0 && text::starts_with(line, "*ng_script")) {
            refuse(i, "'*ng_script' makes the file an ngspice control script, which can run shell commands");
        }
        if (i == 0) continue;  // the first line of a netlist is its title, never parsed
        const std::string word = first_word(line);
        if (word == ".control" || word == ".endc" || word == ".exec") {
            refuse(i, "'" + word + "' blocks run ngspice commands, including 'shell', and are refused");
        }
        if (word == ".pre_osdi" || word == ".osdi") {
            refuse(i, "'" + word + "' loads a shared library into the simulator and is refused");
        }
        if (word == ".include" || word == ".inc" || word == ".lib") {
            const std::string path = include_path(text::trim(netlist.lines[i]));
            if (path.empty()) refuse(i, "'" + word + "' needs a file name");
            if (escapes_directory(path)) {
                refuse(i, "'" + word + " " + path + "' reads a file outside the netlist's folder");
            }
        }
    }
}

}  // namespace cimkit::circuits
