#include "domains/rentals/late_fee.hpp"

#include <gtest/gtest.h>

namespace ps::rentals {
namespace {

constexpr Money kHourPrice{5000};  // NPR 50 for 60 minutes: NPR 50 an hour

LateFeeConfig Config(std::string type, int64_t multiplier_centi, Money flat, int grace,
                     Money cap) {
    LateFeeConfig c;
    c.fee_type = std::move(type);
    c.multiplier_centi = multiplier_centi;
    c.flat_rate_per_hour = flat;
    c.grace_period_minutes = grace;
    c.max_daily_rate = cap;
    return c;
}

TEST(LateFeeTest, DefaultIsTwiceTheHourlyRateAfterFifteenMinutesCappedAtOneThousandADay) {
    LateFeeConfig d = DefaultLateFeeConfig();
    EXPECT_EQ(d.fee_type, "MULTIPLIER");
    EXPECT_EQ(d.multiplier_centi, 200);
    EXPECT_EQ(d.grace_period_minutes, 15);
    EXPECT_EQ(d.max_daily_rate, Money{100000});
    EXPECT_EQ(LateFee(d, kHourPrice, 60, 0, -kMinute), Money{0});          // early
    EXPECT_EQ(LateFee(d, kHourPrice, 60, 0, 15 * kMinute), Money{0});      // within the grace
    EXPECT_EQ(LateFee(d, kHourPrice, 60, 0, 15 * kMinute + 1), Money{10000});  // 1 started h
    EXPECT_EQ(LateFee(d, kHourPrice, 60, 0, 75 * kMinute), Money{10000});  // exactly 1 h past
    EXPECT_EQ(LateFee(d, kHourPrice, 60, 0, 75 * kMinute + 1), Money{20000});
    EXPECT_EQ(LateFee(d, kHourPrice, 60, 0, 3 * kHour + 15 * kMinute), Money{30000});
    // 10 h past the grace would be NPR 1000: exactly the cap; 11 h is capped
    EXPECT_EQ(LateFee(d, kHourPrice, 60, 0, 10 * kHour + 15 * kMinute), Money{100000});
    EXPECT_EQ(LateFee(d, kHourPrice, 60, 0, 11 * kHour + 15 * kMinute), Money{100000});
    // a second started day raises the cap to NPR 2000
    EXPECT_EQ(LateFee(d, kHourPrice, 60, 0, 24 * kHour + 15 * kMinute + 1), Money{200000});
    // the due time is an offset, not zero
    EXPECT_EQ(LateFee(d, kHourPrice, 60, 5 * kHour, 5 * kHour + 16 * kMinute), Money{10000});
}

TEST(LateFeeTest, MultiplierUsesThePackageHourlyRateRoundedUpAndFractionalMultipliers) {
    // NPR 150 for 240 min: NPR 37.50 an hour; 1.5x -> NPR 56.25 an hour
    auto c = Config("MULTIPLIER", 150, Money{0}, 0, Money{0});
    EXPECT_EQ(LateFee(c, Money{15000}, 240, 0, kHour), Money{5625});
    EXPECT_EQ(LateFee(c, Money{15000}, 240, 0, 2 * kHour), Money{11250});
    // NPR 10 for 7 min: 85.71.. paisa a minute -> 8572 paisa an hour (rounded up), x1.5 = 12858
    EXPECT_EQ(LateFee(c, Money{1000}, 7, 0, 1), Money{12858});
    // no cap when max_daily_rate is 0: three days of hours
    EXPECT_EQ(LateFee(c, Money{15000}, 240, 0, 72 * kHour), Money{5625 * 72});
    // a package without a duration has no hourly rate
    EXPECT_EQ(LateFee(c, Money{15000}, 0, 0, kHour), Money{0});
}

TEST(LateFeeTest, FlatRateChargesPerStartedHourIgnoringThePackage) {
    auto c = Config("FLAT_RATE", 500, Money{2500}, 10, Money{30000});
    EXPECT_EQ(LateFee(c, Money{999999}, 60, 0, 10 * kMinute), Money{0});
    EXPECT_EQ(LateFee(c, Money{999999}, 60, 0, 11 * kMinute), Money{2500});
    EXPECT_EQ(LateFee(c, Money{1}, 1440, 0, 4 * kHour), Money{10000});  // 3h50m -> 4 h
    EXPECT_EQ(LateFee(c, Money{1}, 1440, 0, 13 * kHour), Money{30000});  // 13 h = 325 > cap 300
    EXPECT_EQ(LateFee(c, Money{1}, 1440, 0, 30 * kHour), Money{60000});  // 2 days: cap 600
}

TEST(LateFeeTest, CompoundIsTheSumOfTheMultiplierAndTheFlatRate) {
    auto c = Config("COMPOUND", 200, Money{1000}, 15, Money{100000});
    // per hour: 2 x 50 + 10 = NPR 110
    EXPECT_EQ(LateFee(c, kHourPrice, 60, 0, 15 * kMinute), Money{0});
    EXPECT_EQ(LateFee(c, kHourPrice, 60, 0, 16 * kMinute), Money{11000});
    EXPECT_EQ(LateFee(c, kHourPrice, 60, 0, 2 * kHour + 15 * kMinute), Money{22000});
    EXPECT_EQ(LateFee(c, kHourPrice, 60, 0, 9 * kHour + 15 * kMinute), Money{99000});
    EXPECT_EQ(LateFee(c, kHourPrice, 60, 0, 10 * kHour + 15 * kMinute), Money{100000});
    auto sum = [&](Micros late) {
        return LateFee(Config("MULTIPLIER", 200, Money{0}, 15, Money{0}), kHourPrice, 60, 0,
                       late) +
               LateFee(Config("FLAT_RATE", 0, Money{1000}, 15, Money{0}), kHourPrice, 60, 0,
                       late);
    };
    for (Micros late : {16 * kMinute, 3 * kHour, 7 * kHour + 1})
        EXPECT_EQ(LateFee(c, kHourPrice, 60, 0, late), sum(late)) << late;
}

TEST(LateFeeTest, HugeValuesSaturateInsteadOfOverflowing) {
    auto c = Config("COMPOUND", 10000, Money{INT64_MAX / 4}, 0, Money{0});
    Money fee = LateFee(c, Money{INT64_MAX / 4}, 1, 0, 365 * 24 * kHour);
    EXPECT_EQ(fee.paisa, INT64_MAX);
}

LateFeeConfig Active(std::string name, std::vector<std::string> types) {
    LateFeeConfig c;
    c.name = std::move(name);
    c.applicable_package_types = std::move(types);
    return c;
}

TEST(LateFeeTest, TheConfigListingTheTypeWinsOverTheCatchAllThenTheDefault) {
    std::vector<LateFeeConfig> configs = {Active("all", {}), Active("daily", {"DAILY", "WEEKLY"})};
    EXPECT_EQ(PickLateFeeConfig(configs, "DAILY").name, "daily");
    EXPECT_EQ(PickLateFeeConfig(configs, "WEEKLY").name, "daily");
    EXPECT_EQ(PickLateFeeConfig(configs, "HOURLY").name, "all");
    configs[1].is_active = false;
    EXPECT_EQ(PickLateFeeConfig(configs, "DAILY").name, "all");
    EXPECT_EQ(PickLateFeeConfig({Active("daily", {"DAILY"})}, "HOURLY").name,
              DefaultLateFeeConfig().name);
    EXPECT_EQ(PickLateFeeConfig({}, "HOURLY").multiplier_centi, 200);
}

TEST(LateFeeTest, OverlapIsASharedTypeOrTwoCatchAlls) {
    EXPECT_EQ(LateFeeOverlap(Active("a", {}), Active("b", {})), std::optional<std::string>(""));
    EXPECT_EQ(LateFeeOverlap(Active("a", {}), Active("b", {"DAILY"})), std::nullopt);
    EXPECT_EQ(LateFeeOverlap(Active("a", {"HOURLY"}), Active("b", {"DAILY"})), std::nullopt);
    EXPECT_EQ(LateFeeOverlap(Active("a", {"HOURLY", "DAILY"}), Active("b", {"DAILY"})),
              std::optional<std::string>("DAILY"));
    EXPECT_TRUE(IsLateFeeType("COMPOUND"));
    EXPECT_FALSE(IsLateFeeType("compound"));
    EXPECT_TRUE(IsPackageType("MONTHLY"));
    EXPECT_FALSE(IsPackageType("YEARLY"));
}

}  // namespace
}  // namespace ps::rentals
