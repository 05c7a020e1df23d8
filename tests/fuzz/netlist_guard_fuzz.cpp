// Fuzz target: the untrusted-netlist path of `cimkit simulate` before ngspice (reading the text and
// the guard, with include trees). The input is split at "\n@@\n" into up to four files: the netlist
// project/main.cir, project/a.inc, project/sub/b.inc, and outside.inc beside the project folder, so
// includes between them (and out of the folder) are exercised. Any input must end in acceptance or
// a cimkit::Error, never a crash or a hang.
#include <stdlib.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "circuits/netlist_guard.hpp"
#include "devices/core/errors.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path& scratch() {
    static const fs::path dir = [] {
        std::string pattern = (fs::temp_directory_path() / "cimkit_guard_fuzz_XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) std::abort();
        fs::create_directories(fs::path(pattern) / "project" / "sub");
        return fs::path(pattern);
    }();
    return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const std::array<fs::path, 4> files = {scratch() / "project" / "main.cir", scratch() / "project" / "a.inc",
                                           scratch() / "project" / "sub" / "b.inc", scratch() / "outside.inc"};
    std::size_t start = 0;
    for (const auto& file : files) {
        const std::size_t end = start <= input.size() ? input.find("\n@@\n", start) : std::string::npos;
        const std::string part = start <= input.size() ? input.substr(start, end == std::string::npos ? end : end - start) : "";
        std::ofstream(file, std::ios::binary | std::ios::trunc) << part;
        start = end == std::string::npos ? input.size() + 1 : end + 4;
    }
    try {
        const auto netlist = cimkit::spice::NetlistText::from_file(files[0]);
        cimkit::circuits::check_untrusted_netlist(netlist, {});
    } catch (const cimkit::Error&) {
    }
    return 0;
}
