#include "domains/rentals/rental.hpp"

#include <algorithm>

namespace ps::rentals {

Money LateFee(const RentalOptions& o, Money package_price, int package_minutes, Micros due_at,
              Micros returned_at) {
    Micros late = returned_at - due_at;
    if (late <= o.late_grace || package_minutes <= 0) return Money{0};
    int64_t hours = (late + kHour - 1) / kHour;
    int64_t days = (late + 24 * kHour - 1) / (24 * kHour);
    // hourly rate in paisa, rounded up
    int64_t rate = (package_price.paisa * 60 + package_minutes - 1) / package_minutes;
    int64_t fee = rate * o.late_multiplier * hours;
    return Money{std::min(fee, o.late_daily_cap.paisa * days)};
}

}  // namespace ps::rentals
