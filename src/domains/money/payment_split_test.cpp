// Points-then-wallet arithmetic (payment_split.hpp) and the idempotency helpers that need no
// database (request fingerprint, which responses are stored).
#include <gtest/gtest.h>

#include "domains/money/idempotency.hpp"
#include "domains/money/payment_split.hpp"

namespace ps::money {
namespace {

TEST(PaymentSplit, PointsFirstThenWallet) {
    // NPR 10 with 35 points: 35 points pay NPR 3.50, the wallet the other 6.50.
    auto s = SplitPayment(Money{1000}, 35, Money{5000});
    EXPECT_TRUE(s.sufficient);
    EXPECT_EQ(s.points_used, 35);
    EXPECT_EQ(s.points_amount, Money{350});
    EXPECT_EQ(s.wallet_used, Money{650});
    EXPECT_EQ(s.shortfall, Money{0});
}

TEST(PaymentSplit, PointsAloneWhenTheyCoverIt) {
    auto s = SplitPayment(Money{5000}, 1000, Money{0});
    EXPECT_TRUE(s.sufficient);
    EXPECT_EQ(s.points_used, 500);
    EXPECT_EQ(s.points_amount, Money{5000});
    EXPECT_EQ(s.wallet_used, Money{0});
}

TEST(PaymentSplit, OddPaisaComeFromTheWallet) {
    // NPR 10.05: 100 whole points pay 10.00, the wallet pays 5 paisa.
    auto s = SplitPayment(Money{1005}, 500, Money{100});
    EXPECT_TRUE(s.sufficient);
    EXPECT_EQ(s.points_used, 100);
    EXPECT_EQ(s.points_amount, Money{1000});
    EXPECT_EQ(s.wallet_used, Money{5});
}

TEST(PaymentSplit, OddPaisaTakeOneMorePointWhenTheWalletIsEmpty) {
    auto s = SplitPayment(Money{1005}, 500, Money{0});
    EXPECT_TRUE(s.sufficient);
    EXPECT_EQ(s.points_used, 101);
    EXPECT_EQ(s.points_amount, Money{1005});
    EXPECT_EQ(s.wallet_used, Money{0});
}

TEST(PaymentSplit, ShortfallWhenBothRunOut) {
    auto s = SplitPayment(Money{5000}, 35, Money{1000});
    EXPECT_FALSE(s.sufficient);
    EXPECT_EQ(s.points_used, 35);
    EXPECT_EQ(s.wallet_used, Money{1000});
    EXPECT_EQ(s.shortfall, Money{5000 - 350 - 1000});
    // Exactly one paisa short, no points at all.
    auto t = SplitPayment(Money{1001}, 0, Money{1000});
    EXPECT_FALSE(t.sufficient);
    EXPECT_EQ(t.shortfall, Money{1});
}

TEST(PaymentSplit, WalletOnlyWhenPointsAreNotUsed) {
    auto s = SplitPayment(Money{1000}, 500, Money{2000}, /*use_points=*/false);
    EXPECT_EQ(s.points_used, 0);
    EXPECT_EQ(s.wallet_used, Money{1000});
}

TEST(PaymentSplit, SuggestedTopupRoundsUpToTheNextHundred) {
    EXPECT_EQ(SuggestedTopup(Money{4250}), Money{10000});    // 42.50 -> 100
    EXPECT_EQ(SuggestedTopup(Money{15000}), Money{20000});   // 150 -> 200
    EXPECT_EQ(SuggestedTopup(Money{10000}), Money{20000});   // 100 -> 200 (the reference's formula)
    EXPECT_EQ(SuggestedTopup(Money{0}), Money{0});
}

http::Request Post(std::string content_type, std::string body) {
    http::Request r;
    r.method = "POST";
    r.path = "/api/x";
    r.headers = {{"content-type", std::move(content_type)}};
    r.body = std::move(body);
    return r;
}

TEST(Idempotency, FingerprintIgnoresKeyOrderAndMultipartBoundary) {
    auto a = Post("application/json", R"({"amount":"10.00","reason":"x"})");
    auto b = Post("application/json", R"({"reason":"x","amount":"10.00"})");
    auto c = Post("application/json", R"({"reason":"x","amount":"10.01"})");
    EXPECT_EQ(RequestFingerprint(a), RequestFingerprint(b));
    EXPECT_NE(RequestFingerprint(a), RequestFingerprint(c));
    auto form = [](const std::string& boundary) {
        return Post("multipart/form-data; boundary=" + boundary,
                    "--" + boundary + "\r\nContent-Disposition: form-data; name=\"amount\"\r\n\r\n"
                    "10.00\r\n--" + boundary + "\r\nContent-Disposition: form-data; "
                    "name=\"reason\"\r\n\r\nx\r\n--" + boundary + "--\r\n");
    };
    EXPECT_EQ(RequestFingerprint(form("AAA")), RequestFingerprint(form("BBB")));
}

TEST(Idempotency, OnlyMeaningfulResponsesAreStored) {
    auto resp = [](int status, std::string body) {
        return http::Response{status, "application/json", std::move(body), {}};
    };
    EXPECT_TRUE(ShouldStoreResponse(resp(200, "{}")));
    EXPECT_TRUE(ShouldStoreResponse(resp(500, "{}")));
    EXPECT_TRUE(ShouldStoreResponse(resp(404, R"({"error":{"code":"user_not_found"}})")));
    EXPECT_TRUE(ShouldStoreResponse(resp(400, R"({"error":{"code":"insufficient_balance"}})")));
    EXPECT_FALSE(ShouldStoreResponse(resp(400, R"({"error":{"code":"validation_error"}})")));
    EXPECT_FALSE(ShouldStoreResponse(resp(400, R"({"error":{"code":"invalid_json"}})")));
    EXPECT_FALSE(ShouldStoreResponse(resp(409, "{}")));
    EXPECT_FALSE(ShouldStoreResponse(resp(403, "{}")));
    EXPECT_FALSE(ShouldStoreResponse(resp(503, "{}")));
}

}  // namespace
}  // namespace ps::money
