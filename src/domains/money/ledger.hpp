// The double-entry ledger: the ONLY writer of balances (tables ledger_*, migration 0003).
//
// Every movement of money or points is a transfer: a set of signed entries on accounts that
// sums to zero per unit (NPR in paisa, PTS in whole points); a positive entry raises an
// account's balance. User wallets and points can never go below zero (FailedPrecondition
// "insufficient_balance", context {shortfall:"X.XX", unit:"NPR"} or {shortfall:"N", unit:"PTS"}).
// Every transfer has a unique idempotency key: posting a key again returns the first transfer
// (replayed=true) and applies nothing. User accounts keep a cached balance, updated in the same
// transaction (entries carry balance_after); system accounts keep none (their cached balance
// stays 0 and their entries' balance_after is 0): their balance is the sum of their entries, so
// no shared row is written by every posting.
//
// All writers take the caller's transaction (`db::Connection& tx`, inside Database::Transact),
// so a business change and its money movement commit together. A failed call leaves nothing
// behind in the transaction (every check runs before the first write), so a caller may go on
// after, e.g., insufficient_balance. Safe under READ COMMITTED: balances are checked with the
// debited rows locked and written by guarded UPDATEs; a key posted concurrently is replayed.
// Postings, by example:
//   top-up:   Credit(tx, user, amount, Counterparty::TopUp("khalti", intent_id), "topup:"+intent_id)
//             user_wallet +X / gateway_clearing[khalti] -X           (transaction TOPUP)
//   rental:   Charge(tx, {user, price, "rental:"+id+":start", "Rental ..."})    (RENTAL)
//             user_points -p, promotions/PTS +p, promotions/NPR -10p, rental_revenue +total,
//             user_wallet -(total-10p)
//   late fee: Charge(..., revenue = kLateFees, transaction_type = "RENTAL_DUE")
//   refund:   Refund(tx, {"rental:"+id+":start", "rental:"+id+":refund"}) gives points back as
//             points and wallet back to wallet (from `refunds`, the contra-revenue account).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/money.hpp"
#include "core/result.hpp"
#include "db/database.hpp"
#include "domains/money/payment_split.hpp"

namespace ps::money {

enum class AccountKind {
    kUserWallet, kUserPoints, kGatewayClearing, kRentalRevenue, kLateFees, kPenalties,
    kRefunds, kWithdrawalsPayable, kPromotions, kStaffAdjustments,
    kWithdrawalFees,  // revenue: the withdrawal fee (2 % + NPR 10) kept from each payout
};
enum class Unit { kNpr, kPts };

std::string_view KindName(AccountKind k);  // "user_wallet", ...
std::optional<AccountKind> ParseKind(std::string_view s);
std::string_view UnitName(Unit u);         // "NPR" | "PTS"
bool IsUserKind(AccountKind k);

struct AccountRef {
    AccountKind kind;
    Unit unit = Unit::kNpr;
    int64_t user_id = 0;   // user accounts only
    std::string gateway;   // gateway_clearing only
    friend bool operator==(const AccountRef&, const AccountRef&) = default;
};
AccountRef UserWallet(int64_t user_id);
AccountRef UserPoints(int64_t user_id);
AccountRef GatewayClearing(std::string gateway);
AccountRef SystemAccount(AccountKind kind, Unit unit = Unit::kNpr);

struct EntrySpec {
    AccountRef account;
    int64_t amount = 0;  // signed, in the account's unit
};

struct TransferSpec {
    std::string key;          // idempotency key, unique across the ledger (<= 255 chars)
    std::string kind;         // e.g. topup, charge, refund, adjustment, points_award, withdrawal
    int64_t user_id = 0;      // the user concerned, 0 for none
    std::string source;       // label: SIGNUP, TOPUP, RENTAL_PAYMENT, ADMIN_ADJUSTMENT, khalti...
    std::string description;
    boost::json::object metadata;
    // Set for user-facing transactions: a "TXN..." transaction_id is assigned.
    std::optional<std::string> transaction_type;
    std::string status = "SUCCESS";
    std::optional<Money> amount;    // display amount; default |wallet delta| + 10*|points delta|
    std::optional<int64_t> points;  // display points; default |points delta|
    std::optional<int64_t> reverses_id;
    std::vector<EntrySpec> entries;
    // The caller locked the user's accounts (Ledger::LockSpendable) and decided the debits on
    // those balances: the transfer does not lock and check them again.
    bool balances_locked = false;
};

struct PostedEntry {
    int64_t account_id = 0;
    AccountRef account;
    int64_t amount = 0;
    int64_t balance_after = 0;
};

struct TransferRecord {
    int64_t id = 0;
    std::string key, kind, source, description, status;
    int64_t user_id = 0;
    boost::json::object metadata;
    std::optional<std::string> transaction_id, transaction_type;
    Money amount;
    int64_t points = 0;
    std::optional<int64_t> reverses_id;
    Micros created_at = 0;
    std::vector<PostedEntry> entries;
    bool replayed = false;  // the key existed: nothing was applied now
    // The net change of one account in this transfer.
    int64_t DeltaOf(const AccountRef& a) const;
};

// The other side of a plain wallet credit or debit.
struct Counterparty {
    AccountRef account;
    std::string kind, transaction_type, source, description;
    boost::json::object metadata;
    static Counterparty TopUp(const std::string& gateway, const std::string& intent_id);
    static Counterparty StaffAdjustment(int64_t staff_user_id, const std::string& reason);
    static Counterparty Withdrawal(const std::string& withdrawal_id);
};

struct ChargeSpec {
    int64_t user_id = 0;
    Money total;
    std::string key;
    std::string description;
    AccountKind revenue = AccountKind::kRentalRevenue;  // or kLateFees, kPenalties
    std::string transaction_type = "RENTAL";            // RENTAL | RENTAL_DUE | FINE
    bool use_points = true;
    boost::json::object metadata;
};
struct ChargeResult {
    TransferRecord transfer;
    PaymentSplit split;  // points_used, points_amount, wallet_used (from the posted entries)
};

struct RefundSpec {
    std::string original_key;      // the charge to give back
    std::string key;               // this refund's own idempotency key
    std::optional<Money> amount;   // nullopt: everything not refunded yet
    std::string description = "Refund";
};
struct RefundResult {
    TransferRecord transfer;
    int64_t points_returned = 0;
    Money wallet_returned;
};

struct Balances {
    Money wallet;
    int64_t points = 0;
    Money total_topup;        // sum of TOPUP credits to the wallet
    int64_t points_earned = 0;  // points ever credited, refunds of spent points excluded,
                                // clawbacks (refunded top-ups) deducted
};

class Ledger {
public:
    // db: the database the ledger's transactions run on (account ids are remembered once the
    // transaction that found or created them commits).
    Ledger(const Clock& clock, Random& random, db::Database& db)
        : clock_(clock), random_(random), db_(db) {}

