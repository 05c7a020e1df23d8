#include "analysis/subcircuit_runner.hpp"

#include "analysis/subcircuit_trust.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::analysis {
namespace fs = std::filesystem;
namespace {

spice::WorkerOptions options(const SpiceDeviceName& device, double timeout_s) {
    spice::WorkerOptions o;
    o.solve_timeout_s = timeout_s;
    o.sandbox.enabled = !subcircuit_files_trusted();  // off with --allow-control, as for simulate
    o.sandbox.folder = fs::canonical(fs::absolute(device.file).parent_path());
    o.die_with_parent = true;  // created and ended by the thread that characterises
    return o;
}

}  // namespace

SubcircuitRunner::SubcircuitRunner(const SpiceDeviceName& device, std::string subcircuit, double timeout_s)
    : device_(device), subcircuit_(std::move(subcircuit)), worker_(options(device, timeout_s)) {}

std::string SubcircuitRunner::deck_head(const std::string& purpose) const {
    return "* cimkit " + purpose + ": " + subcircuit_ + "\n.include " + fs::absolute(device_.file).string() + "\n";
}

std::vector<std::vector<double>> SubcircuitRunner::solve(const std::string& deck, const std::string& analysis,
                                                         const std::vector<std::string>& vectors, const std::string& failure) {
    try {
        worker_.load(deck, device_.file.string());
        return worker_.run_and_read(analysis, vectors);
    } catch (const NetlistError&) {
        throw;
    } catch (const Error& e) {
        refuse(failure + " (" + e.what() + "); a device must converge at every state x0 in [0, 1]");
    }
}

void SubcircuitRunner::refuse(const std::string& what) const {
    throw NetlistError(device_.file.string(), 0, "", "subcircuit '" + subcircuit_ + "': " + what);
}

}  // namespace cimkit::analysis
