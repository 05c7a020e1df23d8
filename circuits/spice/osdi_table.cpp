#include "circuits/spice/osdi_table.hpp"

#include <dlfcn.h>

#include <cmath>
#include <sstream>
#include <string>

#include "circuits/osdi/shared_g_table.h"
#include "devices/core/errors.hpp"
#include "devices/core/resource_dirs.hpp"
#include "devices/core/text.hpp"

namespace cimkit::spice {

const char* const shared_g_device = CIMKIT_SHARED_G_DEVICE;
const char* const shared_mtj_device = CIMKIT_SHARED_MTJ_DEVICE;

std::filesystem::path shared_g_library_path() { return resource_dir(Resource::osdi) / CIMKIT_SHARED_G_LIBRARY; }

bool uses_shared_g(const NetlistText& netlist) {
    for (const std::string& line : netlist.lines) {
        if (line.empty() || line[0] != '.') continue;
        std::istringstream words(text::to_lower(line));
        std::string card, name, type;
        if (words >> card >> name >> type && card == ".model" && (type == shared_g_device || type == shared_mtj_device)) return true;
    }
    return false;
}

SharedConductanceTable::SharedConductanceTable() {
    const std::filesystem::path path = shared_g_library_path();
    // RTLD_LOCAL as ngspice opens it (osdiregistry.c); the same file gives the same object.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = dlerror();
        throw Error("cannot open cimkit's OSDI device library " + path.string() + ": " + (why ? why : "unknown error") +
                    " (build the target cimkit_shared_g, or point CIMKIT_OSDI_DIR at its folder)");
    }
    grow_ = reinterpret_cast<CimkitSharedGTable* (*)(std::uint32_t)>(dlsym(handle, CIMKIT_SHARED_G_GROW_SYMBOL));
    if (grow_ == nullptr) throw Error(path.string() + " has no symbol " CIMKIT_SHARED_G_GROW_SYMBOL);
    table_ = grow_(0);
}

SharedConductanceTable& SharedConductanceTable::process() {
    static SharedConductanceTable table;
    return table;
}

std::uint32_t SharedConductanceTable::allocate(std::uint32_t count) {
    const std::uint32_t first = table_->size;
    if (count > UINT32_MAX - first || grow_(first + count) == nullptr) {
        throw Error("the OSDI conductance table cannot grow to " + std::to_string(std::uint64_t{first} + count) + " slots");
    }
    return first;
}

void SharedConductanceTable::check_slot(std::uint32_t slot) const {
    if (slot >= table_->size) {
        throw UsageError("OSDI conductance slot " + std::to_string(slot) + " is outside the table (" +
                         std::to_string(table_->size) + " slots)");
    }
}

void SharedConductanceTable::set(std::uint32_t slot, double g_S) {
    check_slot(slot);
    if (!std::isfinite(g_S) || g_S < 0.0) {
        throw UsageError("OSDI conductance for slot " + std::to_string(slot) + " must be finite and >= 0 S, got " +
                         std::to_string(g_S));
    }
    table_->g_S[slot] = g_S;
}

double SharedConductanceTable::get(std::uint32_t slot) const {
    check_slot(slot);
    return table_->g_S[slot];
}

std::uint32_t SharedConductanceTable::size() const { return table_->size; }

}  // namespace cimkit::spice
