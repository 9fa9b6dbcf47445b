#include "domains/rentals/rental.hpp"

#include <gtest/gtest.h>

namespace ps::rentals {
namespace {

TEST(RentalLateFeeTest, GraceThenHourlyMultiplierThenDailyCap) {
    RentalOptions o;
    Money price{5000};  // NPR 50 for 60 min
    EXPECT_EQ(LateFee(o, price, 60, 0, -kMinute).paisa, 0);
    EXPECT_EQ(LateFee(o, price, 60, 0, 15 * kMinute).paisa, 0);
    EXPECT_EQ(LateFee(o, price, 60, 0, 16 * kMinute).paisa, 10000);   // 1 h x 2 x 50
    EXPECT_EQ(LateFee(o, price, 60, 0, 2 * kHour + 1).paisa, 30000);  // 3 h
    EXPECT_EQ(LateFee(o, price, 60, 0, 20 * kHour).paisa, 100000);    // capped
    EXPECT_EQ(LateFee(o, price, 60, 0, 25 * kHour).paisa, 200000);    // 2 days cap
    EXPECT_EQ(LateFee(o, Money{15000}, 240, 0, kHour).paisa, 7500);   // 37.50/h x 2
}

}  // namespace
}  // namespace ps::rentals
