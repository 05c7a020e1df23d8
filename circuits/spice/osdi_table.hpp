#pragma once
// cimkit's OSDI device library (circuits/osdi/shared_g.c) seen from C++: where it is, whether a
// netlist uses it, and its process-global conductance table. The element `cimkit_shared_g` with
// slot=k conducts I = G[k] V; writing G[k] between two solves changes the next solve with no reload
// and no EXTERNAL callback (docs/performance-notes.md, "A compiled device element").
//
// The engine loads the library (ngspice's `osdi FILE` command) before a netlist whose .model cards
// name the device (Engine::load); only cimkit's own library is ever loaded this way, from its fixed
// place, so a user netlist can name the device but cannot load other code (the netlist guard still
// refuses .pre_osdi). The library is opened here with dlopen of the same file, which gives the same
// object as ngspice's dlopen: one table.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "circuits/spice/netlist_text.hpp"

struct CimkitSharedGTable;

namespace cimkit::spice {

// The OSDI device names, for .model cards: ".model g cimkit_shared_g",
// ".model m cimkit_shared_mtj tmr=... v_half=...".
extern const char* const shared_g_device;
extern const char* const shared_mtj_device;

// resource_dir(Resource::osdi) / "cimkit_shared_g.osdi" (devices/core/resource_dirs.hpp).
std::filesystem::path shared_g_library_path();

// True when a .model card of `netlist` has the type of one of the library's devices.
bool uses_shared_g(const NetlistText& netlist);

class SharedConductanceTable {
public:
    // The process's table. The first call opens the library; throws cimkit::Error naming the path
    // (and how to build or move it) when it cannot be opened.
    static SharedConductanceTable& process();

    // `count` new slots at 0 S; returns the first. Slots are never given back: a loaded circuit
    // keeps reading them. Throws cimkit::Error when the table cannot grow.
    std::uint32_t allocate(std::uint32_t count);
    // Throws UsageError for a slot outside the table or a conductance that is not finite and >= 0.
    void set(std::uint32_t slot, double g_S);
    double get(std::uint32_t slot) const;
    std::uint32_t size() const;

private:
    SharedConductanceTable();
    // Throws UsageError for a slot outside the table.
    void check_slot(std::uint32_t slot) const;
    CimkitSharedGTable* (*grow_)(std::uint32_t) = nullptr;
    CimkitSharedGTable* table_ = nullptr;
};

}  // namespace cimkit::spice
