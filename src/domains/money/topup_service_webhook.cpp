// TopUpService::HandleStripeWebhook: Stripe delivers at least once, in any order, so the event
// id is recorded once handled (table stripe_webhook_events) and the intent is settled only
// through Verify, which asks Stripe for the PaymentIntent itself.
#include "core/log.hpp"
#include "domains/money/gateways/http_client.hpp"
#include "domains/money/gateways/stripe.hpp"
#include "domains/money/topup_service.hpp"

namespace ps::money {

namespace {

bool IsPaymentIntentEvent(const std::string& type) {
    return type == "payment_intent.succeeded" || type == "payment_intent.payment_failed" ||
           type == "payment_intent.canceled";
}

}  // namespace

Result<TopUpService::WebhookOutcome> TopUpService::HandleStripeWebhook(
    const std::string& raw_body, const std::string& signature_header) {
    if (opts_.stripe_webhook_secret.empty() || !HasGateway("stripe"))
        return FailedPrecondition("unsupported_gateway", "Stripe is not configured");
    ASSIGN_OR_RETURN(
        StripeEvent ev,
        VerifyStripeWebhook(raw_body, signature_header, opts_.stripe_webhook_secret, clock_.Now()));
    WebhookOutcome out{ev.id, ev.type, false, std::nullopt};
    ASSIGN_OR_RETURN(auto seen, db_.Read([&](db::Connection& c) {
        return c.QueryOne("SELECT 1 FROM stripe_webhook_events WHERE event_id = ?", {ev.id});
    }));
    if (seen) {
        out.duplicate = true;
        return out;
    }
    std::string object_id = StringField(ev.object, "id");
    if (IsPaymentIntentEvent(ev.type) && !object_id.empty()) {
        ASSIGN_OR_RETURN(out.intent_id, IntentIdByReference("stripe", object_id));
        if (out.intent_id) {
            CallbackData cb{object_id, ev.object, raw_body, signature_header};
            auto v = Verify(*out.intent_id, 0, cb);
            // Stripe retries what we could not check now; anything else is final for this event.
            if (!v.ok() && v.error().code == ErrorCode::kUnavailable) return v.error();
            if (!v.ok())
                Logger("payments")
                    ->info("stripe event not settled event_id={} intent_id={} error={}", ev.id,
                           *out.intent_id, v.error().slug);
        } else {
            Logger("payments")
                ->warn("stripe event for an unknown PaymentIntent event_id={} pi={}", ev.id,
                       object_id);
        }
    }
    Micros now = clock_.Now();
    RETURN_IF_ERROR(db_.Transact([&](db::Connection& c) -> Status {
        RETURN_IF_ERROR(c.Exec(
            "INSERT INTO stripe_webhook_events (event_id, event_type, object_id, received_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
            {ev.id, ev.type, object_id, now}));
        return Ok{};
    }, db::Isolation::kReadCommitted));  // one insert, deduplicated by its key
    return out;
}

}  // namespace ps::money
