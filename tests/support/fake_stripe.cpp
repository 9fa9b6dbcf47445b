// The fake Stripe API: PaymentIntents, refunds and webhook signing over LoopbackHttpServer.
#include "support/fake_stripe.hpp"

#include <boost/json/serialize.hpp>
#include <cstdlib>

#include "core/crypto.hpp"

namespace ps::test {

namespace {

namespace json = boost::json;

constexpr std::string_view kIntentsPath = "/v1/payment_intents";

LoopbackHttpServer::Response StripeError(int status, const std::string& type,
                                         const std::string& code, const std::string& message) {
    json::object error{{"type", type}, {"message", message}};
    if (!code.empty()) error["code"] = code;
    return {status, json::serialize(json::object{{"error", error}})};
}

std::string Field(const std::map<std::string, std::string>& fields, const std::string& name) {
    auto it = fields.find(name);
    return it == fields.end() ? "" : it->second;
}

// A positive integer in minor units, or -1.
int64_t MinorUnits(const std::string& text) {
    if (text.empty() || text.size() > 15 ||
        text.find_first_not_of("0123456789") != std::string::npos) {
        return -1;
    }
    int64_t value = std::strtoll(text.c_str(), nullptr, 10);
    return value > 0 ? value : -1;
}

}  // namespace

FakeStripe::FakeStripe(std::string secret_key, std::string webhook_secret)
    : secret_key_(std::move(secret_key)),
      webhook_secret_(std::move(webhook_secret)),
      server_([this](const Request& request) { return Handle(request); }) {}

std::string FakeStripe::BaseUrl() const { return server_.Origin() + "/v1/"; }

void FakeStripe::SetStatus(const std::string& id, const std::string& status) {
    std::lock_guard lock(mu_);
    Intent& intent = intents_.at(id);
    intent.status = status;
    if (status == "succeeded") intent.amount_received = intent.amount;
}

void FakeStripe::SetAmountReceived(const std::string& id, int64_t paisa) {
    std::lock_guard lock(mu_);
    intents_.at(id).amount_received = paisa;
}

std::optional<FakeStripe::Intent> FakeStripe::Find(const std::string& id) const {
    std::lock_guard lock(mu_);
    auto it = intents_.find(id);
    if (it == intents_.end()) return std::nullopt;
    return it->second;
}

std::string FakeStripe::LastIntentId() const {
    std::lock_guard lock(mu_);
    return last_id_;
}

std::string FakeStripe::IntentJson(const Intent& intent) const {
    return json::serialize(json::object{{"id", intent.id},
                                        {"object", "payment_intent"},
                                        {"amount", intent.amount},
                                        {"amount_received", intent.amount_received},
                                        {"currency", intent.currency},
                                        {"status", intent.status},
                                        {"client_secret", intent.client_secret},
                                        {"metadata", {{"intent_id", intent.intent_id}}},
                                        {"livemode", false}});
}

std::string FakeStripe::EventBody(const std::string& intent_id, const std::string& type) const {
    std::lock_guard lock(mu_);
    std::string object = IntentJson(intents_.at(intent_id));
    return R"({"id":"evt_)" + intent_id + R"(","object":"event","type":")" + type +
           R"(","data":{"object":)" + object + "}}";
}

std::string FakeStripe::SignatureHeader(std::string_view body, int64_t unix_seconds) const {
    return SignatureHeader(body, unix_seconds, webhook_secret_);
}

std::string FakeStripe::SignatureHeader(std::string_view body, int64_t unix_seconds,
                                        std::string_view secret) {
    std::string t = std::to_string(unix_seconds);
    return "t=" + t + ",v1=" + HexEncode(HmacSha256(secret, t + "." + std::string(body)));
}

FakeStripe::Response FakeStripe::Handle(const Request& request) {
    if (request.Header("authorization") != "Bearer " + secret_key_) {
        return StripeError(401, "invalid_request_error", "",
                           "Invalid API Key provided: sk_test_****");
    }
    if (request.method == "POST" && request.path == kIntentsPath) return CreateIntent(request);
    if (request.method == "POST" && request.path == "/v1/refunds") return Refund(request);
    std::string prefix = std::string(kIntentsPath) + "/";
    if (request.method == "GET" && request.path.rfind(prefix, 0) == 0) {
        std::string id = request.path.substr(prefix.size());
        std::lock_guard lock(mu_);
        auto it = intents_.find(id);
        if (it != intents_.end()) return {200, IntentJson(it->second)};
        return StripeError(404, "invalid_request_error", "resource_missing",
                           "No such payment_intent: '" + id + "'");
    }
    return StripeError(404, "invalid_request_error", "", "Unrecognized request URL.");
}

FakeStripe::Response FakeStripe::CreateIntent(const Request& request) {
    std::map<std::string, std::string> form = request.Form();
    int64_t amount = MinorUnits(Field(form, "amount"));
    if (amount < 0) {
        return StripeError(400, "invalid_request_error", "parameter_missing",
                           "Missing or invalid required param: amount.");
    }
    if (Field(form, "currency").empty()) {
        return StripeError(400, "invalid_request_error", "parameter_missing",
                           "Missing required param: currency.");
    }
    std::string key = request.Header("idempotency-key");
    std::lock_guard lock(mu_);
    if (auto replay = replays_.find(key); !key.empty() && replay != replays_.end()) {
        if (replay->second.first != request.body) {
            return StripeError(400, "idempotency_error", "",
                               "Keys for idempotent requests can only be used with the same "
                               "parameters they were first used with.");
        }
        return {200, IntentJson(intents_.at(replay->second.second))};
    }
    Intent intent;
    intent.id = "pi_" + std::to_string(++next_id_);
    intent.client_secret = intent.id + "_secret_" + std::to_string(next_id_ * 7919);
    intent.amount = amount;
    intent.currency = Field(form, "currency");
    intent.intent_id = Field(form, "metadata[intent_id]");
    intents_[intent.id] = intent;
    last_id_ = intent.id;
    if (!key.empty()) replays_[key] = {request.body, intent.id};
    return {200, IntentJson(intent)};
}

FakeStripe::Response FakeStripe::Refund(const Request& request) {
    std::map<std::string, std::string> form = request.Form();
    std::lock_guard lock(mu_);
    auto it = intents_.find(Field(form, "payment_intent"));
    if (it == intents_.end()) {
        return StripeError(400, "invalid_request_error", "resource_missing",
                           "No such payment_intent.");
    }
    Intent& intent = it->second;
    if (intent.status != "succeeded") {
        return StripeError(400, "invalid_request_error", "charge_not_refundable",
                           "This PaymentIntent does not have a successful charge to refund.");
    }
    int64_t left = intent.amount_received - intent.refunded;
    int64_t amount = form.count("amount") != 0 ? MinorUnits(form["amount"]) : left;
    if (amount <= 0 || amount > left) {
        return StripeError(400, "invalid_request_error", "amount_too_large",
                           "Refund amount is greater than the unrefunded amount.");
    }
    intent.refunded += amount;
    return {200, json::serialize(json::object{{"id", "re_" + std::to_string(++next_id_)},
                                              {"object", "refund"},
                                              {"amount", amount},
                                              {"currency", intent.currency},
                                              {"payment_intent", intent.id},
                                              {"status", "succeeded"}})};
}

}  // namespace ps::test
