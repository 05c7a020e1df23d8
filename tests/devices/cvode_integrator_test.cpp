#include "devices/ode/cvode_integrator.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "devices/core/errors.hpp"

namespace cimkit::ode {

// Leakage of a storage node: dV/dt = -V/tau, so V(t) = V0 exp(-t/tau).
TEST(CvodeIntegrator, ExponentialDecayMatchesClosedForm) {
    const double tau_s = 5e-3;
    CvodeIntegrator integrator(1, [&](double, const double* y, double* dydt) { dydt[0] = -y[0] / tau_s; },
                               SolverOptions{1e-9, 1e-14});
    std::vector<double> v{0.9};
    double t = 0.0;
    for (double t_next : {1e-4, 1e-3, 5e-3, 2e-2}) {
        integrator.integrate(t, t_next, v);
        t = t_next;
        EXPECT_NEAR(v[0], 0.9 * std::exp(-t / tau_s), 1e-7 * 0.9) << "t = " << t;
    }
    EXPECT_GT(integrator.last_step_count(), 0);
}

// Undamped oscillator x'' = -w^2 x: energy (x^2 + v^2/w^2)/2 is conserved and x(t) = cos(w t).
TEST(CvodeIntegrator, OscillatorWithBandSolverFollowsCosine) {
    const double w = 2.0 * M_PI * 1e3;
    SolverOptions options{1e-10, 1e-12};
    options.linear_solver = LinearSolver::band;
    options.band_upper = 1;
    options.band_lower = 1;
    CvodeIntegrator integrator(2, [&](double, const double* y, double* dydt) {
        dydt[0] = y[1];
        dydt[1] = -w * w * y[0];
    }, options);
    std::vector<double> y{1.0, 0.0};
    integrator.integrate(0.0, 2.5e-3, y);
    EXPECT_NEAR(y[0], std::cos(w * 2.5e-3), 1e-6);
    EXPECT_NEAR(y[0] * y[0] + y[1] * y[1] / (w * w), 1.0, 1e-6);
}

TEST(CvodeIntegrator, ExceptionInRightHandSideReachesTheCaller) {
    CvodeIntegrator integrator(1, [](double t, const double*, double*) {
        if (t > 0.5) throw ParameterError("rhs refused");
    });
    std::vector<double> y{1.0};
    EXPECT_THROW(integrator.integrate(0.0, 1.0, y), ParameterError);
    // The integrator stays usable after the failure.
    CvodeIntegrator fine(1, [](double, const double*, double* dydt) { dydt[0] = 1.0; });
    fine.integrate(0.0, 2.0, y);
    EXPECT_NEAR(y[0], 3.0, 1e-6);
}

TEST(CvodeIntegrator, WrongStateSizeIsRefused) {
    CvodeIntegrator integrator(2, [](double, const double*, double* dydt) { dydt[0] = dydt[1] = 0.0; });
    std::vector<double> y{1.0};
    EXPECT_THROW(integrator.integrate(0.0, 1.0, y), ParameterError);
}

}  // namespace cimkit::ode
