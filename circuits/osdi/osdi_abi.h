/* cimkit's own declarations of the OSDI 0.3 interface as ngspice 46 consumes it (src/osdi/ of
 * ngspice 46: osdiregistry.c dlsyms the symbols below, osdisetup.c and osdiload.c call the
 * descriptor's functions). Written from reading that source, field for field: the layout is an ABI,
 * so the order and the types must not change. Only what cimkit's elements need is named; the
 * structs are complete.
 *
 * What ngspice 46 does with a library loaded by the `osdi FILE` command:
 *   - dlsym OSDI_VERSION_MAJOR and OSDI_VERSION_MINOR (uint32_t, must be 0 and 3 unless the library
 *     also exports OSDI_DESCRIPTOR_SIZE, the 0.4 route we do not take), OSDI_NUM_DESCRIPTORS
 *     (uint32_t) and OSDI_DESCRIPTORS (an array of OsdiDescriptor); optionally `osdi_log` (a function
 *     pointer variable ngspice fills with its logger) and OSDI_LIM_TABLE(_LEN).
 *   - per model: setup_model; per instance: setup_instance, then it writes node_mapping (global node
 *     numbers) and jacobian_ptr_resist (matrix element pointers) into the instance at the offsets
 *     the descriptor gives, and state_idx for num_states states.
 *   - per Newton iteration, per instance: eval, then (dc/op) load_jacobian_resist and
 *     load_spice_rhs_dc, or (tran) load_jacobian_tran and load_spice_rhs_tran. eval's return flags:
 *     EVAL_RET_FLAG_LIM counts a non-converged device, FATAL aborts the analysis.
 *   - AC: load_jacobian_resist and load_jacobian_react; noise: load_noise. Every function pointer
 *     must be set: ngspice calls them without checking. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define CIMKIT_OSDI_VERSION_MAJOR 0u
#define CIMKIT_OSDI_VERSION_MINOR 3u

/* parameter flags */
#define CIMKIT_OSDI_PARA_TY_REAL 0u
#define CIMKIT_OSDI_PARA_TY_INT 1u
#define CIMKIT_OSDI_PARA_KIND_INST (1u << 30)
/* access() flags */
#define CIMKIT_OSDI_ACCESS_SET 1u
#define CIMKIT_OSDI_ACCESS_INSTANCE 4u
/* Jacobian entry flags */
#define CIMKIT_OSDI_JACOBIAN_RESIST 4u
/* eval() return flags */
#define CIMKIT_OSDI_EVAL_FATAL 2u
/* log levels (osdi_log) */
#define CIMKIT_OSDI_LOG_ERR 4u
/* setup error code: parameter out of bounds (ngspice prints "Parameter NAME is out of bounds!") */
#define CIMKIT_OSDI_INIT_ERR_OUT_OF_BOUNDS 1u
/* "none" for an offset or a node */
#define CIMKIT_OSDI_NONE UINT32_MAX

typedef struct OsdiLimFunction {
    char* name;
    uint32_t num_args;
    void* func_ptr;
} OsdiLimFunction;

typedef struct OsdiSimParas {
    char** names;
    double* vals;
    char** names_str;
    char** vals_str;
} OsdiSimParas;

typedef struct OsdiSimInfo {
    OsdiSimParas paras;
    double abstime;
    double* prev_solve; /* the last Newton iterate, indexed by global node number */
    double* prev_state;
    double* next_state;
    uint32_t flags;
} OsdiSimInfo;

typedef union OsdiInitErrorPayload {
    uint32_t parameter_id;
} OsdiInitErrorPayload;

typedef struct OsdiInitError {
    uint32_t code;
    OsdiInitErrorPayload payload;
} OsdiInitError;

typedef struct OsdiInitInfo {
    uint32_t flags;
    uint32_t num_errors;
    OsdiInitError* errors;
} OsdiInitInfo;

typedef struct OsdiNodePair {
    uint32_t node_1;
    uint32_t node_2;
} OsdiNodePair;

typedef struct OsdiJacobianEntry {
    OsdiNodePair nodes;
    uint32_t react_ptr_off;
    uint32_t flags;
} OsdiJacobianEntry;

typedef struct OsdiNode {
    char* name;
    char* units;
    char* residual_units;
    uint32_t resist_residual_off;
    uint32_t react_residual_off;
    uint32_t resist_limit_rhs_off;
    uint32_t react_limit_rhs_off;
    bool is_flow;
} OsdiNode;

typedef struct OsdiParamOpvar {
    char** name; /* name[0], then num_alias aliases */
    uint32_t num_alias;
    char* description;
    char* units;
    uint32_t flags;
    uint32_t len; /* 0: a scalar */
} OsdiParamOpvar;

typedef struct OsdiNoiseSource {
    char* name;
    OsdiNodePair nodes;
} OsdiNoiseSource;

typedef struct OsdiDescriptor {
    char* name;

    uint32_t num_nodes;
    uint32_t num_terminals;
    OsdiNode* nodes;

    uint32_t num_jacobian_entries;
    OsdiJacobianEntry* jacobian_entries;

    uint32_t num_collapsible;
    OsdiNodePair* collapsible;
    uint32_t collapsed_offset;

    OsdiNoiseSource* noise_sources;
    uint32_t num_noise_src;

    uint32_t num_params; /* instance parameters first, then model parameters */
    uint32_t num_instance_params;
    uint32_t num_opvars;
    OsdiParamOpvar* param_opvar;

    uint32_t node_mapping_offset;
    uint32_t jacobian_ptr_resist_offset;

    uint32_t num_states;
    uint32_t state_idx_off;

    uint32_t bound_step_offset;

    uint32_t instance_size;
    uint32_t model_size;

    void* (*access)(void* inst, void* model, uint32_t id, uint32_t flags);

    void (*setup_model)(void* handle, void* model, OsdiSimParas* sim_params, OsdiInitInfo* res);
    void (*setup_instance)(void* handle, void* inst, void* model, double temperature, uint32_t num_terminals,
                           OsdiSimParas* sim_params, OsdiInitInfo* res);

    uint32_t (*eval)(void* handle, void* inst, const void* model, const OsdiSimInfo* info);
    void (*load_noise)(void* inst, void* model, double freq, double* noise_dens);
    void (*load_residual_resist)(void* inst, void* model, double* dst);
    void (*load_residual_react)(void* inst, void* model, double* dst);
    void (*load_limit_rhs_resist)(void* inst, void* model, double* dst);
    void (*load_limit_rhs_react)(void* inst, void* model, double* dst);
    void (*load_spice_rhs_dc)(void* inst, void* model, double* dst, double* prev_solve);
    void (*load_spice_rhs_tran)(void* inst, void* model, double* dst, double* prev_solve, double alpha);
    void (*load_jacobian_resist)(void* inst, void* model);
    void (*load_jacobian_react)(void* inst, void* model, double alpha);
    void (*load_jacobian_tran)(void* inst, void* model, double alpha);
} OsdiDescriptor;

/* ngspice's logger, stored by ngspice into the library's `osdi_log` variable at load. */
typedef void (*OsdiLogFunction)(void* handle, char* message, uint32_t level);
