#include "circuits/spice/plot.hpp"

#include <gtest/gtest.h>

#include "devices/core/errors.hpp"

namespace cimkit::spice {

TEST(Plot, VectorsAreNamedAsNgspicePrintsThem) {
    constexpr int voltage = 3, current = 4, time = 1;
    EXPECT_EQ(exported_vector_name("out", voltage, false), "v(out)");
    EXPECT_EQ(exported_vector_name("v1#branch", current, false), "i(v1)");
    EXPECT_EQ(exported_vector_name("time", time, true), "time");
    EXPECT_EQ(exported_vector_name("v-sweep", voltage, true), "v-sweep");
    EXPECT_EQ(exported_vector_name("@r1[i]", current, false), "@r1[i]");
}

TEST(Plot, UnitsFollowNgspiceVectorTypes) {
    EXPECT_EQ(unit_of_vector_type(1), "s");
    EXPECT_EQ(unit_of_vector_type(2), "Hz");
    EXPECT_EQ(unit_of_vector_type(3), "V");
    EXPECT_EQ(unit_of_vector_type(4), "A");
    EXPECT_EQ(unit_of_vector_type(0), "");
    EXPECT_EQ(unit_of_vector_type(99), "");
}

TEST(Plot, LookupNamesTheAvailableVectors) {
    Plot plot{"op1", "op", {Vector{"v(out)", "out", "V", false, {3.0}, {}}}};
    EXPECT_DOUBLE_EQ(plot.vector("v(out)").real[0], 3.0);
    EXPECT_DOUBLE_EQ(plot.vector("out").real[0], 3.0);
    try {
        plot.vector("v(in)");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("v(out)"), std::string::npos);
    }
}

}  // namespace cimkit::spice
