/* cimkit's OSDI device library (ngspice 46, `osdi FILE`): two-terminal elements whose state lives in
 * a process-global table, so a loaded circuit's states change between solves with no reload and no
 * EXTERNAL callback (docs/performance-notes.md, "A compiled device element").
 *
 *   .model gshared cimkit_shared_g
 *   Ndev_3_4 row_3 col_4 gshared slot=57
 *
 * cimkit_shared_g conducts I = m G[slot] V(p,n) from p to n, G from shared_g_table.h. The law is
 * linear, so the Jacobian is m G and the Newton right-hand side J v - I is zero: a load is four
 * matrix additions, as for a resistor.
 *
 *   .model mtj cimkit_shared_mtj tmr=1.5 v_half=0.5
 *   Ndev_3_4 row_3 col_4 mtj slot=114
 *
 * cimkit_shared_mtj is the domain wall's MTJ (devices/mtj.hpp, law in devices/mtj_law.h) with its
 * parallel part P = G[slot] and zero-bias antiparallel part A = G[slot + 1] (both in S):
 * I = m V (P + A / (1 + TMR(V))), TMR(V) = tmr / (1 + (V/v_half)^2).
 * No charges, no noise, no internal nodes in either. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/osdi/osdi_abi.h"
#include "circuits/osdi/shared_g_table.h"
#include "devices/mtj_law.h"

#define EXPORT __attribute__((visibility("default")))

/* ---- the table ---------------------------------------------------------------------------------- */

static CimkitSharedGTable table = {NULL, 0};

EXPORT CimkitSharedGTable* cimkit_shared_g_grow(uint32_t size) {
    if (size <= table.size) return &table;
    double* grown = (double*)realloc(table.g_S, (size_t)size * sizeof(double));
    if (grown == NULL) return NULL;
    memset(grown + table.size, 0, (size_t)(size - table.size) * sizeof(double));
    table.g_S = grown;
    table.size = size;
    return &table;
}

/* ---- the instance --------------------------------------------------------------------------------- */

enum { node_p, node_n, num_nodes };
enum { param_mfactor, param_slot, num_instance_params, param_tmr = num_instance_params, param_v_half, num_mtj_params };
enum { jac_pp, jac_pn, jac_np, jac_nn, num_jacobian };

typedef struct Instance {
    uint32_t node_mapping[num_nodes];       /* written by ngspice: global node numbers of p, n */
    double* jacobian_ptr[num_jacobian];     /* written by ngspice: matrix elements (pp, pn, np, nn) */
    double residual_A[num_nodes];           /* current out of p and of n at the last eval */
    double rhs_A;                           /* J v - I(v) at the last eval (nonlinear laws) */
    double mfactor;                         /* parameter $mfactor (m), default 1 */
    int32_t slot;                           /* parameter slot, required */
    uint32_t given;                         /* bit per parameter set on the instance line */
    bool collapsed[1];                      /* no collapsible pair; ngspice still clears this field */
    double g_S;                             /* dI/dV at the last eval */
} Instance;

typedef struct Model {
    double tmr0;      /* cimkit_shared_mtj: zero-bias TMR, required, >= 0 */
    double v_half_V;  /* cimkit_shared_mtj: bias at which the TMR has halved, required, > 0 */
    uint32_t given;   /* bit per parameter id set on the .model card */
} Model;

/* ngspice fills this with its logger when it loads the library (osdiregistry.c). */
EXPORT OsdiLogFunction osdi_log = NULL;

static void log_error(void* handle, const char* message) {
    if (osdi_log == NULL) return;
    char copy[256];
    snprintf(copy, sizeof copy, "%s\n", message);
    osdi_log(handle, copy, CIMKIT_OSDI_LOG_ERR);
}

/* Both elements' parameters: the instance's, then the MTJ's model parameters (ids as in params[]). */
static void* access_param(void* inst_, void* model_, uint32_t id, uint32_t flags) {
    Instance* inst = (Instance*)inst_;
    Model* model = (Model*)model_;
    if (id < num_instance_params) {
        if (inst == NULL) return NULL;
        if (flags & CIMKIT_OSDI_ACCESS_SET) inst->given |= 1u << id;
        return id == param_mfactor ? (void*)&inst->mfactor : (void*)&inst->slot;
    }
    if (model == NULL || id >= num_mtj_params) return NULL;
    if (flags & CIMKIT_OSDI_ACCESS_SET) model->given |= 1u << id;
    return id == param_tmr ? (void*)&model->tmr0 : (void*)&model->v_half_V;
}

