// Top-ups end to end through HTTP against the local gateway fakes: payment methods (public and
// staff CRUD), intents and their limits, Khalti initiate -> lookup -> credited once, eSewa
// signed success data -> status check -> credited, tampered data, amount mismatches, the
// Stripe webhook (valid, forged, stale, replayed), cancel, expiry and reconciliation.
#include <curl/curl.h>
#include <atomic>
#include <thread>
#include <gtest/gtest.h>

#include "app/services.hpp"
#include "core/crypto.hpp"
#include "domains/money/gateways/http_client.hpp"
#include "support/fake_esewa.hpp"
#include "support/fake_khalti.hpp"
#include "support/fake_stripe.hpp"
#include "support/test_server.hpp"
#include "domains/money/ledger_audit.hpp"

namespace ps::test {
namespace {

namespace json = boost::json;

constexpr const char* kKhaltiKey = "khalti-test-key";
constexpr const char* kEsewaSecret = "8gBm/:&EnhH.1/q";
constexpr const char* kStripeKey = "sk_test_123";
constexpr const char* kWebhookSecret = "whsec_test_456";
constexpr const char* kKhaltiMethod = "6f1c2a9e-2d4b-4c8e-9a51-0b7e3f1d0a01";
constexpr const char* kEsewaMethod = "6f1c2a9e-2d4b-4c8e-9a51-0b7e3f1d0a02";
constexpr const char* kStripeMethod = "6f1c2a9e-2d4b-4c8e-9a51-0b7e3f1d0a03";

// A GET that does not follow redirects and keeps the Location header.
std::pair<long, std::string> GetRedirect(const std::string& url) {
    CURL* c = curl_easy_init();
    std::string location, body;
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(
        c, CURLOPT_WRITEFUNCTION, +[](char* p, size_t s, size_t n, void* out) {
            static_cast<std::string*>(out)->append(p, s * n);
            return s * n;
        });
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(
        c, CURLOPT_HEADERFUNCTION, +[](char* p, size_t s, size_t n, void* out) {
            std::string line(p, s * n);
            if (line.size() > 10 &&
                (line.rfind("Location:", 0) == 0 || line.rfind("location:", 0) == 0))
                *static_cast<std::string*>(out) =
                    line.substr(10, line.find_last_not_of("\r\n") - 9);
            return s * n;
        });
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &location);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return {status, location};
}

class TopUpTest : public testing::Test {
protected:
    void SetUp() override { Start(false); }
    void Start(bool fake_clock) {
        server_.reset();
        ServerOptions o;
        o.fake_clock = fake_clock;
        o.configure = [this](app::Config& c) {
            c.frontend_url = "https://app.test";
            c.khalti_base_url = khalti_.BaseUrl();
            c.khalti_secret_key = kKhaltiKey;
            c.esewa_form_url = esewa_.FormUrl();
            c.esewa_status_url = esewa_.StatusUrl();
            c.esewa_product_code = "EPAYTEST";
            c.esewa_secret_key = kEsewaSecret;
            c.stripe_base_url = stripe_.BaseUrl();
            c.stripe_secret_key = kStripeKey;
            c.stripe_webhook_secret = kWebhookSecret;
            c.demo_gateway = true;
        };
        server_ = std::make_unique<TestServer>(o);
        user_ = server_->SignUp("9811111111", "asha").first;
    }
    HttpClient& c() { return server_->client(); }
    HttpReply Intent(const std::string& method, const std::string& amount,
                     const std::string& tok = "") {
        return c().Json("POST", "/api/payments/wallet/topup-intent",
                        json::object{{"amount", amount}, {"payment_method_id", method}},
                        tok.empty() ? user_ : tok);
    }
    std::string IntentId(const std::string& method, const std::string& amount) {
        auto r = Intent(method, amount);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? std::string(r.data().at("intent_id").as_string()) : "";
    }
    double Balance(const std::string& tok = "") {
        auto r = c().Get("/api/payments/wallet/balance", tok.empty() ? user_ : tok);
        return r.data().at("balance").to_number<double>();
    }
    int64_t Points() {
        return c()
            .Get("/api/users/wallet", user_)
            .data()
            .at("points")
            .at("current_points")
            .as_int64();
    }
    HttpReply Verify(const json::object& body, const std::string& tok = "") {
        return c().Json("POST", "/api/payments/verify", body, tok);
    }
    std::string IntentStatus(const std::string& id) {
        auto row = server_->db().Read([&](db::Connection& cn) {
            return cn.QueryOne("SELECT status FROM payment_intents WHERE id = ?", {id});
        });
        return row.ok() && *row ? (*row)->Str(0) : "";
    }
    int64_t Now() { return server_->app().clock->Now() / kSecond; }

