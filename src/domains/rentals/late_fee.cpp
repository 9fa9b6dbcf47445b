#include "domains/rentals/late_fee.hpp"

#include <algorithm>
#include <limits>

namespace ps::rentals {

namespace {

int64_t Clamp(__int128 v) {
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    return v > kMax ? kMax : static_cast<int64_t>(v);
}

int64_t CeilDiv(__int128 a, __int128 b) { return Clamp((a + b - 1) / b); }

}  // namespace

bool LateFeeConfig::AppliesTo(std::string_view package_type) const {
    return applicable_package_types.empty() ||
           std::find(applicable_package_types.begin(), applicable_package_types.end(),
                     package_type) != applicable_package_types.end();
}

bool IsLateFeeType(std::string_view s) {
    return s == "MULTIPLIER" || s == "FLAT_RATE" || s == "COMPOUND";
}

bool IsPackageType(std::string_view s) {
    return s == "HOURLY" || s == "DAILY" || s == "WEEKLY" || s == "MONTHLY";
}

LateFeeConfig DefaultLateFeeConfig() {
    LateFeeConfig c;
    c.name = "Default late fee";
    return c;
}

LateFeeConfig PickLateFeeConfig(const std::vector<LateFeeConfig>& active,
                                std::string_view package_type) {
    const LateFeeConfig* catch_all = nullptr;
    for (const auto& c : active) {
        if (!c.is_active) continue;
        if (c.applicable_package_types.empty()) {
            if (!catch_all) catch_all = &c;
        } else if (c.AppliesTo(package_type)) {
            return c;
        }
    }
    return catch_all ? *catch_all : DefaultLateFeeConfig();
}

std::optional<std::string> LateFeeOverlap(const LateFeeConfig& a, const LateFeeConfig& b) {
    if (a.applicable_package_types.empty() && b.applicable_package_types.empty())
        return std::string();
    for (const auto& t : a.applicable_package_types)
        if (!b.applicable_package_types.empty() && b.AppliesTo(t)) return t;
    return std::nullopt;
}

Money LateFee(const LateFeeConfig& c, Money package_price, int package_minutes, Micros due_at,
              Micros returned_at) {
    Micros late = returned_at - due_at - static_cast<Micros>(c.grace_period_minutes) * kMinute;
    if (late <= 0) return Money{0};
    int64_t hours = CeilDiv(late, kHour);
    int64_t days = CeilDiv(late, 24 * kHour);
    int64_t rate = package_minutes > 0
                       ? CeilDiv(static_cast<__int128>(package_price.paisa) * 60, package_minutes)
                       : 0;
    __int128 per_hour_centi = 0;  // hundredths of a paisa per hour
    if (c.fee_type == "MULTIPLIER" || c.fee_type == "COMPOUND")
        per_hour_centi += static_cast<__int128>(rate) * c.multiplier_centi;
    if (c.fee_type == "FLAT_RATE" || c.fee_type == "COMPOUND")
        per_hour_centi += static_cast<__int128>(c.flat_rate_per_hour.paisa) * 100;
    int64_t fee = CeilDiv(per_hour_centi * hours, 100);
    if (c.max_daily_rate.paisa > 0)
        fee = std::min(fee, Clamp(static_cast<__int128>(c.max_daily_rate.paisa) * days));
    return Money{fee};
}

}  // namespace ps::rentals
