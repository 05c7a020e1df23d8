/* The process-global conductance table of cimkit's OSDI elements (circuits/osdi/shared_g.c): the
 * element `cimkit_shared_g` with instance parameter slot=k conducts I = m G[k] V(p,n), and
 * `cimkit_shared_mtj` the MTJ law with its two parts in G[k] and G[k+1]. The library owns the
 * table; C++ in the same process (ngspice is embedded) opens the same file with dlopen, which
 * gives the object ngspice loaded, finds the table through the symbol below, and writes
 * conductances between solves: the next solve sees them with no reload
 * (circuits/spice/osdi_table.hpp). */
#pragma once
#include <stdint.h>

typedef struct CimkitSharedGTable {
    double* g_S;   /* size conductances, in S */
    uint32_t size; /* slots 0 .. size-1 exist; an instance with another slot is refused */
} CimkitSharedGTable;

/* Grows the table to at least `size` slots (new slots 0 S) and returns the table, or null when the
 * memory cannot be had (the table is then unchanged). It never shrinks: instances of a loaded
 * circuit keep their slots. */
typedef CimkitSharedGTable* (*CimkitSharedGGrow)(uint32_t size);

#define CIMKIT_SHARED_G_GROW_SYMBOL "cimkit_shared_g_grow"
#define CIMKIT_SHARED_G_DEVICE "cimkit_shared_g"     /* I = m G[slot] V */
#define CIMKIT_SHARED_MTJ_DEVICE "cimkit_shared_mtj" /* the MTJ law, P = G[slot], A = G[slot + 1] */
#define CIMKIT_SHARED_G_LIBRARY "cimkit_shared_g.osdi"
