#pragma once
// One dlopen()ed copy of libngspice with the entry points cimkit uses.
//
// ngspice is loaded at run time rather than linked because its fatal-error path (ControlledExit)
// leaves the library unusable, and calling ngSpice_Init again segfaults. Unloading with dlclose()
// and loading again is the documented way back to a working engine
// (docs/ngspice-facts.md#reload-after-a-fatal-error).
#include <ngspice/sharedspice.h>

#include <string>

namespace cimkit::spice {

class NgspiceLibrary {
public:
    // Loads the library (CIMKIT_NGSPICE_LIBRARY overrides the path found at build time).
    NgspiceLibrary();
    ~NgspiceLibrary();
    NgspiceLibrary(const NgspiceLibrary&) = delete;
    NgspiceLibrary& operator=(const NgspiceLibrary&) = delete;

    const std::string& path() const { return path_; }
    // The file a new NgspiceLibrary loads: CIMKIT_NGSPICE_LIBRARY, else the one found at build time.
    static std::string default_path();

    decltype(&::ngSpice_Init) init = nullptr;
    decltype(&::ngSpice_Init_Sync) init_sync = nullptr;
    decltype(&::ngSpice_Command) command = nullptr;
    decltype(&::ngSpice_Circ) circ = nullptr;
    decltype(&::ngGet_Vec_Info) vec_info = nullptr;
    decltype(&::ngSpice_AllPlots) all_plots = nullptr;
    decltype(&::ngSpice_AllVecs) all_vecs = nullptr;
    decltype(&::ngSpice_CurPlot) cur_plot = nullptr;
    decltype(&::ngSpice_SetBkpt) set_breakpoint = nullptr;

private:
    void* handle_ = nullptr;
    std::string path_;
};

}  // namespace cimkit::spice
