#include "domains/money/money_repository.hpp"

namespace ps::money::repo {

namespace {

void AddRange(std::string& where, db::Params& p, const DateRange& d, const char* column) {
    if (d.from) {
        where += std::string(" AND ") + column + " >= ?";
        p.emplace_back(*d.from);
    }
    if (d.to) {
        where += std::string(" AND ") + column + " < ?";
        p.emplace_back(*d.to);
    }
}

// Entries on the user's points account, joined with their transfers.
constexpr const char* kPointsFrom =
    " FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id "
    "JOIN ledger_transfers t ON t.id = e.transfer_id "
    "WHERE a.kind = 'user_points' AND a.user_id = ?";
constexpr const char* kPointsType =
    "CASE WHEN t.kind = 'points_adjustment' THEN 'ADJUSTMENT' WHEN e.amount > 0 THEN 'EARNED' "
    "ELSE 'SPENT' END";

std::string PointsWhere(const PointsFilter& f, db::Params& p) {
    std::string w;
    if (f.type) {
        w += std::string(" AND ") + kPointsType + " = ?";
        p.emplace_back(*f.type);
    }
    if (f.source) {
        w += " AND t.source = ?";
        p.emplace_back(*f.source);
    }
    AddRange(w, p, f.dates, "e.created_at");
    return w;
}

std::string TxnWhere(const TxnFilter& f, db::Params& p) {
    std::string w = " WHERE user_id = ? AND transaction_id IS NOT NULL";
    if (f.status) {
        w += " AND status = ?";
        p.emplace_back(*f.status);
    }
    AddRange(w, p, f.dates, "created_at");
    return w;
}

// Columns: src, rid, txid, uid, typ, amt, st, ts, descr, bb, ba, psrc.
std::string AdminUnion(const std::string& source) {
    const std::string payment =
        "SELECT 'payment' AS src, t.id AS rid, t.transaction_id AS txid, t.user_id AS uid, "
        "t.transaction_type AS typ, t.amount AS amt, t.status AS st, t.created_at AS ts, "
        "t.description AS descr, CAST(NULL AS BIGINT) AS bb, CAST(NULL AS BIGINT) AS ba, "
        "t.source AS psrc FROM ledger_transfers t WHERE t.transaction_id IS NOT NULL";
    auto movement = [](const char* src, const char* kind, const char* type) {
        return std::string("SELECT '") + src + "', e.id, '', a.user_id, " + type +
               ", ABS(e.amount), 'COMPLETED', e.created_at, t.description, "
               "e.balance_after - e.amount, e.balance_after, t.source FROM ledger_entries e "
               "JOIN ledger_accounts a ON a.id = e.account_id JOIN ledger_transfers t ON "
               "t.id = e.transfer_id WHERE a.kind = '" + kind + "'";
    };
    const std::string wallet = movement(
        "wallet", "user_wallet",
        "CASE WHEN t.kind = 'adjustment' THEN 'ADJUSTMENT' WHEN e.amount > 0 THEN 'CREDIT' "
        "ELSE 'DEBIT' END");
    const std::string points = movement("points", "user_points", kPointsType);
    if (source == "payment") return payment;
    if (source == "wallet") return wallet;
    if (source == "points") return points;
    return payment + " UNION ALL " + wallet + " UNION ALL " + points;
}

std::string AdminWhere(const AdminTxnFilter& f, db::Params& p) {
    std::string w = " WHERE 1 = 1";
    if (f.status) {
        w += " AND x.st = ?";
        p.emplace_back(*f.status);
    }
    if (f.user_id) {
        w += " AND x.uid = ?";
        p.emplace_back(*f.user_id);
    }
    if (f.search) {
        w += " AND (LOWER(x.txid) LIKE ? OR LOWER(u.username) LIKE ? OR LOWER(u.email) LIKE ?)";
        std::string like = "%";
        for (char ch : *f.search) {
            if (ch == '%' || ch == '_') continue;  // no wildcards from the client
            like += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        }
        like += "%";
        for (int i = 0; i < 3; ++i) p.emplace_back(like);
    }
    AddRange(w, p, f.dates, "x.ts");
    return w;
}

}  // namespace

Result<std::vector<Movement>> RecentWalletMovements(db::Connection& c, int64_t user_id, int limit) {
    ASSIGN_OR_RETURN(auto rows, c.Query(
        "SELECT e.id, e.amount, e.balance_after, t.kind, t.description, e.created_at "
        "FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id "
        "JOIN ledger_transfers t ON t.id = e.transfer_id "
        "WHERE a.kind = 'user_wallet' AND a.user_id = ? ORDER BY e.id DESC LIMIT ?",
        {user_id, limit}));
    std::vector<Movement> out;
    for (const auto& r : rows)
        out.push_back({r.Int(0), r.Int(1), r.Int(2), r.Str(3), r.Str(4), r.Int(5)});
    return out;
}

Result<int64_t> CountTransactions(db::Connection& c, int64_t user_id, const TxnFilter& f) {
    db::Params p{user_id};
    std::string w = TxnWhere(f, p);
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COUNT(*) FROM ledger_transfers" + w, p));
    return row->Int(0);
}

Result<std::vector<TxnRow>> ListTransactions(db::Connection& c, int64_t user_id, const TxnFilter& f,
                                             int64_t limit, int64_t offset) {
    db::Params p{user_id};
    std::string w = TxnWhere(f, p);
    p.emplace_back(limit);
    p.emplace_back(offset);
    ASSIGN_OR_RETURN(auto rows, c.Query(
        "SELECT id, transaction_id, transaction_type, status, amount, created_at "
        "FROM ledger_transfers" + w + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", p));
    std::vector<TxnRow> out;
    for (const auto& r : rows)
        out.push_back({r.Int(0), r.Str(1), r.Str(2), r.Str(3), Money{r.Int(4)}, r.Int(5)});
    return out;
}

Result<int64_t> CountPoints(db::Connection& c, int64_t user_id, const PointsFilter& f) {
    db::Params p{user_id};
    std::string w = PointsWhere(f, p);
    ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string("SELECT COUNT(*)") + kPointsFrom + w, p));
    return row->Int(0);
}

Result<std::vector<PointsRow>> ListPoints(db::Connection& c, int64_t user_id, const PointsFilter& f,
                                          int64_t limit, int64_t offset) {
    db::Params p{user_id};
    std::string w = PointsWhere(f, p);
    p.emplace_back(limit);
    p.emplace_back(offset);
    ASSIGN_OR_RETURN(auto rows, c.Query(
        std::string("SELECT e.id, ") + kPointsType + ", t.source, t.description, e.amount, "
        "e.created_at" + kPointsFrom + w + " ORDER BY e.id DESC LIMIT ? OFFSET ?", p));
    std::vector<PointsRow> out;
    for (const auto& r : rows)
        out.push_back({r.Int(0), r.Str(1), r.Str(2), r.Str(3), r.Int(4), r.Int(5)});
    return out;
}

Result<PointsStats> PointsSummary(db::Connection& c, int64_t user_id, Micros now) {
    PointsStats s;
    ASSIGN_OR_RETURN(auto bal, c.QueryOne(
        "SELECT balance FROM ledger_accounts WHERE kind = 'user_points' AND user_id = ?", {user_id}));
    s.current = bal ? bal->Int(0) : 0;
    ASSIGN_OR_RETURN(auto rows, c.Query(
        std::string("SELECT t.source, t.kind, CASE WHEN e.amount > 0 THEN 1 ELSE 0 END, "
                    "SUM(e.amount), MAX(e.created_at), SUM(CASE WHEN e.created_at >= ? THEN 1 "
                    "ELSE 0 END)") + kPointsFrom +
            " GROUP BY t.source, t.kind, CASE WHEN e.amount > 0 THEN 1 ELSE 0 END",
        {now - 30 * kDay, user_id}));
    for (const auto& r : rows) {
        std::string source = r.Str(0), kind = r.Str(1);
        bool positive = r.Int(2) == 1;
        int64_t sum = r.Int(3);
        Micros last = r.Int(4);
        s.recent_count += r.Int(5);
        auto& when = positive ? s.last_earned : s.last_spent;
        if (!when || last > *when) when = last;
        if (kind == "points_adjustment") continue;  // neither earned nor spent
        if (kind == "points_clawback") {  // a refunded top-up's reward: earned no more
            s.earned += sum;
            s.from_topups += sum;
            continue;
        }
        if (!positive) { s.spent += -sum; continue; }
        if (kind == "refund") { s.spent -= sum; continue; }  // spent points given back
        s.earned += sum;
        if (source == "SIGNUP") s.from_signup += sum;
        else if (source == "REFERRAL_INVITER" || source == "REFERRAL_INVITEE") s.from_referrals += sum;
        else if (source == "TOPUP") s.from_topups += sum;
        else if (source == "RENTAL_COMPLETE") s.from_rentals += sum;
        else if (source == "TIMELY_RETURN") s.from_timely_returns += sum;
        else if (source == "COUPON") s.from_coupons += sum;
    }
    return s;
}

Result<int64_t> CountAdminTransactions(db::Connection& c, const AdminTxnFilter& f) {
    db::Params p;
    std::string w = AdminWhere(f, p);
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COUNT(*) FROM (" + AdminUnion(f.source) +
                                              ") x LEFT JOIN users u ON u.id = x.uid" + w, p));
    return row->Int(0);
}