    FakeKhalti khalti_{kKhaltiKey};
    FakeEsewa esewa_{"EPAYTEST", kEsewaSecret};
    FakeStripe stripe_{kStripeKey, kWebhookSecret};
    std::unique_ptr<TestServer> server_;
    std::string user_;
};

TEST_F(TopUpTest, PublicMethodsAndStaffCrudAreAudited) {
    auto list = c().Get("/api/payments/methods");
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(list.data().at("count"), 3);
    std::string staff = server_->StaffToken("ops@powershare.test");
    auto created = c().Multipart("POST", "/api/admin/payment-methods",
                                 {{"name", "Demo"},
                                  {"gateway", "demo"},
                                  {"is_active", "true"},
                                  {"configuration", R"({"note":"dev only"})"},
                                  {"min_amount", "10"},
                                  {"max_amount", "100000"}},
                                 staff);
    ASSERT_EQ(created.status, 200) << created.body;
    std::string id(created.data().at("id").as_string());
    EXPECT_EQ(created.data().at("configuration").at("note"), "dev only");
    EXPECT_EQ(created.data().at("min_amount"), "10.00");
    auto dup = c().Json("POST", "/api/admin/payment-methods",
                        json::object{{"name", "Demo"}, {"gateway", "demo"}}, staff);
    EXPECT_EQ(dup.ErrorCode(), "validation_error");
    auto page = c().Get("/api/admin/payment-methods?page_size=2", staff);
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(page.data().at("pagination").at("total_count"), 4);
    EXPECT_EQ(page.data().at("payment_methods").as_array().size(), 2u);
    EXPECT_EQ(c().Get("/api/payments/methods").data().at("count"), 4);
    auto patched = c().Json("PATCH", "/api/admin/payment-methods/" + id,
                            json::object{{"is_active", false}}, staff);
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(patched.data().at("is_active"), false);
    EXPECT_EQ(Intent(id, "50").ErrorCode(), "invalid_payment_method");
    auto bad = c().Json("PATCH", "/api/admin/payment-methods/" + id,
                        json::object{{"min_amount", "500"}, {"max_amount", "100"}}, staff);
    EXPECT_EQ(bad.ErrorCode(), "validation_error");
    auto del = c().Delete("/api/admin/payment-methods/" + id, staff);
    ASSERT_EQ(del.status, 200);
    EXPECT_EQ(del.data().at("deleted"), true);
    EXPECT_EQ(c().Get("/api/admin/payment-methods/" + id, staff).status, 404);
    EXPECT_EQ(c().Get("/api/admin/payment-methods", user_).status, 403);
    auto logs = c().Get("/api/admin/action-logs", staff).body;
    for (const char* a :
         {"CREATE_PAYMENT_METHOD", "UPDATE_PAYMENT_METHOD", "DELETE_PAYMENT_METHOD"})
        EXPECT_NE(logs.find(a), std::string::npos) << a;
}

TEST_F(TopUpTest, IntentLimitsAndUnknownMethods) {
    EXPECT_EQ(Intent(kKhaltiMethod, "5").ErrorCode(), "amount_too_low");
    EXPECT_EQ(Intent(kStripeMethod, "101").ErrorCode(), "amount_too_high");
    EXPECT_EQ(Intent(kEsewaMethod, "50001").ErrorCode(), "amount_too_high");
    EXPECT_EQ(Intent("00000000-0000-0000-0000-000000000000", "50").ErrorCode(),
              "invalid_payment_method");
    EXPECT_EQ(Intent(kKhaltiMethod, "abc").ErrorCode(), "validation_error");
    auto ok = Intent(kKhaltiMethod, "150.50");
    ASSERT_EQ(ok.status, 201) << ok.body;
    EXPECT_EQ(ok.data().at("amount"), "150.50");
    EXPECT_EQ(ok.data().at("status"), "PENDING");
    EXPECT_EQ(ok.data().at("gateway"), "khalti");
    EXPECT_TRUE(ok.data().at("form_fields").is_null());
    EXPECT_NE(std::string(ok.data().at("gateway_url").as_string()).find("pay"), std::string::npos);
    EXPECT_EQ(Balance(), 0.0);
}

TEST_F(TopUpTest, KhaltiCompletedIsCreditedExactlyOnce) {
    int64_t points = Points();
    std::string id = IntentId(kKhaltiMethod, "250");
    std::string pidx = khalti_.LastPidx();
    std::string callback = c().base() + "/api/payments/khalti/callback?pidx=" + pidx +
                           "&status=Completed&purchase_order_id=" + id;
    // The browser comes back before Khalti says Completed: the redirect alone credits nothing.
    auto early = GetRedirect(callback);
    EXPECT_EQ(early.first, 302);
    EXPECT_NE(early.second.find("status=failure"), std::string::npos) << early.second;
    EXPECT_NE(early.second.find("reason=payment_pending"), std::string::npos) << early.second;
    EXPECT_EQ(Balance(), 0.0);
    khalti_.SetStatus(pidx, "Completed");
    auto cb = GetRedirect(callback);
    EXPECT_EQ(cb.first, 302);
    EXPECT_EQ(cb.second,
              "https://app.test/payment-status?status=success&provider=khalti&intent_id=" + id);
    EXPECT_EQ(Balance(), 250.0);
    EXPECT_EQ(Points() - points, 20);  // +10 per NPR 100
    // Replays: the callback again, verify, verify with an Idempotency-Key twice.
    EXPECT_NE(GetRedirect(callback).second.find("status=success"), std::string::npos);
    auto again = Verify(json::object{{"intent_id", id}, {"pidx", pidx}}, user_);
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.data().at("message"), "Payment already verified");
    EXPECT_EQ(again.data().at("new_balance").to_number<double>(), 250.0);
    auto k1 =
        c().Send("POST", "/api/payments/verify", json::serialize(json::object{{"intent_id", id}}),
                 "application/json", user_, {"Idempotency-Key: v-1"});
    auto k2 =
        c().Send("POST", "/api/payments/verify", json::serialize(json::object{{"intent_id", id}}),
                 "application/json", user_, {"Idempotency-Key: v-1"});
    EXPECT_EQ(k1.body, k2.body);
    EXPECT_EQ(Balance(), 250.0);
    EXPECT_EQ(Points() - points, 20);
    EXPECT_EQ(IntentStatus(id), "COMPLETED");
    // Another user cannot verify (or learn about) this intent.
    std::string other = server_->SignUp("9822222222", "bikash").first;
    EXPECT_EQ(Verify(json::object{{"intent_id", id}}, other).ErrorCode(), "validation_error");
}