/* One setup error on `parameter`: ngspice prints "Parameter NAME is out of bounds!" and fails the
 * set-up. ngspice 46 does not free the errors; a later one may, so the array comes from malloc. */
static void refuse_parameter(OsdiInitInfo* res, uint32_t parameter) {
    OsdiInitError* error = (OsdiInitError*)malloc(sizeof(OsdiInitError));
    if (error == NULL) {
        res->flags = CIMKIT_OSDI_EVAL_FATAL;
        return;
    }
    error->code = CIMKIT_OSDI_INIT_ERR_OUT_OF_BOUNDS;
    error->payload.parameter_id = parameter;
    res->num_errors = 1;
    res->errors = error;
}

static void setup_model(void* handle, void* model, OsdiSimParas* sim_params, OsdiInitInfo* res) {
    (void)handle, (void)model, (void)sim_params;
    *res = (OsdiInitInfo){0, 0, NULL};
}

static void setup_mtj_model(void* handle, void* model_, OsdiSimParas* sim_params, OsdiInitInfo* res) {
    (void)sim_params;
    const Model* model = (const Model*)model_;
    *res = (OsdiInitInfo){0, 0, NULL};
    if (!(model->given & (1u << param_tmr)) || !(model->tmr0 >= 0.0)) {
        log_error(handle, "cimkit_shared_mtj: the model needs tmr >= 0");
        refuse_parameter(res, param_tmr);
    } else if (!(model->given & (1u << param_v_half)) || !(model->v_half_V > 0.0)) {
        log_error(handle, "cimkit_shared_mtj: the model needs v_half > 0 (V)");
        refuse_parameter(res, param_v_half);
    }
}

/* Refuses a missing slot and one whose `width` entries are not all in the table: reading past it
 * would read garbage. ngspice prints "Parameter slot is out of bounds!" and fails the set-up; the
 * log line says which. */
static void setup_slots(void* handle, Instance* inst, uint32_t width, OsdiInitInfo* res) {
    *res = (OsdiInitInfo){0, 0, NULL};
    if (!(inst->given & (1u << param_mfactor))) inst->mfactor = 1.0;
    const bool has_slot = (inst->given & (1u << param_slot)) != 0;
    if (has_slot && inst->slot >= 0 && (uint64_t)inst->slot + width <= table.size) return;
    char message[200];
    if (!has_slot) {
        snprintf(message, sizeof message, "cimkit OSDI element: no slot= given (slot k selects conductance table entry k)");
    } else {
        snprintf(message, sizeof message, "cimkit OSDI element: slot=%d (%u entries) is outside the conductance table (%u slots)",
                 (int)inst->slot, (unsigned)width, (unsigned)table.size);
    }
    log_error(handle, message);
    refuse_parameter(res, param_slot);
}

static void setup_instance(void* handle, void* inst, void* model, double temperature, uint32_t num_terminals,
                           OsdiSimParas* sim_params, OsdiInitInfo* res) {
    (void)model, (void)temperature, (void)num_terminals, (void)sim_params;
    setup_slots(handle, (Instance*)inst, 1, res);
}

static void setup_mtj_instance(void* handle, void* inst, void* model, double temperature, uint32_t num_terminals,
                               OsdiSimParas* sim_params, OsdiInitInfo* res) {
    (void)model, (void)temperature, (void)num_terminals, (void)sim_params;
    setup_slots(handle, (Instance*)inst, 2, res);
}

static uint32_t eval(void* handle, void* inst_, const void* model, const OsdiSimInfo* info) {
    (void)model;
    Instance* inst = (Instance*)inst_;
    /* The table never shrinks, so a slot checked at set-up stays valid; this guards the one way it
     * could not be: the table's memory lost (grow never frees it). */
    if (table.g_S == NULL || (uint32_t)inst->slot >= table.size) {
        log_error(handle, CIMKIT_SHARED_G_DEVICE ": the conductance table lost this slot");
        return CIMKIT_OSDI_EVAL_FATAL;
    }
    const double v_V = info->prev_solve[inst->node_mapping[node_p]] - info->prev_solve[inst->node_mapping[node_n]];
    inst->g_S = inst->mfactor * table.g_S[inst->slot];
    const double i_A = inst->g_S * v_V;
    inst->residual_A[node_p] = i_A;
    inst->residual_A[node_n] = -i_A;
    return 0;
}

