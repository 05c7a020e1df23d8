// Points of analysis cards, as the netlist guard counts them before ngspice runs them.
#include "circuits/analysis_size.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace cimkit::circuits {

TEST(SpiceNumber, ReadsScaleSuffixesAsSpiceDoes) {
    EXPECT_DOUBLE_EQ(*spice_number("1e-9"), 1e-9);
    EXPECT_DOUBLE_EQ(*spice_number("10u"), 10e-6);
    EXPECT_DOUBLE_EQ(*spice_number("2.5k"), 2500.0);
    EXPECT_DOUBLE_EQ(*spice_number("1MEG"), 1e6);
    EXPECT_DOUBLE_EQ(*spice_number("1m"), 1e-3);  // milli, not mega: SPICE's classic trap
    EXPECT_DOUBLE_EQ(*spice_number("25mil"), 25 * 25.4e-6);
    EXPECT_DOUBLE_EQ(*spice_number("1us"), 1e-6);  // a unit after the scale is ignored
    EXPECT_DOUBLE_EQ(*spice_number("3f"), 3e-15);
    EXPECT_DOUBLE_EQ(*spice_number("2g"), 2e9);
    EXPECT_FALSE(spice_number("v1").has_value());
    EXPECT_FALSE(spice_number("").has_value());
}

TEST(AnalysisPoints, CountsSweepsAndTransientOutputPoints) {
    EXPECT_DOUBLE_EQ(*analysis_points(".ac lin 2000000000 1 1meg"), 2e9);
    EXPECT_NEAR(*analysis_points(".ac dec 10 1 1meg"), 60.0, 1e-9);  // 10 per decade over 6 decades
    EXPECT_NEAR(*analysis_points(".ac oct 4 1k 16k"), 16.0, 1e-9);   // 4 per octave over 4 octaves
    EXPECT_DOUBLE_EQ(*analysis_points(".dc v1 0 1 0.01"), 101.0);
    EXPECT_DOUBLE_EQ(*analysis_points(".dc v1 0 1 0.1 v2 0 5 1"), 11.0 * 6.0);  // nested sweep
    EXPECT_NEAR(*analysis_points(".tran 1n 1m"), 1e6, 1e-3);
    EXPECT_NEAR(*analysis_points(".tran 1p 1"), 1e12, 1.0);
    EXPECT_NEAR(*analysis_points(".noise v(out) vin dec 10 1 1meg"), 60.0, 1e-9);
    EXPECT_FALSE(analysis_points(".op").has_value());
    EXPECT_FALSE(analysis_points(".tran {tstep} 1m").has_value());  // expressions: left to the limits
    EXPECT_FALSE(analysis_points("r1 a b 1k").has_value());
}

}  // namespace cimkit::circuits