TEST_F(TopUpTest, KhaltiLookupWithAnotherAmountCreditsNothing) {
    std::string id = IntentId(kKhaltiMethod, "100");
    std::string pidx = khalti_.LastPidx();
    khalti_.SetStatus(pidx, "Completed");
    khalti_.SetTotalAmount(pidx, 1000);  // NPR 10 paid for an NPR 100 order
    auto r = Verify(json::object{{"intent_id", id}, {"pidx", pidx}}, user_);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.ErrorCode(), "khalti_amount_mismatch");
    EXPECT_EQ(IntentStatus(id), "FAILED");
    EXPECT_EQ(Balance(), 0.0);
    khalti_.SetTotalAmount(pidx, 10000);  // even if the gateway changes its mind later
    EXPECT_EQ(Verify(json::object{{"intent_id", id}}, user_).ErrorCode(), "validation_error");
    EXPECT_EQ(Balance(), 0.0);
    // A callback naming another pidx is refused before any lookup.
    std::string id2 = IntentId(kKhaltiMethod, "100");
    EXPECT_EQ(Verify(json::object{{"intent_id", id2}, {"pidx", pidx}}, user_).ErrorCode(),
              "khalti_reference_mismatch");
}

// Submits the signed form the intent returned to the fake eSewa (which then pays at once).
void PayAtEsewa(const HttpReply& intent, const FakeEsewa& esewa) {
    money::Fields form;
    for (const auto& kv : intent.data().at("form_fields").as_object())
        form.emplace_back(std::string(kv.key()), std::string(kv.value().as_string()));
    HttpClient gateway("");
    auto r = gateway.Send("POST", std::string(intent.data().at("gateway_url").as_string()),
                          money::FormEncode(form), "application/x-www-form-urlencoded");
    EXPECT_EQ(r.status, 302) << r.body;
}

