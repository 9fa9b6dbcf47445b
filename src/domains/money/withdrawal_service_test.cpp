// The pure parts of withdrawals: the fee and the day/month windows in the display time zone.
#include "domains/money/withdrawal_service.hpp"

#include <gtest/gtest.h>

#include "core/time_format.hpp"

namespace ps::money {
namespace {

TEST(WithdrawalFee, TwoPercentRoundedHalfUpPlusTen) {
    WithdrawalRules r;
    EXPECT_EQ(WithdrawalFee(Money{10000}, r), Money{1200});     // NPR 100 -> 2 + 10
    EXPECT_EQ(WithdrawalFee(Money{100000}, r), Money{3000});    // NPR 1000 -> 20 + 10
    EXPECT_EQ(WithdrawalFee(Money{12345}, r), Money{1247});     // 246.9 paisa -> 247
    EXPECT_EQ(WithdrawalFee(Money{12325}, r), Money{1247});     // 246.5 -> 247 (half up)
    EXPECT_EQ(WithdrawalFee(Money{1000000}, r), Money{21000});  // NPR 10 000 -> 200 + 10
}

TEST(WithdrawalWindows, DayAndMonthStartInKathmandu) {
    // 2026-03-01T20:00:00Z is 2026-03-02 01:45 in Kathmandu (+05:45).
    Micros t = *ParseDateTime("2026-03-01T20:00:00Z");
    auto [day, month] = DayAndMonthStart(t, 345);
    EXPECT_EQ(day, *ParseDateTime("2026-03-02T00:00:00+05:45"));
    EXPECT_EQ(month, *ParseDateTime("2026-03-01T00:00:00+05:45"));
    // 2026-02-28T18:00:00Z is still February 28 there (23:45).
    auto [day2, month2] = DayAndMonthStart(*ParseDateTime("2026-02-28T18:00:00Z"), 345);
    EXPECT_EQ(day2, *ParseDateTime("2026-02-28T00:00:00+05:45"));
    EXPECT_EQ(month2, *ParseDateTime("2026-02-01T00:00:00+05:45"));
    auto [day3, month3] = DayAndMonthStart(*ParseDateTime("2026-12-31T23:59:59Z"), 0);
    EXPECT_EQ(day3, *ParseDateTime("2026-12-31T00:00:00Z"));
    EXPECT_EQ(month3, *ParseDateTime("2026-12-01T00:00:00Z"));
}

}  // namespace
}  // namespace ps::money
