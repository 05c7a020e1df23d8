#include "devices/core/text.hpp"

#include <gtest/gtest.h>

namespace cimkit::text {

TEST(Text, LinesKeepBlankLinesAndDropCarriageReturns) {
    const auto out = lines("title\r\n\r\nr1 a b 1k\n");
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0], "title");
    EXPECT_EQ(out[1], "");
    EXPECT_EQ(out[2], "r1 a b 1k");
}

TEST(Text, SplitKeepsEmptyFields) {
    const auto parts = split("a,,b", ',');
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_EQ(parts[1], "");
}

TEST(Text, TrimLowerAndCompare) {
    EXPECT_EQ(trim("  .Control \t"), ".Control");
    EXPECT_EQ(to_lower(".CONTROL"), ".control");
    EXPECT_TRUE(iequals("V(Out)", "v(out)"));
    EXPECT_FALSE(iequals("v(out)", "v(out2)"));
    EXPECT_TRUE(starts_with("stderr Error", "stderr "));
}

}  // namespace cimkit::text