TEST_F(TopUpTest, EsewaSignedSuccessDataIsCheckedThenCredited) {
    auto intent = Intent(kEsewaMethod, "1000");
    ASSERT_EQ(intent.status, 201) << intent.body;
    EXPECT_EQ(intent.data().at("redirect_method"), "POST");
    std::string id(intent.data().at("intent_id").as_string());
    PayAtEsewa(intent, esewa_);
    std::string data = esewa_.CallbackData(id, "\"1,000.0\"");  // eSewa formats amounts freely
    auto r =
        GetRedirect(c().base() + "/api/payments/esewa/success?data=" + money::PercentEncode(data));
    EXPECT_EQ(r.first, 302);
    EXPECT_EQ(r.second,
              "https://app.test/payment-status?status=success&provider=esewa&intent_id=" + id);
    EXPECT_EQ(Balance(), 1000.0);
    EXPECT_NE(
        GetRedirect(c().base() + "/api/payments/esewa/success?data=" + money::PercentEncode(data))
            .second.find("status=success"),
        std::string::npos);
    EXPECT_EQ(Balance(), 1000.0);
}

TEST_F(TopUpTest, TamperedEsewaDataCreditsNothing) {
    auto intent = Intent(kEsewaMethod, "100");
    std::string id(intent.data().at("intent_id").as_string());
    PayAtEsewa(intent, esewa_);
    std::string decoded;
    ASSERT_TRUE(Base64Decode(esewa_.CallbackData(id), decoded));
    auto v = json::parse(decoded).as_object();
    v["total_amount"] = "100000.0";  // claims more than was paid, keeps the old signature
    std::string forged = Base64Encode(json::serialize(v));
    auto r = GetRedirect(c().base() +
                         "/api/payments/esewa/success?data=" + money::PercentEncode(forged));
    EXPECT_EQ(r.first, 302);
    EXPECT_NE(r.second.find("status=failure"), std::string::npos);
    EXPECT_NE(r.second.find("reason=esewa_invalid_signature"), std::string::npos) << r.second;
    auto direct = Verify(json::object{{"intent_id", id}, {"data", forged}}, user_);
    EXPECT_EQ(direct.ErrorCode(), "esewa_invalid_signature");
    EXPECT_EQ(Balance(), 0.0);
    EXPECT_EQ(IntentStatus(id), "PENDING");
    // eSewa's status check reporting another amount is refused too.
    esewa_.SetReportedTotal(id, 10.0);
    EXPECT_EQ(Verify(json::object{{"intent_id", id}}, user_).ErrorCode(), "esewa_amount_mismatch");
    EXPECT_EQ(Balance(), 0.0);
    // The failure page never credits.
    auto fail = GetRedirect(c().base() + "/api/payments/esewa/failure?intent_id=" + id);
    EXPECT_NE(fail.second.find("status=failure"), std::string::npos);
    EXPECT_EQ(Balance(), 0.0);
}

