#include "devices/core/errors.hpp"

#include <gtest/gtest.h>

namespace cimkit {

TEST(Errors, NetlistErrorNamesFileLineAndText) {
    const NetlistError e("deck.cir", 7, "r1 a b x", "unknown parameter");
    EXPECT_STREQ(e.what(), "deck.cir:7 ('r1 a b x'): unknown parameter");
    EXPECT_EQ(e.line(), 7);
}

TEST(Errors, SpiceErrorKeepsNgspiceMessageAndStage) {
    const SpiceError e(SpiceError::Stage::load, "deck.cir", 3, "q1 a b", "unknown model");
    EXPECT_EQ(e.stage(), SpiceError::Stage::load);
    EXPECT_EQ(e.spice_message(), "unknown model");
    EXPECT_NE(std::string(e.what()).find("deck.cir:3"), std::string::npos);
}

TEST(Errors, AllDeriveFromCimkitError) {
    EXPECT_THROW(throw IoError("x.h5", "cannot create"), Error);
    EXPECT_THROW(throw ConvergenceError("no"), Error);
    EXPECT_THROW(throw UsageError("bad"), Error);
    EXPECT_THROW(throw ParameterError("bad"), Error);
}

}  // namespace cimkit
