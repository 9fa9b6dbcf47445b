// Stripe client: PaymentIntents (create, retrieve), refunds, and webhook signature checks.
// Amounts are minor units (paisa for NPR). The browser confirms the PaymentIntent with Stripe.js
// and its client_secret; only a retrieve (or a signature-verified event) is ever believed.
//
// PaymentIntent status -> PaymentState: succeeded -> kCompleted (amount_received must equal the
// order, else FailedPrecondition "stripe_amount_mismatch"), processing and requires_* ->
// kPending, canceled -> kCanceled, anything unknown -> kPending.
#pragma once

#include <string_view>

#include "core/clock.hpp"
#include "domains/money/gateways/gateway.hpp"

namespace ps::money {

struct StripeOptions {
    std::string base_url = "https://api.stripe.com/v1/";
    std::string secret_key;      // sk_...: "Authorization: Bearer ..."
    std::string webhook_secret;  // whsec_...: the endpoint's signing secret
    long timeout_ms = 10000;
};

// A webhook event whose signature checked out. `object` is data.object (e.g. a PaymentIntent).
struct StripeEvent {
    std::string id;    // evt_...: dedupe deliveries on this
    std::string type;  // e.g. "payment_intent.succeeded"
    boost::json::object object;
};

// Checks a Stripe-Signature header ("t=<unix>,v1=<hex>[,v1=<hex>...][,v0=...]") against the raw
// body: HMAC-SHA256(secret, "<t>.<raw body>") in hex must equal one of the v1 values (compared
// in constant time) and |now - t| must be within `tolerance`. Errors (all InvalidArgument):
// "stripe_invalid_signature" (malformed header, no match), "stripe_stale_signature" (t too old
// or too far ahead), "stripe_bad_payload" (signed, but not an event with id, type, data.object).
Result<StripeEvent> VerifyStripeWebhook(std::string_view raw_body,
                                        std::string_view signature_header, std::string_view secret,
                                        Micros now, Micros tolerance = 300 * kSecond);

class StripeGateway final : public PaymentGateway {
public:
    // `clock` must outlive the gateway; it dates webhook signatures.
    StripeGateway(const Clock& clock, StripeOptions opts);

    std::string Name() const override { return "stripe"; }
    // POST payment_intents (Idempotency-Key: intent_id) -> Checkout{pi_..., extra.client_secret}.
    Result<Checkout> Initiate(const PaymentOrder& order) override;
    // A callback with a signature_header must be a valid webhook about this PaymentIntent; in
    // every case the answer comes from GET payment_intents/{id}.
    Result<Confirmation> Confirm(const PaymentOrder& order, const std::string& gateway_reference,
                                 const std::optional<CallbackData>& callback) override;
    // POST refunds {payment_intent, amount?}; `transaction_id` is the PaymentIntent id.
    Status Refund(const std::string& transaction_id, std::optional<Money> amount) override;

private:
    struct Reply {
        long status = 0;
        boost::json::object json;
        std::string body;
    };
    Result<Reply> Call(const std::string& method, const std::string& path, const std::string& body,
                       const std::string& idempotency_key, const std::string& error_slug) const;
    Status CheckWebhook(const std::string& gateway_reference, const CallbackData& callback) const;

    const Clock& clock_;
    StripeOptions opts_;
};

}  // namespace ps::money
