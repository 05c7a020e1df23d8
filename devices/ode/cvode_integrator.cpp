#include "devices/ode/cvode_integrator.hpp"

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_band.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_band.h>
#include <sunmatrix/sunmatrix_dense.h>

#include <exception>
#include <string>

#include "devices/core/errors.hpp"

namespace cimkit::ode {

struct CvodeIntegrator::Impl {
    std::size_t size;
    RightHandSide rhs;
    SolverOptions options;
    SUNContext context = nullptr;
    N_Vector state = nullptr;
    SUNMatrix matrix = nullptr;
    SUNLinearSolver solver = nullptr;
    void* cvode = nullptr;
    std::exception_ptr callback_error;
    std::string last_message;  // CVODE's own text for the last error

    ~Impl() {
        if (cvode) CVodeFree(&cvode);
        if (solver) SUNLinSolFree(solver);
        if (matrix) SUNMatDestroy(matrix);
        if (state) N_VDestroy(state);
        if (context) SUNContext_Free(&context);
    }

    void check(int flag, const char* call) const {
        if (flag >= 0) return;
        std::string reason = last_message.empty() ? CVodeGetReturnFlagName(flag) : last_message;
        throw ConvergenceError(std::string("CVODE ") + call + " failed: " + reason);
    }
};

namespace {

int rhs_callback(sunrealtype t, N_Vector y, N_Vector dydt, void* user) {
    auto* impl = static_cast<CvodeIntegrator::Impl*>(user);
    try {
        impl->rhs(t, N_VGetArrayPointer(y), N_VGetArrayPointer(dydt));
        return 0;
    } catch (...) {
        impl->callback_error = std::current_exception();
        return -1;  // unrecoverable: CVODE stops and integrate() rethrows
    }
}

void error_callback(int, const char* module, const char* function, char* message, void* user) {
    auto* impl = static_cast<CvodeIntegrator::Impl*>(user);
    impl->last_message = std::string(module) + "::" + function + ": " + message;
}

}  // namespace

CvodeIntegrator::CvodeIntegrator(std::size_t size, RightHandSide rhs, SolverOptions options)
    : impl_(std::make_unique<Impl>()) {
    if (size == 0) throw ParameterError("CvodeIntegrator: the state size must be > 0");
    Impl& m = *impl_;
    m.size = size;
    m.rhs = std::move(rhs);
    m.options = options;
    const auto n = static_cast<sunindextype>(size);
    if (SUNContext_Create(nullptr, &m.context) != 0) throw Error("CVODE: SUNContext_Create failed");
    m.state = N_VNew_Serial(n, m.context);
    m.cvode = CVodeCreate(CV_BDF, m.context);
    if (!m.state || !m.cvode) throw Error("CVODE: out of memory");
    m.check(CVodeSetErrHandlerFn(m.cvode, error_callback, &m), "SetErrHandlerFn");
    N_VConst(0.0, m.state);
    m.check(CVodeInit(m.cvode, rhs_callback, 0.0, m.state), "Init");
    m.check(CVodeSetUserData(m.cvode, &m), "SetUserData");
    m.check(CVodeSStolerances(m.cvode, options.relative_tolerance, options.absolute_tolerance), "SStolerances");
    if (options.linear_solver == LinearSolver::band) {
        m.matrix = SUNBandMatrix(n, static_cast<sunindextype>(options.band_upper),
                                 static_cast<sunindextype>(options.band_lower), m.context);
        m.solver = SUNLinSol_Band(m.state, m.matrix, m.context);
    } else {
        m.matrix = SUNDenseMatrix(n, n, m.context);
        m.solver = SUNLinSol_Dense(m.state, m.matrix, m.context);
    }
    if (!m.matrix || !m.solver) throw Error("CVODE: cannot create the linear solver");
    m.check(CVodeSetLinearSolver(m.cvode, m.solver, m.matrix), "SetLinearSolver");
    m.check(CVodeSetMaxNumSteps(m.cvode, options.max_steps), "SetMaxNumSteps");
    if (options.max_step_s > 0.0) m.check(CVodeSetMaxStep(m.cvode, options.max_step_s), "SetMaxStep");
}

CvodeIntegrator::~CvodeIntegrator() = default;

void CvodeIntegrator::integrate(double t0_s, double t1_s, std::vector<double>& y) {
    Impl& m = *impl_;
    if (y.size() != m.size) {
        throw ParameterError("CvodeIntegrator: state has " + std::to_string(y.size()) + " entries, expected " +
                             std::to_string(m.size));
    }
    last_steps_ = 0;
    if (t1_s == t0_s) return;
    std::copy(y.begin(), y.end(), N_VGetArrayPointer(m.state));
    m.last_message.clear();
    m.callback_error = nullptr;
    m.check(CVodeReInit(m.cvode, t0_s, m.state), "ReInit");
    m.check(CVodeSetStopTime(m.cvode, t1_s), "SetStopTime");
    sunrealtype t_reached = t0_s;
    const int flag = CVode(m.cvode, t1_s, m.state, &t_reached, CV_NORMAL);
    if (m.callback_error) std::rethrow_exception(m.callback_error);
    m.check(flag, "integration");
    CVodeGetNumSteps(m.cvode, &last_steps_);
    const double* out = N_VGetArrayPointer(m.state);
    std::copy(out, out + m.size, y.begin());
}

}  // namespace cimkit::ode
