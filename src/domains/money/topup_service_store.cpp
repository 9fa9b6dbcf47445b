// SQL over payment_intents (topup_service.hpp, namespace intents).
#include <boost/json.hpp>

#include "domains/money/topup_service.hpp"

namespace ps::money::intents {

namespace json = boost::json;

namespace {

constexpr const char* kColumns =
    "id, user_id, payment_method_id, gateway, amount, currency, status, gateway_reference, "
    "gateway_url, redirect_method, form_fields, extra, gateway_transaction_id, transaction_id, "
    "failure_reason, expires_at, completed_at, created_at, updated_at";

std::optional<json::object> ObjectOf(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    json::error_code ec;
    auto v = json::parse(*text, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return v.as_object();
}

PaymentIntent FromRow(const db::Row& r) {
    PaymentIntent p;
    p.id = r.Str(0);
    p.user_id = r.Int(1);
    p.payment_method_id = r.Str(2);
    p.gateway = r.Str(3);
    p.amount = Money{r.Int(4)};
    p.currency = r.Str(5);
    p.status = r.Str(6);
    p.gateway_reference = r.OptStr(7);
    p.gateway_url = r.OptStr(8);
    p.redirect_method = r.Str(9);
    p.form_fields = ObjectOf(r.OptStr(10));
    p.extra = ObjectOf(r.OptStr(11)).value_or(json::object{});
    p.gateway_transaction_id = r.OptStr(12);
    p.transaction_id = r.OptStr(13);
    p.failure_reason = r.OptStr(14);
    p.expires_at = r.Int(15);
    p.completed_at = r.OptInt(16);
    p.created_at = r.Int(17);
    p.updated_at = r.Int(18);
    return p;
}

}  // namespace

Status Insert(db::Connection& c, const PaymentIntent& p) {
    RETURN_IF_ERROR(c.Exec(
        "INSERT INTO payment_intents (id, user_id, payment_method_id, gateway, amount, currency, "
        "status, redirect_method, extra, expires_at, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', ?, ?, ?)",
        {p.id, p.user_id, p.payment_method_id, p.gateway, p.amount.paisa, p.currency, p.status,
         p.redirect_method, p.expires_at, p.created_at, p.updated_at}));
    return Ok{};
}

Result<std::optional<PaymentIntent>> Find(db::Connection& c, const std::string& id) {
    ASSIGN_OR_RETURN(
        auto row,
        c.QueryOne(std::string("SELECT ") + kColumns + " FROM payment_intents WHERE id = ?", {id}));
    if (!row) return std::optional<PaymentIntent>{};
    return std::optional<PaymentIntent>{FromRow(*row)};
}

Result<std::optional<std::string>> IdByReference(db::Connection& c, const std::string& gateway,
                                                 const std::string& reference) {
    ASSIGN_OR_RETURN(
        auto row,
        c.QueryOne("SELECT id FROM payment_intents WHERE gateway = ? AND gateway_reference = ? "
                   "ORDER BY created_at DESC LIMIT 1",
                   {gateway, reference}));
    if (!row) return std::optional<std::string>{};
    return std::optional<std::string>{row->Str(0)};
}

Status SaveCheckout(db::Connection& c, const std::string& id, const Checkout& k, Micros now) {
    std::optional<std::string> form;
    if (k.form_fields) form = json::serialize(*k.form_fields);
    RETURN_IF_ERROR(c.Exec(
        "UPDATE payment_intents SET gateway_reference = ?, gateway_url = ?, redirect_method = ?, "
        "form_fields = ?, extra = ?, updated_at = ? WHERE id = ?",
        {k.gateway_reference, k.gateway_url, k.redirect_method, form, json::serialize(k.extra), now,
         id}));
    return Ok{};
}

Result<bool> Transition(db::Connection& c, const std::string& id,
                        std::initializer_list<std::string_view> from, const std::string& to,
                        const std::optional<std::string>& reason, Micros now) {
    std::string in;
    db::Params p{to, reason, now, id};
    for (auto s : from) {
        in += in.empty() ? "?" : ", ?";
        p.emplace_back(s);
    }
    ASSIGN_OR_RETURN(
        int64_t n,
        c.Exec(
            "UPDATE payment_intents SET status = ?, failure_reason = COALESCE(?, failure_reason), "
            "updated_at = ? WHERE id = ? AND status IN (" +
                in + ")",
            p));
    return n == 1;
}

Status MarkCompleted(db::Connection& c, const std::string& id, const std::string& gateway_txn,
                     const std::string& transaction_id, Micros now) {
    RETURN_IF_ERROR(
        c.Exec("UPDATE payment_intents SET gateway_transaction_id = ?, transaction_id = ?, "
               "completed_at = ?, updated_at = ? WHERE id = ?",
               {gateway_txn, transaction_id, now, now, id}));
    return Ok{};
}

Result<std::vector<PaymentIntent>> Pending(db::Connection& c, Micros before, int limit) {
    ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kColumns +
                                            " FROM payment_intents WHERE status = 'PENDING' AND "
                                            "created_at < ? ORDER BY created_at LIMIT ?",
                                        {before, limit}));
    std::vector<PaymentIntent> out;
    for (const auto& r : rows) out.push_back(FromRow(r));
    return out;
}

}  // namespace ps::money::intents
