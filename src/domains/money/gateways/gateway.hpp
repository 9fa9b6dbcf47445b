// The seam between top-ups and the payment gateways (Khalti ePayment, eSewa ePay v2, Stripe,
// and `demo` for development). A gateway client is a real client of the gateway's documented
// API with a configurable base URL; tests run it against a local fake of that protocol.
//
// The rule every implementation keeps: the browser callback alone never credits. Confirm()
// asks the gateway itself (Khalti lookup, eSewa status check, Stripe PaymentIntent retrieve or
// a signature-verified webhook event) and reports what the gateway says.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>

#include "core/money.hpp"
#include "core/result.hpp"

namespace ps::money {

// What we ask a gateway to collect.
struct PaymentOrder {
    std::string intent_id;      // our id; unique per attempt (eSewa transaction_uuid, Khalti purchase_order_id)
    Money amount;
    std::string purchase_name;  // e.g. "Wallet top-up"
    std::string return_url;     // where the gateway sends the browser (success)
    std::string failure_url;    // eSewa failure_url; others may ignore
    std::string customer_name, customer_email, customer_phone;  // optional
};

// What the client needs to go and pay.
struct Checkout {
    std::string gateway_reference;            // Khalti pidx, eSewa transaction_uuid, Stripe pi_...
    std::optional<std::string> gateway_url;   // where to send the browser
    std::string redirect_method = "GET";      // GET | POST
    std::optional<boost::json::object> form_fields;  // eSewa's signed form; null otherwise
    boost::json::object extra;                // e.g. Stripe client_secret
};

enum class PaymentState { kCompleted, kPending, kFailed, kCanceled, kExpired, kRefunded };

// What the gateway itself says about a payment.
struct Confirmation {
    PaymentState state = PaymentState::kPending;
    Money amount;                 // as the gateway reports it (compare with the order!)
    std::string gateway_reference;
    std::string transaction_id;   // the gateway's transaction id, when it has one
    std::string raw;              // the gateway's reply, for the record (no secrets)
};

// Data that came back with the browser or a webhook, untrusted.
struct CallbackData {
    std::string gateway_reference;  // pidx / transaction_uuid, as our stored intent says
    boost::json::object fields;     // query or body fields as received (eSewa: "data" base64)
    std::string raw_body;           // webhooks: the exact bytes received
    std::string signature_header;   // webhooks: e.g. Stripe-Signature
};

class PaymentGateway {
public:
    virtual ~PaymentGateway() = default;
    virtual std::string Name() const = 0;  // "khalti" | "esewa" | "stripe" | "demo"
    // Creates the payment at the gateway. Errors: Unavailable "<name>_initiation_error".
    virtual Result<Checkout> Initiate(const PaymentOrder& order) = 0;
    // Asks the gateway for the truth about this order. `callback` may carry what the browser
    // brought back (eSewa: its signed data is verified first; a bad signature is
    // InvalidArgument "esewa_invalid_signature"), but the answer always comes from the gateway.
    virtual Result<Confirmation> Confirm(const PaymentOrder& order, const std::string& gateway_reference,
                                         const std::optional<CallbackData>& callback) = 0;
    // Refunds a completed payment (full when amount is nullopt). Gateways without a refund API
    // return FailedPrecondition "manual_refund_required".
    virtual Status Refund(const std::string& transaction_id, std::optional<Money> amount) = 0;
};

}  // namespace ps::money
