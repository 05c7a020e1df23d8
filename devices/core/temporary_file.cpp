#include "devices/core/temporary_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "devices/core/cleanup_on_signal.hpp"
#include "devices/core/errors.hpp"

namespace cimkit {
namespace {

std::atomic<unsigned long> next_number{0};

// fsync on a file system without it (EINVAL) is not a failure: there is nothing to flush to.
int fsync_or_unsupported(int fd) {
    if (::fsync(fd) == 0 || errno == EINVAL) return 0;
    return -1;
}

}  // namespace

std::string system_reason(int error) {
    std::string reason = std::strerror(error);
    if (error == ENOSPC || error == EFBIG || error == EDQUOT) reason += " (disk full?)";
    return reason;
}

TemporaryFile::TemporaryFile(std::filesystem::path final_path) : final_(std::move(final_path)) {
    const std::string stem = "." + final_.filename().string() + ".part-" + std::to_string(::getpid()) + "-";
    for (int attempt = 0;; ++attempt) {
        temporary_ = final_.parent_path() / (stem + std::to_string(next_number++));
        fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd_ >= 0) break;
        const int error = errno;
        if (error != EEXIST || attempt >= 100) {
            throw IoError(final_.string(), "cannot create the temporary file '" + temporary_.filename().string() +
                                               "' beside it: " + system_reason(error));
        }
    }
    cleanup_slot_ = cleanup_on_signal::add(temporary_.string());
}

TemporaryFile::~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!in_place_) ::unlink(temporary_.c_str());
    cleanup_on_signal::forget(cleanup_slot_);
}

void TemporaryFile::write_all_and_close(const char* bytes, std::size_t size) {
    for (std::size_t done = 0; done < size;) {
        const ssize_t n = ::write(fd_, bytes + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw IoError(final_.string(), "cannot write: " + system_reason(errno));
        done += static_cast<std::size_t>(n);
    }
    if (fsync_or_unsupported(fd_) != 0) throw IoError(final_.string(), "cannot write: " + system_reason(errno));
    close();
}

void TemporaryFile::close() {
    if (fd_ < 0) return;
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw IoError(final_.string(), "cannot write: " + system_reason(errno));
}

void TemporaryFile::move_into_place() {
    close();
    // A library that wrote through its own descriptor (HDF5) has closed it: flush by name.
    const int fd = ::open(temporary_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) throw IoError(final_.string(), "cannot reopen the finished temporary file: " + system_reason(errno));
    const int synced = fsync_or_unsupported(fd);
    const int sync_error = errno;
    ::close(fd);
    if (synced != 0) throw IoError(final_.string(), "cannot write: " + system_reason(sync_error));
    if (::rename(temporary_.c_str(), final_.c_str()) != 0) {
        throw IoError(final_.string(), "cannot move the finished file into place: " + system_reason(errno));
    }
    in_place_ = true;
}

}  // namespace cimkit
