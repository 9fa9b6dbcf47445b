// Late-fee configuration (table late_fee_configs, migration 0010) and the pure fee rule. No I/O.
//
// The fee of a return `late` after the due time, with h = started hours and d = started days of
// (late - grace), and the package's hourly rate r = ceil(price * 60 / package_minutes):
//   MULTIPLIER  h * r * multiplier
//   FLAT_RATE   h * flat_rate_per_hour
//   COMPOUND    h * (r * multiplier + flat_rate_per_hour)   (the reference: "the sum of both")
// capped at d * max_daily_rate (no cap when max_daily_rate is 0). A return within the grace
// period costs nothing; the grace is subtracted before counting hours (chargeghar-system.md §5.4).
//
// Which configuration applies to a package type: the active one that lists the type in
// applicable_package_types, else the active one with an empty list (it covers every type), else
// DefaultLateFeeConfig(). The admin service keeps at most one of each among the active configs.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/money.hpp"

namespace ps::rentals {

struct LateFeeConfig {
    std::string id, name;
    std::string fee_type = "MULTIPLIER";  // MULTIPLIER | FLAT_RATE | COMPOUND
    int64_t multiplier_centi = 200;       // hundredths: 200 = 2.00x
    Money flat_rate_per_hour{0};
    int grace_period_minutes = 15;
    Money max_daily_rate{100000};  // 0: no daily cap
    bool is_active = true;
    std::vector<std::string> applicable_package_types;  // empty: every package type
    boost::json::object metadata;
    Micros created_at = 0, updated_at = 0;

    bool AppliesTo(std::string_view package_type) const;
};

bool IsLateFeeType(std::string_view s);
bool IsPackageType(std::string_view s);

// SPEC §3.4: 2x, 15 min grace, NPR 1000 per day. Used when no active configuration applies.
LateFeeConfig DefaultLateFeeConfig();

// Of `active` (active configurations), the one applying to `package_type`, else the default.
LateFeeConfig PickLateFeeConfig(const std::vector<LateFeeConfig>& active,
                                std::string_view package_type);

// Two active configurations that may not coexist: both list a common package type, or both
// list none (two catch-alls). Returns the shared type ("" for two catch-alls) or nullopt.
std::optional<std::string> LateFeeOverlap(const LateFeeConfig& a, const LateFeeConfig& b);

// The late fee of a return at `returned_at` for a rental due at `due_at`.
Money LateFee(const LateFeeConfig& c, Money package_price, int package_minutes, Micros due_at,
              Micros returned_at);

}  // namespace ps::rentals
