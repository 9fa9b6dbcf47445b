// KhaltiGateway against FakeKhalti: the exact initiate and lookup requests, the status mapping,
// the amount check, the refund API, a bad key and a gateway that never answers.
#include "domains/money/gateways/khalti.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>

#include "support/fake_khalti.hpp"

namespace ps::money {
namespace {

namespace json = boost::json;
constexpr const char* kSecret = "test_secret_key_0123";

PaymentOrder Order(int64_t paisa = 15000) {
    PaymentOrder order;
    order.intent_id = "tp_0001";
    order.amount = Money{paisa};
    order.purchase_name = "Wallet top-up";
    order.return_url = "https://app.example.com/topup/return";
    return order;
}

class KhaltiGatewayTest : public testing::Test {
protected:
    KhaltiGateway Gateway(std::string key = kSecret, long timeout_ms = 5000) {
        return KhaltiGateway(
            {fake_.BaseUrl(), std::move(key), "https://powershare.example.com", timeout_ms});
    }
    // Initiates Order() and moves it to `status` at the fake.
    std::string Paid(KhaltiGateway& gateway, const std::string& status = "Completed") {
        Result<Checkout> checkout = gateway.Initiate(Order());
        EXPECT_TRUE(checkout.ok());
        fake_.SetStatus(checkout->gateway_reference, status);
        return checkout->gateway_reference;
    }

    test::FakeKhalti fake_{kSecret};
};

TEST_F(KhaltiGatewayTest, InitiateSendsKhaltiFieldsAndReturnsCheckout) {
    KhaltiGateway gateway = Gateway();
    PaymentOrder order = Order();
    order.customer_name = "Asha";
    order.customer_phone = "9800000001";
    Result<Checkout> checkout = gateway.Initiate(order);
    ASSERT_TRUE(checkout.ok()) << checkout.error().message;

    ASSERT_EQ(fake_.Requests().size(), 1u);
    const auto request = fake_.Requests()[0];
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.path, "/api/v2/epayment/initiate/");
    EXPECT_EQ(request.Header("authorization"), std::string("Key ") + kSecret);
    EXPECT_EQ(request.Header("content-type"), "application/json");
    json::value expected = json::parse(R"({"return_url":"https://app.example.com/topup/return",
        "website_url":"https://powershare.example.com","amount":15000,
        "purchase_order_id":"tp_0001","purchase_order_name":"Wallet top-up",
        "customer_info":{"name":"Asha","phone":"9800000001"}})");
    EXPECT_EQ(json::parse(request.body), expected);

    EXPECT_EQ(checkout->gateway_reference, fake_.LastPidx());
    EXPECT_EQ(checkout->gateway_url, "https://test-pay.khalti.com/?pidx=" + fake_.LastPidx());
    EXPECT_EQ(checkout->redirect_method, "GET");
    EXPECT_FALSE(checkout->form_fields.has_value());
}

TEST_F(KhaltiGatewayTest, CompletedWithTheOrderAmountIsCompleted) {
    KhaltiGateway gateway = Gateway();
    std::string pidx = Paid(gateway);
    Result<Confirmation> confirmation = gateway.Confirm(Order(), pidx, std::nullopt);
    ASSERT_TRUE(confirmation.ok()) << confirmation.error().message;
    EXPECT_EQ(confirmation->state, PaymentState::kCompleted);
    EXPECT_EQ(confirmation->amount, Money{15000});
    EXPECT_EQ(confirmation->gateway_reference, pidx);
    EXPECT_EQ(confirmation->transaction_id, fake_.Find(pidx)->transaction_id);
    EXPECT_NE(confirmation->raw.find("\"Completed\""), std::string::npos);

    const auto lookup = fake_.Requests().back();
    EXPECT_EQ(lookup.path, "/api/v2/epayment/lookup/");
    EXPECT_EQ(lookup.Header("authorization"), std::string("Key ") + kSecret);
    EXPECT_EQ(json::parse(lookup.body), json::parse(R"({"pidx":")" + pidx + R"("})"));
}

TEST_F(KhaltiGatewayTest, LookupStatusesMapToPaymentStates) {
    const std::pair<const char*, PaymentState> cases[] = {
        {"Pending", PaymentState::kPending},       {"Initiated", PaymentState::kPending},
        {"Expired", PaymentState::kExpired},       {"User canceled", PaymentState::kCanceled},
        {"Refunded", PaymentState::kRefunded},     {"Partially Refunded", PaymentState::kRefunded},
        {"Something New", PaymentState::kPending},
    };
    KhaltiGateway gateway = Gateway();
    for (const auto& [status, state] : cases) {
        std::string pidx = Paid(gateway, status);
        Result<Confirmation> confirmation = gateway.Confirm(Order(), pidx, std::nullopt);
        ASSERT_TRUE(confirmation.ok()) << status << ": " << confirmation.error().message;
        EXPECT_EQ(confirmation->state, state) << status;
    }
}

