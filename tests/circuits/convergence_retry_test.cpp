// The retry policy's pieces that need no ngspice: numbers, the tran rewrite, the option printout.
#include "circuits/spice/convergence_retry.hpp"

#include <gtest/gtest.h>

#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::spice {

TEST(ConvergenceRetry, ReadsSpiceNumbers) {
    EXPECT_DOUBLE_EQ(spice_value("1u"), 1e-6);
    EXPECT_DOUBLE_EQ(spice_value("2.5meg"), 2.5e6);
    EXPECT_DOUBLE_EQ(spice_value("2.5Megohm"), 2.5e6);
    EXPECT_DOUBLE_EQ(spice_value("10ns"), 10e-9);
    EXPECT_DOUBLE_EQ(spice_value("3k"), 3e3);
    EXPECT_DOUBLE_EQ(spice_value("1e-3"), 1e-3);
    EXPECT_DOUBLE_EQ(spice_value("5"), 5.0);
    EXPECT_THROW(spice_value("abc"), UsageError);
    EXPECT_THROW(spice_value("1%"), UsageError);
}

TEST(ConvergenceRetry, DividesTheMaximumTimeStep) {
    // ngspice's default tmax is min(tstep, (tstop - tstart) / 50) = 1 us here.
    auto tmax_of = [](const std::string& tran) { return spice_value(text::split(tran, ' ').at(4)); };
    EXPECT_DOUBLE_EQ(tmax_of(tran_with_smaller_max_step("tran 1u 1m", 10.0)), 1e-7);
    EXPECT_DOUBLE_EQ(tmax_of(tran_with_smaller_max_step("tran 1u 20u", 10.0)), 4e-8);  // (20u - 0) / 50 / 10
    EXPECT_DOUBLE_EQ(tmax_of(tran_with_smaller_max_step("tran 1u 20u 10u", 10.0)), 2e-8);
    const std::string given = tran_with_smaller_max_step("TRAN 1n 10n 0 2n UIC", 10.0);
    EXPECT_DOUBLE_EQ(tmax_of(given), 2e-10);
    EXPECT_TRUE(text::starts_with(given, "tran 1n 10n 0 "));
    EXPECT_NE(given.find(" uic"), std::string::npos);
    EXPECT_THROW(tran_with_smaller_max_step("tran 1u", 10.0), UsageError);
}

TEST(ConvergenceRetry, PolicyIsShortAndOnlyForOpTranAndRun) {
    EXPECT_EQ(convergence_retries("op").size(), 2u);
    const auto tran = convergence_retries("tran 1u 1m");
    ASSERT_EQ(tran.size(), 3u);
    EXPECT_NE(tran.back().analysis, "tran 1u 1m");  // the last one shrinks the time step
    EXPECT_EQ(convergence_retries("run").size(), 3u);
    EXPECT_TRUE(convergence_retries("dc v1 0 1 0.1").empty());
    EXPECT_TRUE(convergence_retries("ac dec 10 1 1k").empty());
}

TEST(ConvergenceRetry, ReadsTheOptionPrintout) {
    const std::vector<std::string> printout{
        "stdout reltol      (current) = 0.001",
        "stdout itl1 (DC iterations) = 100",
        "stdout itl4 (transient iterations) = 10",
        "stdout gminsteps = 1",
        "stdout srcsteps = 1",
        "stdout Integration Method = TRAPEZOIDAL",
    };
    const auto values = printed_option_values(printout, retry_option_names());
    const std::vector<std::pair<std::string, std::string>> expected{
        {"itl1", "100"}, {"itl4", "10"}, {"gminsteps", "1"}, {"srcsteps", "1"}};
    EXPECT_EQ(values, expected);
}

}  // namespace cimkit::spice
