// admin/refunds and admin/withdrawals (payments_routes.hpp): staff lists, details, decisions
// (audited, Idempotency-Key) and withdrawal analytics.
#include <boost/json.hpp>

#include "domains/admin/admin_routes.hpp"
#include "domains/money/idempotency.hpp"
#include "domains/money/money_routes.hpp"
#include "domains/money/payments_routes.hpp"
#include "http/envelope.hpp"
#include "http/fields.hpp"

namespace ps::money {

namespace json = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

struct Decision {
    bool approve = false;
    std::string notes;
    std::optional<std::string> gateway_reference;
};

Result<Decision> ParseDecision(const Request& req, bool with_reference) {
    ASSIGN_OR_RETURN(auto body, req.ParsedBody());
    http::Fields f(body.fields);
    auto action = f.Str("action", true, 16);
    if (action) {
        for (auto& ch : *action)
            ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (*action != "APPROVE" && *action != "REJECT")
            f.AddError("action", "\"" + *action + "\" is not a valid choice.");
    }
    Decision d;
    d.notes = admin::OptionalStr(f, body.fields, "admin_notes", 1000).value_or("");
    if (with_reference)
        d.gateway_reference = admin::OptionalStr(f, body.fields, "gateway_reference", 255);
    if (with_reference)
        f.OnlyKnown({"action", "admin_notes", "gateway_reference"});
    else
        f.OnlyKnown({"action", "admin_notes"});
    RETURN_IF_ERROR(f.Finish());
    d.approve = *action == "APPROVE";
    return d;
}

Response ListRefunds(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    ASSIGN_OR_RESPOND(auto status, QueryChoice(req, "status",
                                               {"REQUESTED", "APPROVED", "REJECTED", "PROCESSED"}));
    ASSIGN_OR_RESPOND(auto rows, d.refunds.List(status, page));
    json::array out;
    for (const auto& r : rows) {
        json::object o = RefundJson(r);
        o["user_id"] = std::to_string(r.user_id);
        o["username"] = r.username;
        o["transaction_type"] = r.transaction_type;
        o["gateway_status"] = r.gateway_status;
        out.emplace_back(std::move(o));
    }
    return http::Success("Refunds retrieved successfully",
                         json::object{{"results", std::move(out)}, {"pagination", page.Json()}});
}

Response ProcessRefund(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto dec, ParseDecision(req, false));
    ASSIGN_OR_RESPOND(
        auto r, d.refunds.Process(admin::ActorOf(req), std::string(req.PathParam("refund_id")),
                                  dec.approve, dec.notes));
    std::string msg = dec.approve ? "Refund approved successfully" : "Refund rejected successfully";
    return http::Success(msg, json::object{{"refund_id", r.id},
                                           {"status", r.status},
                                           {"gateway_status", r.gateway_status},
                                           {"message", msg}});
}

Response ListWithdrawals(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    ASSIGN_OR_RESPOND(auto status, QueryChoice(req, "status",
                                               {"REQUESTED", "APPROVED", "PROCESSING", "COMPLETED",
                                                "REJECTED", "CANCELLED"}));
    ASSIGN_OR_RESPOND(auto rows, d.withdrawals.List(status, page));
    json::array out;
    for (const auto& w : rows) out.emplace_back(WithdrawalJson(w));
    return http::Success("Withdrawals retrieved successfully",
                         json::object{{"results", std::move(out)}, {"pagination", page.Json()}});
}

Response GetWithdrawal(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto w, d.withdrawals.Get(std::string(req.PathParam("withdrawal_id"))));
    return http::Success("Withdrawal retrieved successfully",
                         json::object{{"withdrawal", WithdrawalJson(w)}});
}

Response ProcessWithdrawal(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto dec, ParseDecision(req, true));
    ASSIGN_OR_RESPOND(auto w, d.withdrawals.Process(admin::ActorOf(req),
                                                    std::string(req.PathParam("withdrawal_id")),
                                                    dec.approve, dec.notes, dec.gateway_reference));
    std::string msg =
        dec.approve ? "Withdrawal approved successfully" : "Withdrawal rejected successfully";
    return http::Success(msg, json::object{{"withdrawal_id", w.id},
                                           {"internal_reference", w.internal_reference},
                                           {"status", w.status},
                                           {"message", msg}});
}

Response Analytics(PaymentsDeps& d, Request&) {
    ASSIGN_OR_RESPOND(auto a, d.withdrawals.Analytics());
    json::object analytics{
        {"total_withdrawals", a.total},
        {"pending_withdrawals", a.pending},
        {"completed_withdrawals", a.completed},
        {"rejected_withdrawals", a.rejected},
        {"today_withdrawals",
         {{"count", a.today_count}, {"total_amount", AsNumber(a.today_amount)}}},
        {"month_withdrawals",
         {{"count", a.month_count}, {"total_amount", AsNumber(a.month_amount)}}}};
    return http::Success("Withdrawal analytics retrieved successfully",
                         json::object{{"analytics", std::move(analytics)}});
}

}  // namespace

void RegisterPaymentsAdminRoutes(http::Router& r, PaymentsDeps d) {
    auto bind = [&](auto fn) { return [d, fn](Request& req) mutable { return fn(d, req); }; };
    auto idem = [&](auto fn) { return Idempotent(d.db, d.clock, bind(fn)); };
    const bool kBlocking = true;  // approving a top-up refund calls the gateway
    r.Add("GET", "/api/admin/refunds", Auth::kStaff, bind(ListRefunds));
    r.Add("POST", "/api/admin/refunds/{refund_id}/process", Auth::kStaff, idem(ProcessRefund),
          kBlocking);
    r.Add("GET", "/api/admin/withdrawals", Auth::kStaff, bind(ListWithdrawals));
    r.Add("GET", "/api/admin/withdrawals/analytics", Auth::kStaff, bind(Analytics));
    r.Add("GET", "/api/admin/withdrawals/{withdrawal_id}", Auth::kStaff, bind(GetWithdrawal));
    r.Add("POST", "/api/admin/withdrawals/{withdrawal_id}/process", Auth::kStaff,
          Idempotent(d.db, d.clock, bind(ProcessWithdrawal), IdempotentWork::kDatabaseOnly,
                     db::Isolation::kReadCommitted));
}

}  // namespace ps::money
