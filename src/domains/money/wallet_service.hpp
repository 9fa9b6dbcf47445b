// What users and staff read of their money (wallet, transactions, points, payment options) and
// the staff balance adjustment (admin add-balance, audited in the same transaction).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/admin/staff.hpp"
#include "domains/money/ledger.hpp"
#include "domains/money/money_repository.hpp"
#include "http/pagination.hpp"

namespace ps::money {

// Maximum a staff member may add in one adjustment.
constexpr Money kMaxStaffCredit{100'000 * 100};

// Referral counts for points/summary, provided by the engagement domain once it exists.
struct ReferralStats {
    int64_t sent = 0, successful = 0, pending = 0;
};
using ReferralStatsReader = std::function<Result<ReferralStats>(int64_t user_id)>;

class WalletService {
public:
    WalletService(db::Database& db, const Clock& clock, Random& random, Ledger& ledger);

    struct WalletView {
        Balances balances;
        std::optional<Micros> last_movement;
        std::vector<repo::Movement> recent;
    };
    Result<WalletView> Wallet(int64_t user_id, int recent = 0);
    Result<Balances> ReadBalances(int64_t user_id);

    // Each counts, clamps `page` to the last page, and returns that page.
    Result<std::vector<repo::TxnRow>> Transactions(int64_t user_id, const repo::TxnFilter& f,
                                                   http::Page& page);
    Result<std::vector<repo::PointsRow>> PointsHistory(int64_t user_id,
                                                       const repo::PointsFilter& f,
                                                       http::Page& page);
    Result<repo::PointsStats> PointsSummary(int64_t user_id);
    Result<std::vector<repo::AdminTxnRow>> AdminTransactions(const repo::AdminTxnFilter& f,
                                                             http::Page& page);

    struct PaymentOptions {
        Balances balances;
        PaymentSplit split;
    };
    // What paying `total` now would take (points first, then wallet), without paying.
    Result<PaymentOptions> CalculateOptions(int64_t user_id, Money total);

    struct BalanceAdded {
        Money old_balance, new_balance, amount;
        std::string transaction_id;
        bool replayed = false;
    };
    // Staff credit from staff_adjustments with a reason. `key` makes it idempotent (the same
    // key never credits twice). Errors: permission_denied (needs finance rights),
    // user_not_found (404), validation_error for amounts outside (0, 100000].
    Result<BalanceAdded> AddBalance(const admin::Actor& actor, int64_t user_id, Money amount,
                                    const std::string& reason, const std::string& key);

private:
    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    Ledger& ledger_;
};

}  // namespace ps::money