TEST_F(TopUpTest, StripeWebhookValidForgedStaleAndReplayed) {
    std::string id = IntentId(kStripeMethod, "80");
    std::string pi = stripe_.LastIntentId();
    auto post = [&](const std::string& body, const std::string& sig) {
        return c().Send("POST", "/api/payments/stripe/webhook", body, "application/json", "",
                        {"Stripe-Signature: " + sig});
    };
    // Signed, but Stripe says the PaymentIntent is not paid: nothing is credited.
    std::string unpaid = stripe_.EventBody(pi, "payment_intent.succeeded");
    std::string early_body = unpaid;
    early_body.replace(early_body.find("evt_"), 4, "evt_early_");
    EXPECT_EQ(post(early_body, stripe_.SignatureHeader(early_body, Now())).status, 200);
    EXPECT_EQ(Balance(), 0.0);
    stripe_.SetStatus(pi, "succeeded");
    std::string body = stripe_.EventBody(pi, "payment_intent.succeeded");
    auto forged = post(body, FakeStripe::SignatureHeader(body, Now(), "whsec_wrong"));
    EXPECT_EQ(forged.status, 400);
    EXPECT_EQ(forged.ErrorCode(), "stripe_invalid_signature");
    auto stale = post(body, stripe_.SignatureHeader(body, Now() - 3600));
    EXPECT_EQ(stale.ErrorCode(), "stripe_stale_signature");
    EXPECT_EQ(post(body, "garbage").ErrorCode(), "stripe_invalid_signature");
    EXPECT_EQ(Balance(), 0.0);
    auto ok = post(body, stripe_.SignatureHeader(body, Now()));
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(ok.data().at("duplicate"), false);
    EXPECT_EQ(Balance(), 80.0);
    auto replay = post(body, stripe_.SignatureHeader(body, Now()));
    EXPECT_EQ(replay.status, 200);
    EXPECT_EQ(replay.data().at("duplicate"), true);
    EXPECT_EQ(Balance(), 80.0);
    EXPECT_EQ(IntentStatus(id), "COMPLETED");
}

TEST_F(TopUpTest, CancelOnlyOwnPendingIntents) {
    std::string id = IntentId(kKhaltiMethod, "100");
    std::string other = server_->SignUp("9822222222", "bikash").first;
    EXPECT_EQ(c().Json("POST", "/api/payments/cancel/" + id, json::object{}, other).ErrorCode(),
              "intent_not_found");
    auto r = c().Json("POST", "/api/payments/cancel/" + id, json::object{}, user_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.data().at("status"), "CANCELLED");
    EXPECT_EQ(c().Json("POST", "/api/payments/cancel/" + id, json::object{}, user_).ErrorCode(),
              "invalid_intent_status");
    // Khalti later says it was paid after all: the money was collected, so it is credited.
    khalti_.SetStatus(khalti_.LastPidx(), "Completed");
    EXPECT_EQ(Verify(json::object{{"intent_id", id}}).status, 200);
    EXPECT_EQ(Balance(), 100.0);
}

TEST_F(TopUpTest, DemoGatewayCompletesForMakeRun) {
    std::string staff = server_->StaffToken("ops@powershare.test");
    auto m = c().Json("POST", "/api/admin/payment-methods",
                      json::object{{"name", "Demo"}, {"gateway", "demo"}}, staff);
    ASSERT_EQ(m.status, 200) << m.body;
    auto intent = Intent(std::string(m.data().at("id").as_string()), "500");
    ASSERT_EQ(intent.status, 201) << intent.body;
    std::string url(intent.data().at("gateway_url").as_string());
    std::string id(intent.data().at("intent_id").as_string());
    auto done = c().Get("/api/payments/demo/complete?intent_id=" + id);
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_NE(url.find("/api/payments/demo/complete?intent_id=" + id), std::string::npos);
    EXPECT_EQ(Balance(), 500.0);
}

