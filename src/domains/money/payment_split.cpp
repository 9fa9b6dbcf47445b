#include "domains/money/payment_split.hpp"

#include <algorithm>

namespace ps::money {

PaymentSplit SplitPayment(Money total, int64_t points_available, Money wallet_available,
                          bool use_points) {
    PaymentSplit s;
    s.total = total;
    if (total.paisa <= 0) return s;
    int64_t points = use_points ? std::max<int64_t>(points_available, 0) : 0;
    int64_t wallet = std::max<int64_t>(wallet_available.paisa, 0);
    int64_t whole = total.paisa / kPaisaPerPoint;  // points that fit without overpaying
    s.points_used = std::min(points, whole);
    int64_t rest = total.paisa - s.points_used * kPaisaPerPoint;
    if (rest > wallet && s.points_used == whole && points > whole) {
        // Only an odd remainder (< 1 point) is left and the wallet cannot pay it.
        s.points_used += 1;
        rest = 0;
    }
    if (rest <= wallet) {
        s.wallet_used = Money{rest};
    } else {
        s.wallet_used = Money{wallet};
        s.sufficient = false;
        s.shortfall = Money{rest - wallet};
    }
    s.points_amount = Money{s.sufficient ? total.paisa - s.wallet_used.paisa
                                         : s.points_used * kPaisaPerPoint};
    return s;
}

Money SuggestedTopup(Money shortfall) {
    if (shortfall.paisa <= 0) return Money{0};
    int64_t npr = shortfall.paisa / 100;  // whole rupees of the shortfall
    return Money{(npr / 100 + 1) * 100 * 100};
}

}  // namespace ps::money
