#include "apps/output_claim.hpp"

#include <sys/stat.h>

#include <cerrno>

#include "devices/core/errors.hpp"
#include "devices/core/temporary_file.hpp"

namespace cimkit::apps {
namespace {

// What an existing path is, when it is not something an output may replace; "" for a regular file.
std::string unreplaceable_kind(const struct stat& s) {
    if (S_ISREG(s.st_mode)) return "";
    if (S_ISLNK(s.st_mode)) return "is a symbolic link; cimkit does not write through links (expected a regular file or a new name)";
    if (S_ISDIR(s.st_mode)) return "is a folder, expected an output file name";
    if (S_ISFIFO(s.st_mode)) return "is a FIFO (named pipe), expected a regular file or a new name";
    if (S_ISCHR(s.st_mode)) return "is a character device, expected a regular file or a new name";
    if (S_ISBLK(s.st_mode)) return "is a block device, expected a regular file or a new name";
    if (S_ISSOCK(s.st_mode)) return "is a socket, expected a regular file or a new name";
    return "is not a regular file, expected a regular file or a new name";
}

// Refuses what cannot be written before the lock file is made beside it; returns whether `output`
// exists (as a regular file).
bool check_writable_path(const std::filesystem::path& output) {
    if (output.filename().empty() || output.filename() == "." || output.filename() == "..") {
        throw IoError(output.string(), "is a folder, expected an output file name");
    }
    const std::filesystem::path folder = output.parent_path().empty() ? "." : output.parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec)) throw IoError(output.string(), "folder '" + folder.string() + "' does not exist");
    struct stat s {};
    if (::lstat(output.c_str(), &s) != 0) {
        if (errno == ENOENT) return false;
        throw IoError(output.string(), "cannot inspect it: " + system_reason(errno));
    }
    const std::string kind = unreplaceable_kind(s);
    if (!kind.empty()) throw IoError(output.string(), kind);
    return true;
}

}  // namespace

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
    std::error_code ec;
    if (std::filesystem::exists(a, ec) && std::filesystem::exists(b, ec)) return std::filesystem::equivalent(a, b, ec);
    const auto resolved = [](const std::filesystem::path& p) {
        std::error_code ignored;
        const auto canonical = std::filesystem::weakly_canonical(std::filesystem::absolute(p, ignored), ignored);
        return canonical.empty() ? p.lexically_normal() : canonical;
    };
    return resolved(a) == resolved(b);
}

OutputClaim::OutputClaim(const std::filesystem::path& output, const std::vector<NamedInput>& inputs, bool replace)
    : lock_([&] {
          check_writable_path(output);
          for (const auto& input : inputs) {
              if (!input.path.empty() && same_file(output, input.path)) {
                  throw IoError(output.string(), "is also " + input.what + " ('" + input.path.string() +
                                                     "'); write the output to another path");
              }
          }
          return output;
      }()) {
    // Checked again under the lock: another process may have written it in the meantime.
    if (check_writable_path(output) && !replace) {
        throw IoError(output.string(), "exists; pass --force to replace it");
    }
}

}  // namespace cimkit::apps
