// payments/wallet/topup-intent, payments/verify, payments/cancel/{intent_id}, the gateways'
// browser callbacks, the Stripe webhook and the demo completion page (payments_routes.hpp).
// Every route that can call a gateway is `blocking`: it must not hold an I/O thread.
#include <algorithm>
#include <boost/json.hpp>

#include "core/crypto.hpp"
#include "core/time_format.hpp"
#include "domains/money/gateways/http_client.hpp"
#include "domains/money/idempotency.hpp"
#include "domains/money/payments_routes.hpp"
#include "http/envelope.hpp"
#include "http/fields.hpp"

namespace ps::money {

namespace json = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

std::string Instructions(const std::string& gateway) {
    if (gateway == "esewa") return "Submit form_fields to gateway_url with POST to pay with eSewa.";
    if (gateway == "khalti") return "Open gateway_url to pay with Khalti.";
    if (gateway == "stripe") return "Confirm the PaymentIntent with Stripe.js and client_secret.";
    return "Open gateway_url to complete the demo payment (no money moves).";
}

json::object IntentJson(const PaymentIntent& p) {
    json::value url = p.gateway_url ? json::value(*p.gateway_url) : json::value(nullptr);
    return {{"intent_id", p.id},
            {"amount", FormatDecimal(p.amount)},
            {"currency", p.currency},
            {"gateway", p.gateway},
            {"gateway_url", url},
            {"redirect_url", url},
            {"redirect_method", p.redirect_method},
            {"form_fields", p.form_fields ? json::value(*p.form_fields) : json::value(nullptr)},
            {"gateway_data", p.extra},
            {"payment_instructions", Instructions(p.gateway)},
            {"expires_at", FormatDtU(p.expires_at)},
            {"status", p.status}};
}

json::object VerifyJson(const VerifyResult& v, const Request& req) {
    json::object o{{"status", "SUCCESS"},
                   {"intent_id", v.intent_id},
                   {"transaction_id", v.transaction_id},
                   {"amount", AsNumber(v.amount)},
                   {"new_balance", AsNumber(v.new_balance)},
                   {"points_awarded", v.points_awarded}};
    if (v.already_verified) o["message"] = "Payment already verified";
    if (req.principal) o["user_authenticated"] = true;
    return o;
}

Response TopUpIntent(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    http::Fields f(body.fields);
    auto amount = f.Amount("amount", true, Money{1}, Money{1'000'000'000});
    auto method = f.Str("payment_method_id", true, 64);
    f.OnlyKnown({"amount", "payment_method_id"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto p, d.topups.CreateIntent(req.principal->user_id, *amount, *method));
    return http::Success("Payment intent created successfully with gateway data", IntentJson(p),
                         201);
}

// The callback fields a client may pass along with intent_id: as fields, or as a JSON string
// in callback_data (ChargeGhar's shape). None -> nullopt (the gateway is asked either way).
Result<std::optional<CallbackData>> CallbackOf(const json::object& fields) {
    CallbackData cb;
    for (const auto& kv : fields) {
        if (kv.key() == "intent_id" || kv.key() == "callback_data") continue;
        if (!kv.value().is_string() && !kv.value().is_number())
            return FieldError(kv.key(), "Not a valid string.");
        cb.fields[kv.key()] = kv.value();
    }
    if (const auto* extra = fields.if_contains("callback_data"); extra && !extra->is_null()) {
        json::error_code ec;
        json::value v = extra->is_string() ? json::parse(extra->as_string(), ec) : *extra;
        if (ec || !v.is_object()) return FieldError("callback_data", "Expected a JSON object.");
        for (const auto& kv : v.as_object()) cb.fields[kv.key()] = kv.value();
    }
    if (cb.fields.empty()) return std::optional<CallbackData>{};
    for (const char* k : {"gateway_reference", "pidx", "transaction_uuid"})
        if (const auto* v = cb.fields.if_contains(k);
            v && v->is_string() && cb.gateway_reference.empty())
            cb.gateway_reference = std::string(v->as_string());
    return std::optional<CallbackData>{std::move(cb)};
}

Response Verify(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    http::Fields f(body.fields);
    auto intent_id = f.Str("intent_id", true, 64);
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto cb, CallbackOf(body.fields));
    int64_t caller = req.principal ? req.principal->user_id : 0;
    ASSIGN_OR_RESPOND(auto v, d.topups.Verify(*intent_id, caller, cb));
    return http::Success("Payment verified successfully", VerifyJson(v, req));
}

Response Cancel(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(
        auto p, d.topups.Cancel(req.principal->user_id, std::string(req.PathParam("intent_id"))));
    return http::Success("Payment intent cancelled successfully",
                         json::object{{"status", p.status},
                                      {"intent_id", p.id},
                                      {"message", "Payment intent cancelled successfully"}});
}

// 302 to {frontend_url}/payment-status?status=...&provider=...&intent_id=...[&reason=...]
Response ToFrontend(PaymentsDeps& d, const std::string& provider, const std::string& intent_id,
                    const Result<VerifyResult>& outcome, const std::string& forced_reason = "") {
    bool ok = outcome.ok() && forced_reason.empty();
    std::string url = d.topups.options().frontend_url +
                      "/payment-status?status=" + (ok ? "success" : "failure") +
                      "&provider=" + provider + "&intent_id=" + PercentEncode(intent_id);
    std::string reason = !forced_reason.empty() ? forced_reason
                         : outcome.ok()         ? ""
                                                : outcome.error().slug;
    if (!reason.empty()) url += "&reason=" + PercentEncode(reason);
    return http::Redirect(url);
}

Result<VerifyResult> NotStarted() { return FieldError("intent_id", "Invalid payment intent"); }

Response EsewaSuccess(PaymentsDeps& d, Request& req) {
    std::string data = req.QueryParam("data").value_or("");
    std::string decoded, uuid;
    std::string padded = data;
    std::replace(padded.begin(), padded.end(), ' ', '+');
    if (Base64Decode(padded, decoded))
        if (auto o = ParseJsonObject(decoded)) uuid = StringField(*o, "transaction_uuid");
    if (uuid.empty()) return ToFrontend(d, "esewa", "", NotStarted(), "invalid_callback_data");
    CallbackData cb{uuid, json::object{{"data", data}}, "", ""};
    return ToFrontend(d, "esewa", uuid, d.topups.Verify(uuid, 0, cb));
}

Response EsewaFailure(PaymentsDeps& d, Request& req) {
    std::string id = req.QueryParam("intent_id").value_or("");
    if (id.empty()) return ToFrontend(d, "esewa", "", NotStarted(), "payment_failed");
    auto outcome = d.topups.Verify(id, 0, std::nullopt);  // eSewa's status check decides
    return ToFrontend(d, "esewa", id, outcome, outcome.ok() ? "" : "payment_failed");
}

Response KhaltiCallback(PaymentsDeps& d, Request& req) {
    CallbackData cb;
    for (const char* k : {"pidx", "status", "transaction_id", "tidx", "txnId", "amount",
                          "total_amount", "mobile", "purchase_order_id", "purchase_order_name"})
        if (auto v = req.QueryParam(k)) cb.fields[k] = *v;
    cb.gateway_reference = req.QueryParam("pidx").value_or("");
    std::string id = req.QueryParam("purchase_order_id").value_or("");
    if (id.empty() && !cb.gateway_reference.empty())
        if (auto found = d.topups.IntentIdByReference("khalti", cb.gateway_reference);
            found.ok() && *found)
            id = **found;
    if (id.empty()) return ToFrontend(d, "khalti", "", NotStarted(), "invalid_callback_data");
    return ToFrontend(d, "khalti", id, d.topups.Verify(id, 0, cb));
}

Response StripeWebhook(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto out, d.topups.HandleStripeWebhook(
                                    req.body, std::string(req.Header("stripe-signature"))));
    return http::Success(
        "Webhook processed",
        json::object{{"received", true}, {"event_id", out.event_id}, {"duplicate", out.duplicate}});
}

Response DemoComplete(PaymentsDeps& d, Request& req) {
    std::string id = req.QueryParam("intent_id").value_or("");
    if (id.empty()) return http::Failure(FieldError("intent_id", "This field is required."));
    ASSIGN_OR_RESPOND(auto v, d.topups.Verify(id, 0, std::nullopt));
    return http::Success("Payment verified successfully", VerifyJson(v, req));
}

}  // namespace

void RegisterTopUpRoutes(http::Router& r, PaymentsDeps d) {
    auto bind = [&](auto fn) { return [d, fn](Request& req) mutable { return fn(d, req); }; };
    auto idem = [&](auto fn) { return Idempotent(d.db, d.clock, bind(fn)); };
    const bool kBlocking = true;  // these call the gateways
    r.Add("POST", "/api/payments/wallet/topup-intent", Auth::kUser, idem(TopUpIntent), kBlocking);
    r.Add("POST", "/api/payments/verify", Auth::kOptional, idem(Verify), kBlocking);
    r.Add("POST", "/api/payments/cancel/{intent_id}", Auth::kUser,
          Idempotent(d.db, d.clock, bind(Cancel), IdempotentWork::kDatabaseOnly,
                     db::Isolation::kReadCommitted));
    r.Add("GET", "/api/payments/esewa/success", Auth::kNone, bind(EsewaSuccess), kBlocking);
    r.Add("GET", "/api/payments/esewa/failure", Auth::kNone, bind(EsewaFailure), kBlocking);
    r.Add("GET", "/api/payments/khalti/callback", Auth::kNone, bind(KhaltiCallback), kBlocking);
    r.Add("POST", "/api/payments/stripe/webhook", Auth::kNone, bind(StripeWebhook), kBlocking);
    if (d.topups.HasGateway("demo"))
        r.Add("GET", "/api/payments/demo/complete", Auth::kNone, bind(DemoComplete), kBlocking);
}

}  // namespace ps::money
