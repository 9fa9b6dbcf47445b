// EsewaGateway against FakeEsewa: the signed form (checked against the documented vector), the
// callback `data` verification (tampering, formatted totals), the status check and its mapping.
#include "domains/money/gateways/esewa.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <functional>

#include "core/crypto.hpp"
#include "support/fake_esewa.hpp"

namespace ps::money {
namespace {

namespace json = boost::json;
constexpr const char* kSecret = "8gBm/:&EnhH.1/q";  // eSewa's published UAT secret
constexpr const char* kProduct = "EPAYTEST";

PaymentOrder Order(const std::string& uuid = "tp-0001", int64_t paisa = 15000) {
    PaymentOrder order;
    order.intent_id = uuid;
    order.amount = Money{paisa};
    order.purchase_name = "Wallet top-up";
    order.return_url = "https://app.example.com/esewa/success";
    order.failure_url = "https://app.example.com/esewa/failure";
    return order;
}

CallbackData WithData(const std::string& data) {
    CallbackData callback;
    callback.fields = {{"data", data}};
    return callback;
}

// The decoded callback JSON with `edit` applied, re-encoded without re-signing (a forgery).
std::string Tampered(const std::string& data, const std::function<void(json::object&)>& edit) {
    std::string text;
    EXPECT_TRUE(Base64Decode(data, text));
    json::object obj = json::parse(text).as_object();
    edit(obj);
    return Base64Encode(json::serialize(obj));
}

class EsewaGatewayTest : public testing::Test {
protected:
    EsewaGateway Gateway(std::string secret = kSecret, long timeout_ms = 5000) {
        return EsewaGateway(
            {fake_.FormUrl(), fake_.StatusUrl(), kProduct, std::move(secret), timeout_ms});
    }
    // Initiates `order` and posts its form to the fake, as the payer's browser would.
    void PayAtEsewa(EsewaGateway& gateway, const PaymentOrder& order) {
        Result<Checkout> checkout = gateway.Initiate(order);
        ASSERT_TRUE(checkout.ok());
        Fields form;
        for (const auto& field : *checkout->form_fields) {
            form.emplace_back(field.key(), std::string(field.value().as_string()));
        }
        HttpRequest post{"POST",
                         *checkout->gateway_url,
                         {"Content-Type: application/x-www-form-urlencoded"},
                         FormEncode(form)};
        Result<HttpResponse> reply = SendHttp(post, "test");
        ASSERT_TRUE(reply.ok());
        ASSERT_EQ(reply->status, 302) << reply->body;
    }
    Result<Confirmation> ConfirmWith(EsewaGateway& gateway, const PaymentOrder& order,
                                     const std::string& data) {
        return gateway.Confirm(order, order.intent_id, WithData(data));
    }