// Verifies of one intent racing (the settle runs at READ COMMITTED on PostgreSQL): the wallet
// is credited once, every racer is answered "verified" (one of them first, the others "already
// verified"), and the reward points come once.
TEST_F(TopUpTest, RacingVerifiesOfOneIntentCreditOnce) {
    std::string staff = server_->StaffToken("ops@powershare.test");
    auto m = c().Json("POST", "/api/admin/payment-methods",
                      json::object{{"name", "Demo"}, {"gateway", "demo"}}, staff);
    ASSERT_EQ(m.status, 200) << m.body;
    std::string method(m.data().at("id").as_string());
    for (int round = 0; round < 5; ++round) {
        auto intent = Intent(method, "500");
        ASSERT_EQ(intent.status, 201) << intent.body;
        json::value id = intent.data().at("intent_id");
        std::atomic<int> first{0}, again{0};
        std::vector<std::thread> racers;
        for (int i = 0; i < 8; ++i) {
            racers.emplace_back([&] {
                HttpClient own(c().base());
                auto v = own.Json("POST", "/api/payments/verify", json::object{{"intent_id", id}});
                if (v.status != 200) {
                    ADD_FAILURE() << v.body;
                    return;
                }
                (v.data().as_object().contains("message") ? again : first)++;
            });
        }
        for (auto& r : racers) r.join();
        EXPECT_EQ(first.load(), 1) << "round " << round;
        EXPECT_EQ(again.load(), 7) << "round " << round;
        EXPECT_EQ(Balance(), 500.0 * (round + 1));
    }
    auto w = c().Get("/api/users/wallet", user_);
    ASSERT_EQ(w.status, 200) << w.body;
    auto audit = money::AuditLedger(server_->db());
    ASSERT_TRUE(audit.ok());
    EXPECT_EQ(audit->Issues(), 0);
}

TEST_F(TopUpTest, ReconcileJobConfirmsAndExpires) {
    Start(true);
    std::string paid = IntentId(kKhaltiMethod, "300");
    khalti_.SetStatus(khalti_.LastPidx(), "Completed");  // the user never came back
    std::string abandoned = IntentId(kKhaltiMethod, "200");
    std::string esewa_abandoned = IntentId(kEsewaMethod, "200");
    auto& topups = *server_->app().services->topups;
    server_->fake_clock()->Advance(2 * kMinute);
    auto first = topups.Reconcile();
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->completed, 1);
    EXPECT_EQ(first->expired, 0);
    EXPECT_EQ(IntentStatus(paid), "COMPLETED");
    EXPECT_EQ(Balance(), 300.0);
    server_->fake_clock()->Advance(30 * kMinute);
    auto second = topups.Reconcile();
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->expired, 2);
    EXPECT_EQ(IntentStatus(abandoned), "EXPIRED");
    EXPECT_EQ(IntentStatus(esewa_abandoned), "EXPIRED");
    auto late = Verify(json::object{{"intent_id", abandoned}}, user_);
    EXPECT_EQ(late.ErrorCode(), "validation_error");
    EXPECT_NE(late.body.find("expired"), std::string::npos) << late.body;
    EXPECT_EQ(Balance(), 300.0);
    // The job is registered and periodic.
    bool periodic = false;
    for (const auto& p : server_->app().periodic) periodic |= p.name == "payments_reconcile";
    EXPECT_TRUE(periodic);
    EXPECT_NE(server_->app().jobs.Find("payments_reconcile"), nullptr);
}

}  // namespace
}  // namespace ps::test
