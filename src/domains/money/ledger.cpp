// Ledger::Transfer, the primitive every posting goes through, and account resolution.
#include "domains/money/ledger.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <ctime>
#include <map>

namespace ps::money {

namespace json = boost::json;

namespace {

constexpr std::string_view kKindNames[] = {
    "user_wallet", "user_points", "gateway_clearing", "rental_revenue", "late_fees",
    "penalties",   "refunds",     "withdrawals_payable", "promotions", "staff_adjustments",
    "withdrawal_fees"};

Error Unbalanced(std::string msg) { return InvalidArgument("unbalanced_transfer", std::move(msg)); }

Status ValidateSpec(const TransferSpec& s) {
    if (s.key.empty() || s.key.size() > 255)
        return InvalidArgument("invalid_ledger_key", "A transfer needs a key of 1..255 characters");
    if (s.kind.empty()) return InvalidArgument("invalid_transfer", "A transfer needs a kind");
    if (s.entries.size() < 2) return Unbalanced("A transfer needs at least two entries");
    int64_t sum[2] = {0, 0};
    for (const auto& e : s.entries) {
        const auto& a = e.account;
        if (e.amount == 0) return Unbalanced("A transfer entry cannot be zero");
        if (IsUserKind(a.kind) != (a.user_id > 0))
            return InvalidArgument("invalid_account", "User accounts, and only they, need a user");
        if ((a.kind == AccountKind::kGatewayClearing) != !a.gateway.empty())
            return InvalidArgument("invalid_account", "Gateway clearing accounts need a gateway");
        if ((a.kind == AccountKind::kUserPoints && a.unit != Unit::kPts) ||
            (a.kind == AccountKind::kUserWallet && a.unit != Unit::kNpr))
            return InvalidArgument("invalid_account", "Wrong unit for a user account");
        if (__builtin_add_overflow(sum[static_cast<int>(a.unit)], e.amount,
                                   &sum[static_cast<int>(a.unit)]))
            return Unbalanced("Transfer amounts overflow");
    }
    if (sum[0] != 0 || sum[1] != 0) return Unbalanced("Transfer entries must sum to zero per unit");
    return Ok{};
}

Error Insufficient(Unit unit, int64_t shortfall) {
    json::object ctx;
    if (unit == Unit::kNpr) {
        ctx["shortfall"] = FormatDecimal(Money{shortfall});
        ctx["unit"] = "NPR";
        return FailedPrecondition("insufficient_balance",
                                  "Insufficient balance. Need NPR " + FormatDecimal(Money{shortfall}) +
                                      " more.",
                                  std::move(ctx));
    }
    ctx["shortfall"] = std::to_string(shortfall);
    ctx["unit"] = "PTS";
    return FailedPrecondition("insufficient_balance",
                              "Insufficient points. Need " + std::to_string(shortfall) + " more.",
                              std::move(ctx));
}

std::string MetaText(const json::object& o) { return json::serialize(o); }

json::object ParseMeta(const std::string& s) {
    boost::system::error_code ec;
    auto v = json::parse(s, ec);
    return !ec && v.is_object() ? v.as_object() : json::object{};
}

}  // namespace

std::string_view KindName(AccountKind k) { return kKindNames[static_cast<int>(k)]; }
std::optional<AccountKind> ParseKind(std::string_view s) {
    for (size_t i = 0; i < std::size(kKindNames); ++i)
        if (kKindNames[i] == s) return static_cast<AccountKind>(i);
    return std::nullopt;
}
std::string_view UnitName(Unit u) { return u == Unit::kNpr ? "NPR" : "PTS"; }
bool IsUserKind(AccountKind k) { return k == AccountKind::kUserWallet || k == AccountKind::kUserPoints; }

AccountRef UserWallet(int64_t user_id) { return {AccountKind::kUserWallet, Unit::kNpr, user_id, ""}; }
AccountRef UserPoints(int64_t user_id) { return {AccountKind::kUserPoints, Unit::kPts, user_id, ""}; }
AccountRef GatewayClearing(std::string gateway) {
    return {AccountKind::kGatewayClearing, Unit::kNpr, 0, std::move(gateway)};
}
AccountRef SystemAccount(AccountKind kind, Unit unit) { return {kind, unit, 0, ""}; }

int64_t TransferRecord::DeltaOf(const AccountRef& a) const {
    int64_t d = 0;
    for (const auto& e : entries)
        if (e.account == a) d += e.amount;
    return d;
}

namespace {
constexpr size_t kMaxCachedAccounts = 100'000;  // past it the cache starts over
std::string AccountKey(const AccountRef& a) {
    return std::string(KindName(a.kind)) + '/' + std::string(UnitName(a.unit)) + '/' +
           std::to_string(a.user_id) + '/' + a.gateway;
}
}  // namespace

Status Ledger::ResolveAccounts(db::Connection& tx, std::vector<PostedEntry>& legs) {
    std::vector<PostedEntry*> todo;
    {
        std::lock_guard lock(ids_mu_);
        for (auto& l : legs) {
            auto it = ids_.find(AccountKey(l.account));
            if (it != ids_.end()) l.account_id = it->second;
            else todo.push_back(&l);
        }
    }
    if (todo.empty()) return Ok{};
    // One statement for all the others (PostgreSQL pays a round trip per statement); an account
    // used for the first time is created, then looked up again.
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::string sql = "SELECT id, kind, COALESCE(user_id, 0), COALESCE(gateway, ''), unit "
                          "FROM ledger_accounts WHERE ";
        db::Params p;
        for (size_t i = 0; i < todo.size(); ++i) {
            const AccountRef& a = todo[i]->account;
            sql += i ? " OR " : "";
            sql += "(kind = ? AND COALESCE(user_id, 0) = ? AND COALESCE(gateway, '') = ? AND "
                   "unit = ?)";
            p.insert(p.end(), {KindName(a.kind), a.user_id, a.gateway, UnitName(a.unit)});
        }
        ASSIGN_OR_RETURN(auto rows, tx.Query(sql, p));
        bool missing = false;
        for (PostedEntry* l : todo) {
            for (const auto& r : rows)
                if (r.Str(1) == KindName(l->account.kind) && r.Int(2) == l->account.user_id &&
                    r.Str(3) == l->account.gateway && r.Str(4) == UnitName(l->account.unit))
                    l->account_id = r.Int(0);
            if (l->account_id != 0 || attempt > 0) continue;
            missing = true;
            const AccountRef& a = l->account;
            RETURN_IF_ERROR(tx.Exec(
                "INSERT INTO ledger_accounts (kind, user_id, gateway, unit, balance, created_at) "
                "VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT DO NOTHING",
                {KindName(a.kind), a.user_id > 0 ? db::Param(a.user_id) : db::Param(nullptr),
                 a.gateway.empty() ? db::Param(nullptr) : db::Param(a.gateway), UnitName(a.unit),
                 clock_.Now()}));
        }
        if (!missing) break;
    }
    std::vector<std::pair<std::string, int64_t>> found;
    for (const PostedEntry* l : todo) {
        if (l->account_id == 0) return Internal("Ledger account could not be created");
        found.emplace_back(AccountKey(l->account), l->account_id);
    }
    // Remembered once committed: a row this transaction created may yet be rolled back.
    db_.AfterCommit([this, found = std::move(found)] {
        std::lock_guard lock(ids_mu_);
        if (ids_.size() + found.size() > kMaxCachedAccounts) ids_.clear();
        for (const auto& [k, id] : found) ids_.emplace(k, id);
    });
    return Ok{};
}

