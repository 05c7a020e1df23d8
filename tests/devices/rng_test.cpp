#include "devices/core/rng.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "devices/core/errors.hpp"

namespace cimkit {

TEST(Rng, SameSeedSameNumbersBitForBit) {
    Rng a(42), b(42), c(43);
    for (int i = 0; i < 1000; ++i) {
        const double x = a.normal();
        EXPECT_EQ(x, b.normal());
        EXPECT_EQ(a.uniform(), b.uniform());
        (void)c;
    }
    EXPECT_NE(Rng(42).normal(), Rng(43).normal());
}

TEST(Rng, StreamsAreIndependentOfVisitOrder) {
    const Rng root(7);
    Rng s3 = root.stream(3);
    const double first = s3.normal();
    Rng again = root.stream(3);
    (void)root.stream(1);
    EXPECT_EQ(again.normal(), first);
    EXPECT_NE(root.stream(4).normal(), first);
}

// N(0,1) over 1e5 draws: mean within 5 standard errors (5/sqrt(n)), variance within 5 * sqrt(2/n).
TEST(Rng, NormalHasUnitMomentsAndUniformIsInRange) {
    Rng rng(1);
    const int n = 100000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
        const double x = rng.normal();
        sum += x;
        sum2 += x * x;
        const double u = rng.uniform();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
    }
    EXPECT_NEAR(sum / n, 0.0, 5.0 / std::sqrt(n));
    EXPECT_NEAR(sum2 / n, 1.0, 5.0 * std::sqrt(2.0 / n));
}

// A checkpoint taken mid-stream (after an odd number of normals, so the distribution holds a saved
// second value) continues with exactly the numbers the original draws next.
TEST(Rng, RestoredStateContinuesTheStreamBitForBit) {
    Rng original = Rng(9).stream(4);
    for (int i = 0; i < 1001; ++i) (void)(i % 3 ? original.normal() : original.uniform());
    const std::vector<double> saved = original.state();
    ASSERT_EQ(saved.size(), Rng::state_size());
    Rng restored(123);
    restored.restore(saved);
    EXPECT_EQ(restored.seed(), original.seed());
    for (int i = 0; i < 1000; ++i) {
        ASSERT_EQ(restored.normal(), original.normal()) << i;
        ASSERT_EQ(restored.uniform(), original.uniform()) << i;
    }
    EXPECT_EQ(restored.stream(2).normal(), original.stream(2).normal());
    std::vector<double> bad = saved;
    bad.pop_back();
    EXPECT_THROW(restored.restore(bad), ParameterError);
    bad = saved;
    bad[5] = -1.0;
    EXPECT_THROW(restored.restore(bad), ParameterError);
    bad = saved;
    bad[7] = 0.5;
    EXPECT_THROW(restored.restore(bad), ParameterError);
}

}  // namespace cimkit
