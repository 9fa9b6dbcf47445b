// The development gateway: no network, no money; see demo.hpp.
#include "domains/money/gateways/demo.hpp"

#include <utility>

#include "core/log.hpp"
#include "domains/money/gateways/http_client.hpp"

namespace ps::money {

DemoGateway::DemoGateway(DemoOptions opts) : opts_(std::move(opts)) {
    while (!opts_.public_base_url.empty() && opts_.public_base_url.back() == '/') {
        opts_.public_base_url.pop_back();
    }
    Logger("payments")->warn("demo payment gateway enabled: payments confirm without money");
}

Result<Checkout> DemoGateway::Initiate(const PaymentOrder& order) {
    if (order.intent_id.empty()) {
        return InvalidArgument("demo_initiation_error", "A payment needs an intent id.");
    }
    Checkout checkout;
    checkout.gateway_reference = order.intent_id;
    checkout.gateway_url = opts_.public_base_url + "/api/payments/demo/complete?intent_id=" +
                           PercentEncode(order.intent_id);
    checkout.redirect_method = "GET";
    return checkout;
}

Result<Confirmation> DemoGateway::Confirm(const PaymentOrder& order,
                                          const std::string& gateway_reference,
                                          const std::optional<CallbackData>& callback) {
    Confirmation confirmation;
    confirmation.state = PaymentState::kCompleted;
    confirmation.amount = order.amount;
    confirmation.gateway_reference = gateway_reference;
    confirmation.transaction_id = "demo-" + order.intent_id;
    confirmation.raw = R"({"gateway":"demo","status":"completed"})";
    return confirmation;
}

Status DemoGateway::Refund(const std::string& transaction_id, std::optional<Money> amount) {
    Logger("payments")->info("demo refund transaction_id={}", transaction_id);
    return Ok{};
}

}  // namespace ps::money
