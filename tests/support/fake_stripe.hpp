// A local stand-in for Stripe's API on 127.0.0.1: POST /v1/payment_intents (form-encoded, with
// Idempotency-Key replay and "same key, other parameters" refusal), GET /v1/payment_intents/{id},
// POST /v1/refunds; "Authorization: Bearer <secret>" or 401, Stripe-shaped {"error":{...}}
// replies. Tests move intents between statuses, tamper with amount_received, hang the server,
// and build correctly signed webhook deliveries (EventBody + SignatureHeader).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/loopback_http.hpp"

namespace ps::test {

class FakeStripe {
public:
    using Request = LoopbackHttpServer::Request;
    using Response = LoopbackHttpServer::Response;
    struct Intent {
        std::string id, status = "requires_payment_method", currency, intent_id, client_secret;
        int64_t amount = 0, amount_received = 0, refunded = 0;
    };

    FakeStripe(std::string secret_key, std::string webhook_secret);

    std::string BaseUrl() const;  // http://127.0.0.1:PORT/v1/
    std::vector<Request> Requests() const { return server_.Requests(); }
    void SetHang(bool hang) { server_.SetHang(hang); }

    // "succeeded" also sets amount_received to the amount.
    void SetStatus(const std::string& id, const std::string& status);
    void SetAmountReceived(const std::string& id, int64_t paisa);
    std::optional<Intent> Find(const std::string& id) const;
    std::string LastIntentId() const;

    // A webhook event as Stripe sends it: {"id":"evt_...","object":"event","type":...,
    // "data":{"object":<the PaymentIntent>}}.
    std::string EventBody(const std::string& intent_id, const std::string& type) const;
    // "t=<unix_seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>" with the webhook secret.
    std::string SignatureHeader(std::string_view body, int64_t unix_seconds) const;
    static std::string SignatureHeader(std::string_view body, int64_t unix_seconds,
                                       std::string_view secret);

private:
    Response Handle(const Request& request);
    Response CreateIntent(const Request& request);
    Response Refund(const Request& request);
    std::string IntentJson(const Intent& intent) const;

    std::string secret_key_, webhook_secret_;
    mutable std::mutex mu_;
    std::map<std::string, Intent> intents_;                               // by pi id
    std::map<std::string, std::pair<std::string, std::string>> replays_;  // key -> body, pi id
    std::string last_id_;
    int next_id_ = 0;
    LoopbackHttpServer server_;  // last: it stops before the state it serves goes away
};

}  // namespace ps::test
