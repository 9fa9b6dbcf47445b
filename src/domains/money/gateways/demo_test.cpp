// DemoGateway: the local development gateway completes every payment for the order's amount.
#include "domains/money/gateways/demo.hpp"

#include <gtest/gtest.h>

namespace ps::money {
namespace {

PaymentOrder Order() {
    PaymentOrder order;
    order.intent_id = "tp 01/ä";
    order.amount = Money{25050};
    order.purchase_name = "Wallet top-up";
    return order;
}

TEST(DemoGatewayTest, InitiatePointsAtOurOwnCompletionPage) {
    DemoGateway gateway({"http://localhost:8080/"});
    EXPECT_EQ(gateway.Name(), "demo");
    Result<Checkout> checkout = gateway.Initiate(Order());
    ASSERT_TRUE(checkout.ok());
    EXPECT_EQ(checkout->gateway_reference, "tp 01/ä");
    EXPECT_EQ(checkout->gateway_url,
              "http://localhost:8080/api/payments/demo/complete?intent_id=tp%2001%2F%C3%A4");
    EXPECT_EQ(checkout->redirect_method, "GET");
    EXPECT_FALSE(checkout->form_fields.has_value());
}

TEST(DemoGatewayTest, ConfirmCompletesForTheOrderAmount) {
    DemoGateway gateway({"http://localhost:8080"});
    Result<Confirmation> confirmation = gateway.Confirm(Order(), "tp 01/ä", std::nullopt);
    ASSERT_TRUE(confirmation.ok());
    EXPECT_EQ(confirmation->state, PaymentState::kCompleted);
    EXPECT_EQ(confirmation->amount, Money{25050});
    EXPECT_EQ(confirmation->gateway_reference, "tp 01/ä");
    EXPECT_EQ(confirmation->transaction_id, "demo-tp 01/ä");
}

TEST(DemoGatewayTest, RefundSucceedsAndInitiateNeedsAnId) {
    DemoGateway gateway({"http://localhost:8080"});
    EXPECT_TRUE(gateway.Refund("demo-tp", std::nullopt).ok());
    EXPECT_TRUE(gateway.Refund("demo-tp", Money{100}).ok());
    PaymentOrder order = Order();
    order.intent_id.clear();
    EXPECT_FALSE(gateway.Initiate(order).ok());
}

}  // namespace
}  // namespace ps::money
