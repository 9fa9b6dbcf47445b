// eSewa ePay v2: the signed form, verification of the signed callback `data`, and the
// server-to-server status check. The secret signs and verifies; it is never sent or logged.
#include "domains/money/gateways/esewa.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/crypto.hpp"
#include "core/log.hpp"

namespace ps::money {

namespace {

const std::string kStatusError = "esewa_status_error";
const std::string kInvalidSignature = "esewa_invalid_signature";
const std::string kVerificationError = "esewa_verification_error";
constexpr const char* kSignedFieldNames = "total_amount,transaction_uuid,product_code";

Error BadSignature(const std::string& why) {
    Logger("payments")->warn("esewa callback rejected reason=\"{}\"", why);
    return InvalidArgument(kInvalidSignature, "The eSewa callback is not signed by eSewa.");
}

Error Mismatch(const std::string& field) {
    Logger("payments")->warn("esewa callback rejected mismatch={}", field);
    return InvalidArgument(kVerificationError, "The eSewa callback does not match this payment.",
                           {{"field", field}});
}

std::vector<std::string> SplitCommas(std::string_view text) {
    std::vector<std::string> parts;
    while (!text.empty()) {
        size_t comma = text.find(',');
        parts.emplace_back(text.substr(0, comma));
        text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
    }
    return parts;
}

// The literal text of a non-string value (e.g. total_amount: 1000.0) in the decoded JSON, so the
// signature is rebuilt from exactly what eSewa wrote. A wrong pick can only fail verification.
std::optional<std::string> RawToken(std::string_view json, const std::string& name) {
    std::string quoted = "\"" + name + "\"";
    for (size_t at = json.find(quoted); at != std::string_view::npos;
         at = json.find(quoted, at + 1)) {
        size_t colon = json.find_first_not_of(" \t\r\n", at + quoted.size());
        if (colon == std::string_view::npos || json[colon] != ':') continue;
        size_t start = json.find_first_not_of(" \t\r\n", colon + 1);
        size_t end = json.find_first_of(",} \t\r\n", start);
        if (start == std::string_view::npos || end == std::string_view::npos) return std::nullopt;
        return std::string(json.substr(start, end - start));
    }
    return std::nullopt;
}

// The exact received text of a signed field: a string's contents, or a scalar's literal.
std::optional<std::string> ReceivedText(const boost::json::object& data, std::string_view json,
                                        const std::string& name) {
    const boost::json::value* value = data.if_contains(name);
    if (value == nullptr || value->is_object() || value->is_array()) return std::nullopt;
    if (value->is_string()) return std::string(value->get_string());
    return RawToken(json, name);
}

std::optional<Money> AmountFromJson(const boost::json::value* value) {
    if (value == nullptr) return std::nullopt;
    if (value->is_string()) return ParseEsewaAmount(value->get_string());
    if (value->is_int64()) return Money{value->get_int64() * 100};
    if (value->is_double() && std::isfinite(value->get_double()) &&
        std::fabs(value->get_double()) < 1e13) {
        return Money{std::llround(value->get_double() * 100)};
    }
    return std::nullopt;
}

PaymentState MapStatus(const std::string& status) {
    if (status == "COMPLETE") return PaymentState::kCompleted;
    if (status == "CANCELED") return PaymentState::kCanceled;
    if (status == "NOT_FOUND") return PaymentState::kExpired;
    if (status == "FULL_REFUND" || status == "PARTIAL_REFUND") return PaymentState::kRefunded;
    if (status != "PENDING" && status != "AMBIGUOUS") {
        Logger("payments")->warn("esewa status unknown_status=\"{}\" held as pending", status);
    }
    return PaymentState::kPending;
}

}  // namespace

std::string EsewaSignature(std::string_view secret, const Fields& signed_fields) {
    std::string message;
    for (const auto& [name, value] : signed_fields) {
        if (!message.empty()) message += ',';
        message += name + "=" + value;
    }
    return Base64Encode(HmacSha256(secret, message));
}

std::string EsewaAmount(Money amount) {
    if (amount.paisa % 100 == 0) return std::to_string(amount.paisa / 100);
    return FormatDecimal(amount);
}

std::optional<Money> ParseEsewaAmount(std::string_view text) {
    std::string plain;
    for (char c : text) {
        if (c != ',') plain += c;
    }
    size_t dot = plain.find('.');
    while (dot != std::string::npos && plain.size() - dot > 3 && plain.back() == '0') {
        plain.pop_back();  // "1000.000" -> "1000.00"
    }
    return ParseDecimal(plain);
}

EsewaGateway::EsewaGateway(EsewaOptions opts) : opts_(std::move(opts)) {}

Result<Checkout> EsewaGateway::Initiate(const PaymentOrder& order) {
    if (order.amount.paisa <= 0 || order.intent_id.empty()) {
        return InvalidArgument("esewa_initiation_error",
                               "An eSewa payment needs an id and amount.");
    }
    std::string total = EsewaAmount(order.amount);
    std::string signature =
        EsewaSignature(opts_.secret_key, {{"total_amount", total},
                                          {"transaction_uuid", order.intent_id},
                                          {"product_code", opts_.product_code}});
    Checkout checkout;
    checkout.gateway_reference = order.intent_id;
    checkout.gateway_url = opts_.form_url;
    checkout.redirect_method = "POST";
    checkout.form_fields = boost::json::object{
        {"amount", total},
        {"tax_amount", "0"},
        {"product_service_charge", "0"},
        {"product_delivery_charge", "0"},
        {"total_amount", total},
        {"transaction_uuid", order.intent_id},
        {"product_code", opts_.product_code},
        {"success_url", order.return_url},
        {"failure_url", order.failure_url.empty() ? order.return_url : order.failure_url},
        {"signed_field_names", kSignedFieldNames},
        {"signature", signature}};
    return checkout;
}

Result<Confirmation> EsewaGateway::Confirm(const PaymentOrder& order,
                                           const std::string& gateway_reference,
                                           const std::optional<CallbackData>& callback) {
    if (callback) {
        if (const boost::json::value* data = callback->fields.if_contains("data")) {
            RETURN_IF_ERROR(VerifyCallbackData(order, gateway_reference, *data));
        }
    }
    return StatusCheck(order, gateway_reference);
}

Status EsewaGateway::VerifyCallbackData(const PaymentOrder& order,
                                        const std::string& gateway_reference,
                                        const boost::json::value& data) const {
    if (!data.is_string()) return BadSignature("data is not a string");
    std::string encoded(data.get_string()), json;
    std::replace(encoded.begin(), encoded.end(), ' ', '+');  // a '+' decoded as form space
    if (!Base64Decode(encoded, json)) return BadSignature("data is not base64");
    std::optional<boost::json::object> fields = ParseJsonObject(json);
    if (!fields) return BadSignature("data is not a JSON object");
    std::string names = StringField(*fields, "signed_field_names");
    std::string signature = StringField(*fields, "signature");
    if (names.empty() || signature.empty()) return BadSignature("no signature");
    Fields signed_fields;
    for (const std::string& name : SplitCommas(names)) {
        std::optional<std::string> text = ReceivedText(*fields, json, name);
        if (!text) return BadSignature("signed field missing: " + name);
        signed_fields.emplace_back(name, std::move(*text));
    }
    if (!ConstantTimeEquals(EsewaSignature(opts_.secret_key, signed_fields), signature)) {
        return BadSignature("signature mismatch");
    }
    for (const char* needed : {"total_amount", "transaction_uuid", "product_code"}) {
        if (("," + names + ",").find(std::string(",") + needed + ",") == std::string::npos) {
            return Mismatch(std::string(needed) + " unsigned");
        }
    }
    if (StringField(*fields, "transaction_uuid") != gateway_reference ||
        gateway_reference != order.intent_id) {
        return Mismatch("transaction_uuid");
    }
    if (StringField(*fields, "product_code") != opts_.product_code) return Mismatch("product_code");
    if (AmountFromJson(fields->if_contains("total_amount")) != order.amount) {
        return Mismatch("total_amount");
    }
    return Ok{};
}

Result<Confirmation> EsewaGateway::StatusCheck(const PaymentOrder& order,
                                               const std::string& gateway_reference) const {
    HttpRequest request;
    request.url = opts_.status_url + "?" +
                  FormEncode({{"product_code", opts_.product_code},
                              {"total_amount", EsewaAmount(order.amount)},
                              {"transaction_uuid", gateway_reference}});
    request.timeout_ms = opts_.timeout_ms;
    ASSIGN_OR_RETURN(HttpResponse response, SendHttp(request, kStatusError));
    std::optional<boost::json::object> reply = ParseJsonObject(response.body);
    std::string status = reply ? StringField(*reply, "status") : "";
    if (response.status >= 500 || status.empty()) {
        return Unavailable(kStatusError, "eSewa status check failed (HTTP " +
                                             std::to_string(response.status) + ")");
    }
    std::optional<Money> amount = AmountFromJson(reply->if_contains("total_amount"));
    Confirmation confirmation;
    confirmation.state = MapStatus(status);
    confirmation.amount = amount.value_or(Money{});
    confirmation.gateway_reference = gateway_reference;
    confirmation.transaction_id = StringField(*reply, "ref_id");
    confirmation.raw = std::move(response.body);
    std::string uuid = StringField(*reply, "transaction_uuid");
    if (confirmation.state == PaymentState::kCompleted &&
        (amount != order.amount || (!uuid.empty() && uuid != gateway_reference))) {
        Logger("payments")
            ->error("esewa status mismatch intent_id={} expected_paisa={}", order.intent_id,
                    order.amount.paisa);
        return FailedPrecondition("esewa_amount_mismatch",
                                  "eSewa reports another payment than the order's.",
                                  {{"expected_paisa", order.amount.paisa},
                                   {"reported_paisa", confirmation.amount.paisa}});
    }
    return confirmation;
}

Status EsewaGateway::Refund(const std::string& transaction_id, std::optional<Money> amount) {
    return FailedPrecondition("manual_refund_required",
                              "eSewa has no refund API: refund it from the eSewa merchant portal.");
}

}  // namespace ps::money
