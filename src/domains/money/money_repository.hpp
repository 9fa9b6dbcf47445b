// Read-side SQL over the ledger for the wallet, transactions, points and admin lists. Writes
// never happen here (they go through Ledger).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/money.hpp"
#include "db/database.hpp"

namespace ps::money::repo {

// One movement of a user's wallet (an entry on its user_wallet account).
struct Movement {
    int64_t entry_id = 0;
    int64_t amount = 0;  // signed paisa
    int64_t balance_after = 0;
    std::string transfer_kind, description;
    Micros created_at = 0;
};
Result<std::vector<Movement>> RecentWalletMovements(db::Connection& c, int64_t user_id, int limit);

struct DateRange {
    std::optional<Micros> from, to;  // [from, to)
};

struct TxnFilter {
    std::optional<std::string> status;
    DateRange dates;
};
struct TxnRow {
    int64_t id = 0;
    std::string transaction_id, transaction_type, status;
    Money amount;
    Micros created_at = 0;
};
Result<int64_t> CountTransactions(db::Connection& c, int64_t user_id, const TxnFilter& f);
Result<std::vector<TxnRow>> ListTransactions(db::Connection& c, int64_t user_id, const TxnFilter& f,
                                             int64_t limit, int64_t offset);

struct PointsFilter {
    std::optional<std::string> type;    // EARNED | SPENT | ADJUSTMENT
    std::optional<std::string> source;  // SIGNUP, TOPUP, ...
    DateRange dates;
};
struct PointsRow {
    int64_t id = 0;
    std::string type, source, description;
    int64_t points = 0;  // signed
    Micros created_at = 0;
};
Result<int64_t> CountPoints(db::Connection& c, int64_t user_id, const PointsFilter& f);
Result<std::vector<PointsRow>> ListPoints(db::Connection& c, int64_t user_id, const PointsFilter& f,
                                          int64_t limit, int64_t offset);

struct PointsStats {
    int64_t current = 0, earned = 0, spent = 0;
    int64_t from_signup = 0, from_referrals = 0, from_topups = 0, from_rentals = 0;
    int64_t from_timely_returns = 0, from_coupons = 0;
    int64_t recent_count = 0;  // movements in the last 30 days
    std::optional<Micros> last_earned, last_spent;
};
Result<PointsStats> PointsSummary(db::Connection& c, int64_t user_id, Micros now);

// admin/transactions: payment transactions, wallet movements and points movements together,
// as ChargeGhar's admin list does (source payment | wallet | points).
struct AdminTxnFilter {
    std::string source = "all";  // all | payment | wallet | points
    std::optional<std::string> status, search;
    std::optional<int64_t> user_id;
    DateRange dates;
};
struct AdminTxnRow {
    std::string source;
    int64_t id = 0;
    std::string transaction_id;
    int64_t user_id = 0;
    std::string username;
    std::optional<std::string> email;
    std::string type, status, description, points_source;
    int64_t amount = 0;  // paisa (payment, wallet) or points (points), absolute
    Micros created_at = 0;
    std::optional<int64_t> balance_before, balance_after;
};
Result<int64_t> CountAdminTransactions(db::Connection& c, const AdminTxnFilter& f);
Result<std::vector<AdminTxnRow>> ListAdminTransactions(db::Connection& c, const AdminTxnFilter& f,
                                                       int64_t limit, int64_t offset);

}  // namespace ps::money::repo