Result<std::vector<AdminTxnRow>> ListAdminTransactions(db::Connection& c, const AdminTxnFilter& f,
                                                       int64_t limit, int64_t offset) {
    db::Params p;
    std::string w = AdminWhere(f, p);
    p.emplace_back(limit);
    p.emplace_back(offset);
    ASSIGN_OR_RETURN(auto rows, c.Query(
        "SELECT x.src, x.rid, x.txid, x.uid, x.typ, x.amt, x.st, x.ts, x.descr, x.bb, x.ba, "
        "x.psrc, u.username, u.email FROM (" + AdminUnion(f.source) +
        ") x LEFT JOIN users u ON u.id = x.uid" + w +
        " ORDER BY x.ts DESC, x.src, x.rid DESC LIMIT ? OFFSET ?", p));
    std::vector<AdminTxnRow> out;
    for (const auto& r : rows) {
        AdminTxnRow a;
        a.source = r.Str(0);
        a.id = r.Int(1);
        a.transaction_id = a.source == "payment" ? r.Str(2)
                           : (a.source == "wallet" ? "W-" : "P-") + std::to_string(a.id);
        a.user_id = r.Int(3);
        a.type = r.Str(4);
        a.amount = r.Int(5);
        a.status = r.Str(6);
        a.created_at = r.Int(7);
        a.description = r.Str(8);
        a.balance_before = r.OptInt(9);
        a.balance_after = r.OptInt(10);
        a.points_source = r.Str(11);
        a.username = r.Str(12);
        a.email = r.OptStr(13);
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace ps::money::repo
