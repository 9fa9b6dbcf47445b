#include "domains/money/withdrawal_service_store.hpp"

#include <boost/json.hpp>

namespace ps::money::withdrawals {

namespace json = boost::json;

namespace {

constexpr const char* kColumns =
    "w.id, w.internal_reference, w.user_id, w.amount, w.processing_fee, w.net_amount, w.method, "
    "w.account_details, w.status, w.admin_notes, w.gateway_reference, w.processed_by, "
    "w.requested_at, w.processed_at, COALESCE(u.username, ''), p.username";

Withdrawal FromRow(const db::Row& r) {
    Withdrawal w;
    w.id = r.Str(0);
    w.internal_reference = r.Str(1);
    w.user_id = r.Int(2);
    w.amount = Money{r.Int(3)};
    w.processing_fee = Money{r.Int(4)};
    w.net_amount = Money{r.Int(5)};
    w.method = r.Str(6);
    json::error_code ec;
    auto details = json::parse(r.Str(7), ec);
    if (!ec && details.is_object()) w.account_details = details.as_object();
    w.status = r.Str(8);
    w.admin_notes = r.OptStr(9);
    w.gateway_reference = r.OptStr(10);
    w.processed_by = r.OptInt(11);
    w.requested_at = r.Int(12);
    w.processed_at = r.OptInt(13);
    w.username = r.Str(14);
    w.processed_by_username = r.OptStr(15);
    return w;
}

std::string Select(const std::string& where) {
    return std::string("SELECT ") + kColumns +
           " FROM withdrawals w LEFT JOIN users u ON u.id = w.user_id "
           "LEFT JOIN users p ON p.id = w.processed_by WHERE " +
           where;
}

Result<std::optional<Withdrawal>> One(Result<std::optional<db::Row>> row) {
    if (!row.ok()) return std::move(row).error();
    if (!*row) return std::optional<Withdrawal>{};
    return std::optional<Withdrawal>{FromRow(**row)};
}

std::string Where(const Filter& f, db::Params& p) {
    std::string where = "1 = 1";
    if (f.user_id) {
        where += " AND w.user_id = ?";
        p.emplace_back(*f.user_id);
    }
    if (f.status) {
        where += " AND w.status = ?";
        p.emplace_back(*f.status);
    }
    return where;
}

}  // namespace

Status Insert(db::Connection& c, const Withdrawal& w, const std::optional<std::string>& key) {
    RETURN_IF_ERROR(c.Exec(
        "INSERT INTO withdrawals (id, internal_reference, user_id, amount, processing_fee, "
        "net_amount, method, account_details, status, request_key, requested_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {w.id, w.internal_reference, w.user_id, w.amount.paisa, w.processing_fee.paisa,
         w.net_amount.paisa, w.method, json::serialize(w.account_details), w.status, key,
         w.requested_at, w.requested_at}));
    return Ok{};
}

Result<std::optional<Withdrawal>> Find(db::Connection& c, const std::string& id) {
    return One(c.QueryOne(Select("w.id = ?"), {id}));
}

Result<std::optional<Withdrawal>> FindByRequestKey(db::Connection& c, int64_t user_id,
                                                   const std::string& key) {
    return One(c.QueryOne(Select("w.user_id = ? AND w.request_key = ?"), {user_id, key}));
}

Result<Money> RequestedSince(db::Connection& c, int64_t user_id, Micros since) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COALESCE(SUM(amount), 0) FROM withdrawals WHERE "
                                          "user_id = ? AND requested_at >= ? "
                                          "AND status NOT IN ('REJECTED', 'CANCELLED')",
                                          {user_id, since}));
    return Money{row ? row->Int(0) : 0};
}

Result<bool> Close(db::Connection& c, const std::string& id, const std::string& status,
                   const std::optional<std::string>& notes,
                   const std::optional<std::string>& gateway_reference,
                   std::optional<int64_t> processed_by, Micros now) {
    ASSIGN_OR_RETURN(
        int64_t n,
        c.Exec("UPDATE withdrawals SET status = ?, admin_notes = COALESCE(?, admin_notes), "
               "gateway_reference = COALESCE(?, gateway_reference), processed_by = ?, processed_at "
               "= ?, "
               "updated_at = ? WHERE id = ? AND status = 'REQUESTED'",
               {status, notes, gateway_reference, processed_by, now, now, id}));
    return n == 1;
}

Result<int64_t> Count(db::Connection& c, const Filter& f) {
    db::Params p;
    std::string where = Where(f, p);
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COUNT(*) FROM withdrawals w WHERE " + where, p));
    return row ? row->Int(0) : 0;
}

Result<std::vector<Withdrawal>> List(db::Connection& c, const Filter& f, int64_t limit,
                                     int64_t offset) {
    db::Params p;
    std::string where = Where(f, p);
    p.emplace_back(limit);
    p.emplace_back(offset);
    ASSIGN_OR_RETURN(
        auto rows,
        c.Query(Select(where) + " ORDER BY w.requested_at DESC, w.id LIMIT ? OFFSET ?", p));
    std::vector<Withdrawal> out;
    for (const auto& r : rows) out.push_back(FromRow(r));
    return out;
}

Result<WithdrawalAnalytics> Analytics(db::Connection& c, Micros day_start, Micros month_start) {
    ASSIGN_OR_RETURN(
        auto row,
        c.QueryOne(
            "SELECT COUNT(*), "
            "COALESCE(SUM(CASE WHEN status IN ('REQUESTED', 'APPROVED', 'PROCESSING') THEN 1 ELSE "
            "0 END), 0), "
            "COALESCE(SUM(CASE WHEN status = 'COMPLETED' THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN status = 'REJECTED' THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN requested_at >= ? THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN requested_at >= ? THEN amount ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN requested_at >= ? THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN requested_at >= ? THEN amount ELSE 0 END), 0) FROM withdrawals",
            {day_start, day_start, month_start, month_start}));
    WithdrawalAnalytics a;
    if (!row) return a;
    a.total = row->Int(0);
    a.pending = row->Int(1);
    a.completed = row->Int(2);
    a.rejected = row->Int(3);
    a.today_count = row->Int(4);
    a.today_amount = Money{row->Int(5)};
    a.month_count = row->Int(6);
    a.month_amount = Money{row->Int(7)};
    return a;
}

}  // namespace ps::money::withdrawals