Result<std::pair<Money, int64_t>> Ledger::LockSpendable(db::Connection& tx, int64_t user_id) {
    // FOR UPDATE (PostgreSQL): a decision on these balances holds until the transaction ends;
    // a racing spender waits and then reads what this one left. Rows are locked in id order,
    // the order Transfer writes them in.
    ASSIGN_OR_RETURN(auto rows, tx.Query(
        std::string("SELECT kind, balance FROM ledger_accounts WHERE user_id = ? AND "
                    "kind IN ('user_wallet', 'user_points') ORDER BY id") +
            db::ForUpdate(tx.backend()),
        {user_id}));
    std::pair<Money, int64_t> out{Money{0}, 0};
    for (const auto& r : rows) (r.Str(0) == "user_wallet" ? out.first.paisa : out.second) = r.Int(1);
    return out;
}

std::string Ledger::NewTransactionId() {
    std::time_t secs = static_cast<std::time_t>(clock_.Now() / kSecond);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string out = std::string("TXN") + buf;
    for (int i = 0; i < 6; ++i) out += kAlphabet[random_.Uniform(36)];
    return out;
}

Result<std::optional<TransferRecord>> Ledger::FindByKey(db::Connection& c, const std::string& key) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(
        "SELECT id, idempotency_key, kind, user_id, description, metadata, transaction_id, "
        "transaction_type, status, source, amount, points, reverses_id, created_at "
        "FROM ledger_transfers WHERE idempotency_key = ?", {key}));
    if (!row) return std::optional<TransferRecord>{};
    TransferRecord t;
    t.id = row->Int(0);
    t.key = row->Str(1);
    t.kind = row->Str(2);
    t.user_id = row->Int(3);
    t.description = row->Str(4);
    t.metadata = ParseMeta(row->Str(5));
    t.transaction_id = row->OptStr(6);
    t.transaction_type = row->OptStr(7);
    t.status = row->Str(8);
    t.source = row->Str(9);
    t.amount = Money{row->Int(10)};
    t.points = row->Int(11);
    t.reverses_id = row->OptInt(12);
    t.created_at = row->Int(13);
    ASSIGN_OR_RETURN(auto rows, c.Query(
        "SELECT e.account_id, a.kind, a.unit, a.user_id, a.gateway, e.amount, e.balance_after "
        "FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id "
        "WHERE e.transfer_id = ? ORDER BY e.id", {t.id}));
    for (const auto& r : rows) {
        auto kind = ParseKind(r.Str(1));
        if (!kind) return Internal("Unknown ledger account kind " + r.Str(1));
        AccountRef a{*kind, r.Str(2) == "PTS" ? Unit::kPts : Unit::kNpr, r.Int(3), r.Str(4)};
        t.entries.push_back({r.Int(0), std::move(a), r.Int(5), r.Int(6)});
    }
    return std::optional<TransferRecord>{std::move(t)};
}

