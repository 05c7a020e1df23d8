#include "circuits/spice/ngspice_library.hpp"

#include <dlfcn.h>

#include <cstdlib>

#include "devices/core/errors.hpp"

namespace cimkit::spice {
namespace {

template <typename Function>
void bind(void* handle, const char* symbol, Function& out, const std::string& path) {
    out = reinterpret_cast<Function>(dlsym(handle, symbol));
    if (!out) throw Error("ngspice library '" + path + "' has no symbol " + symbol + "; cimkit needs ngspice 46");
}

}  // namespace

std::string NgspiceLibrary::default_path() {
    if (const char* override_path = std::getenv("CIMKIT_NGSPICE_LIBRARY")) return override_path;
    return CIMKIT_NGSPICE_SHARED_LIBRARY;  // found by CMake at configure time
}

NgspiceLibrary::NgspiceLibrary() : path_(default_path()) {
    // RTLD_LOCAL keeps each loaded copy's globals to itself; RTLD_NOW fails here, not mid-run.
    handle_ = dlopen(path_.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
        const char* reason = dlerror();
        throw Error("cannot load ngspice from '" + path_ + "': " + (reason ? reason : "unknown error") +
                    " (run scripts/setup.sh)");
    }
    try {
        bind(handle_, "ngSpice_Init", init, path_);
        bind(handle_, "ngSpice_Init_Sync", init_sync, path_);
        bind(handle_, "ngSpice_Command", command, path_);
        bind(handle_, "ngSpice_Circ", circ, path_);
        bind(handle_, "ngGet_Vec_Info", vec_info, path_);
        bind(handle_, "ngSpice_AllPlots", all_plots, path_);
        bind(handle_, "ngSpice_AllVecs", all_vecs, path_);
        bind(handle_, "ngSpice_CurPlot", cur_plot, path_);
        bind(handle_, "ngSpice_SetBkpt", set_breakpoint, path_);
    } catch (...) {
        dlclose(handle_);
        throw;
    }
}

NgspiceLibrary::~NgspiceLibrary() {
    if (handle_) dlclose(handle_);
}

}  // namespace cimkit::spice