TEST_F(KhaltiGatewayTest, CompletedWithAnotherAmountIsAnError) {
    KhaltiGateway gateway = Gateway();
    std::string pidx = Paid(gateway);
    fake_.SetTotalAmount(pidx, 1000);
    Result<Confirmation> confirmation = gateway.Confirm(Order(), pidx, std::nullopt);
    ASSERT_FALSE(confirmation.ok());
    EXPECT_EQ(confirmation.error().slug, "khalti_amount_mismatch");
    EXPECT_EQ(confirmation.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(KhaltiGatewayTest, CallbackNamingAnotherPidxIsRejected) {
    KhaltiGateway gateway = Gateway();
    std::string pidx = Paid(gateway);
    CallbackData callback;
    callback.fields = {{"pidx", "someone-elses"}, {"status", "Completed"}};
    Result<Confirmation> confirmation = gateway.Confirm(Order(), pidx, callback);
    ASSERT_FALSE(confirmation.ok());
    EXPECT_EQ(confirmation.error().slug, "khalti_reference_mismatch");

    callback.fields["pidx"] = pidx;  // the same pidx: the lookup decides
    EXPECT_EQ(gateway.Confirm(Order(), pidx, callback)->state, PaymentState::kCompleted);
}

TEST_F(KhaltiGatewayTest, UnknownPidxIsAnError) {
    Result<Confirmation> confirmation = Gateway().Confirm(Order(), "no-such-pidx", std::nullopt);
    ASSERT_FALSE(confirmation.ok());
    EXPECT_EQ(confirmation.error().slug, "khalti_lookup_error");
}

TEST_F(KhaltiGatewayTest, BadKeyIsAnErrorThatDoesNotQuoteTheKey) {
    KhaltiGateway gateway = Gateway("wrong_key_9876");
    Result<Checkout> checkout = gateway.Initiate(Order());
    ASSERT_FALSE(checkout.ok());
    EXPECT_EQ(checkout.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(checkout.error().slug, "khalti_initiation_error");
    EXPECT_NE(checkout.error().message.find("401"), std::string::npos);
    EXPECT_EQ(checkout.error().message.find("wrong_key_9876"), std::string::npos);

    Result<Confirmation> confirmation = gateway.Confirm(Order(), "pidx1", std::nullopt);
    ASSERT_FALSE(confirmation.ok());
    EXPECT_EQ(confirmation.error().slug, "khalti_lookup_error");
}

TEST_F(KhaltiGatewayTest, AmountBelowKhaltisMinimumIsRefused) {
    Result<Checkout> checkout = Gateway().Initiate(Order(999));
    ASSERT_FALSE(checkout.ok());
    EXPECT_EQ(checkout.error().slug, "khalti_initiation_error");
    EXPECT_NE(checkout.error().message.find("amount"), std::string::npos);
}

TEST_F(KhaltiGatewayTest, SilentGatewayTimesOutAsUnavailable) {
    KhaltiGateway gateway = Gateway(kSecret, 300);
    fake_.SetHang(true);
    auto start = std::chrono::steady_clock::now();
    Result<Checkout> checkout = gateway.Initiate(Order());
    auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(checkout.ok());
    EXPECT_EQ(checkout.error().code, ErrorCode::kUnavailable);
    EXPECT_GE(elapsed, std::chrono::milliseconds(250));
    EXPECT_LT(elapsed, std::chrono::milliseconds(2000));

    Result<Confirmation> confirmation = gateway.Confirm(Order(), "pidx1", std::nullopt);
    ASSERT_FALSE(confirmation.ok());
    EXPECT_EQ(confirmation.error().code, ErrorCode::kUnavailable);
}

TEST_F(KhaltiGatewayTest, RefundsInFullAndInPartOnTheMerchantTransactionApi) {
    KhaltiGateway gateway = Gateway();
    std::string pidx = Paid(gateway);
    std::string txn = fake_.Find(pidx)->transaction_id;

    ASSERT_TRUE(gateway.Refund(txn, Money{5000}).ok());
    const auto partial = fake_.Requests().back();
    EXPECT_EQ(partial.method, "POST");
    EXPECT_EQ(partial.path, "/api/merchant-transaction/" + txn + "/refund/");
    EXPECT_EQ(partial.Header("authorization"), std::string("Key ") + kSecret);
    EXPECT_EQ(json::parse(partial.body), json::parse(R"({"amount":5000})"));
    EXPECT_EQ(fake_.Find(pidx)->status, "Partially Refunded");

    ASSERT_TRUE(gateway.Refund(txn, std::nullopt).ok());
    EXPECT_EQ(fake_.Requests().back().body, "");  // an empty body refunds the rest
    EXPECT_EQ(fake_.Find(pidx)->status, "Refunded");

    Status again = gateway.Refund(txn, std::nullopt);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().slug, "khalti_refund_rejected");
}

TEST(KhaltiRefundRootTest, DerivesTheApiRootFromTheBaseUrl) {
    EXPECT_EQ(KhaltiGateway::RefundRoot("https://dev.khalti.com/api/v2/"),
              "https://dev.khalti.com/api/");
    EXPECT_EQ(KhaltiGateway::RefundRoot("https://khalti.com/api/v2"), "https://khalti.com/api/");
    EXPECT_EQ(KhaltiGateway::RefundRoot("http://127.0.0.1:8080/"), "http://127.0.0.1:8080/api/");
}

}  // namespace
}  // namespace ps::money
