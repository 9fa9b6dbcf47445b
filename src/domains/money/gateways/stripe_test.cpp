// StripeGateway against FakeStripe (PaymentIntents, refunds, idempotency, bad key, timeouts) and
// VerifyStripeWebhook on its own (signatures, several v1 values, tolerance, malformed input).
#include "domains/money/gateways/stripe.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "support/fake_stripe.hpp"

namespace ps::money {
namespace {

constexpr const char* kSecret = "sk_test_51Secret";
constexpr const char* kWebhookSecret = "whsec_test_secret";
constexpr int64_t kNowSeconds = 1'700'000'000;
constexpr Micros kNow = kNowSeconds * kSecond;

PaymentOrder Order(int64_t paisa = 15000) {
    PaymentOrder order;
    order.intent_id = "tp_0001";
    order.amount = Money{paisa};
    order.purchase_name = "Wallet top-up";
    return order;
}

class StripeGatewayTest : public testing::Test {
protected:
    StripeGateway Gateway(std::string key = kSecret, long timeout_ms = 5000) {
        return StripeGateway(clock_, {fake_.BaseUrl(), std::move(key), kWebhookSecret, timeout_ms});
    }
    std::string Paid(StripeGateway& gateway, const std::string& status = "succeeded") {
        Result<Checkout> checkout = gateway.Initiate(Order());
        EXPECT_TRUE(checkout.ok());
        fake_.SetStatus(checkout->gateway_reference, status);
        return checkout->gateway_reference;
    }
    CallbackData Webhook(const std::string& pi, int64_t signed_at = kNowSeconds) {
        CallbackData callback;
        callback.gateway_reference = pi;
        callback.raw_body = fake_.EventBody(pi, "payment_intent.succeeded");
        callback.signature_header = fake_.SignatureHeader(callback.raw_body, signed_at);
        return callback;
    }

    FakeClock clock_{kNow};
    test::FakeStripe fake_{kSecret, kWebhookSecret};
};

TEST_F(StripeGatewayTest, InitiateCreatesAPaymentIntent) {
    Result<Checkout> checkout = Gateway().Initiate(Order());
    ASSERT_TRUE(checkout.ok()) << checkout.error().message;
    ASSERT_EQ(fake_.Requests().size(), 1u);
    const auto request = fake_.Requests()[0];
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.path, "/v1/payment_intents");
    EXPECT_EQ(request.Header("authorization"), std::string("Bearer ") + kSecret);
    EXPECT_EQ(request.Header("idempotency-key"), "tp_0001");
    EXPECT_EQ(request.Header("content-type"), "application/x-www-form-urlencoded");
    std::map<std::string, std::string> form{{"amount", "15000"},
                                            {"currency", "npr"},
                                            {"metadata[intent_id]", "tp_0001"},
                                            {"automatic_payment_methods[enabled]", "true"},
                                            {"description", "Wallet top-up"}};
    EXPECT_EQ(request.Form(), form);

