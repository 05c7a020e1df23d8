#pragma once
// What every subcommand checks before it writes an output path, and the lock it then holds until
// the end of the run: outputs never destroy anything.
//   - an existing path that is not a regular file (folder, device, FIFO, socket, symbolic link) is
//     refused: the output is renamed onto the path, which would replace it (links are not followed);
//   - a path that names one of the command's inputs (the netlist, the config, ...) is refused;
//   - a path another cimkit process is writing is refused (apps/output_lock.hpp);
//   - an existing result is replaced only when the user asked for it (--force).
// Each refusal is an IoError naming the path (exit status 2).
#include <filesystem>
#include <string>
#include <vector>

#include "apps/output_lock.hpp"

namespace cimkit::apps {

// A file the command reads, and what it is for the message ("the netlist").
struct NamedInput {
    std::filesystem::path path;
    std::string what;
};

class OutputClaim {
public:
    // `replace`: an existing regular file at `output` may be replaced (--force, or train --resume
    // rewriting its own run file).
    OutputClaim(const std::filesystem::path& output, const std::vector<NamedInput>& inputs, bool replace);

private:
    OutputLock lock_;
};

// True when `a` and `b` name one file: the same inode when both exist, otherwise the same path once
// "..", "." and links in the folders are resolved.
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace cimkit::apps
