// Fuzz target: the untrusted-netlist path of `cimkit simulate` before ngspice (reading the text and
// the guard). Any input must end in acceptance or a cimkit::Error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "circuits/netlist_guard.hpp"
#include "devices/core/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto netlist = cimkit::spice::NetlistText::from_string(text, "fuzz.cir");
        cimkit::circuits::check_untrusted_netlist(netlist, {});
    } catch (const cimkit::Error&) {
    }
    return 0;
}
