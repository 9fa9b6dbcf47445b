// Stripe over its REST API: form-encoded requests, Bearer secret key, JSON replies; webhook
// signatures checked over the raw bytes. The PaymentIntent's client_secret goes to the payer
// only (Checkout.extra) and is removed from what Confirm records.
#include "domains/money/gateways/stripe.hpp"

#include <boost/json/serialize.hpp>
#include <utility>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "domains/money/gateways/http_client.hpp"

namespace ps::money {

namespace {

const std::string kInitiationError = "stripe_initiation_error";
const std::string kConfirmationError = "stripe_confirmation_error";
const std::string kRefundError = "stripe_refund_error";
constexpr size_t kMaxTimestampDigits = 12;

struct SignatureHeader {
    std::string timestamp;  // decimal Unix seconds, as sent (it is part of the signed text)
    std::vector<std::string> v1;
};

std::string_view TrimSpaces(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

bool AllDigits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// "t=1700000000,v1=abc,v1=def,v0=..." -> one timestamp and every v1; nullopt when malformed.
std::optional<SignatureHeader> ParseSignatureHeader(std::string_view header) {
    SignatureHeader out;
    while (!header.empty()) {
        size_t comma = header.find(',');
        std::string_view item = TrimSpaces(header.substr(0, comma));
        header.remove_prefix(comma == std::string_view::npos ? header.size() : comma + 1);
        if (item.empty()) continue;
        size_t eq = item.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
        if (key == "t") {
            if (!out.timestamp.empty() || !AllDigits(value) || value.size() > kMaxTimestampDigits) {
                return std::nullopt;
            }
            out.timestamp = std::string(value);
        } else if (key == "v1" && !value.empty()) {
            out.v1.emplace_back(value);
        }
    }
    if (out.timestamp.empty() || out.v1.empty()) return std::nullopt;
    return out;
}

Result<StripeEvent> ParseEvent(std::string_view raw_body) {
    std::optional<boost::json::object> json = ParseJsonObject(raw_body);
    const boost::json::value* data = json ? json->if_contains("data") : nullptr;
    const boost::json::value* object =
        data != nullptr && data->is_object() ? data->get_object().if_contains("object") : nullptr;
    StripeEvent event;
    if (json) {
        event.id = StringField(*json, "id");
        event.type = StringField(*json, "type");
    }
    if (event.id.empty() || event.type.empty() || object == nullptr || !object->is_object()) {
        return InvalidArgument("stripe_bad_payload", "The Stripe event is not a valid event.");
    }
    event.object = object->get_object();
    return event;
}

PaymentState MapIntentStatus(const std::string& status) {
    if (status == "succeeded") return PaymentState::kCompleted;
    if (status == "canceled") return PaymentState::kCanceled;
    if (status != "processing" && status.rfind("requires_", 0) != 0) {
        Logger("payments")->warn("stripe intent unknown_status=\"{}\" held as pending", status);
    }
    return PaymentState::kPending;
}

// "HTTP 401 invalid_request_error": Stripe's error type and code, never its message (which can
// quote part of the key).
std::string Refusal(long status, const boost::json::object& json) {
    std::string text = "HTTP " + std::to_string(status);
    const boost::json::value* error = json.if_contains("error");
    if (error != nullptr && error->is_object()) {
        for (const char* key : {"type", "code"}) {
            std::string value = StringField(error->get_object(), key);
            if (!value.empty()) text += " " + value;
        }
    }
    return text;
}

}  // namespace

Result<StripeEvent> VerifyStripeWebhook(std::string_view raw_body,
                                        std::string_view signature_header, std::string_view secret,
                                        Micros now, Micros tolerance) {
    std::optional<SignatureHeader> header = ParseSignatureHeader(signature_header);
    if (!header || secret.empty()) {
        return InvalidArgument("stripe_invalid_signature", "Malformed Stripe-Signature header.");
    }
    std::string signed_text = header->timestamp + "." + std::string(raw_body);
    std::string expected = HexEncode(HmacSha256(secret, signed_text));
    bool matched = false;
    for (const std::string& candidate : header->v1) {
        matched = ConstantTimeEquals(expected, candidate) || matched;
    }
    if (!matched) {
        return InvalidArgument("stripe_invalid_signature", "No v1 signature matches the payload.");
    }
    Micros signed_at = std::stoll(header->timestamp) * kSecond;
    Micros skew = now > signed_at ? now - signed_at : signed_at - now;
    if (skew > tolerance) {
        return InvalidArgument("stripe_stale_signature",
                               "The Stripe signature timestamp is outside the tolerance.");
    }
    return ParseEvent(raw_body);
}

StripeGateway::StripeGateway(const Clock& clock, StripeOptions opts)
    : clock_(clock), opts_(std::move(opts)) {
    opts_.base_url = WithTrailingSlash(opts_.base_url);
}

Result<StripeGateway::Reply> StripeGateway::Call(const std::string& method, const std::string& path,
                                                 const std::string& body,
                                                 const std::string& idempotency_key,
                                                 const std::string& error_slug) const {
    HttpRequest request;
    request.method = method;
    request.url = opts_.base_url + path;
    request.headers = {"Authorization: Bearer " + opts_.secret_key};
    if (method != "GET")
        request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
    if (!idempotency_key.empty()) request.headers.push_back("Idempotency-Key: " + idempotency_key);
    request.body = body;
    request.timeout_ms = opts_.timeout_ms;
    ASSIGN_OR_RETURN(HttpResponse response, SendHttp(request, error_slug));
    Reply reply{response.status, ParseJsonObject(response.body).value_or(boost::json::object{}),
                std::move(response.body)};
    return reply;
}

Result<Checkout> StripeGateway::Initiate(const PaymentOrder& order) {
    Fields fields = {{"amount", std::to_string(order.amount.paisa)},
                     {"currency", "npr"},
                     {"metadata[intent_id]", order.intent_id},
                     {"automatic_payment_methods[enabled]", "true"}};
    if (!order.purchase_name.empty()) fields.emplace_back("description", order.purchase_name);
    ASSIGN_OR_RETURN(Reply reply, Call("POST", "payment_intents", FormEncode(fields),
                                       order.intent_id, kInitiationError));
    std::string id = StringField(reply.json, "id");
    std::string client_secret = StringField(reply.json, "client_secret");
    if (reply.status != 200 || id.empty() || client_secret.empty()) {
        std::string why = Refusal(reply.status, reply.json);
        Logger("payments")->warn("stripe initiate refused intent_id={} {}", order.intent_id, why);
        return Unavailable(kInitiationError, "Stripe refused the payment (" + why + ")");
    }
    Checkout checkout;
    checkout.gateway_reference = id;
    checkout.extra["client_secret"] = client_secret;
    return checkout;
}

Status StripeGateway::CheckWebhook(const std::string& gateway_reference,
                                   const CallbackData& callback) const {
    ASSIGN_OR_RETURN(StripeEvent event,
                     VerifyStripeWebhook(callback.raw_body, callback.signature_header,
                                         opts_.webhook_secret, clock_.Now()));
    std::string intent = StringField(event.object, "object") == "payment_intent"
                             ? StringField(event.object, "id")
                             : StringField(event.object, "payment_intent");
    if (!intent.empty() && intent != gateway_reference) {
        return InvalidArgument("stripe_reference_mismatch",
                               "The Stripe event is about another PaymentIntent.");
    }
    return Ok{};
}

Result<Confirmation> StripeGateway::Confirm(const PaymentOrder& order,
                                            const std::string& gateway_reference,
                                            const std::optional<CallbackData>& callback) {
    if (callback && !callback->signature_header.empty()) {
        RETURN_IF_ERROR(CheckWebhook(gateway_reference, *callback));
    }
    ASSIGN_OR_RETURN(Reply reply, Call("GET", "payment_intents/" + PercentEncode(gateway_reference),
                                       "", "", kConfirmationError));
    std::string status = StringField(reply.json, "status");
    if (reply.status != 200 || status.empty() ||
        StringField(reply.json, "id") != gateway_reference) {
        return Unavailable(kConfirmationError,
                           "Stripe retrieve failed (" + Refusal(reply.status, reply.json) + ")");
    }
    Confirmation confirmation;
    confirmation.state = MapIntentStatus(status);
    bool done = confirmation.state == PaymentState::kCompleted;
    std::optional<int64_t> amount = IntegerField(reply.json, done ? "amount_received" : "amount");
    confirmation.amount = Money{amount.value_or(0)};
    confirmation.gateway_reference = gateway_reference;
    confirmation.transaction_id = gateway_reference;  // refunds take the PaymentIntent
    reply.json.erase("client_secret");
    confirmation.raw = boost::json::serialize(reply.json);
    const boost::json::value* metadata = reply.json.if_contains("metadata");
    std::string intent_id = metadata != nullptr && metadata->is_object()
                                ? StringField(metadata->get_object(), "intent_id")
                                : "";
    if (done && (amount != order.amount.paisa || StringField(reply.json, "currency") != "npr" ||
                 intent_id != order.intent_id)) {
        Logger("payments")
            ->error("stripe amount mismatch intent_id={} pi={} expected={} got={}", order.intent_id,
                    gateway_reference, order.amount.paisa, amount.value_or(-1));
        return FailedPrecondition(
            "stripe_amount_mismatch", "Stripe reports another payment than the order's.",
            {{"expected_paisa", order.amount.paisa}, {"reported_paisa", amount.value_or(0)}});
    }
    return confirmation;
}

Status StripeGateway::Refund(const std::string& transaction_id, std::optional<Money> amount) {
    Fields fields = {{"payment_intent", transaction_id}};
    if (amount) fields.emplace_back("amount", std::to_string(amount->paisa));
    ASSIGN_OR_RETURN(Reply reply, Call("POST", "refunds", FormEncode(fields), "", kRefundError));
    std::string why = Refusal(reply.status, reply.json);
    if (reply.status == 200 && StringField(reply.json, "status") != "failed") {
        Logger("payments")->info("stripe refund created pi={}", transaction_id);
        return Ok{};
    }
    Logger("payments")->warn("stripe refund refused pi={} {}", transaction_id, why);
    if (reply.status == 200 || (reply.status >= 400 && reply.status < 500)) {
        return FailedPrecondition("stripe_refund_rejected",
                                  "Stripe refused the refund (" + why + ")");
    }
    return Unavailable(kRefundError, "Stripe refund failed (" + why + ")");
}

}  // namespace ps::money