static uint32_t eval_mtj(void* handle, void* inst_, const void* model_, const OsdiSimInfo* info) {
    Instance* inst = (Instance*)inst_;
    const Model* model = (const Model*)model_;
    if (table.g_S == NULL || (uint64_t)inst->slot + 2 > table.size) {
        log_error(handle, "cimkit_shared_mtj: the conductance table lost this slot");
        return CIMKIT_OSDI_EVAL_FATAL;
    }
    const double v_V = info->prev_solve[inst->node_mapping[node_p]] - info->prev_solve[inst->node_mapping[node_n]];
    const double p_S = table.g_S[inst->slot], a_S = table.g_S[inst->slot + 1];
    const double tmr = cimkit_mtj_tmr(v_V, model->tmr0, model->v_half_V);
    const double i_A = inst->mfactor * v_V * (p_S + a_S / (1.0 + tmr));
    inst->g_S = inst->mfactor * (p_S + cimkit_mtj_ap_differential_S(a_S, v_V, model->tmr0, model->v_half_V));
    inst->residual_A[node_p] = i_A;
    inst->residual_A[node_n] = -i_A;
    inst->rhs_A = inst->g_S * v_V - i_A;
    return 0;
}

static void load_residual_resist(void* inst_, void* model, double* dst) {
    (void)model;
    const Instance* inst = (const Instance*)inst_;
    dst[inst->node_mapping[node_p]] += inst->residual_A[node_p];
    dst[inst->node_mapping[node_n]] += inst->residual_A[node_n];
}

static void load_jacobian_resist(void* inst_, void* model) {
    (void)model;
    const Instance* inst = (const Instance*)inst_;
    *inst->jacobian_ptr[jac_pp] += inst->g_S;
    *inst->jacobian_ptr[jac_pn] -= inst->g_S;
    *inst->jacobian_ptr[jac_np] -= inst->g_S;
    *inst->jacobian_ptr[jac_nn] += inst->g_S;
}

static void load_jacobian_tran(void* inst, void* model, double alpha) {
    (void)alpha; /* no charges */
    load_jacobian_resist(inst, model);
}

/* Newton's right-hand side is J v - I(v) per node: zero for a linear law, so nothing is added. */
static void load_spice_rhs_dc(void* inst, void* model, double* dst, double* prev_solve) {
    (void)inst, (void)model, (void)dst, (void)prev_solve;
}

static void load_spice_rhs_tran(void* inst, void* model, double* dst, double* prev_solve, double alpha) {
    (void)alpha;
    load_spice_rhs_dc(inst, model, dst, prev_solve);
}

/* A nonlinear law linearised at the last iterate: the companion current J v - I enters p, leaves n. */
static void load_mtj_rhs_dc(void* inst_, void* model, double* dst, double* prev_solve) {
    (void)model, (void)prev_solve;
    const Instance* inst = (const Instance*)inst_;
    dst[inst->node_mapping[node_p]] += inst->rhs_A;
    dst[inst->node_mapping[node_n]] -= inst->rhs_A;
}

static void load_mtj_rhs_tran(void* inst, void* model, double* dst, double* prev_solve, double alpha) {
    (void)alpha;
    load_mtj_rhs_dc(inst, model, dst, prev_solve);
}

/* No charges, no limiting, no noise: ngspice calls these without checking, so they exist. */
static void load_nothing(void* inst, void* model, double* dst) { (void)inst, (void)model, (void)dst; }
static void load_no_react_jacobian(void* inst, void* model, double alpha) { (void)inst, (void)model, (void)alpha; }
static void load_no_noise(void* inst, void* model, double freq, double* noise) {
    (void)inst, (void)model, (void)freq, (void)noise;
}

/* ---- the descriptor ----------------------------------------------------------------------------- */

static OsdiNode nodes[num_nodes] = {
    {"p", "V", "A", offsetof(Instance, residual_A) + node_p * sizeof(double), CIMKIT_OSDI_NONE, CIMKIT_OSDI_NONE,
     CIMKIT_OSDI_NONE, false},
    {"n", "V", "A", offsetof(Instance, residual_A) + node_n * sizeof(double), CIMKIT_OSDI_NONE, CIMKIT_OSDI_NONE,
     CIMKIT_OSDI_NONE, false},
};

