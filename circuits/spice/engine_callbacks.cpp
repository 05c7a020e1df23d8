#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "circuits/spice/engine_impl.hpp"
#include "devices/core/text.hpp"

// What ngspice calls back during a command (docs/engine.md): output lines, its fatal exits, and the
// values of EXTERNAL sources. None of them may let an exception into ngspice's C code.
namespace cimkit::spice {
namespace {

// Bounds the captured output of a long run (training issues millions of solves).
constexpr std::size_t max_output_lines = 20000;

Engine::Impl& self(void* user) { return *static_cast<Engine::Impl*>(user); }

int on_output(char* text, int, void* user) {
    Engine::Impl& impl = self(user);
    std::string line = text ? text : "";
    if (text::starts_with(line, "stderr ")) impl.stderr_lines.push_back(line.substr(7));
    // OSDI set-up errors go to stdout (osdisetup.c, osdicallbacks.c): the reason an analysis failed.
    if (text::starts_with(line, "stdout OSDI") || text::starts_with(line, "stdout Parameter ")) impl.osdi_lines.push_back(line.substr(7));
    if (impl.capture) impl.capture->push_back(line);
    if (impl.output.size() >= max_output_lines) impl.output.pop_front();
    impl.output.push_back(std::move(line));
    return 0;
}

int on_controlled_exit(int, NG_BOOL, NG_BOOL, int, void* user) {
    // ngspice longjmps back into the command that failed once this returns; the library is then
    // unusable until it is reloaded, which the engine does after the command returns.
    self(user).fatal_seen = true;
    return 0;
}

int external_value(std::map<std::string, SourceFunction>& sources, const char* kind, double* value,
                   double time_s, char* name, Engine::Impl& impl) {
    *value = 0.0;
    if (impl.breakpoints_armed) {
        impl.breakpoints_armed = false;
        for (const double t : impl.pending_breakpoints_s) impl.library->set_breakpoint(t);
    }
    try {
        auto cached = impl.source_by_name_pointer.find(name);
        if (cached == impl.source_by_name_pointer.end()) {
            const auto it = sources.find(text::to_lower(name ? name : ""));
            if (it == sources.end()) {
                throw Error(std::string("EXTERNAL ") + kind + " source '" + (name ? name : "") +
                            "' has no C++ function registered");
            }
            cached = impl.source_by_name_pointer.emplace(name, &it->second).first;
        }
        *value = (*cached->second)(time_s);
    } catch (...) {
        if (!impl.callback_error) impl.callback_error = std::current_exception();
    }
    return 0;  // exceptions never cross into ngspice; run() rethrows
}

int on_external_voltage(double* value, double time_s, char* name, int, void* user) {
    return external_value(self(user).voltage_sources, "voltage", value, time_s, name, self(user));
}

int on_external_current(double* value, double time_s, char* name, int, void* user) {
    return external_value(self(user).current_sources, "current", value, time_s, name, self(user));
}

// SendInitData: the vectors of a new plot, just before its analysis starts. Finds the observed ones.
int on_init_data(pvecinfoall info, int, void* user) {
    Engine::Impl& impl = self(user);
    if (!impl.point_observer || !info) return 0;
    std::fill(impl.observed_index.begin(), impl.observed_index.end(), -1);
    for (int v = 0; v < info->veccount; ++v) {
        const std::string name = text::to_lower(info->vecs[v]->vecname ? info->vecs[v]->vecname : "");
        for (std::size_t k = 0; k < impl.observed_names.size(); ++k) {
            if (impl.observed_names[k] == name) impl.observed_index[k] = v;
        }
    }
    return 0;
}

// SendData: called by ngspice's OUTpData after each accepted point was written to the plot
// (sharedspice.c, sh_ExecutePerLoop), before the next time step is chosen or loaded.
int on_data(pvecvaluesall values, int, int, void* user) {
    Engine::Impl& impl = self(user);
    if (!impl.point_observer || !values || impl.callback_error) return 0;
    try {
        for (std::size_t k = 0; k < impl.observed_index.size(); ++k) {
            const int v = impl.observed_index[k];
            if (v < 0 || v >= values->veccount) {
                throw Error("Engine: observed vector '" + impl.observed_names[k] + "' is not in the plot (is it .saved?)");
            }
            impl.observed_values[k] = values->vecsa[v]->creal;
        }
        impl.point_observer(impl.observed_values);
        for (const auto& [key, prepare] : impl.before_analysis) prepare();
    } catch (...) {
        impl.callback_error = std::current_exception();
    }
    return 0;
}

// ngSpice_Init reads ./.spiceinit (else ~/.spiceinit) and runs its commands, `shell` included, so
// starting an engine in a folder from a stranger would run that folder's commands. The library starts
// with the working directory at "/", which holds no .spiceinit a user could have placed, and the
// working directory is restored after. chdir is process-wide: an engine starts before any thread of
// cimkit's resolves a relative path (the progress line's thread only writes to stderr). The folder is
// held by an O_PATH descriptor, which needs no read right (a sandboxed worker's Landlock grants none
// on "/"). ~/.spiceinit, the user's own file, is still read outside the workers' sandbox.
class StartedAtRoot {
public:
    StartedAtRoot() : folder_(::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) {
        if (folder_ < 0) throw Error(std::string("cannot start ngspice: cannot hold the working folder: ") + std::strerror(errno));
        if (::chdir("/") != 0) {
            const int error = errno;
            ::close(folder_);
            throw Error(std::string("cannot start ngspice: chdir / failed: ") + std::strerror(error));
        }
    }
    ~StartedAtRoot() {
        // Failing to return would leave relative paths resolving under "/"; nothing sensible remains.
        if (::fchdir(folder_) != 0) std::abort();
        ::close(folder_);
    }
    StartedAtRoot(const StartedAtRoot&) = delete;
    StartedAtRoot& operator=(const StartedAtRoot&) = delete;

private:
    int folder_;
};

}  // namespace

void register_callbacks(Engine::Impl& impl) {
    // `.meas` results reach C++ only as printed lines, which ngspice writes with
    // NGSPICE_MEAS_PRECISION digits after the point (5 by default, read at every measurement): 16
    // prints the double itself (docs/ngspice-facts.md#measure-and-fourier-in-the-shared-library).
    // Written only when different, since setenv may race a getenv on another thread.
    if (const char* digits = std::getenv("NGSPICE_MEAS_PRECISION"); !digits || std::string(digits) != "16") {
        ::setenv("NGSPICE_MEAS_PRECISION", "16", 1);
    }
    {
        const StartedAtRoot no_working_folder_spiceinit;
        // SendData and SendInitData must both be given for either to be called (sharedspice.c).
        impl.library->init(on_output, nullptr, on_controlled_exit, on_data, on_init_data, nullptr, &impl);
    }
    impl.library->init_sync(on_external_voltage, on_external_current, nullptr, &impl.ident, &impl);
}

}  // namespace cimkit::spice
