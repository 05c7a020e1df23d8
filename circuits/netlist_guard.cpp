#include "circuits/netlist_guard.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <system_error>

#include "circuits/analysis_size.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::circuits {
namespace fs = std::filesystem;
namespace {

const char* const opt_in = "; pass --allow-control to accept it from a netlist you trust";

// Bounds on what a netlist may pull in: ngspice expands an include every time it is named, so a
// diamond of includes 16 deep is 65 536 copies. Checked before ngspice sees any of it.
constexpr int max_include_depth = 16;
constexpr long max_include_expansions = 10000;
constexpr std::uintmax_t max_total_bytes = 256u * 1024u * 1024u;

// XSPICE code models whose parameters name a file to read, a shared library to load or a program
// to start (ngspice 46's ifspec.ifs: string parameters file, simulation, input_file, state_file,
// process_file). The sandbox blocks loading and starting anyway; reading is limited to the folder.
constexpr std::array<const char*, 8> file_taking_models = {"d_cosim", "d_process", "filesource", "d_source",
                                                           "d_state", "table2d",   "table3d",    "xfer"};

// The line as ngspice compares it: a UTF-8 byte order mark dropped (ngspice strips one at the start of
// a file; doing it on every line costs nothing), surrounding white space trimmed, lower case.
std::string comparable(const std::string& raw) {
    std::string_view line(raw);
    if (text::starts_with(line, "\xEF\xBB\xBF")) line.remove_prefix(3);
    return text::to_lower(text::trim(line));
}

bool any_prefix(const std::string& line, std::initializer_list<const char*> prefixes) {
    return std::any_of(prefixes.begin(), prefixes.end(), [&](const char* p) { return text::starts_with(line, p); });
}

// ngspice's get_quoted_token after the command word: a '...' or "..." token, or a run of non-blanks.
// Empty when there is none or its quote is not closed (ngspice then stops with "filename missing").
std::string first_argument(const std::string& line) {
    const std::size_t word_end = line.find_first_of(" \t\f\v");
    if (word_end == std::string::npos) return "";
    const std::string rest = text::trim(std::string_view(line).substr(word_end));
    if (rest.empty()) return "";
    if (rest.front() == '"' || rest.front() == '\'') {
        const auto close = rest.find(rest.front(), 1);
        return close == std::string::npos ? "" : rest.substr(1, close - 1);
    }
    return rest.substr(0, rest.find_first_of(" \t\f\v"));
}

std::size_t argument_count(const std::string& line) {
    std::istringstream words(line);
    std::size_t count = 0;
    for (std::string word; words >> word;) ++count;
    return count == 0 ? 0 : count - 1;
}

bool is_inside(const fs::path& real, const fs::path& folder) {
    const fs::path relative = real.lexically_relative(folder);
    return !relative.empty() && *relative.begin() != "..";
}

struct IncludeSite {
    const spice::NetlistText* file;
    std::size_t index;  // line index in that file
};

std::string format_count(double n) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", n);
    return text;
}

class Guard {
public:
    Guard(fs::path folder, double max_points) : folder_(std::move(folder)), max_points_(max_points) {}

    NetlistReads reads() const { return {folder_, included_}; }

    // Checks one file's lines; `is_top` marks the netlist itself, whose first line is its title.
    long check_file(const spice::NetlistText& file, bool is_top, std::vector<fs::path>& stack) {
        long expansions = 1;
        for (std::size_t i = 0; i < file.lines.size(); ++i) {
            const std::string line = comparable(file.lines[i]);
            const IncludeSite site{&file, i};
            if (text::starts_with(line, "*ng_script")) {
                refuse(site, "'*ng_script' makes the file an ngspice control script, which can run shell commands");
            }
            if (is_top && i == 0) continue;  // the title line is never parsed
            if (text::starts_with(line, "*#")) {
                refuse(site, "'*#' lines are ngspice commands (they can run 'shell'), not comments");
            }
            if (any_prefix(line, {".control", ".endc", ".exec"})) {
                refuse(site, "'" + first_word(line) + "' (ngspice reads every dot-command starting with .control or "
                             ".endc as one) runs ngspice commands, including 'shell'");
            }
            if (any_prefix(line, {".pre_osdi", ".osdi"})) {
                refuse(site, "'" + first_word(line) + "' loads a shared library into the simulator");
            }
            if (any_prefix(line, {".model", ".cmodel"})) check_model(site);
            if (const auto points = analysis_points(line); points && !(*points <= max_points_)) {
                refuse(site, "the analysis asks for " + format_count(*points) + " points, more than the limit of " +
                                 format_count(max_points_) + " (--max-points)", false);
            }
            if (any_prefix(line, {".inc", ".lib"})) expansions += check_include(site, line, stack);
            if (expansions > max_include_expansions) {
                refuse(site, "the netlist expands to more than " + std::to_string(max_include_expansions) +
                             " included files", false);
            }
        }
        return expansions;
    }

private:
    [[noreturn]] void refuse(const IncludeSite& site, const std::string& rule, bool can_opt_in = true) const {
        throw NetlistError(site.file->origin, static_cast<int>(site.index + 1), text::trim(site.file->lines[site.index]),
                           rule + (can_opt_in ? opt_in : ""));
    }

    static std::string first_word(const std::string& line) { return line.substr(0, line.find_first_of(" \t\f\v")); }

