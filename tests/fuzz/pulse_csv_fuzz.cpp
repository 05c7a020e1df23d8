// Fuzz target: the pulse CSV reader of `cimkit device fit` and the fit itself, then the device file
// it writes read back. Any input must fit or raise a cimkit::Error naming the file, never crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "devices/core/errors.hpp"
#include "devices/table_device_file.hpp"
#include "devices/table_device_fit.hpp"
#include "devices/table_device_pulses.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        cimkit::FitOptions options;
        options.steps_per_state = 2;  // small inputs reach the fit, not only the refusals
        options.min_steps_per_device = 2;
        const cimkit::TableFit fit = cimkit::fit_table_device(cimkit::read_pulse_csv_text(text, "pulses.csv"), options);
        (void)cimkit::read_table_device_text(cimkit::table_device_toml(fit.data, fit.summary()), "fitted.toml");
    } catch (const cimkit::Error&) {
    }
    return 0;
}