Result<std::optional<TransferRecord>> Ledger::FindReplay(db::Connection& tx,
                                                         const TransferSpec& spec) {
    ASSIGN_OR_RETURN(auto existing, FindByKey(tx, spec.key));
    if (!existing) return existing;
    if (existing->kind != spec.kind || existing->user_id != spec.user_id)
        return Conflict("idempotency_key_conflict",
                        "A different transfer was already posted with this key");
    existing->replayed = true;
    return existing;
}

Result<TransferRecord> Ledger::Transfer(db::Connection& tx, const TransferSpec& spec) {
    RETURN_IF_ERROR(ValidateSpec(spec));
    // Merge legs per account, then resolve ids; writes go in ascending account id order so
    // concurrent transfers lock rows in one order.
    std::vector<PostedEntry> legs;
    for (const auto& e : spec.entries) {
        auto it = std::find_if(legs.begin(), legs.end(),
                               [&](const PostedEntry& l) { return l.account == e.account; });
        if (it == legs.end()) legs.push_back({0, e.account, e.amount, 0});
        else it->amount += e.amount;
    }
    std::erase_if(legs, [](const PostedEntry& l) { return l.amount == 0; });
    if (legs.size() < 2) return Unbalanced("A transfer must move something");
    RETURN_IF_ERROR(ResolveAccounts(tx, legs));
    std::sort(legs.begin(), legs.end(),
              [](const PostedEntry& a, const PostedEntry& b) { return a.account_id < b.account_id; });
    // Check every debited user account before writing anything, so a failed check leaves
    // nothing to undo. The debited rows are locked in one statement (FOR UPDATE on PostgreSQL;
    // SQLite has one writer), so the guarded UPDATE below cannot fail after the check passed,
    // and under READ COMMITTED a racing spender waits here and then sees this one's result.
    // A replay is found by the transfer's insert (its key is taken), or, when the check fails,
    // by looking the key up: a replay is not judged on today's balances.
    int64_t wallet_delta = 0, points_delta = 0;
    std::string lock_sql;
    db::Params lock_ids;
    for (const auto& l : legs) {
        if (!IsUserKind(l.account.kind)) continue;
        (l.account.unit == Unit::kNpr ? wallet_delta : points_delta) += l.amount;
        if (l.amount >= 0) continue;
        lock_sql += lock_ids.empty() ? "?" : ", ?";
        lock_ids.push_back(l.account_id);
    }
    if (!lock_ids.empty() && !spec.balances_locked) {
        ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, balance FROM ledger_accounts WHERE id IN (" +
                                                 lock_sql + ") ORDER BY id" +
                                                 db::ForUpdate(tx.backend()),
                                             lock_ids));
        for (const auto& l : legs) {
            if (!IsUserKind(l.account.kind) || l.amount >= 0) continue;
            int64_t have = 0;
            for (const auto& r : rows)
                if (r.Int(0) == l.account_id) have = r.Int(1);
            if (have + l.amount >= 0) continue;
            ASSIGN_OR_RETURN(auto replay, FindReplay(tx, spec));
            if (replay) return std::move(*replay);
            return Insufficient(l.account.unit, -(have + l.amount));
        }
    }

    TransferRecord t;
    t.key = spec.key;
    t.kind = spec.kind;
    t.user_id = spec.user_id;
    t.source = spec.source;
    t.description = spec.description;
    t.metadata = spec.metadata;
    t.status = spec.status;
    t.transaction_type = spec.transaction_type;
    if (spec.transaction_type) t.transaction_id = NewTransactionId();
    t.amount = spec.amount.value_or(Money{std::abs(wallet_delta) + std::abs(points_delta) * kPaisaPerPoint});
    t.points = spec.points.value_or(std::abs(points_delta));
    t.reverses_id = spec.reverses_id;
    t.created_at = clock_.Now();

    // No savepoint of its own: every business check ran above, and the first write (the
    // transfer row) either inserts or conflicts without writing. Later statements fail only on
    // a database error, which on PostgreSQL aborts the whole transaction anyway (and callers
    // run inside Database::Transact, whose nested calls roll back to their own savepoint).
    ASSIGN_OR_RETURN(auto ins, tx.Query(
        "INSERT INTO ledger_transfers (idempotency_key, kind, user_id, description, metadata, "
        "transaction_id, transaction_type, status, source, amount, points, reverses_id, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
        {t.key, t.kind, t.user_id > 0 ? db::Param(t.user_id) : db::Param(nullptr),
         t.description, MetaText(t.metadata), t.transaction_id, t.transaction_type, t.status,
         t.source, t.amount.paisa, t.points, t.reverses_id, t.created_at}));
    if (ins.empty()) {
        // The key was posted before (a replay), or by another transaction since this one
        // began. Under READ COMMITTED the insert waited for it and its transfer is visible
        // now: a replay. (A serializable transaction fails the insert instead and is retried.)
        ASSIGN_OR_RETURN(auto replay, FindReplay(tx, spec));
        if (!replay)
            return Error(ErrorCode::kUnavailable, "serialization_failure", "Concurrent transfer key");
        return std::move(*replay);
    }
    t.id = ins[0].Int(0);
    // Only user accounts keep a cached balance (read on every charge). A system account's
    // balance is the sum of its entries: updating one shared row per posting would serialize
    // every transfer of the whole system on it.
    // One statement for the user accounts (PostgreSQL pays a round trip per statement).
    std::string cases, ids;
    db::Params deltas;
    size_t users = 0;
    for (const auto& l : legs) {
        if (!IsUserKind(l.account.kind)) continue;
        cases += " WHEN ? THEN CAST(? AS BIGINT)";
        ids += users++ ? ", ?" : "?";
        deltas.insert(deltas.end(), {l.account_id, l.amount});
    }
    if (users > 0) {
        db::Params all = deltas;
        for (const auto& l : legs)
            if (IsUserKind(l.account.kind)) all.push_back(l.account_id);
        all.insert(all.end(), deltas.begin(), deltas.end());
        std::string delta = "CASE id" + cases + " END";
        ASSIGN_OR_RETURN(auto upd, tx.Query("UPDATE ledger_accounts SET balance = balance + " +
                                                delta + " WHERE id IN (" + ids +
                                                ") AND balance + " + delta +
                                                " >= 0 RETURNING id, balance",
                                            all));
        if (upd.size() != users)  // checked under a lock above: a broken invariant
            return Internal("Ledger balance changed under a lock");
        for (auto& l : legs)
            for (const auto& r : upd)
                if (r.Int(0) == l.account_id) l.balance_after = r.Int(1);
    }
    // All entries in one statement.
    std::string sql = "INSERT INTO ledger_entries (transfer_id, account_id, amount, unit, "
                      "balance_after, created_at) VALUES ";
    db::Params p;
    for (size_t i = 0; i < legs.size(); ++i) {
        const auto& l = legs[i];
        sql += i ? ", (?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?)";
        p.insert(p.end(), {t.id, l.account_id, l.amount, UnitName(l.account.unit),
                           IsUserKind(l.account.kind) ? l.balance_after : 0, t.created_at});
    }
    RETURN_IF_ERROR(tx.Defer(sql, p));
    t.entries = std::move(legs);
    return t;
}

}  // namespace ps::money
