#include "circuits/spice/netlist_text.hpp"

#include <fstream>
#include <sstream>

#include "devices/core/errors.hpp"
#include "devices/core/input_file.hpp"
#include "devices/core/text.hpp"

namespace cimkit::spice {
namespace {

// Larger netlists exist (generated 784x100 crossbars are ~10 MB) but not beyond this.
constexpr std::uintmax_t max_netlist_bytes = 256u * 1024u * 1024u;

}  // namespace

NetlistText NetlistText::from_file(const std::filesystem::path& path) {
    const std::string name = path.string();
    require_regular_file(path, "netlist file");
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > max_netlist_bytes) throw IoError(name, "netlist larger than 256 MiB");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(name, "cannot open for reading");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    NetlistText netlist = from_string(buffer.str(), name);
    netlist.directory = std::filesystem::absolute(path, ec).parent_path();
    return netlist;
}

NetlistText NetlistText::from_string(const std::string& text, std::string origin) {
    if (text.find('\0') != std::string::npos) {
        throw NetlistError(origin, 0, "", "contains NUL bytes; expected a SPICE netlist (text)");
    }
    NetlistText netlist;
    netlist.origin = std::move(origin);
    netlist.lines = text::lines(text);
    bool has_content = false;
    for (const auto& line : netlist.lines) has_content = has_content || !text::trim(line).empty();
    if (!has_content) throw NetlistError(netlist.origin, 0, "", "is empty; expected a SPICE netlist");
    return netlist;
}

std::string NetlistText::joined() const { return text::join(lines, "\n") + "\n"; }

}  // namespace cimkit::spice
