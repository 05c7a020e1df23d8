#pragma once
// RAII wrapper over SUNDIALS CVODE (BDF, Newton with a dense or band direct linear solver).
//
// Used by every compact model whose state has dynamics (domain-wall motion during a write pulse,
// storage-node leakage). It owns the SUNDIALS context, vector, matrix, linear solver and CVODE memory;
// the caller sees neither SUNDIALS types nor headers.
//
// Exceptions never cross the C callback: an exception thrown by the right-hand side is captured,
// CVODE is told the evaluation failed, and the exception is rethrown from integrate().
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace cimkit::ode {

enum class LinearSolver { dense, band };

struct SolverOptions {
    double relative_tolerance = 1e-6;
    double absolute_tolerance = 1e-9;   // in the units of the state
    LinearSolver linear_solver = LinearSolver::dense;
    std::size_t band_upper = 0;         // band half-widths, used with LinearSolver::band
    std::size_t band_lower = 0;
    long max_steps = 100000;            // per integrate() call
    double max_step_s = 0.0;            // 0: no limit
};

// dy/dt = f(t, y). `y` and `dydt` have the integrator's size.
using RightHandSide = std::function<void(double t_s, const double* y, double* dydt)>;

class CvodeIntegrator {
public:
    CvodeIntegrator(std::size_t size, RightHandSide rhs, SolverOptions options = {});
    ~CvodeIntegrator();
    CvodeIntegrator(const CvodeIntegrator&) = delete;
    CvodeIntegrator& operator=(const CvodeIntegrator&) = delete;

    // Integrates from (t0_s, y) to t1_s and overwrites y with the state at t1_s.
    // Throws ConvergenceError when CVODE fails, naming CVODE's reason.
    void integrate(double t0_s, double t1_s, std::vector<double>& y);

    // Steps CVODE took in the last integrate() call.
    long last_step_count() const { return last_steps_; }

    struct Impl;  // public so the C callbacks in the .cpp can name it

private:
    std::unique_ptr<Impl> impl_;
    long last_steps_ = 0;
};

}  // namespace cimkit::ode