static OsdiJacobianEntry jacobian[num_jacobian] = {
    {{node_p, node_p}, CIMKIT_OSDI_NONE, CIMKIT_OSDI_JACOBIAN_RESIST},
    {{node_p, node_n}, CIMKIT_OSDI_NONE, CIMKIT_OSDI_JACOBIAN_RESIST},
    {{node_n, node_p}, CIMKIT_OSDI_NONE, CIMKIT_OSDI_JACOBIAN_RESIST},
    {{node_n, node_n}, CIMKIT_OSDI_NONE, CIMKIT_OSDI_JACOBIAN_RESIST},
};

/* "$mfactor" is the name ngspice knows as `m` (osdiinit.c adds the alias); without it ngspice counts
 * an `m` entry it never fills. */
static char* mfactor_names[] = {"$mfactor"};
static char* slot_names[] = {"slot"};
static char* tmr_names[] = {"tmr"};
static char* v_half_names[] = {"v_half"};
/* cimkit_shared_g uses the first two; cimkit_shared_mtj all four (model parameters after instance ones). */
static OsdiParamOpvar params[num_mtj_params] = {
    {mfactor_names, 0, "parallel multiplier", "", CIMKIT_OSDI_PARA_TY_REAL | CIMKIT_OSDI_PARA_KIND_INST, 0},
    {slot_names, 0, "index into the process-global conductance table", "", CIMKIT_OSDI_PARA_TY_INT | CIMKIT_OSDI_PARA_KIND_INST, 0},
    {tmr_names, 0, "zero-bias tunnel magnetoresistance", "", CIMKIT_OSDI_PARA_TY_REAL, 0},
    {v_half_names, 0, "bias at which the TMR has halved", "V", CIMKIT_OSDI_PARA_TY_REAL, 0},
};

/* The fields both elements share; each descriptor adds its name, parameters and law. */
#define CIMKIT_COMMON_DESCRIPTOR                                          \
    .num_nodes = num_nodes, .num_terminals = num_nodes, .nodes = nodes,   \
    .num_jacobian_entries = num_jacobian, .jacobian_entries = jacobian,   \
    .num_collapsible = 0, .collapsible = NULL,                            \
    .collapsed_offset = offsetof(Instance, collapsed),                    \
    .noise_sources = NULL, .num_noise_src = 0,                            \
    .num_instance_params = num_instance_params, .num_opvars = 0,          \
    .param_opvar = params,                                                \
    .node_mapping_offset = offsetof(Instance, node_mapping),              \
    .jacobian_ptr_resist_offset = offsetof(Instance, jacobian_ptr),       \
    .num_states = 0, .state_idx_off = CIMKIT_OSDI_NONE,                   \
    .bound_step_offset = CIMKIT_OSDI_NONE,                                \
    .instance_size = sizeof(Instance), .model_size = sizeof(Model),       \
    .access = access_param,                                               \
    .load_noise = load_no_noise,                                          \
    .load_residual_resist = load_residual_resist,                         \
    .load_residual_react = load_nothing,                                  \
    .load_limit_rhs_resist = load_nothing,                                \
    .load_limit_rhs_react = load_nothing,                                 \
    .load_jacobian_resist = load_jacobian_resist,                         \
    .load_jacobian_react = load_no_react_jacobian,                        \
    .load_jacobian_tran = load_jacobian_tran

EXPORT const uint32_t OSDI_VERSION_MAJOR = CIMKIT_OSDI_VERSION_MAJOR;
EXPORT const uint32_t OSDI_VERSION_MINOR = CIMKIT_OSDI_VERSION_MINOR;
EXPORT const uint32_t OSDI_NUM_DESCRIPTORS = 2;
EXPORT const OsdiDescriptor OSDI_DESCRIPTORS[2] = {
    {
        CIMKIT_COMMON_DESCRIPTOR,
        .name = CIMKIT_SHARED_G_DEVICE,
        .num_params = num_instance_params,
        .setup_model = setup_model,
        .setup_instance = setup_instance,
        .eval = eval,
        .load_spice_rhs_dc = load_spice_rhs_dc,
        .load_spice_rhs_tran = load_spice_rhs_tran,
    },
    {
        CIMKIT_COMMON_DESCRIPTOR,
        .name = CIMKIT_SHARED_MTJ_DEVICE,
        .num_params = num_mtj_params,
        .setup_model = setup_mtj_model,
        .setup_instance = setup_mtj_instance,
        .eval = eval_mtj,
        .load_spice_rhs_dc = load_mtj_rhs_dc,
        .load_spice_rhs_tran = load_mtj_rhs_tran,
    },
};
