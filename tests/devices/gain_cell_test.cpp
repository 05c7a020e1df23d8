#include "devices/gain_cell.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "devices/core/errors.hpp"

namespace cimkit {
namespace {

GainCell quiet(std::vector<Setting> extra = {}) {  // no variability or write noise
    extra.push_back({"c_spread_d2d", "0", "test"});
    extra.push_back({"leak_spread_d2d", "0", "test"});
    extra.push_back({"temperature_K", "0", "test"});
    extra.push_back({"read_a_vt_V_m", "0", "test"});
    return GainCell(extra);
}

// Reference: the kernel of Leroux et al.'s public code (docs/physics-sources.md#gain-cell), computed
// here the way that code does and independently of devices/gain_cell_read.cpp: the ten
// coefficients as one flat list in its order (i = power of V_store - 0.45 outer, j = power of V_in
// inner, j <= 3 - i), output = pulse width x sum c (V_store - 0.45)^i V_in^j, nothing subtracted.
double published_kernel(double pulse_width, double v_in_V, double v_store_V) {
    const double c[10] = {0.17393044, 0.15653739, 0.14088365, 0.12679529, 5.51975209,
                          4.96777688, 4.4709992,  -1.44776001, -1.30298401, 46.05483778};
    const double w = v_store_V - 0.45;
    double sum = 0.0;
    int idx = 0;
    for (int i = 0; i <= 3; ++i) {
        for (int j = 0; j <= 3 - i; ++j) sum += pulse_width * std::pow(w, i) * std::pow(v_in_V, j) * c[idx++];
    }
    return sum;
}

}  // namespace

// The cubic of Leroux et al. with y = V_store - 0.45, summed by hand at x = 0.3, V_store = 0.7:
TEST(GainCell, PolynomialMatchesPublishedCoefficients) {
    const double x = 0.3, y = 0.25;
    const double by_hand = 0.17393044 + 0.15653739 * x + 0.14088365 * x * x + 0.12679529 * x * x * x +
                           5.51975209 * y + 4.96777688 * y * x + 4.4709992 * y * x * x +
                           -1.44776001 * y * y + -1.30298401 * y * y * x + 46.05483778 * y * y * y;
    EXPECT_NEAR(gain_cell_polynomial(x, 0.7), by_hand, 1e-12);
    EXPECT_NEAR(gain_cell_polynomial(0.0, 0.45), 0.17393044, 1e-12);
}

// The compact read equals the kernel to 1e-9 relative on a grid of stored voltages (0..0.9 V),
// pulse widths (1..20 ns) and read voltages (0.1..0.9 V; the paper reads at 0.9 V, the default):
// charge Q = read_scale_A t f and current I = read_scale_A f.
TEST(GainCell, ReadMatchesThePublishedKernelOnAGrid) {
    const GainCell cell = quiet();
    EXPECT_EQ(cell.read_voltage_V(), 0.9);
    Rng rng(11);
    DeviceState s = cell.make_device(rng);
    const double scale_A = cell.read_scale_A();
    int checked = 0;
    for (int k = 0; k <= 36; ++k) {
        s.x[GainCell::store_V] = 0.025 * k + 1e-4 * (k % 3);  // off the kernel's zero crossing
        for (const double width_s : {1e-9, 5e-9, 15e-9, 20e-9}) {
            const double kernel = published_kernel(width_s, 0.9, s.x[GainCell::store_V]);
            EXPECT_NEAR(cell.output_charge_C(width_s, s), scale_A * kernel, 1e-9 * std::abs(scale_A * kernel)) << s.x[GainCell::store_V];
            ++checked;
        }
        for (const double v_in : {0.1, 0.3, 0.5, 0.7, 0.9}) {
            const double kernel = published_kernel(1.0, v_in, s.x[GainCell::store_V]);
            EXPECT_NEAR(cell.current_A(v_in, s), scale_A * kernel, 1e-9 * std::abs(scale_A * kernel)) << v_in;
            EXPECT_NEAR(gain_cell_polynomial(v_in, s.x[GainCell::store_V]), kernel, 1e-9 * std::abs(kernel));
            ++checked;
        }
    }
    EXPECT_EQ(checked, 37 * 9);
}

// The published figures, measured as the review measured them: the kernel's output at V_in = 0.9 V
// over V_store = 0 .. 0.9 V in 0.01 V steps (91 points), a least-squares line with intercept, the
// slope, and the nonlinearity max |output - line| / (max output - min output). Leroux et al.'s
// linear surrogate is 19.3 (their code's backward pass; the least-squares slope is 19.33) and the
// kernel is 9.6 % nonlinear (issue 16's review). The old cimkit read (zero-input terms subtracted)
// was 2-3.6 % nonlinear with slope 5.4-9.0: the 46 (V_store - 0.45)^3 term shows here.
TEST(GainCell, PublishedKernelHasSlope19p33AndIsNinePointSixPercentNonlinear) {
    const GainCell cell = quiet();
    Rng rng(12);
    DeviceState s = cell.make_device(rng);
    std::vector<double> v, f;
    for (int k = 0; k <= 90; ++k) {
        s.x[GainCell::store_V] = 0.01 * k;
        v.push_back(s.x[GainCell::store_V]);
        f.push_back(cell.output_charge_C(1.0, s) / cell.read_scale_A());  // unit pulse width
    }
    const double n = static_cast<double>(v.size());
    double mv = 0, mf = 0;
    for (std::size_t k = 0; k < v.size(); ++k) mv += v[k] / n, mf += f[k] / n;
    double svf = 0, svv = 0;
    for (std::size_t k = 0; k < v.size(); ++k) svf += (v[k] - mv) * (f[k] - mf), svv += (v[k] - mv) * (v[k] - mv);
    const double slope = svf / svv, intercept = mf - slope * mv;
    double worst = 0, lo = f[0], hi = f[0];
    for (std::size_t k = 0; k < v.size(); ++k) {
        worst = std::max(worst, std::abs(f[k] - (intercept + slope * v[k])));
        lo = std::min(lo, f[k]), hi = std::max(hi, f[k]);
    }
    const double nonlinearity = worst / (hi - lo);
    EXPECT_NEAR(slope, 19.33, 0.005);
    EXPECT_NEAR(nonlinearity, 0.096, 0.0005);
    EXPECT_NEAR(slope, gain_cell_surrogate_slope_per_V, 0.002 * slope);  // the surrogate is this line
    RecordProperty("kernel_slope_per_V", std::to_string(slope));
    RecordProperty("kernel_nonlinearity", std::to_string(nonlinearity));
}

// read_model = 1, the paper's linear surrogate: Q = read_scale_A 19.3 t (V_store - 0.45) at 0.9 V,
// in proportion to V_in elsewhere (no current at 0 V). The published kernel keeps its zero-input
// terms: I(0) = read_scale_A sum_i C_i0 (V_store - 0.45)^i.
TEST(GainCell, LinearSurrogateAndTheKernelsZeroInputTerms) {
    const GainCell linear = quiet({{"read_model", "1", "test"}});
    Rng rng(1);
    DeviceState s = linear.make_device(rng);
    s.x[GainCell::store_V] = 0.65;
    EXPECT_NEAR(linear.output_charge_C(15e-9, s), 1e-6 * 19.3 * 0.2 * 15e-9, 1e-12 * 1e-6 * 19.3 * 0.2 * 15e-9);
    EXPECT_NEAR(linear.current_A(0.45, s), 0.5 * 1e-6 * 19.3 * 0.2, 1e-18);
    EXPECT_EQ(linear.current_A(0.0, s), 0.0);
    const GainCell cell = quiet();
    const double w = 0.2;
    EXPECT_NEAR(cell.current_A(0.0, s), 1e-6 * (0.17393044 + 5.51975209 * w - 1.44776001 * w * w + 46.05483778 * w * w * w), 1e-15);
    s.x[GainCell::store_V] = 0.8;
    EXPECT_GT(cell.current_A(0.9, s), 0.0);
    s.x[GainCell::store_V] = 0.1;
    EXPECT_LT(cell.current_A(0.9, s), 0.0);
}

// dG/dlevel (G = I(v_read)/v_read) against a central difference in the stored voltage, both models.
TEST(GainCell, ConductanceSlopeMatchesFiniteDifference) {
    for (const char* model : {"0", "1"}) {
        const GainCell cell = quiet({{"read_model", model, "test"}});
        Rng rng(13);
        DeviceState s = cell.make_device(rng);
        for (const double v_store : {0.05, 0.3, 0.45, 0.7, 0.85}) {
            const double h = 1e-6;
            s.x[GainCell::store_V] = v_store + h;
            const double up = cell.conductance_S(s);
            s.x[GainCell::store_V] = v_store - h;
            const double down = cell.conductance_S(s);
            s.x[GainCell::store_V] = v_store;
            const double fd = (up - down) / (2 * h) * 0.9;  // d/dlevel = v_dd d/dV_store
            EXPECT_NEAR(cell.dconductance_dlevel_S(s), fd, 1e-6 * std::abs(fd)) << model << " " << v_store;
        }
    }
}

TEST(GainCell, DerivativeMatchesFiniteDifference) {
    const GainCell cell = quiet();
    Rng rng(2);
    DeviceState s = cell.make_device(rng);
    for (double y : {0.1, 0.45, 0.8}) {
        s.x[GainCell::store_V] = y;
        for (double x : {0.0, 0.2, 0.5, 0.9}) {
            const double h = 1e-6;
            const double fd = (cell.current_A(x + h, s) - cell.current_A(x - h, s)) / (2 * h);
            EXPECT_NEAR(cell.dcurrent_dv_S(x, s), fd, 1e-7 * std::abs(fd) + 1e-13) << x << ", " << y;
        }
    }
}

// The row only gates the read transistor: the current into the column is I(v_row) whatever the column's
// voltage, its derivative is the read law's slope, and the row line supplies none of it.
TEST(GainCell, CurrentIntoColumnFollowsTheRowOnly) {
    const GainCell cell = quiet();
    Rng rng(5);
    DeviceState s = cell.make_device(rng);
    s.x[GainCell::store_V] = 0.7;
    EXPECT_FALSE(cell.row_supplies_read_current());
    const double h = 1e-6;
    for (double v_row : {0.2, 0.9}) {
        for (double v_column : {-0.05, 0.0, 0.1}) {
            const TerminalCurrent t = cell.current_between_A(v_row, v_column, s);
            EXPECT_EQ(t.i_A, cell.current_A(v_row, s));
            const double fd_row = (cell.current_between_A(v_row + h, v_column, s).i_A - cell.current_between_A(v_row - h, v_column, s).i_A) / (2 * h);
            EXPECT_NEAR(t.di_dv_row_S, fd_row, 1e-7 * std::abs(fd_row) + 1e-13);
            EXPECT_EQ(t.di_dv_column_S, 0.0);
        }
    }
}

// Retention: at T = 0 (quiet) the storage leakage is its constant-droop limit, I_0 = 0.9 pA + 1 fA
// out of 10 fF: 90.1 V/s, so a cell written to 0.9 V is at 0.9 - 0.0901 V after 1 ms and empty
// after 10 ms (devices/storage_leakage.hpp; the law itself is checked in storage_leakage_test).
TEST(GainCell, RetentionIsTheStorageNodeLeakage) {
    const GainCell cell = quiet();
    Rng rng(3);
    DeviceState s = cell.make_device(rng);
    cell.set_level(s, 1.0, rng);
    cell.evolve(s, 1e-3, rng);
    EXPECT_NEAR(s.x[GainCell::store_V], 0.9 - 0.901e-12 * 1e-3 / 10e-15, 1e-12);
    cell.evolve(s, 9e-3, rng);
    EXPECT_EQ(s.x[GainCell::store_V], 0.0);
}

// Write through r_write into C_S: V = V_w (1 - exp(-t/RC)), RC = 1 MOhm * 10 fF = 10 ns.
TEST(GainCell, WritePulseChargesThroughTheWriteTransistor) {
    const GainCell cell = quiet();
    Rng rng(5);
    DeviceState s = cell.make_device(rng);
    cell.apply_pulse(s, Pulse{0.9, 5e-9, +1}, rng);
    EXPECT_NEAR(s.x[GainCell::store_V], 0.9 * (1 - std::exp(-0.5)), 1e-12);
    cell.apply_pulse(s, Pulse{0.9, 5e-9, -1}, rng);
    EXPECT_NEAR(s.x[GainCell::store_V], 0.9 * (1 - std::exp(-0.5)) * std::exp(-0.5), 1e-12);
}

// kT/C: sigma = sqrt(1.38e-23 * 300 / 10e-15) = 0.644 mV over many writes.
TEST(GainCell, WriteNoiseIsKTOverC) {
    const GainCell cell({{"c_spread_d2d", "0", "test"}});
    Rng rng(6);
    const int n = 20000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
        DeviceState s = cell.make_device(rng);
        cell.set_level(s, 0.5, rng);
        cell.apply_pulse(s, Pulse{0.45, 1e-6, +1}, rng);  // settles fully at 0.45 V, then noise
        sum += s.x[GainCell::store_V] - 0.45;
        sum2 += std::pow(s.x[GainCell::store_V] - 0.45, 2);
    }
    const double sigma = std::sqrt(1.380649e-23 * 300 / 10e-15);
    EXPECT_NEAR(std::sqrt(sum2 / n), sigma, 5 * sigma / std::sqrt(2.0 * n));
    EXPECT_NEAR(sum / n, 0.0, 5 * sigma / std::sqrt(n));
}

