// SQL over refunds (refund_service.hpp); reads of ledger_transfers are read-only.
#include "domains/money/refund_service_store.hpp"

namespace ps::money::refunds {

namespace {

constexpr const char* kColumns =
    "r.id, r.user_id, r.transfer_id, r.transaction_id, r.transaction_type, r.amount, r.reason, "
    "r.status, r.gateway, r.gateway_reference, r.gateway_status, r.admin_notes, r.processed_by, "
    "r.requested_at, r.processed_at, COALESCE(u.username, '')";

RefundRecord FromRow(const db::Row& row) {
    RefundRecord r;
    r.id = row.Str(0);
    r.user_id = row.Int(1);
    r.transfer_id = row.Int(2);
    r.transaction_id = row.Str(3);
    r.transaction_type = row.Str(4);
    r.amount = Money{row.Int(5)};
    r.reason = row.Str(6);
    r.status = row.Str(7);
    r.gateway = row.OptStr(8);
    r.gateway_reference = row.OptStr(9);
    r.gateway_status = row.Str(10);
    r.admin_notes = row.OptStr(11);
    r.processed_by = row.OptInt(12);
    r.requested_at = row.Int(13);
    r.processed_at = row.OptInt(14);
    r.username = row.Str(15);
    return r;
}

std::string Select(const std::string& where) {
    return std::string("SELECT ") + kColumns +
           " FROM refunds r LEFT JOIN users u ON u.id = r.user_id WHERE " + where;
}

Result<std::vector<RefundRecord>> Many(Result<db::Rows> rows) {
    if (!rows.ok()) return std::move(rows).error();
    std::vector<RefundRecord> out;
    for (const auto& r : *rows) out.push_back(FromRow(r));
    return out;
}

Result<std::optional<RefundRecord>> One(Result<std::optional<db::Row>> row) {
    if (!row.ok()) return std::move(row).error();
    if (!*row) return std::optional<RefundRecord>{};
    return std::optional<RefundRecord>{FromRow(**row)};
}

}  // namespace

Result<std::optional<PaidTransaction>> FindTransaction(db::Connection& c,
                                                       const std::string& transaction_id) {
    ASSIGN_OR_RETURN(auto row,
                     c.QueryOne("SELECT id, idempotency_key, COALESCE(user_id, 0), "
                                "COALESCE(transaction_type, ''), status, "
                                "amount, source FROM ledger_transfers WHERE transaction_id = ?",
                                {transaction_id}));
    if (!row) return std::optional<PaidTransaction>{};
    return std::optional<PaidTransaction>{PaidTransaction{row->Int(0), row->Str(1), row->Int(2),
                                                          row->Str(3), row->Str(4),
                                                          Money{row->Int(5)}, row->Str(6)}};
}

Result<std::optional<RefundRecord>> Find(db::Connection& c, const std::string& id) {
    return One(c.QueryOne(Select("r.id = ?"), {id}));
}

Result<std::optional<RefundRecord>> FindByRequestKey(db::Connection& c, int64_t user_id,
                                                     const std::string& key) {
    return One(c.QueryOne(Select("r.user_id = ? AND r.request_key = ?"), {user_id, key}));
}

Result<bool> LiveRefundExists(db::Connection& c, int64_t transfer_id) {
    ASSIGN_OR_RETURN(
        auto row,
        c.QueryOne(
            "SELECT 1 FROM refunds WHERE transfer_id = ? AND status IN ('REQUESTED', 'APPROVED', "
            "'PROCESSED')",
            {transfer_id}));
    return row.has_value();
}

Status Insert(db::Connection& c, const RefundRecord& r, const std::optional<std::string>& key) {
    RETURN_IF_ERROR(c.Exec(
        "INSERT INTO refunds (id, user_id, transfer_id, transaction_id, transaction_type, amount, "
        "reason, status, gateway, gateway_status, request_key, requested_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'NONE', ?, ?, ?)",
        {r.id, r.user_id, r.transfer_id, r.transaction_id, r.transaction_type, r.amount.paisa,
         r.reason, r.status, r.gateway, key, r.requested_at, r.requested_at}));
    return Ok{};
}

Result<bool> Decide(db::Connection& c, const RefundRecord& r, Micros now) {
    ASSIGN_OR_RETURN(
        int64_t n,
        c.Exec("UPDATE refunds SET status = ?, gateway = ?, gateway_status = ?, admin_notes = ?, "
               "processed_by = ?, processed_at = ?, updated_at = ? WHERE id = ? AND status = "
               "'REQUESTED'",
               {r.status, r.gateway, r.gateway_status, r.admin_notes, r.processed_by, now, now,
                r.id}));
    return n == 1;
}

Status SaveGatewayOutcome(db::Connection& c, const RefundRecord& r, Micros now) {
    RETURN_IF_ERROR(
        c.Exec("UPDATE refunds SET status = ?, gateway_status = ?, gateway_reference = ?, "
               "admin_notes = ?, updated_at = ? WHERE id = ?",
               {r.status, r.gateway_status, r.gateway_reference, r.admin_notes, now, r.id}));
    return Ok{};
}

Result<int64_t> Count(db::Connection& c, const Filter& f) {
    std::string where = f.user_id ? "user_id = ?" : "status = ?";
    db::Params p{f.user_id ? db::Param(*f.user_id) : db::Param(f.status)};
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COUNT(*) FROM refunds WHERE " + where, p));
    return row ? row->Int(0) : 0;
}

Result<std::vector<RefundRecord>> List(db::Connection& c, const Filter& f, int64_t limit,
                                       int64_t offset) {
    std::string where = f.user_id ? "r.user_id = ?" : "r.status = ?";
    db::Params p{f.user_id ? db::Param(*f.user_id) : db::Param(f.status), limit, offset};
    return Many(c.Query(Select(where) + " ORDER BY r.requested_at DESC, r.id LIMIT ? OFFSET ?", p));
}

}  // namespace ps::money::refunds
