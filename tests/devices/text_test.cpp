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

TEST(Text, WordsSplitOnRunsOfTheSeparatorsOnly) {
    const auto out = words("\t.subckt  cell\tp n\rx0=1 ", " \t");
    ASSERT_EQ(out.size(), 4u);  // no empty words from the leading tab, the double space or the trailing space
    EXPECT_EQ(out[0], ".subckt");
    EXPECT_EQ(out[1], "cell");
    EXPECT_EQ(out[2], "p");
    EXPECT_EQ(out[3], "n\rx0=1");  // '\r' is not one of the separators asked for
    EXPECT_EQ(words("n\rx0=1", " \t\r").size(), 2u);
    EXPECT_TRUE(words(" \t ", " \t").empty());
}

TEST(Text, TrimLowerAndCompare) {
    EXPECT_EQ(trim("  .Control \t"), ".Control");
    EXPECT_EQ(to_lower(".CONTROL"), ".control");
    EXPECT_TRUE(iequals("V(Out)", "v(out)"));
    EXPECT_FALSE(iequals("v(out)", "v(out2)"));
    EXPECT_TRUE(starts_with("stderr Error", "stderr "));
}

TEST(Text, Utf8AcceptsWellFormedTextOnly) {
    EXPECT_TRUE(is_utf8(""));
    EXPECT_TRUE(is_utf8("plain \\u0041 \"quoted\"\n"));
    EXPECT_TRUE(is_utf8("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));  // é € 😀
    EXPECT_FALSE(is_utf8("a\xff" "b"));                             // not a lead byte
    EXPECT_FALSE(is_utf8("\xc3"));                                  // cut short
    EXPECT_FALSE(is_utf8("\xc0\xaf"));                              // overlong '/'
    EXPECT_FALSE(is_utf8("\xed\xa0\x80"));                          // surrogate U+D800
    EXPECT_FALSE(is_utf8("\xf4\x90\x80\x80"));                      // above U+10FFFF
}

}  // namespace cimkit::text