// set_level is a verified write, and it too ends by opening the write transistor: kT/C noise,
// sigma = 0.644 mV at 10 fF and 300 K, zero mean at mid-range.
TEST(GainCell, SetLevelCarriesKTOverCNoise) {
    const GainCell cell({{"c_spread_d2d", "0", "test"}});
    Rng rng(8);
    const int n = 20000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
        DeviceState s = cell.make_device(rng);
        cell.set_level(s, 0.5, rng);
        sum += s.x[GainCell::store_V] - 0.45;
        sum2 += std::pow(s.x[GainCell::store_V] - 0.45, 2);
    }
    const double sigma = std::sqrt(1.380649e-23 * 300 / 10e-15);
    EXPECT_NEAR(std::sqrt(sum2 / n), sigma, 5 * sigma / std::sqrt(2.0 * n));
    EXPECT_NEAR(sum / n, 0.0, 5 * sigma / std::sqrt(n));
}

TEST(GainCell, OutputChargeIsCurrentTimesPulseWidth) {
    const GainCell cell = quiet();
    Rng rng(7);
    DeviceState s = cell.make_device(rng);
    cell.set_level(s, 0.8, rng);
    EXPECT_DOUBLE_EQ(cell.output_charge_C(15e-9, s), cell.current_A(cell.read_voltage_V(), s) * 15e-9);
}

