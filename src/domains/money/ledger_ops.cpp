// The postings other domains use, each one Ledger::Transfer with a fixed shape (ledger.hpp).
#include <algorithm>

#include "domains/money/ledger.hpp"

namespace ps::money {

namespace json = boost::json;

namespace {

Status CheckPositive(int64_t v, const char* what) {
    if (v <= 0) return InvalidArgument("invalid_amount", std::string(what) + " must be positive");
    return Ok{};
}

Status CheckReplay(const TransferRecord& t, const std::string& kind, int64_t user_id) {
    if (t.kind != kind || t.user_id != user_id)
        return Conflict("idempotency_key_conflict",
                        "A different transfer was already posted with this key");
    return Ok{};
}

PaymentSplit SplitOf(const TransferRecord& t) {
    PaymentSplit s;
    s.total = t.amount;
    s.points_used = -t.DeltaOf(UserPoints(t.user_id));
    s.wallet_used = Money{-t.DeltaOf(UserWallet(t.user_id))};
    s.points_amount = t.amount - s.wallet_used;
    return s;
}

bool IsRevenueKind(AccountKind k) {
    return k == AccountKind::kRentalRevenue || k == AccountKind::kLateFees ||
           k == AccountKind::kPenalties;
}

}  // namespace

Counterparty Counterparty::TopUp(const std::string& gateway, const std::string& intent_id) {
    return {GatewayClearing(gateway), "topup", "TOPUP", gateway, "Wallet top-up via " + gateway,
            json::object{{"intent_id", intent_id}, {"payment_method_type", "GATEWAY"}}};
}
Counterparty Counterparty::StaffAdjustment(int64_t staff_user_id, const std::string& reason) {
    return {SystemAccount(AccountKind::kStaffAdjustments), "adjustment", "ADJUSTMENT",
            "ADMIN_ADJUSTMENT", reason, json::object{{"staff_user_id", staff_user_id}}};
}
Counterparty Counterparty::Withdrawal(const std::string& withdrawal_id) {
    return {SystemAccount(AccountKind::kWithdrawalsPayable), "withdrawal", "WITHDRAWAL",
            "WITHDRAWAL", "Withdrawal", json::object{{"withdrawal_id", withdrawal_id}}};
}

Result<TransferRecord> Ledger::Credit(db::Connection& tx, int64_t user_id, Money amount,
                                      const Counterparty& from, const std::string& key) {
    RETURN_IF_ERROR(CheckPositive(amount.paisa, "A credit"));
    TransferSpec t{key, from.kind, user_id, from.source, from.description, from.metadata};
    if (!from.transaction_type.empty()) t.transaction_type = from.transaction_type;
    t.entries = {{UserWallet(user_id), amount.paisa}, {from.account, -amount.paisa}};
    return Transfer(tx, t);
}

Result<TransferRecord> Ledger::Debit(db::Connection& tx, int64_t user_id, Money amount,
                                     const Counterparty& to, const std::string& key) {
    RETURN_IF_ERROR(CheckPositive(amount.paisa, "A debit"));
    TransferSpec t{key, to.kind, user_id, to.source, to.description, to.metadata};
    if (!to.transaction_type.empty()) t.transaction_type = to.transaction_type;
    t.entries = {{UserWallet(user_id), -amount.paisa}, {to.account, amount.paisa}};
    return Transfer(tx, t);
}

Result<ChargeResult> Ledger::Charge(db::Connection& tx, const ChargeSpec& s) {
    RETURN_IF_ERROR(CheckPositive(s.total.paisa, "A charge"));
    if (s.user_id <= 0) return InvalidArgument("invalid_account", "A charge needs a user");
    // Locked: the split is decided on these balances, so a racing spender must not change
    // them before the transfer posts (it would fail the transfer, or be told "insufficient").
    // A replay is found by the transfer (its key is taken), or here when the balances would
    // refuse it: a replay is not judged on today's balances.
    ASSIGN_OR_RETURN(auto have, LockSpendable(tx, s.user_id));
    PaymentSplit split = SplitPayment(s.total, have.second, have.first, s.use_points);
    if (!split.sufficient) {
        ASSIGN_OR_RETURN(auto existing, FindByKey(tx, s.key));
        if (existing) {
            RETURN_IF_ERROR(CheckReplay(*existing, "charge", s.user_id));
            existing->replayed = true;
            PaymentSplit done = SplitOf(*existing);
            return ChargeResult{std::move(*existing), done};
        }
        return FailedPrecondition(
            "insufficient_balance",
            "Insufficient balance. Need NPR " + FormatDecimal(split.shortfall) + " more.",
            json::object{{"shortfall", FormatDecimal(split.shortfall)}, {"unit", "NPR"}});
    }
    AccountRef revenue = SystemAccount(s.revenue);
    TransferSpec t{s.key, "charge", s.user_id, "RENTAL_PAYMENT", s.description, s.metadata};
    t.transaction_type = s.transaction_type;
    t.balances_locked = true;  // the split above was decided on them
    t.amount = s.total;
    t.points = split.points_used;
    t.metadata["payment_method_type"] = split.points_used == 0 ? "WALLET"
                                        : split.wallet_used.paisa == 0 ? "POINTS"
                                                                       : "COMBINATION";
    if (split.points_used > 0) {
        t.entries.push_back({UserPoints(s.user_id), -split.points_used});
        t.entries.push_back({SystemAccount(AccountKind::kPromotions, Unit::kPts), split.points_used});
        t.entries.push_back({SystemAccount(AccountKind::kPromotions), -split.points_amount.paisa});
        t.entries.push_back({revenue, split.points_amount.paisa});
    }
    if (split.wallet_used.paisa > 0) {
        t.entries.push_back({UserWallet(s.user_id), -split.wallet_used.paisa});
        t.entries.push_back({revenue, split.wallet_used.paisa});
    }
    ASSIGN_OR_RETURN(auto posted, Transfer(tx, t));
    PaymentSplit done = SplitOf(posted);
    return ChargeResult{std::move(posted), done};
}

Result<RefundResult> Ledger::Refund(db::Connection& tx, const RefundSpec& s) {
    if (s.amount) RETURN_IF_ERROR(CheckPositive(s.amount->paisa, "A refund"));
    ASSIGN_OR_RETURN(auto orig, FindByKey(tx, s.original_key));
    if (!orig) return NotFound("transfer_not_found", "Transaction not found");
    const int64_t user = orig->user_id;
    // The refundable remainder is decided on this charge's earlier refunds: lock the charge so
    // concurrent refunds of it run one after the other (under READ COMMITTED the next one then
    // sees what this one gave back), and they never exceed the charge together.
    RETURN_IF_ERROR(tx.Query(std::string("SELECT id FROM ledger_transfers WHERE id = ?") +
                                 db::ForUpdate(tx.backend()),
                             {orig->id}));
    ASSIGN_OR_RETURN(auto existing, FindByKey(tx, s.key));
    if (existing) {
        RETURN_IF_ERROR(CheckReplay(*existing, "refund", user));
        existing->replayed = true;
        int64_t p = existing->DeltaOf(UserPoints(user));
        Money w{existing->DeltaOf(UserWallet(user))};
        return RefundResult{std::move(*existing), p, w};
    }
    int64_t wallet_used = -orig->DeltaOf(UserWallet(user));
    int64_t points_used = -orig->DeltaOf(UserPoints(user));
    auto counter_it = std::find_if(orig->entries.begin(), orig->entries.end(), [](const PostedEntry& e) {
        return e.amount > 0 && e.account.unit == Unit::kNpr && !IsUserKind(e.account.kind) &&
               e.account.kind != AccountKind::kPromotions;
    });
    if (user <= 0 || wallet_used < 0 || points_used < 0 || wallet_used + points_used == 0 ||
        counter_it == orig->entries.end())
        return FailedPrecondition("not_refundable", "Only a charge to a user can be refunded");
    AccountRef counter = IsRevenueKind(counter_it->account.kind)
                             ? SystemAccount(AccountKind::kRefunds)
                             : counter_it->account;
    // What earlier refunds of this charge already gave back.
    ASSIGN_OR_RETURN(auto prior, tx.QueryOne(
        "SELECT COALESCE(SUM(t.amount), 0), COALESCE(SUM(t.points), 0), COUNT(*) "
        "FROM ledger_transfers t WHERE t.reverses_id = ?", {orig->id}));
    ASSIGN_OR_RETURN(auto prior_wallet, tx.QueryOne(
        "SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e "
        "JOIN ledger_transfers t ON t.id = e.transfer_id "
        "JOIN ledger_accounts a ON a.id = e.account_id "
        "WHERE t.reverses_id = ? AND a.kind = 'user_wallet'", {orig->id}));
    int64_t refunded = prior->Int(0);
    int64_t rem_points = points_used - prior->Int(1);
    int64_t rem_wallet = wallet_used - prior_wallet->Int(0);
    int64_t remaining = orig->amount.paisa - refunded;
    if (remaining <= 0) return FailedPrecondition("already_refunded", "This transaction is already refunded");
    int64_t a = s.amount ? s.amount->paisa : remaining;
    if (a > remaining)
        return FailedPrecondition("refund_exceeds_charge", "The refund exceeds what can be refunded",
                                  json::object{{"refundable", FormatDecimal(Money{remaining})}});
    int64_t w = 0, p = 0;
    if (a == remaining) {  // everything left: exactly the sources that remain
        w = std::max<int64_t>(rem_wallet, 0);
        p = std::max<int64_t>(rem_points, 0);
        if (w > a) w = a;
    } else {  // partial: wallet first, then whole points; a sub-point remainder goes to wallet
        w = std::min(a, std::max<int64_t>(rem_wallet, 0));
        p = std::min((a - w) / kPaisaPerPoint, std::max<int64_t>(rem_points, 0));
        w = a - p * kPaisaPerPoint;
    }
    int64_t points_value = a - w;
    TransferSpec t{s.key, "refund", user, "REFUND", s.description,
                   json::object{{"original_key", orig->key}}};
    if (orig->transaction_id) t.metadata["original_transaction_id"] = *orig->transaction_id;
    t.transaction_type = "REFUND";
    t.amount = Money{a};
    t.points = p;
    t.reverses_id = orig->id;
    if (w > 0) {
        t.entries.push_back({UserWallet(user), w});
        t.entries.push_back({counter, -w});
    }
    if (p > 0) {
        t.entries.push_back({UserPoints(user), p});
        t.entries.push_back({SystemAccount(AccountKind::kPromotions, Unit::kPts), -p});
    }
    if (points_value > 0) {
        t.entries.push_back({SystemAccount(AccountKind::kPromotions), points_value});
        t.entries.push_back({counter, -points_value});
    }
    ASSIGN_OR_RETURN(auto posted, Transfer(tx, t));
    if (refunded + a == orig->amount.paisa)
        RETURN_IF_ERROR(tx.Exec("UPDATE ledger_transfers SET status = 'REFUNDED' WHERE id = ?", {orig->id}));
    return RefundResult{std::move(posted), p, Money{w}};
}

Result<TransferRecord> Ledger::AwardPoints(db::Connection& tx, int64_t user_id, int64_t points,
                                           const std::string& source, const std::string& key,
                                           const std::string& description) {
    RETURN_IF_ERROR(CheckPositive(points, "Points"));
    TransferSpec t{key, "points_award", user_id, source, description};
    t.entries = {{UserPoints(user_id), points},
                 {SystemAccount(AccountKind::kPromotions, Unit::kPts), -points}};
    return Transfer(tx, t);
}

Result<TransferRecord> Ledger::SpendPoints(db::Connection& tx, int64_t user_id, int64_t points,
                                           const std::string& source, const std::string& key,
                                           const std::string& description) {
    RETURN_IF_ERROR(CheckPositive(points, "Points"));
    TransferSpec t{key, "points_spend", user_id, source, description};
    t.entries = {{UserPoints(user_id), -points},
                 {SystemAccount(AccountKind::kPromotions, Unit::kPts), points}};
    return Transfer(tx, t);
}

Result<int64_t> Ledger::ClawBackPoints(db::Connection& tx, int64_t user_id,
                                       const std::string& award_key, const std::string& key,
                                       const std::string& description) {
    ASSIGN_OR_RETURN(auto done, FindByKey(tx, key));
    if (done) {
        RETURN_IF_ERROR(CheckReplay(*done, "points_clawback", user_id));
        return -done->DeltaOf(UserPoints(user_id));
    }
    ASSIGN_OR_RETURN(auto award, FindByKey(tx, award_key));
    if (!award) return int64_t{0};
    RETURN_IF_ERROR(CheckReplay(*award, "points_award", user_id));
    ASSIGN_OR_RETURN(auto have, LockSpendable(tx, user_id));  // decides how many: locked
    int64_t points = std::min(award->DeltaOf(UserPoints(user_id)), have.second);
    if (points <= 0) return int64_t{0};
    TransferSpec t{key, "points_clawback", user_id, "REFUND", description,
                   json::object{{"award_transfer_id", award->id}}};
    t.entries = {{UserPoints(user_id), -points},
                 {SystemAccount(AccountKind::kPromotions, Unit::kPts), points}};
    ASSIGN_OR_RETURN(auto posted, Transfer(tx, t));
    return -posted.DeltaOf(UserPoints(user_id));
}

Result<TransferRecord> Ledger::AdjustPoints(db::Connection& tx, int64_t user_id, int64_t delta,
                                            const std::string& key, const std::string& reason) {
    if (delta == 0) return InvalidArgument("invalid_amount", "A points adjustment cannot be zero");
    TransferSpec t{key, "points_adjustment", user_id, "ADMIN_ADJUSTMENT", reason};
    t.entries = {{UserPoints(user_id), delta},
                 {SystemAccount(AccountKind::kStaffAdjustments, Unit::kPts), -delta}};
    return Transfer(tx, t);
}

Result<Balances> Ledger::ReadBalances(db::Connection& c, int64_t user_id) {
    ASSIGN_OR_RETURN(auto rows, c.Query(
        "SELECT a.kind, a.balance, (SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e "
        "JOIN ledger_transfers t ON t.id = e.transfer_id WHERE e.account_id = a.id AND "
        "((e.amount > 0 AND ((a.kind = 'user_wallet' AND t.transaction_type = 'TOPUP') OR "
        "(a.kind = 'user_points' AND t.kind <> 'refund'))) OR t.kind = 'points_clawback')) "
        "FROM ledger_accounts a WHERE a.user_id = ? AND a.kind IN ('user_wallet', 'user_points')",
        {user_id}));
    Balances b;
    for (const auto& r : rows) {
        if (r.Str(0) == "user_wallet") {
            b.wallet = Money{r.Int(1)};
            b.total_topup = Money{r.Int(2)};
        } else {
            b.points = r.Int(1);
            b.points_earned = r.Int(2);
        }
    }
    return b;
}

}  // namespace ps::money
