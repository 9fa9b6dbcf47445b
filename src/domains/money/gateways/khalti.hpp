// Khalti ePayment (KPG-2) client: initiate a payment (the browser then goes to Khalti's
// payment_url), look it up server to server (the only source of truth; the return_url redirect
// is never trusted), and refund through the merchant-transaction API.
//
// Lookup statuses map to PaymentState as: Completed -> kCompleted (only when total_amount equals
// the order; otherwise FailedPrecondition "khalti_amount_mismatch"), Pending / Initiated ->
// kPending, Expired -> kExpired, "User canceled" -> kCanceled, Refunded / "Partially Refunded" ->
// kRefunded, anything unknown -> kPending (hold and let an operator look).
#pragma once

#include "domains/money/gateways/gateway.hpp"

namespace ps::money {

struct KhaltiOptions {
    std::string base_url = "https://dev.khalti.com/api/v2/";  // production: khalti.com/api/v2/
    std::string secret_key;                                   // sent as "Authorization: Key ..."
    std::string website_url;                                  // our public site, as Khalti asks
    long timeout_ms = 10000;
};

class KhaltiGateway final : public PaymentGateway {
public:
    explicit KhaltiGateway(KhaltiOptions opts);

    std::string Name() const override { return "khalti"; }
    // POST epayment/initiate/ -> Checkout{pidx, payment_url, GET}.
    Result<Checkout> Initiate(const PaymentOrder& order) override;
    // POST epayment/lookup/ {pidx}. The callback is only checked for a pidx that contradicts
    // ours (InvalidArgument "khalti_reference_mismatch"); its status is ignored.
    Result<Confirmation> Confirm(const PaymentOrder& order, const std::string& gateway_reference,
                                 const std::optional<CallbackData>& callback) override;
    // POST <host>/api/merchant-transaction/{transaction_id}/refund/ (empty body: full refund).
    Status Refund(const std::string& transaction_id, std::optional<Money> amount) override;

    // ".../api/" for a base like ".../api/v2/": where the refund API lives.
    static std::string RefundRoot(const std::string& base_url);

private:
    struct Reply {
        long status = 0;
        boost::json::object json;
        std::string body;
    };
    Result<Reply> Post(const std::string& url, const std::string& body,
                       const std::string& error_slug) const;

    KhaltiOptions opts_;
};

}  // namespace ps::money
