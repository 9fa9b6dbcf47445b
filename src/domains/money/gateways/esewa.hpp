// eSewa ePay v2 client. Initiate builds the signed form the browser POSTs to eSewa; Confirm
// verifies the signed `data` eSewa sends back with the browser (when there is one) and then
// always asks eSewa's status-check API, whose answer is what counts. eSewa has no refund API.
//
// Status check -> PaymentState: COMPLETE -> kCompleted (total_amount must equal the order,
// else FailedPrecondition "esewa_amount_mismatch"), PENDING / AMBIGUOUS -> kPending, CANCELED ->
// kCanceled, NOT_FOUND ("payment terminated at eSewa: session expired") -> kExpired,
// FULL_REFUND / PARTIAL_REFUND -> kRefunded, anything unknown -> kPending.
#pragma once

#include <string_view>

#include "domains/money/gateways/gateway.hpp"
#include "domains/money/gateways/http_client.hpp"

namespace ps::money {

struct EsewaOptions {
    // UAT endpoints; production is https://epay.esewa.com.np/api/epay/... for both.
    std::string form_url = "https://rc-epay.esewa.com.np/api/epay/main/v2/form";
    std::string status_url = "https://rc.esewa.com.np/api/epay/transaction/status/";
    std::string product_code = "EPAYTEST";
    std::string secret_key;  // UAT: 8gBm/:&EnhH.1/q
    long timeout_ms = 10000;
};

// eSewa's signature: base64(HMAC-SHA256(secret, "n1=v1,n2=v2,...")), over the fields in order.
std::string EsewaSignature(std::string_view secret, const Fields& signed_fields);
// Rupees as eSewa's examples write them: "110" for whole rupees, "110.50" otherwise.
std::string EsewaAmount(Money amount);
// An amount as eSewa may send it back ("1,000.0", "1000", "100.50"); nullopt if unreadable.
std::optional<Money> ParseEsewaAmount(std::string_view text);

class EsewaGateway final : public PaymentGateway {
public:
    explicit EsewaGateway(EsewaOptions opts);

    std::string Name() const override { return "esewa"; }
    // No network: Checkout{transaction_uuid = intent_id, form_url, POST, signed form_fields}.
    Result<Checkout> Initiate(const PaymentOrder& order) override;
    // callback->fields["data"], when present, must carry eSewa's valid signature
    // (InvalidArgument "esewa_invalid_signature") and this order's transaction_uuid, product
    // code and amount (InvalidArgument "esewa_verification_error"). Then the status check.
    Result<Confirmation> Confirm(const PaymentOrder& order, const std::string& gateway_reference,
                                 const std::optional<CallbackData>& callback) override;
    // Always FailedPrecondition "manual_refund_required" (merchant portal only).
    Status Refund(const std::string& transaction_id, std::optional<Money> amount) override;

private:
    Status VerifyCallbackData(const PaymentOrder& order, const std::string& gateway_reference,
                              const boost::json::value& data) const;
    Result<Confirmation> StatusCheck(const PaymentOrder& order,
                                     const std::string& gateway_reference) const;

    EsewaOptions opts_;
};

}  // namespace ps::money
