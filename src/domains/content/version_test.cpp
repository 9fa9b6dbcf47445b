// App version parsing and comparison: numeric, part by part, 1 to 4 parts.
#include <gtest/gtest.h>

#include "domains/content/app_service.hpp"

namespace ps::content {
namespace {

int Cmp(std::string_view a, std::string_view b) {
    auto x = ParseVersion(a), y = ParseVersion(b);
    EXPECT_TRUE(x && y) << a << " " << b;
    return x && y ? CompareVersions(*x, *y) : 0;
}

TEST(VersionTest, ParsesOneToFourNumericParts) {
    EXPECT_EQ(ParseVersion("1"), (std::vector<int64_t>{1}));
    EXPECT_EQ(ParseVersion("1.2"), (std::vector<int64_t>{1, 2}));
    EXPECT_EQ(ParseVersion("1.10.0"), (std::vector<int64_t>{1, 10, 0}));
    EXPECT_EQ(ParseVersion("2.0.1.45"), (std::vector<int64_t>{2, 0, 1, 45}));
    EXPECT_EQ(ParseVersion("007.1"), (std::vector<int64_t>{7, 1}));
    EXPECT_EQ(ParseVersion("999999999"), (std::vector<int64_t>{999999999}));
}

TEST(VersionTest, RejectsAnythingElse) {
    for (std::string_view bad : std::initializer_list<std::string_view>{
             "", ".", "1.", ".1", "1..2", "1.2.3.4.5", "v1.2.3", "1.2.3-beta", "1.2.3 ", " 1.2",
             "1,2", "a.b.c", "1.-2", "+1.2", "1234567890", "1.2.x", std::string_view("1\0.2", 4)}) {
        EXPECT_FALSE(ParseVersion(bad)) << "accepted: " << bad;
    }
}

TEST(VersionTest, ComparesNumericallyNotAsText) {
    EXPECT_GT(Cmp("1.10.0", "1.9.9"), 0);
    EXPECT_LT(Cmp("1.9.9", "1.10.0"), 0);
    EXPECT_GT(Cmp("2.0.0", "1.99.99"), 0);
    EXPECT_GT(Cmp("1.0.10", "1.0.9"), 0);
    EXPECT_EQ(Cmp("1.2.3", "1.2.3"), 0);
    EXPECT_GT(Cmp("10", "9.9.9.9"), 0);
}

TEST(VersionTest, MissingPartsCountAsZero) {
    EXPECT_EQ(Cmp("1.2", "1.2.0"), 0);
    EXPECT_EQ(Cmp("1", "1.0.0.0"), 0);
    EXPECT_EQ(Cmp("01.02", "1.2"), 0);
    EXPECT_LT(Cmp("1.2", "1.2.0.1"), 0);
    EXPECT_GT(Cmp("1.2.1", "1.2"), 0);
}

}  // namespace
}  // namespace ps::content