    EXPECT_EQ(checkout->gateway_reference, fake_.LastIntentId());
    EXPECT_EQ(checkout->extra.at("client_secret").as_string(),
              fake_.Find(fake_.LastIntentId())->client_secret);
    EXPECT_FALSE(checkout->gateway_url.has_value());
}

TEST_F(StripeGatewayTest, RetriedInitiateReusesTheIntent) {
    StripeGateway gateway = Gateway();
    std::string first = gateway.Initiate(Order())->gateway_reference;
    EXPECT_EQ(gateway.Initiate(Order())->gateway_reference, first);
    // The same key with another amount is refused, as Stripe does.
    Result<Checkout> changed = gateway.Initiate(Order(20000));
    ASSERT_FALSE(changed.ok());
    EXPECT_EQ(changed.error().slug, "stripe_initiation_error");
}

TEST_F(StripeGatewayTest, IntentStatusesMapToPaymentStates) {
    const std::pair<const char*, PaymentState> cases[] = {
        {"succeeded", PaymentState::kCompleted},
        {"processing", PaymentState::kPending},
        {"requires_payment_method", PaymentState::kPending},
        {"requires_confirmation", PaymentState::kPending},
        {"requires_action", PaymentState::kPending},
        {"requires_capture", PaymentState::kPending},
        {"canceled", PaymentState::kCanceled},
    };
    StripeGateway gateway = Gateway();
    std::string pi = Paid(gateway, "processing");
    for (const auto& [status, state] : cases) {
        fake_.SetStatus(pi, status);
        Result<Confirmation> confirmation = gateway.Confirm(Order(), pi, std::nullopt);
        ASSERT_TRUE(confirmation.ok()) << status << ": " << confirmation.error().message;
        EXPECT_EQ(confirmation->state, state) << status;
    }
    const auto retrieve = fake_.Requests().back();
    EXPECT_EQ(retrieve.method, "GET");
    EXPECT_EQ(retrieve.path, "/v1/payment_intents/" + pi);
    EXPECT_EQ(retrieve.Header("authorization"), std::string("Bearer ") + kSecret);
}

TEST_F(StripeGatewayTest, SucceededIsCompletedAndKeepsNoClientSecret) {
    StripeGateway gateway = Gateway();
    std::string pi = Paid(gateway);
    Result<Confirmation> confirmation = gateway.Confirm(Order(), pi, std::nullopt);
    ASSERT_TRUE(confirmation.ok());
    EXPECT_EQ(confirmation->amount, Money{15000});
    EXPECT_EQ(confirmation->transaction_id, pi);
    EXPECT_EQ(confirmation->raw.find("client_secret"), std::string::npos);
    EXPECT_EQ(confirmation->raw.find(fake_.Find(pi)->client_secret), std::string::npos);
}

TEST_F(StripeGatewayTest, AnotherAmountReceivedIsAnError) {
    StripeGateway gateway = Gateway();
    std::string pi = Paid(gateway);
    fake_.SetAmountReceived(pi, 100);
    Result<Confirmation> confirmation = gateway.Confirm(Order(), pi, std::nullopt);
    ASSERT_FALSE(confirmation.ok());
    EXPECT_EQ(confirmation.error().slug, "stripe_amount_mismatch");
}

TEST_F(StripeGatewayTest, SignedWebhookIsCheckedButTheRetrieveDecides) {
    StripeGateway gateway = Gateway();
    std::string pi = Paid(gateway);
    EXPECT_EQ(gateway.Confirm(Order(), pi, Webhook(pi))->state, PaymentState::kCompleted);

    CallbackData forged = Webhook(pi);
    forged.raw_body.insert(forged.raw_body.size() - 1, " ");
    EXPECT_EQ(gateway.Confirm(Order(), pi, forged).error().slug, "stripe_invalid_signature");
    EXPECT_EQ(gateway.Confirm(Order(), pi, Webhook(pi, kNowSeconds - 3600)).error().slug,
              "stripe_stale_signature");

    PaymentOrder second = Order();
    second.intent_id = "tp_0002";
    std::string other = gateway.Initiate(second)->gateway_reference;
    EXPECT_EQ(gateway.Confirm(Order(), pi, Webhook(other)).error().slug,
              "stripe_reference_mismatch");

    fake_.SetStatus(pi, "processing");  // the event said succeeded; Stripe now says otherwise
    EXPECT_EQ(gateway.Confirm(Order(), pi, Webhook(pi))->state, PaymentState::kPending);
}

TEST_F(StripeGatewayTest, BadKeyIsAnErrorThatDoesNotQuoteTheKey) {
    StripeGateway gateway = Gateway("sk_test_wrong_4242");
    Result<Checkout> checkout = gateway.Initiate(Order());
    ASSERT_FALSE(checkout.ok());
    EXPECT_EQ(checkout.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(checkout.error().slug, "stripe_initiation_error");
    EXPECT_NE(checkout.error().message.find("401"), std::string::npos);
    EXPECT_EQ(checkout.error().message.find("sk_test"), std::string::npos);
    EXPECT_EQ(gateway.Confirm(Order(), "pi_1", std::nullopt).error().slug,
              "stripe_confirmation_error");
}

TEST_F(StripeGatewayTest, SilentApiTimesOutAsUnavailable) {
    StripeGateway gateway = Gateway(kSecret, 300);
    fake_.SetHang(true);
    auto start = std::chrono::steady_clock::now();
    Result<Checkout> checkout = gateway.Initiate(Order());
    auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(checkout.ok());
    EXPECT_EQ(checkout.error().code, ErrorCode::kUnavailable);
    EXPECT_GE(elapsed, std::chrono::milliseconds(250));
    EXPECT_LT(elapsed, std::chrono::milliseconds(2000));
}

TEST_F(StripeGatewayTest, RefundsThePaymentIntent) {
    StripeGateway gateway = Gateway();
    std::string pi = Paid(gateway);
    ASSERT_TRUE(gateway.Refund(pi, Money{5000}).ok());
    const auto request = fake_.Requests().back();
    EXPECT_EQ(request.path, "/v1/refunds");
    std::map<std::string, std::string> form{{"payment_intent", pi}, {"amount", "5000"}};
    EXPECT_EQ(request.Form(), form);
    ASSERT_TRUE(gateway.Refund(pi, std::nullopt).ok());
    EXPECT_EQ(fake_.Find(pi)->refunded, 15000);

    Status again = gateway.Refund(pi, std::nullopt);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().slug, "stripe_refund_rejected");
}

// ---- VerifyStripeWebhook ------------------------------------------------------------------

constexpr const char* kBody =
    R"({"id":"evt_1","type":"payment_intent.succeeded",)"
    R"("data":{"object":{"id":"pi_1","object":"payment_intent"}}})";
// HMAC-SHA256("whsec_test_secret", "1700000000." + kBody) in hex, computed with openssl.
constexpr const char* kKnownV1 = "c946c8b8d619ee207a188a4951845d5bb553f326282abfae40892752c7bd90d0";

std::string Slug(const Result<StripeEvent>& result) {
    return result.ok() ? "" : result.error().slug;
}

TEST(StripeWebhookTest, AcceptsAKnownValidSignature) {
    std::string header = std::string("t=1700000000,v1=") + kKnownV1;
    EXPECT_EQ(test::FakeStripe::SignatureHeader(kBody, kNowSeconds, kWebhookSecret), header);
    Result<StripeEvent> event = VerifyStripeWebhook(kBody, header, kWebhookSecret, kNow);
    ASSERT_TRUE(event.ok()) << event.error().message;
    EXPECT_EQ(event->id, "evt_1");
    EXPECT_EQ(event->type, "payment_intent.succeeded");
    EXPECT_EQ(event->object.at("id").as_string(), "pi_1");
}

TEST(StripeWebhookTest, RejectsTheWrongSecret) {
    std::string header = test::FakeStripe::SignatureHeader(kBody, kNowSeconds, "whsec_other");
    EXPECT_EQ(Slug(VerifyStripeWebhook(kBody, header, kWebhookSecret, kNow)),
              "stripe_invalid_signature");
}

TEST(StripeWebhookTest, AcceptsAnyMatchingV1AmongSeveral) {
    std::string bad(64, 'a');
    for (const std::string& header :
         {"t=1700000000,v1=" + bad + ",v1=" + kKnownV1,
          "t=1700000000,v1=" + std::string(kKnownV1) + ",v1=" + bad + ",v0=" + bad,
          "v1=" + bad + ", t=1700000000, v1=" + kKnownV1}) {
        EXPECT_TRUE(VerifyStripeWebhook(kBody, header, kWebhookSecret, kNow).ok()) << header;
    }
    EXPECT_EQ(Slug(VerifyStripeWebhook(kBody, "t=1700000000,v1=" + bad + ",v0=" + kKnownV1,
                                       kWebhookSecret, kNow)),
              "stripe_invalid_signature");  // v0 never counts
}

TEST(StripeWebhookTest, RejectsStaleAndFutureTimestampsBeyondTheTolerance) {
    std::string header = std::string("t=1700000000,v1=") + kKnownV1;
    EXPECT_TRUE(VerifyStripeWebhook(kBody, header, kWebhookSecret, kNow + 300 * kSecond).ok());
    EXPECT_TRUE(VerifyStripeWebhook(kBody, header, kWebhookSecret, kNow - 300 * kSecond).ok());
    EXPECT_EQ(Slug(VerifyStripeWebhook(kBody, header, kWebhookSecret, kNow + 301 * kSecond)),
              "stripe_stale_signature");
    EXPECT_EQ(Slug(VerifyStripeWebhook(kBody, header, kWebhookSecret, kNow - 301 * kSecond)),
              "stripe_stale_signature");
    EXPECT_TRUE(
        VerifyStripeWebhook(kBody, header, kWebhookSecret, kNow + 3600 * kSecond, 7200 * kSecond)
            .ok());
}

TEST(StripeWebhookTest, RejectsMalformedHeaders) {
    std::string v1 = std::string("v1=") + kKnownV1;
    const std::vector<std::string> headers = {"",
                                              "garbage",
                                              v1,
                                              "t=1700000000",
                                              "t=abc," + v1,
                                              "t=," + v1,
                                              "t=1700000000,t=1700000000," + v1,
                                              "t=-1700000000," + v1,
                                              "t=99999999999999999999," + v1,
                                              "t=1700000000,v1="};
    for (const std::string& header : headers) {
        EXPECT_EQ(Slug(VerifyStripeWebhook(kBody, header, kWebhookSecret, kNow)),
                  "stripe_invalid_signature")
            << "[" << header << "]";
    }
    EXPECT_EQ(Slug(VerifyStripeWebhook(kBody, "t=1700000000," + v1, "", kNow)),
              "stripe_invalid_signature");  // no secret configured
}

TEST(StripeWebhookTest, RejectsAnAlteredBody) {
    std::string header = std::string("t=1700000000,v1=") + kKnownV1;
    std::string altered = kBody;
    altered.replace(altered.find("pi_1"), 4, "pi_2");
    EXPECT_EQ(Slug(VerifyStripeWebhook(altered, header, kWebhookSecret, kNow)),
              "stripe_invalid_signature");
    EXPECT_EQ(Slug(VerifyStripeWebhook(std::string(kBody) + "\n", header, kWebhookSecret, kNow)),
              "stripe_invalid_signature");
}

TEST(StripeWebhookTest, SignedButNotAnEventIsABadPayload) {
    for (const std::string body : {"not json", "[]", R"({"id":"evt_1","type":"x"})",
                                   R"({"id":"evt_1","type":"x","data":{"object":[]}})"}) {
        std::string header = test::FakeStripe::SignatureHeader(body, kNowSeconds, kWebhookSecret);
        EXPECT_EQ(Slug(VerifyStripeWebhook(body, header, kWebhookSecret, kNow)),
                  "stripe_bad_payload")
            << body;
    }
}

}  // namespace
}  // namespace ps::money
