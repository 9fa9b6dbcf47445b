// Khalti ePayment over HTTP: JSON bodies, "Authorization: Key <secret>", amounts in paisa.
#include "domains/money/gateways/khalti.hpp"

#include <boost/json/serialize.hpp>
#include <utility>

#include "core/log.hpp"
#include "domains/money/gateways/http_client.hpp"

namespace ps::money {

namespace {

const std::string kInitiationError = "khalti_initiation_error";
const std::string kLookupError = "khalti_lookup_error";
const std::string kRefundError = "khalti_refund_error";

PaymentState MapLookupStatus(const std::string& status) {
    if (status == "Completed") return PaymentState::kCompleted;
    if (status == "Expired") return PaymentState::kExpired;
    if (status == "User canceled") return PaymentState::kCanceled;
    if (status == "Refunded" || status == "Partially Refunded") return PaymentState::kRefunded;
    if (status != "Pending" && status != "Initiated") {
        Logger("payments")->warn("khalti lookup unknown_status=\"{}\" held as pending", status);
    }
    return PaymentState::kPending;
}

std::optional<boost::json::object> CustomerInfo(const PaymentOrder& order) {
    if (order.customer_name.empty() && order.customer_email.empty() &&
        order.customer_phone.empty()) {
        return std::nullopt;
    }
    boost::json::object info;
    if (!order.customer_name.empty()) info["name"] = order.customer_name;
    if (!order.customer_email.empty()) info["email"] = order.customer_email;
    if (!order.customer_phone.empty()) info["phone"] = order.customer_phone;
    return info;
}

// "HTTP 400: amount, return_url" — the fields Khalti's validation_error names, never its values.
std::string Refusal(long status, const boost::json::object& json) {
    std::string text = "HTTP " + std::to_string(status);
    std::string fields;
    for (const auto& entry : json) {
        if (entry.key() == "error_key" || entry.key() == "status_code") continue;
        fields += (fields.empty() ? "" : ", ") + std::string(entry.key());
    }
    return fields.empty() ? text : text + ": " + fields;
}

}  // namespace

KhaltiGateway::KhaltiGateway(KhaltiOptions opts) : opts_(std::move(opts)) {
    opts_.base_url = WithTrailingSlash(opts_.base_url);
}

std::string KhaltiGateway::RefundRoot(const std::string& base_url) {
    size_t scheme = base_url.find("://");
    size_t host_start = scheme == std::string::npos ? 0 : scheme + 3;
    size_t api = base_url.find("/api/", host_start);
    if (api != std::string::npos) return base_url.substr(0, api + 5);
    size_t path = base_url.find('/', host_start);
    return base_url.substr(0, path) + "/api/";
}

Result<KhaltiGateway::Reply> KhaltiGateway::Post(const std::string& url, const std::string& body,
                                                 const std::string& error_slug) const {
    HttpRequest request;
    request.method = "POST";
    request.url = url;
    request.headers = {"Authorization: Key " + opts_.secret_key, "Content-Type: application/json"};
    request.body = body;
    request.timeout_ms = opts_.timeout_ms;
    ASSIGN_OR_RETURN(HttpResponse response, SendHttp(request, error_slug));
    Reply reply{response.status, ParseJsonObject(response.body).value_or(boost::json::object{}),
                std::move(response.body)};
    return reply;
}

Result<Checkout> KhaltiGateway::Initiate(const PaymentOrder& order) {
    boost::json::object body{{"return_url", order.return_url},
                             {"website_url", opts_.website_url},
                             {"amount", order.amount.paisa},
                             {"purchase_order_id", order.intent_id},
                             {"purchase_order_name", order.purchase_name}};
    if (auto info = CustomerInfo(order)) body["customer_info"] = std::move(*info);
    ASSIGN_OR_RETURN(Reply reply, Post(opts_.base_url + "epayment/initiate/",
                                       boost::json::serialize(body), kInitiationError));
    std::string pidx = StringField(reply.json, "pidx");
    std::string payment_url = StringField(reply.json, "payment_url");
    if (reply.status != 200 || pidx.empty() || payment_url.empty()) {
        std::string why = Refusal(reply.status, reply.json);
        Logger("payments")->warn("khalti initiate refused intent_id={} {}", order.intent_id, why);
        return Unavailable(kInitiationError, "Khalti refused the payment (" + why + ")");
    }
    Checkout checkout;
    checkout.gateway_reference = pidx;
    checkout.gateway_url = payment_url;
    checkout.redirect_method = "GET";
    std::string expires_at = StringField(reply.json, "expires_at");
    if (!expires_at.empty()) checkout.extra["expires_at"] = expires_at;
    return checkout;
}

Result<Confirmation> KhaltiGateway::Confirm(const PaymentOrder& order,
                                            const std::string& gateway_reference,
                                            const std::optional<CallbackData>& callback) {
    if (callback) {
        const boost::json::value* pidx = callback->fields.if_contains("pidx");
        if (pidx != nullptr && (!pidx->is_string() || pidx->get_string() != gateway_reference)) {
            return InvalidArgument("khalti_reference_mismatch",
                                   "The callback's pidx is not this payment's.");
        }
    }
    boost::json::object body{{"pidx", gateway_reference}};
    ASSIGN_OR_RETURN(Reply reply, Post(opts_.base_url + "epayment/lookup/",
                                       boost::json::serialize(body), kLookupError));
    // Final failures (Expired, User canceled) come with HTTP 400 and the lookup body.
    std::string status = StringField(reply.json, "status");
    std::string pidx = StringField(reply.json, "pidx");
    if ((reply.status != 200 && reply.status != 400) || status.empty() ||
        (!pidx.empty() && pidx != gateway_reference)) {
        return Unavailable(kLookupError,
                           "Khalti lookup failed (" + Refusal(reply.status, {}) + ")");
    }
    std::optional<int64_t> total = IntegerField(reply.json, "total_amount");
    Confirmation confirmation;
    confirmation.state = MapLookupStatus(status);
    confirmation.amount = Money{total.value_or(0)};
    confirmation.gateway_reference = gateway_reference;
    confirmation.transaction_id = StringField(reply.json, "transaction_id");
    confirmation.raw = std::move(reply.body);
    if (confirmation.state == PaymentState::kCompleted && total != order.amount.paisa) {
        Logger("payments")
            ->error("khalti amount mismatch intent_id={} pidx={} expected={} got={}",
                    order.intent_id, gateway_reference, order.amount.paisa, total.value_or(-1));
        return FailedPrecondition(
            "khalti_amount_mismatch", "Khalti reports another amount than the order's.",
            {{"expected_paisa", order.amount.paisa}, {"reported_paisa", total.value_or(0)}});
    }
    return confirmation;
}

Status KhaltiGateway::Refund(const std::string& transaction_id, std::optional<Money> amount) {
    if (transaction_id.empty()) return InvalidArgument("khalti_refund_error", "No transaction.");
    std::string url = RefundRoot(opts_.base_url) + "merchant-transaction/" +
                      PercentEncode(transaction_id) + "/refund/";
    std::string body;  // empty: a full refund
    if (amount) body = boost::json::serialize(boost::json::object{{"amount", amount->paisa}});
    ASSIGN_OR_RETURN(Reply reply, Post(url, body, kRefundError));
    if (reply.status == 200) {
        Logger("payments")->info("khalti refund done transaction_id={}", transaction_id);
        return Ok{};
    }
    std::string why = Refusal(reply.status, {});
    Logger("payments")->warn("khalti refund refused transaction_id={} {}", transaction_id, why);
    if (reply.status >= 400 && reply.status < 500) {
        return FailedPrecondition("khalti_refund_rejected",
                                  "Khalti refused the refund (" + why + ")");
    }
    return Unavailable(kRefundError, "Khalti refund failed (" + why + ")");
}

}  // namespace ps::money