TEST(GainCell, BadSettingsAreRefused) {
    EXPECT_THROW(GainCell({{"read_model", "0.5", "--set"}}), ParameterError);
    EXPECT_THROW(GainCell({{"c_store_F", "0", "--set"}}), ParameterError);
}

// Read-transistor mismatch (devices/gain_cell.hpp): each cell reads the published kernel at the storage
// voltage less its own threshold offset, f(0.9, V_store - dV_T - 0.45), and over N cells at one level
// sigma(I) = read_scale_A |df/dw| sigma_VT to first order, sigma_VT = 15 mV um / sqrt(2 x 1 um^2) =
// 10.61 mV; df/dw from the test's own kernel by central difference. Second-order terms move sigma by
// < 0.1 % here; the sample sigma's relative standard error is 1/sqrt(2N) (4000 cells: 1.1 %, 4 allowed).
TEST(GainCell, ReadTransistorMismatchSpreadsCurrentAsDfDw) {
    const GainCell cell({{"c_spread_d2d", "0", "test"}, {"leak_spread_d2d", "0", "test"}, {"temperature_K", "0", "test"}});
    const double sigma_vt_V = 15e-9 / std::sqrt(2.0 * 1e-6 * 1e-6);
    const int devices = 4000;
    for (const double level : {0.25, 0.5, 0.75}) {
        Rng rng(41);
        const double v_store_V = 0.9 * level;
        double sum = 0.0, sum_sq = 0.0;
        for (int d = 0; d < devices; ++d) {
            DeviceState s = cell.make_device(rng);
            cell.set_level(s, level, rng);
            const double i_A = cell.current_A(0.9, s);
            const double kernel_A = 1e-6 * published_kernel(1.0, 0.9, v_store_V - s.x[GainCell::read_vth_offset_V]);
            if (d < 20) {
                EXPECT_NEAR(i_A, kernel_A, 1e-9 * std::abs(kernel_A) + 1e-18);
            }
            sum += i_A;
            sum_sq += i_A * i_A;
        }
        const double mean_A = sum / devices;
        const double sigma_A = std::sqrt((sum_sq - devices * mean_A * mean_A) / (devices - 1));
        const double h_V = 1e-5;
        const double df_dw = (published_kernel(1.0, 0.9, v_store_V + h_V) - published_kernel(1.0, 0.9, v_store_V - h_V)) / (2.0 * h_V);
        const double expected_A = 1e-6 * std::abs(df_dw) * sigma_vt_V;
        EXPECT_NEAR(sigma_A, expected_A, 4.0 / std::sqrt(2.0 * devices) * expected_A) << "level " << level;
    }
}

}  // namespace cimkit
