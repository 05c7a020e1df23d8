#include "devices/core/input_file.hpp"

#include "devices/core/errors.hpp"

namespace cimkit {

void require_regular_file(const std::filesystem::path& path, const std::string& what) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);  // follows symlinks, as the read will
    if (!std::filesystem::exists(status)) throw IoError(path.string(), "no such " + what);
    if (std::filesystem::is_directory(status)) throw IoError(path.string(), "is a folder, expected a " + what);
    if (!std::filesystem::is_regular_file(status)) {
        throw IoError(path.string(), "is not a regular file (a device, FIFO or socket); expected a " + what);
    }
}

}  // namespace cimkit
