#include "domains/rentals/rental.hpp"

#include <gtest/gtest.h>

namespace ps::rentals {
namespace {

}  // namespace
}  // namespace ps::rentals

TEST(RentalPostpaidTest, EveryStartedMinuteAtThePackageRate) {
    using ps::Money;
    using ps::kMinute;
    using ps::kSecond;
    // NPR 50 per 60 minutes: 83.33.. paisa a minute, rounded up on the total
    EXPECT_EQ(ps::rentals::PostpaidCharge(Money{5000}, 60, 0).paisa, 0);
    EXPECT_EQ(ps::rentals::PostpaidCharge(Money{5000}, 60, 1 * kSecond).paisa, 84);
    EXPECT_EQ(ps::rentals::PostpaidCharge(Money{5000}, 60, 1 * kMinute).paisa, 84);
    EXPECT_EQ(ps::rentals::PostpaidCharge(Money{5000}, 60, 1 * kMinute + 1).paisa, 167);
    EXPECT_EQ(ps::rentals::PostpaidCharge(Money{5000}, 60, 60 * kMinute).paisa, 5000);
    EXPECT_EQ(ps::rentals::PostpaidCharge(Money{5000}, 60, 90 * kMinute).paisa, 7500);
    EXPECT_EQ(ps::rentals::PostpaidCharge(Money{5000}, 0, 90 * kMinute).paisa, 0);
}