    // `.model name type(...)` with its `+` continuation lines (ngspice joins them, and comment or
    // blank lines may sit between).
    void check_model(const IncludeSite& site) const {
        const auto& lines = site.file->lines;
        std::string card = comparable(lines[site.index]);
        for (std::size_t k = site.index + 1; k < lines.size(); ++k) {
            const std::string next = comparable(lines[k]);
            if (next.empty() || next.front() == '*') continue;
            if (next.front() != '+') break;
            card += " " + next.substr(1);
        }
        for (char& c : card) {
            if (c == '(' || c == ')' || c == '=' || c == ',') c = ' ';
        }
        std::istringstream words(card);
        std::string command, name, type;
        words >> command >> name >> type;
        for (const char* model : file_taking_models) {
            if (type == model) {
                refuse(site, "XSPICE model '" + type + "' names a file, a shared library or a program on the host");
            }
        }
        for (std::string word; words >> word;) {
            if (word == "file" || word == "simulation" || word == "input_file" || word == "state_file" ||
                word == "process_file") {
                refuse(site, "model parameter '" + word + "' names a file, a shared library or a program on the host");
            }
        }
    }

    // The file ngspice opens for `name` written in `includer` (inp_pathresolve_at, with the netlist's
    // folder as the working directory and no sourcepath): the folder first, then the including file's.
    static std::optional<fs::path> resolve(const std::string& name, const fs::path& folder, const fs::path& includer_dir) {
        std::error_code ec;
        const fs::path path(name);
        std::vector<fs::path> candidates;
        if (path.is_absolute()) {
            candidates = {path};
        } else {
            candidates = {folder / path, includer_dir / path};
        }
        for (const auto& candidate : candidates) {
            if (fs::exists(candidate, ec)) return candidate;
        }
        return std::nullopt;
    }

    long check_include(const IncludeSite& site, const std::string& line, std::vector<fs::path>& stack) {
        const std::string word = first_word(line);
        const std::string name = first_argument(text::trim(site.file->lines[site.index]));
        const bool is_lib = text::starts_with(word, ".lib");
        if (name.empty()) {
            // `.lib` alone would be a malformed section; both are refused by ngspice too.
            refuse(site, "'" + word + "' needs a file name (a closed quote if it is quoted)", false);
        }
        if (name.front() == '$' || name.front() == '~') {
            refuse(site, "'" + word + " " + name + "' reads a path from the environment or the home folder");
        }
        if (folder_.empty()) {
            refuse(site, "'" + word + "' in a netlist that has no folder (it was not read from a file)", false);
        }
        const fs::path includer_dir = site.file->directory.empty() ? folder_ : site.file->directory;
        const auto found = resolve(name, folder_, includer_dir);
        if (!found) {
            // `.lib name` with one word and no such file opens a library section: nothing is read.
            if (is_lib && argument_count(line) == 1) return 0;
            refuse(site, "'" + word + " " + name + "': no such file in " + folder_.string() +
                             (includer_dir != folder_ ? " or " + includer_dir.string() : ""), false);
        }
        std::error_code ec;
        const fs::path real = fs::canonical(*found, ec);
        if (ec || !is_inside(real, folder_)) {
            refuse(site, "'" + word + " " + name + "' reads " + (ec ? found->string() : real.string()) +
                             ", outside the netlist's folder " + folder_.string());
        }
        if (!fs::is_regular_file(real, ec)) {
            refuse(site, "'" + word + " " + name + "' is not a regular file", false);
        }
        if (std::find(stack.begin(), stack.end(), real) != stack.end()) {
            refuse(site, "'" + word + " " + name + "' includes a file that is already being included (a loop)", false);
        }
        if (static_cast<int>(stack.size()) >= max_include_depth) {
            refuse(site, "includes nest deeper than " + std::to_string(max_include_depth) + " files", false);
        }
        if (const auto known = expansions_.find(real); known != expansions_.end()) return known->second;
        const spice::NetlistText included = read_included(real, site);
        stack.push_back(real);
        const long expansions = check_file(included, false, stack);
        stack.pop_back();
        included_.push_back(real);
        expansions_[real] = expansions;
        return expansions;
    }

    spice::NetlistText read_included(const fs::path& real, const IncludeSite& site) {
        std::error_code ec;
        const auto size = fs::file_size(real, ec);
        if (ec || size > max_total_bytes - std::min(total_bytes_, max_total_bytes)) {
            refuse(site, "included files larger than 256 MiB in all", false);
        }
        total_bytes_ += size;
        std::ifstream in(real, std::ios::binary);
        if (!in) throw IoError(real.string(), "cannot open for reading (included from " + site.file->origin + ")");
        std::ostringstream buffer;
        buffer << in.rdbuf();
        spice::NetlistText file;
        file.origin = real.string();
        file.directory = real.parent_path();
        const std::string content = buffer.str();
        if (content.find('\0') != std::string::npos) {
            refuse(site, "'" + real.string() + "' contains NUL bytes; expected SPICE text", false);
        }
        file.lines = text::lines(content);
        return file;
    }

    fs::path folder_;
    double max_points_;
    std::vector<fs::path> included_;
    std::map<fs::path, long> expansions_;
    std::uintmax_t total_bytes_ = 0;
};

}  // namespace

NetlistReads check_untrusted_netlist(const spice::NetlistText& netlist, const NetlistPolicy& policy) {
    if (policy.allow_control) return {};
    fs::path folder;
    if (!netlist.directory.empty()) {
        std::error_code ec;
        folder = fs::canonical(netlist.directory, ec);
        if (ec) throw IoError(netlist.directory.string(), "cannot resolve the netlist's folder: " + ec.message());
    }
    Guard guard(folder, policy.max_analysis_points);
    std::vector<fs::path> stack;
    std::error_code ec;
    // A netlist that includes itself is a loop like any other.
    if (const fs::path self = fs::canonical(netlist.origin, ec); !ec && !folder.empty()) stack.push_back(self);
    guard.check_file(netlist, true, stack);
    return guard.reads();
}

}  // namespace cimkit::circuits
