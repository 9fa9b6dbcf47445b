// payments/refunds and payments/withdrawals (user side), the JSON both sides share, and
// RegisterPaymentsRoutes (payments_routes.hpp).
#include "domains/money/payments_routes.hpp"
#include "core/json_text.hpp"

#include <boost/json.hpp>
#include <cctype>

#include "core/time_format.hpp"
#include "domains/money/idempotency.hpp"
#include "http/envelope.hpp"
#include "http/fields.hpp"

namespace ps::money {

namespace json = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {


std::string MethodName(const std::string& m) {
    return m == "esewa" ? "eSewa" : m == "khalti" ? "Khalti" : "Bank Transfer";
}

std::string StatusDisplay(std::string s) {
    for (size_t i = 1; i < s.size(); ++i) s[i] = static_cast<char>(std::tolower(s[i]));
    return s;
}

Response RequestRefund(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    http::Fields f(body.fields);
    auto txn = f.Str("transaction_id", true, 64);
    auto reason = f.Str("reason", true, 1000);
    if (reason && reason->size() < 10)
        f.AddError("reason", "Ensure this field has at least 10 characters.");
    f.OnlyKnown({"transaction_id", "reason"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(
        auto r, d.refunds.Request(req.principal->user_id, *txn, *reason, IdempotencyKeyOf(req)));
    return http::Success("Refund request submitted successfully",
                         json::object{{"refund", RefundJson(r)}}, 201);
}

Response ListRefunds(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req, 20, 100, false));
    ASSIGN_OR_RESPOND(auto rows, d.refunds.ListMine(req.principal->user_id, page));
    json::array out;
    for (const auto& r : rows) out.emplace_back(RefundJson(r));
    return http::Success(
        "Refunds retrieved successfully",
        json::object{{"refunds", std::move(out)}, {"pagination", LegacyPagination(page)}});
}

Response RequestWithdrawal(PaymentsDeps& d, Request& req) {
    if (!d.withdrawals.rules().enabled)
        return http::Failure(
            FailedPrecondition("withdrawals_disabled", "Withdrawals are currently disabled"));
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    http::Fields f(body.fields);
    WithdrawalRequest w;
    auto amount = f.Amount("amount", true, Money{1}, Money{1'000'000'000});
    auto method = f.Str("withdrawal_method", true, 32);
    auto opt = [&](const char* key, size_t max) -> std::optional<std::string> {
        const auto* v = body.fields.if_contains(key);
        if (!v || v->is_null() || (v->is_string() && v->as_string().empty())) return std::nullopt;
        return f.Str(key, false, max);
    };
    w.phone_number = opt("phone_number", 20);
    w.bank_name = opt("bank_name", 100);
    w.account_number = opt("account_number", 50);
    w.account_holder_name = opt("account_holder_name", 100);
    f.OnlyKnown({"amount", "withdrawal_method", "phone_number", "bank_name", "account_number",
                 "account_holder_name"});
    RESPOND_IF_ERROR(f.Finish());
    w.amount = *amount;
    w.method = *method;
    for (auto& ch : w.method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    w.request_key = IdempotencyKeyOf(req);
    ASSIGN_OR_RESPOND(auto out, d.withdrawals.Request(req.principal->user_id, w));
    return http::Success("Withdrawal request created successfully",
                         json::object{{"withdrawal", WithdrawalJson(out)},
                                      {"message", "Withdrawal request submitted successfully"}},
                         201);
}

Response ListWithdrawals(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req, 20, 100, false));
    ASSIGN_OR_RESPOND(auto rows, d.withdrawals.ListMine(req.principal->user_id, page));
    json::array out;
    for (const auto& w : rows) out.emplace_back(WithdrawalListJson(w));
    return http::Success(
        "Withdrawals retrieved successfully",
        json::object{{"withdrawals", std::move(out)}, {"pagination", LegacyPagination(page)}});
}

Response GetWithdrawal(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto w, d.withdrawals.GetMine(req.principal->user_id,
                                                    std::string(req.PathParam("withdrawal_id"))));
    return http::Success("Withdrawal retrieved successfully",
                         json::object{{"withdrawal", WithdrawalJson(w)}});
}

Response CancelWithdrawal(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    http::Fields f(body.fields);
    std::string reason;
    if (const auto* v = body.fields.if_contains("reason"); v && !v->is_null())
        reason = f.Str("reason", false, 500, 0).value_or("");
    f.OnlyKnown({"reason"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto w,
                      d.withdrawals.Cancel(req.principal->user_id,
                                           std::string(req.PathParam("withdrawal_id")), reason));
    return http::Success(
        "Withdrawal cancelled successfully",
        json::object{{"withdrawal_id", w.id},
                     {"internal_reference", w.internal_reference},
                     {"status", w.status},
                     {"message", "Withdrawal cancelled; NPR " + FormatDecimal(w.amount) +
                                     " returned to your wallet"}});
}

}  // namespace

json::object LegacyPagination(const http::Page& p) {
    return {{"count", p.total},
            {"page", p.page},
            {"page_size", p.page_size},
            {"total_pages", p.TotalPages()},
            {"has_next", p.page < p.TotalPages()},
            {"has_previous", p.page > 1}};
}

json::object RefundJson(const RefundRecord& r) {
    return {{"id", r.id},
            {"amount", FormatDecimal(r.amount)},
            {"reason", r.reason},
            {"status", r.status},
            {"gateway_reference", OptJson(r.gateway_reference)},
            {"admin_notes", OptJson(r.admin_notes)},
            {"requested_at", FormatDt(r.requested_at)},
            {"processed_at", OptDt(r.processed_at)},
            {"transaction_id", r.transaction_id}};
}

json::object WithdrawalListJson(const Withdrawal& w) {
    return {{"id", w.id},
            {"internal_reference", w.internal_reference},
            {"amount", FormatDecimal(w.amount)},
            {"processing_fee", FormatDecimal(w.processing_fee)},
            {"net_amount", FormatDecimal(w.net_amount)},
            {"status", w.status},
            {"status_display", StatusDisplay(w.status)},
            {"payment_method_name", MethodName(w.method)},
            {"requested_at", FormatDt(w.requested_at)},
            {"formatted_amount", FormatDisplay(w.amount)},
            {"formatted_processing_fee", FormatDisplay(w.processing_fee)},
            {"formatted_net_amount", FormatDisplay(w.net_amount)}};
}

json::object WithdrawalJson(const Withdrawal& w) {
    json::object o = WithdrawalListJson(w);
    o["account_details"] = w.account_details;
    o["admin_notes"] = OptJson(w.admin_notes);
    o["gateway_reference"] = OptJson(w.gateway_reference);
    o["processed_at"] = OptDt(w.processed_at);
    o["payment_method_gateway"] = w.method;
    o["user_username"] = w.username;
    o["processed_by_username"] = OptJson(w.processed_by_username);
    return o;
}

void RegisterRefundWithdrawalRoutes(http::Router& r, PaymentsDeps d) {
    auto bind = [&](auto fn) { return [d, fn](Request& req) mutable { return fn(d, req); }; };
    // Requesting and cancelling only touch the database: one transaction each.
    auto idem = [&](auto fn) {
        return Idempotent(d.db, d.clock, bind(fn), IdempotentWork::kDatabaseOnly,
                          db::Isolation::kReadCommitted);
    };
    r.Add("GET", "/api/payments/refunds", Auth::kUser, bind(ListRefunds));
    r.Add("POST", "/api/payments/refunds", Auth::kUser, idem(RequestRefund));
    r.Add("GET", "/api/payments/withdrawals", Auth::kUser, bind(ListWithdrawals));
    r.Add("POST", "/api/payments/withdrawals/request", Auth::kUser, idem(RequestWithdrawal));
    r.Add("GET", "/api/payments/withdrawals/{withdrawal_id}", Auth::kUser, bind(GetWithdrawal));
    r.Add("POST", "/api/payments/withdrawals/{withdrawal_id}/cancel", Auth::kUser,
          idem(CancelWithdrawal));
}

void RegisterPaymentsRoutes(http::Router& r, PaymentsDeps d) {
    RegisterPaymentMethodRoutes(r, d);
    RegisterTopUpRoutes(r, d);
    RegisterRefundWithdrawalRoutes(r, d);
    RegisterPaymentsAdminRoutes(r, d);
}

}  // namespace ps::money
