// How a payment is split between points and wallet, as pure arithmetic (no I/O): points first,
// whole points only, 10 points = NPR 1 (1 point = 10 paisa), then wallet. An odd remainder
// below one point (1..9 paisa) is paid from the wallet; when the wallet cannot pay it but one
// more point is available, that point pays it (the user gives up < 10 paisa of point value).
// Used by Ledger::Charge and by payments/calculate-options, so the preview is what is charged.
#pragma once

#include <cstdint>

#include "core/money.hpp"

namespace ps::money {

constexpr int64_t kPaisaPerPoint = 10;

struct PaymentSplit {
    Money total;
    int64_t points_used = 0;
    Money points_amount;  // the NPR value the points pay (total - wallet_used when sufficient)
    Money wallet_used;
    bool sufficient = true;
    Money shortfall;      // 0 when sufficient
};

PaymentSplit SplitPayment(Money total, int64_t points_available, Money wallet_available,
                          bool use_points = true);

// The top-up the reference suggests for a shortfall: ((shortfall // 100) + 1) * 100 NPR.
Money SuggestedTopup(Money shortfall);

}  // namespace ps::money