    // The primitive: balanced or InvalidArgument "unbalanced_transfer"; duplicate key ->
    // the existing transfer (Conflict "idempotency_key_conflict" if kind or user differ).
    Result<TransferRecord> Transfer(db::Connection& tx, const TransferSpec& spec);

    Result<TransferRecord> Credit(db::Connection& tx, int64_t user_id, Money amount,
                                  const Counterparty& from, const std::string& key);
    Result<TransferRecord> Debit(db::Connection& tx, int64_t user_id, Money amount,
                                 const Counterparty& to, const std::string& key);
    // Points first (whole points, 10 points = NPR 1), then wallet; all or nothing.
    Result<ChargeResult> Charge(db::Connection& tx, const ChargeSpec& spec);
    // Gives a charge back to the sources it came from. Errors: transfer_not_found (404),
    // not_refundable, already_refunded, refund_exceeds_charge.
    Result<RefundResult> Refund(db::Connection& tx, const RefundSpec& spec);

    // promotions/PTS -> user points. source: SIGNUP, TOPUP, REFERRAL_INVITER, COUPON, ...
    Result<TransferRecord> AwardPoints(db::Connection& tx, int64_t user_id, int64_t points,
                                       const std::string& source, const std::string& key,
                                       const std::string& description);
    Result<TransferRecord> SpendPoints(db::Connection& tx, int64_t user_id, int64_t points,
                                       const std::string& source, const std::string& key,
                                       const std::string& description);
    // Takes back the points an award (AwardPoints, key `award_key`) gave, as many as the user
    // still has: user points -> promotions/PTS (kind points_clawback, source REFUND), never
    // below zero; points already spent stay spent. Returns the points taken back (0 when the
    // award does not exist or the user has none left; then nothing is posted). Idempotent by
    // `key`: a replay returns what the first posting took back.
    Result<int64_t> ClawBackPoints(db::Connection& tx, int64_t user_id,
                                   const std::string& award_key, const std::string& key,
                                   const std::string& description);
    // Staff points adjustment (staff_adjustments/PTS), delta may be negative.
    Result<TransferRecord> AdjustPoints(db::Connection& tx, int64_t user_id, int64_t delta,
                                        const std::string& key, const std::string& reason);

    static Result<Balances> ReadBalances(db::Connection& c, int64_t user_id);
    // The user's cached wallet and points balances, their rows locked until the transaction
    // ends (FOR UPDATE on PostgreSQL): take it before deciding on a user's money under READ
    // COMMITTED (a charge's points/wallet split, a withdrawal's caps). Missing accounts: 0.
    static Result<std::pair<Money, int64_t>> LockSpendable(db::Connection& tx, int64_t user_id);
    static Result<std::optional<TransferRecord>> FindByKey(db::Connection& c, const std::string& key);

private:
    // Sets account_id on every leg, creating accounts used for the first time.
    Status ResolveAccounts(db::Connection& tx, std::vector<PostedEntry>& legs);
    // The transfer already posted under spec's key, marked replayed; Conflict
    // "idempotency_key_conflict" when it is another kind or user's.
    static Result<std::optional<TransferRecord>> FindReplay(db::Connection& tx,
                                                            const TransferSpec& spec);
    std::string NewTransactionId();

    const Clock& clock_;
    Random& random_;
    db::Database& db_;
    // Account ids by account (an account's id never changes and accounts are never deleted),
    // so most transfers skip resolving them. Only committed ids get in.
    std::mutex ids_mu_;
    std::unordered_map<std::string, int64_t> ids_;
};

}  // namespace ps::money
