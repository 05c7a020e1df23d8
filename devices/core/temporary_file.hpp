#pragma once
// A new file under a unique temporary name beside its final path, renamed onto that path when it
// is complete. Every cimkit output is written this way, so an earlier file at the final path stays
// as it was until the new one is whole.
//
// The name is ".<final name>.part-<pid>-<counter>", created with O_EXCL: two writers in one process
// (an HDF5 file and a netlist aimed at one path, or two epochs' files) never share a temporary, and
// a stale one left by a crashed process of the same pid is skipped, not reused. The temporary is
// deleted when the object is destroyed before move_into_place(), and on SIGINT/SIGTERM
// (devices/core/cleanup_on_signal.hpp).
#include <cstddef>
#include <filesystem>
#include <string>

namespace cimkit {

class TemporaryFile {
public:
    // Creates the temporary (mode 0666 less the umask, as an ordinary new file) and keeps it open.
    // Throws IoError naming `final_path` and the system's reason.
    explicit TemporaryFile(std::filesystem::path final_path);
    ~TemporaryFile();
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;

    const std::filesystem::path& path() const { return temporary_; }
    const std::filesystem::path& final_path() const { return final_; }
    // The open descriptor (write-only), or -1 after close().
    int fd() const { return fd_; }

    // Writes all of `bytes`, fsyncs and closes. Throws IoError with the system's reason ("File too
    // large (disk full?)"); the temporary is then deleted by the destructor.
    void write_all_and_close(const char* bytes, std::size_t size);
    // Closes the descriptor without writing (for a library that reopens the file by name).
    void close();
    // fsyncs the temporary and renames it onto the final path. Throws IoError with the reason.
    void move_into_place();

private:
    std::filesystem::path final_;
    std::filesystem::path temporary_;
    int fd_ = -1;
    int cleanup_slot_ = -1;
    bool in_place_ = false;
};

// The system's text for an errno value, with " (disk full?)" when it means the disk or a size limit
// is exhausted (ENOSPC, EFBIG, EDQUOT).
std::string system_reason(int error);

}  // namespace cimkit
