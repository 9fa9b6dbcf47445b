// The `demo` gateway, for `make run` and local development ONLY: it collects no money. Initiate
// points the browser at our own /api/payments/demo/complete page, and Confirm reports every
// payment as completed for exactly the order's amount. Never configure it in production.
#pragma once

#include "domains/money/gateways/gateway.hpp"

namespace ps::money {

struct DemoOptions {
    std::string public_base_url = "http://localhost:8080";  // our own server, as browsers see it
};

class DemoGateway final : public PaymentGateway {
public:
    explicit DemoGateway(DemoOptions opts);

    std::string Name() const override { return "demo"; }
    // Checkout{intent_id, <public_base_url>/api/payments/demo/complete?intent_id=..., GET}.
    Result<Checkout> Initiate(const PaymentOrder& order) override;
    // Always kCompleted with the order's amount; transaction_id "demo-<intent_id>".
    Result<Confirmation> Confirm(const PaymentOrder& order, const std::string& gateway_reference,
                                 const std::optional<CallbackData>& callback) override;
    // Always succeeds (there is nothing to give back).
    Status Refund(const std::string& transaction_id, std::optional<Money> amount) override;

private:
    DemoOptions opts_;
};

}  // namespace ps::money
