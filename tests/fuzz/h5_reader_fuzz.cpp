// Fuzz target: the HDF5 reader (the base of --resume). It walks every group below the root and
// reads every dataset and the `units` attribute. Our code must turn any failure into IoError; a crash
// inside libhdf5 itself on a malformed file is a finding for the crash-isolation work (issue 7).
#include <cstddef>
#include <cstdint>
#include <functional>

#include "analysis/h5/h5_file.hpp"
#include "devices/core/errors.hpp"
#include "tests/fuzz/file_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = cimkit::fuzz::write_scratch("input.h5", data, size);
    try {
        const cimkit::h5::Reader reader(path);
        std::function<void(const std::string&, int)> walk = [&](const std::string& group, int depth) {
            if (depth > 8) return;
            for (const auto& name : reader.children(group)) {
                const std::string child = (group == "/" ? "" : group) + "/" + name;
                try {
                    walk(child, depth + 1);
                } catch (const cimkit::Error&) {
                    (void)reader.read_real(child);
                    (void)reader.string_attribute(child, "units");
                }
            }
        };
        walk("/", 0);
    } catch (const cimkit::Error&) {
    }
    std::filesystem::remove(path);
    return 0;
}
