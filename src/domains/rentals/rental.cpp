#include "domains/rentals/rental.hpp"

#include <algorithm>

namespace ps::rentals {

Money PostpaidCharge(Money package_price, int package_minutes, Micros used) {
    if (package_minutes <= 0 || used <= 0) return Money{0};
    int64_t minutes = (used + kMinute - 1) / kMinute;
    return Money{(package_price.paisa * minutes + package_minutes - 1) / package_minutes};
}

}  // namespace ps::rentals
