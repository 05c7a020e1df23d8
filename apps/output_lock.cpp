#include "apps/output_lock.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "devices/core/cleanup_on_signal.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/temporary_file.hpp"

namespace cimkit::apps {

OutputLock::OutputLock(const std::filesystem::path& output)
    : lock_path_(output.parent_path() / ("." + output.filename().string() + ".lock")) {
    // The holder deletes the lock file at its end. A process that opened the file just before that
    // then locks a deleted file, so a lock only counts while the path still names the locked file;
    // otherwise try again on the file now at the path.
    for (int attempt = 0; attempt < 100; ++attempt) {
        fd_ = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd_ < 0) {
            throw IoError(output.string(), "cannot create the lock file '" + lock_path_.filename().string() +
                                               "' beside it: " + system_reason(errno));
        }
        struct flock whole_file {};
        whole_file.l_type = F_WRLCK;
        whole_file.l_whence = SEEK_SET;  // l_start = l_len = 0: the whole file
        if (::fcntl(fd_, F_SETLK, &whole_file) != 0) {
            const int error = errno;
            ::close(fd_);
            fd_ = -1;
            if (error == EACCES || error == EAGAIN) {
                throw IoError(output.string(), "another cimkit process is writing it (lock file '" +
                                                   lock_path_.filename().string() + "'); wait for it to finish");
            }
            throw IoError(output.string(), "cannot lock '" + lock_path_.filename().string() + "': " + system_reason(error));
        }
        struct stat held {}, named {};
        if (::fstat(fd_, &held) == 0 && ::lstat(lock_path_.c_str(), &named) == 0 && held.st_dev == named.st_dev &&
            held.st_ino == named.st_ino) {
            cleanup_slot_ = cleanup_on_signal::add(lock_path_.string());
            return;
        }
        ::close(fd_);
        fd_ = -1;
    }
    throw IoError(output.string(), "cannot lock '" + lock_path_.filename().string() + "': it keeps being replaced");
}

OutputLock::~OutputLock() {
    // Deleted while still locked, so no other process can lock this file after we let go of it.
    ::unlink(lock_path_.c_str());
    cleanup_on_signal::forget(cleanup_slot_);
    ::close(fd_);
}

}  // namespace cimkit::apps