    test::FakeEsewa fake_{kProduct, kSecret};
};

TEST(EsewaSignatureTest, MatchesTheDocumentedVector) {
    // base64(HMAC-SHA256("8gBm/:&EnhH.1/q",
    //   "total_amount=110,transaction_uuid=241028,product_code=EPAYTEST")), worked out by hand
    // with `openssl dgst -sha256 -hmac ... -binary | base64`; the same value eSewa's docs show.
    EXPECT_EQ(EsewaSignature(kSecret, {{"total_amount", "110"},
                                       {"transaction_uuid", "241028"},
                                       {"product_code", "EPAYTEST"}}),
              "i94zsd3oXF6ZsSr/kGqT4sSzYQzjj1W/waxjWyRwaME=");
}

TEST(EsewaAmountTest, FormatsAndParsesEsewaAmounts) {
    EXPECT_EQ(EsewaAmount(Money{11000}), "110");
    EXPECT_EQ(EsewaAmount(Money{11050}), "110.50");
    EXPECT_EQ(ParseEsewaAmount("1,000.0"), Money{100000});
    EXPECT_EQ(ParseEsewaAmount("1000"), Money{100000});
    EXPECT_EQ(ParseEsewaAmount("100.50"), Money{10050});
    EXPECT_EQ(ParseEsewaAmount("1,000.000"), Money{100000});
    EXPECT_EQ(ParseEsewaAmount("ten"), std::nullopt);
    EXPECT_EQ(ParseEsewaAmount("-5"), std::nullopt);
}

TEST_F(EsewaGatewayTest, InitiateBuildsTheSignedForm) {
    Result<Checkout> checkout = Gateway().Initiate(Order("241028", 11000));
    ASSERT_TRUE(checkout.ok());
    EXPECT_EQ(checkout->gateway_reference, "241028");
    EXPECT_EQ(checkout->gateway_url, fake_.FormUrl());
    EXPECT_EQ(checkout->redirect_method, "POST");
    json::object expected{{"amount", "110"},
                          {"tax_amount", "0"},
                          {"product_service_charge", "0"},
                          {"product_delivery_charge", "0"},
                          {"total_amount", "110"},
                          {"transaction_uuid", "241028"},
                          {"product_code", "EPAYTEST"},
                          {"success_url", "https://app.example.com/esewa/success"},
                          {"failure_url", "https://app.example.com/esewa/failure"},
                          {"signed_field_names", "total_amount,transaction_uuid,product_code"},
                          {"signature", "i94zsd3oXF6ZsSr/kGqT4sSzYQzjj1W/waxjWyRwaME="}};
    EXPECT_EQ(*checkout->form_fields, expected);
    EXPECT_TRUE(fake_.Requests().empty());  // nothing to call before the browser posts
}

TEST_F(EsewaGatewayTest, SignedCallbackThenStatusCheckCompletes) {
    EsewaGateway gateway = Gateway();
    PayAtEsewa(gateway, Order());
    Result<Confirmation> confirmation =
        ConfirmWith(gateway, Order(), fake_.CallbackData("tp-0001"));
    ASSERT_TRUE(confirmation.ok()) << confirmation.error().message;
    EXPECT_EQ(confirmation->state, PaymentState::kCompleted);
    EXPECT_EQ(confirmation->amount, Money{15000});
    EXPECT_EQ(confirmation->transaction_id, fake_.Find("tp-0001")->ref_id);

    const auto check = fake_.Requests().back();
    EXPECT_EQ(check.method, "GET");
    EXPECT_EQ(check.path, "/api/epay/transaction/status/");
    std::map<std::string, std::string> query{
        {"product_code", "EPAYTEST"}, {"total_amount", "150"}, {"transaction_uuid", "tp-0001"}};
    EXPECT_EQ(check.query, query);
}

TEST_F(EsewaGatewayTest, FormattedTotalIsAcceptedWhenTheSignatureMatches) {
    EsewaGateway gateway = Gateway();
    PaymentOrder order = Order("tp-1000", 100000);
    PayAtEsewa(gateway, order);
    for (const std::string literal : {"\"1,000.0\"", "1000.0", "\"1000\""}) {
        Result<Confirmation> confirmation =
            ConfirmWith(gateway, order, fake_.CallbackData("tp-1000", literal));
        ASSERT_TRUE(confirmation.ok()) << literal << ": " << confirmation.error().message;
        EXPECT_EQ(confirmation->state, PaymentState::kCompleted) << literal;
    }
}

TEST_F(EsewaGatewayTest, TamperedCallbackIsRejectedBeforeAnyStatusCheck) {
    EsewaGateway gateway = Gateway();
    PayAtEsewa(gateway, Order());
    std::string data = fake_.CallbackData("tp-0001");
    const std::pair<const char*, std::function<void(json::object&)>> forgeries[] = {
        {"signature",
         [](json::object& o) {
             o["signature"] = "AAAA" + std::string(o["signature"].as_string()).substr(4);
         }},
        {"amount", [](json::object& o) { o["total_amount"] = "15.0"; }},
        {"uuid", [](json::object& o) { o["transaction_uuid"] = "tp-0002"; }},
        {"status", [](json::object& o) { o["status"] = "COMPLETE!"; }},
        {"unsigned", [](json::object& o) { o["signed_field_names"] = "status"; }},
    };
    size_t requests = fake_.Requests().size();
    for (const auto& [name, edit] : forgeries) {
        Result<Confirmation> confirmation = ConfirmWith(gateway, Order(), Tampered(data, edit));
        ASSERT_FALSE(confirmation.ok()) << name;
        EXPECT_EQ(confirmation.error().code, ErrorCode::kInvalidArgument) << name;
        EXPECT_EQ(confirmation.error().slug, "esewa_invalid_signature") << name;
    }
    for (const std::string& junk :
         {std::string("not base64!"), Base64Encode("[1,2]"), Base64Encode("{}")}) {
        EXPECT_EQ(ConfirmWith(gateway, Order(), junk).error().slug, "esewa_invalid_signature");
    }
    EXPECT_EQ(fake_.Requests().size(), requests);
}

TEST_F(EsewaGatewayTest, GenuineDataForAnotherPaymentIsAVerificationError) {
    EsewaGateway gateway = Gateway();
    PayAtEsewa(gateway, Order("tp-0001"));
    PayAtEsewa(gateway, Order("tp-cheap", 1000));
    // eSewa's own signature, but over another uuid, or another amount than the order's.
    Result<Confirmation> other = ConfirmWith(gateway, Order(), fake_.CallbackData("tp-cheap"));
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().slug, "esewa_verification_error");
    Result<Confirmation> cheaper =
        ConfirmWith(gateway, Order(), fake_.CallbackData("tp-0001", "\"15.0\""));
    ASSERT_FALSE(cheaper.ok());
    EXPECT_EQ(cheaper.error().slug, "esewa_verification_error");
}

TEST_F(EsewaGatewayTest, WrongSecretFailsBothWays) {
    EsewaGateway theirs = Gateway();
    EsewaGateway ours = Gateway("not-the-secret");
    PayAtEsewa(theirs, Order());
    Result<Confirmation> confirmation = ConfirmWith(ours, Order(), fake_.CallbackData("tp-0001"));
    ASSERT_FALSE(confirmation.ok());
    EXPECT_EQ(confirmation.error().slug, "esewa_invalid_signature");

    Result<Checkout> checkout = ours.Initiate(Order("tp-0002"));
    Fields form;
    for (const auto& field : *checkout->form_fields) {
        form.emplace_back(field.key(), std::string(field.value().as_string()));
    }
    HttpRequest post{"POST",
                     fake_.FormUrl(),
                     {"Content-Type: application/x-www-form-urlencoded"},
                     FormEncode(form)};
    EXPECT_EQ(SendHttp(post, "test")->status, 400);  // eSewa refuses a badly signed form
}

TEST_F(EsewaGatewayTest, StatusCheckDecidesEvenAfterAGoodCallback) {
    EsewaGateway gateway = Gateway();
    PayAtEsewa(gateway, Order());
    std::string data = fake_.CallbackData("tp-0001");  // says COMPLETE
    fake_.SetStatus("tp-0001", "PENDING");
    EXPECT_EQ(ConfirmWith(gateway, Order(), data)->state, PaymentState::kPending);
}

TEST_F(EsewaGatewayTest, StatusesMapToPaymentStates) {
    const std::pair<const char*, PaymentState> cases[] = {
        {"COMPLETE", PaymentState::kCompleted},      {"PENDING", PaymentState::kPending},
        {"AMBIGUOUS", PaymentState::kPending},       {"CANCELED", PaymentState::kCanceled},
        {"NOT_FOUND", PaymentState::kExpired},       {"FULL_REFUND", PaymentState::kRefunded},
        {"PARTIAL_REFUND", PaymentState::kRefunded}, {"NEW_THING", PaymentState::kPending},
    };
    EsewaGateway gateway = Gateway();
    PayAtEsewa(gateway, Order());
    for (const auto& [status, state] : cases) {
        fake_.SetStatus("tp-0001", status);
        Result<Confirmation> confirmation = gateway.Confirm(Order(), "tp-0001", std::nullopt);
        ASSERT_TRUE(confirmation.ok()) << status;
        EXPECT_EQ(confirmation->state, state) << status;
    }
    // Never posted to eSewa at all.
    EXPECT_EQ(gateway.Confirm(Order("tp-none"), "tp-none", std::nullopt)->state,
              PaymentState::kExpired);
}

TEST_F(EsewaGatewayTest, StatusCheckReportingAnotherAmountIsAnError) {
    EsewaGateway gateway = Gateway();
    PayAtEsewa(gateway, Order());
    fake_.SetReportedTotal("tp-0001", 15.0);
    Result<Confirmation> confirmation = gateway.Confirm(Order(), "tp-0001", std::nullopt);
    ASSERT_FALSE(confirmation.ok());
    EXPECT_EQ(confirmation.error().slug, "esewa_amount_mismatch");
}

TEST_F(EsewaGatewayTest, SilentStatusCheckTimesOutAsUnavailable) {
    EsewaGateway gateway = Gateway(kSecret, 300);
    fake_.SetHang(true);
    auto start = std::chrono::steady_clock::now();
    Result<Confirmation> confirmation = gateway.Confirm(Order(), "tp-0001", std::nullopt);
    auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(confirmation.ok());
    EXPECT_EQ(confirmation.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(confirmation.error().slug, "esewa_status_error");
    EXPECT_LT(elapsed, std::chrono::milliseconds(2000));
}

TEST_F(EsewaGatewayTest, RefundNeedsTheMerchantPortal) {
    Status refund = Gateway().Refund("REF1", std::nullopt);
    ASSERT_FALSE(refund.ok());
    EXPECT_EQ(refund.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_EQ(refund.error().slug, "manual_refund_required");
}

}  // namespace
}  // namespace ps::money
