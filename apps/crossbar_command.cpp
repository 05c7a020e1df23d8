#include "apps/crossbar_command.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "analysis/characterization/characterization_export.hpp"
#include "analysis/crossbar_experiment.hpp"
#include "analysis/provenance.hpp"
#include "analysis/waveform_export.hpp"
#include "devices/core/errors.hpp"
#include "devices/registry.hpp"

namespace cimkit::apps {
namespace {

// Refuses, before any simulation, a netlist path whose folder is missing or that names a folder.
void check_text_output(const std::string& path) {
    const std::filesystem::path p(path);
    const std::filesystem::path folder = p.parent_path().empty() ? "." : p.parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec)) throw IoError(path, "cannot write the netlist: folder '" + folder.string() + "' does not exist");
    if (std::filesystem::is_directory(p, ec)) throw IoError(path, "cannot write the netlist: it is a folder");
}

// Written under a temporary name beside the target and renamed onto it, like every cimkit output; on
// any failure the temporary is removed and an earlier file at `path` is left as it was.
void write_text_atomically(const std::string& path, const std::string& text) {
    const std::filesystem::path final_path(path);
    const auto temporary = final_path.parent_path() / ("." + final_path.filename().string() + ".part-" + std::to_string(::getpid()));
    const auto fail = [&](const std::string& what, int error) {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        std::string reason = std::strerror(error);
        if (error == ENOSPC || error == EFBIG || error == EDQUOT) reason += " (disk full?)";
        throw IoError(path, "cannot " + what + " the netlist: " + reason);
    };
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail("write", errno);
    for (std::size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            fail("write", error);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 && errno != EINVAL) {  // EINVAL: a file system without fsync
        const int error = errno;
        ::close(fd);
        fail("write", error);
    }
    if (::close(fd) != 0) fail("write", errno);
    if (::rename(temporary.c_str(), final_path.c_str()) != 0) fail("move into place", errno);
}

void write_result(h5::File& file, const CrossbarOptions& o, const analysis::CrossbarResult& r) {
    file.write("/crossbar/spice/column_current", r.spice_column_current_A, "A");
    file.write("/crossbar/compact/column_current", r.compact_column_current_A, "A");
    file.write("/crossbar/spice/output", r.spice_output_A, "A");
    file.write("/crossbar/compact/output", r.compact_output_A, "A");
    if (!r.spice_column_output_V.empty()) file.write("/crossbar/spice/column_output", r.spice_column_output_V, "V");
    file.write("/crossbar/inputs", r.inputs_V, "V");
    file.write_matrix("/crossbar/weights", r.weights, static_cast<std::size_t>(o.rows), static_cast<std::size_t>(o.columns), "1");
    file.write_matrix("/crossbar/levels", r.levels, static_cast<std::size_t>(o.rows), static_cast<std::size_t>(r.physical_columns), "1");
    file.set_attribute("/crossbar", "scheme", o.scheme);
    file.set_attribute("/crossbar", "access_transistor", o.access_transistor ? "yes" : "no");
    file.set_attribute("/crossbar", "readout", o.readout);
    file.set_attribute("/crossbar", "device", o.device);
    file.set_attribute("/crossbar", "spice_face", r.face);
    file.set_attribute("/crossbar", "max_relative_error", r.max_relative_error);
    file.set_attribute("/crossbar", "max_relative_error_units", "1");
    file.set_attribute("/crossbar", "read_energy_J", r.read_energy_J);
    file.set_attribute("/crossbar", "read_latency_s", r.read_latency_s);
    file.set_attribute("/crossbar", "wire_segment_ohm", o.wire_ohm);
    file.set_attribute("/crossbar", "compact_includes_wires", r.compact_includes_wires ? "yes" : "no");
    analysis::write_waveforms(file, r.waveforms);
}

}  // namespace

CLI::App* add_crossbar_command(CLI::App& app, CrossbarOptions& options) {
    CLI::App* cmd = app.add_subcommand("crossbar", "One MVM through an ngspice crossbar and the compact model, compared");
    cmd->add_option("--device", options.device, "Device model (see 'cimkit devices')")->required();
    cmd->add_option("--rows", options.rows, "Rows (inputs), default 16");
    cmd->add_option("--cols", options.columns, "Columns (outputs), default 8");
    cmd->add_option("--wire-ohm", options.wire_ohm, "Wire resistance per segment, rows and columns (Ohm), default 0");
    cmd->add_option("--scheme", options.scheme, "Weight mapping: single, differential or reference (default single)");
    cmd->add_flag("--1t1r", options.access_transistor, "Add a select transistor in series with every device");
    cmd->add_option("--readout", options.readout, "Column read-out: ideal (virtual ground) or tia (op-amp TIA, netlists/peripherals/tia.lib)")
        ->check(CLI::IsMember({"ideal", "tia"}));
    cmd->add_option("--face", options.face, "SPICE face variant: 'transistor' (gain cell) or 'cosim' (pcm, domain_wall, mosfet; EXTERNAL sources, not runnable in ngspice -b)");
    cmd->add_option("--seed", options.seed, "Random seed for weights, states and inputs (default 1)");
    cmd->add_option("--emit-netlist", options.netlist_path, "Also write the generated SPICE netlist (runs in ngspice -b)");
    cmd->add_option("-o,--output", options.output_path, "HDF5 file to write")->required();
    cmd->add_option("--set", options.settings, "Override a device parameter: key=value (repeatable)");
    return cmd;
}

int run_crossbar_command(const CrossbarOptions& o, const std::string& command_line) {
    std::vector<Setting> settings;
    for (const auto& text : o.settings) settings.push_back(parse_setting(text, "--set"));
    const auto model = builtin_devices().find(o.device).make(settings);
    const analysis::CrossbarRun run{{o.rows, o.columns, o.wire_ohm, o.wire_ohm}, circuits::parse_weight_scheme(o.scheme),
                                    o.access_transistor, o.face, o.readout == "tia", o.seed};
    circuits::validate_geometry(run.geometry);
    h5::File file(o.output_path);  // an unusable output path fails before the simulation
    if (!o.netlist_path.empty()) check_text_output(o.netlist_path);
    const auto result = analysis::run_crossbar(*model, run);
    if (!o.netlist_path.empty()) write_text_atomically(o.netlist_path, result.netlist);
    analysis::write_provenance(file, command_line);
    file.set_attribute("/", "seed", static_cast<double>(o.seed));
    file.set_attribute("/", "config_toml", analysis::parameters_toml(*model));
    write_result(file, o, result);
    file.commit();
    std::printf("%s\nwrote %s\n", analysis::crossbar_summary(o.device, run, result).c_str(), o.output_path.c_str());
    return 0;
}

}  // namespace cimkit::apps
