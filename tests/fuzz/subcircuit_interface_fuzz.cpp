// Fuzz target: the declared interface of a `spice:FILE:SUBCKT` device read from a stranger's file
// before ngspice sees it (analysis/subcircuit_interface.hpp): the netlist guard, the `.subckt` card and
// its `*cimkit:` lines (spread, state, program, drive). The input is the file; the subcircuit asked
// for is `dev`. Any input must end in an interface or a cimkit::Error, never a crash or a hang.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "analysis/subcircuit_interface.hpp"
#include "devices/core/errors.hpp"

namespace {

namespace fs = std::filesystem;

// A folder of its own: the guard resolves the file's includes against it.
const fs::path& scratch() {
    static const fs::path dir = [] {
        std::string pattern = (fs::temp_directory_path() / "cimkit_interface_fuzz_XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) std::abort();
        return fs::path(pattern);
    }();
    return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fs::path file = scratch() / "cell.lib";
    std::ofstream(file, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    try {
        const cimkit::analysis::SubcircuitInterface found = cimkit::analysis::check_spice_device({file, "dev"});
        (void)found.terminals.nodes_text("p", "n", "a");
    } catch (const cimkit::Error&) {
    }
    return 0;
}
