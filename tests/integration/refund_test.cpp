// Refunds through HTTP: a user asks for a successful payment back, staff approve or reject it.
// A top-up goes back out of the wallet to the gateway (Khalti's refund API; eSewa needs a
// manual refund); a rental charge goes back to the points and wallet it came from.
#include <gtest/gtest.h>

#include "app/services.hpp"
#include "domains/money/gateways/http_client.hpp"
#include "domains/money/ledger_audit.hpp"
#include "support/fake_esewa.hpp"
#include "support/fake_khalti.hpp"
#include "support/test_server.hpp"

namespace ps::test {
namespace {

namespace json = boost::json;

constexpr const char* kKhaltiMethod = "6f1c2a9e-2d4b-4c8e-9a51-0b7e3f1d0a01";
constexpr const char* kEsewaMethod = "6f1c2a9e-2d4b-4c8e-9a51-0b7e3f1d0a02";

class RefundTest : public testing::Test {
protected:
    RefundTest() {
        ServerOptions o;
        o.configure = [this](app::Config& c) {
            c.khalti_base_url = khalti_.BaseUrl();
            c.khalti_secret_key = "khalti-key";
            c.esewa_form_url = esewa_.FormUrl();
            c.esewa_status_url = esewa_.StatusUrl();
            c.esewa_secret_key = "esewa-secret";
        };
        server_ = std::make_unique<TestServer>(o);
        user_ = server_->SignUp("9811111111", "asha").first;
        staff_ = server_->StaffToken("finance@powershare.test", "admin");
    }
    HttpClient& c() { return server_->client(); }
    // A Khalti top-up completed at the gateway and verified; returns the TXN id.
    std::string KhaltiTopUp(const std::string& amount) {
        auto i =
            c().Json("POST", "/api/payments/wallet/topup-intent",
                     json::object{{"amount", amount}, {"payment_method_id", kKhaltiMethod}}, user_);
        EXPECT_EQ(i.status, 201) << i.body;
        khalti_.SetStatus(khalti_.LastPidx(), "Completed");
        auto v = c().Json("POST", "/api/payments/verify",
                          json::object{{"intent_id", i.data().at("intent_id")}}, user_);
        EXPECT_EQ(v.status, 200) << v.body;
        return std::string(v.data().at("transaction_id").as_string());
    }
    HttpReply Ask(const std::string& txn, const std::string& tok = "",
                  const std::string& reason = "Charged but the bank never came out") {
        return c().Json("POST", "/api/payments/refunds",
                        json::object{{"transaction_id", txn}, {"reason", reason}},
                        tok.empty() ? user_ : tok);
    }
    HttpReply Process(const std::string& id, const std::string& action,
                      const std::string& tok = "") {
        return c().Multipart("POST", "/api/admin/refunds/" + id + "/process",
                             {{"action", action}, {"admin_notes", "checked the logs"}},
                             tok.empty() ? staff_ : tok);
    }
    money::Balances Balances() { return *server_->app().services->wallet->ReadBalances(UserId()); }
    int64_t UserId() {
        auto row = server_->db().Read([](db::Connection& cn) {
            return cn.QueryOne("SELECT id FROM users WHERE username = 'asha'");
        });
        return (*row)->Int(0);
    }

    FakeKhalti khalti_{"khalti-key"};
    FakeEsewa esewa_{"EPAYTEST", "esewa-secret"};
    std::unique_ptr<TestServer> server_;
    std::string user_, staff_;
};

TEST_F(RefundTest, RequestRulesAndListShapes) {
    std::string txn = KhaltiTopUp("250");
    EXPECT_EQ(Ask(txn, "", "too short").ErrorCode(), "validation_error");
    EXPECT_EQ(Ask("TXN0000").ErrorCode(), "transaction_not_found");
    std::string other = server_->SignUp("9822222222", "bikash").first;
    EXPECT_EQ(Ask(txn, other).ErrorCode(), "unauthorized_transaction");
    auto r = c().Send("POST", "/api/payments/refunds",
                      json::serialize(json::object{{"transaction_id", txn},
                                                   {"reason", "Topped up the wrong amount"}}),
                      "application/json", user_, {"Idempotency-Key: refund-1"});
    ASSERT_EQ(r.status, 201) << r.body;
    const auto& refund = r.data().at("refund");
    EXPECT_EQ(refund.at("status"), "REQUESTED");
    EXPECT_EQ(refund.at("amount"), "250.00");
    EXPECT_EQ(refund.at("transaction_id").as_string(), txn);
    EXPECT_TRUE(refund.at("processed_at").is_null());
    auto replay = c().Send("POST", "/api/payments/refunds",
                           json::serialize(json::object{{"transaction_id", txn},
                                                        {"reason", "Topped up the wrong amount"}}),
                           "application/json", user_, {"Idempotency-Key: refund-1"});
    EXPECT_EQ(replay.body, r.body);
    EXPECT_EQ(Ask(txn).ErrorCode(), "refund_already_exists");
    auto mine = c().Get("/api/payments/refunds?page_size=1", user_);
    ASSERT_EQ(mine.status, 200);
    const auto& p = mine.data().at("pagination");
    EXPECT_EQ(p.at("count"), 1);
    EXPECT_EQ(p.at("page"), 1);
    EXPECT_EQ(p.at("page_size"), 1);
    EXPECT_EQ(p.at("total_pages"), 1);
    EXPECT_EQ(p.at("has_next"), false);
    EXPECT_EQ(p.at("has_previous"), false);
    EXPECT_EQ(mine.data().at("refunds").as_array().size(), 1u);
    EXPECT_EQ(c().Get("/api/payments/refunds", other).data().at("refunds").as_array().size(), 0u);
    auto queue = c().Get("/api/admin/refunds", staff_);
    ASSERT_EQ(queue.status, 200) << queue.body;
    EXPECT_EQ(queue.data().at("pagination").at("total_count"), 1);
    EXPECT_EQ(queue.data().at("results").as_array()[0].at("id"), refund.at("id"));
}

TEST_F(RefundTest, ApprovedTopUpGoesBackThroughKhaltiOnce) {
    std::string txn = KhaltiTopUp("300");
    std::string pidx = khalti_.LastPidx();
    auto r = Ask(txn);
    std::string id(r.data().at("refund").at("id").as_string());
    std::string moderator = server_->StaffToken("mod@powershare.test", "moderator");
    EXPECT_EQ(Process(id, "APPROVE", moderator).ErrorCode(), "permission_denied");
    auto done = Process(id, "APPROVE");
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_EQ(done.data().at("status"), "PROCESSED");
    EXPECT_EQ(done.data().at("message"), "Refund approved successfully");
    EXPECT_EQ(khalti_.Find(pidx)->refunded, 30000);
    EXPECT_EQ(Balances().wallet, Money{0});
    EXPECT_EQ(Balances().points, 0);  // the 30 reward points went with the top-up
    EXPECT_EQ(Balances().points_earned, 0);
    EXPECT_EQ(Process(id, "APPROVE").ErrorCode(), "invalid_refund_status");
    EXPECT_EQ(Balances().points, 0);
    EXPECT_EQ(khalti_.Find(pidx)->refunded, 30000);
    EXPECT_EQ(Balances().wallet, Money{0});
    EXPECT_EQ(c().Get("/api/admin/refunds", staff_).data().at("pagination").at("total_count"), 0);
    auto processed = c().Get("/api/admin/refunds?status=PROCESSED", staff_);
    EXPECT_EQ(processed.data().at("results").as_array()[0].at("gateway_reference").as_string(),
              khalti_.Find(pidx)->transaction_id);
    EXPECT_NE(c().Get("/api/admin/action-logs", staff_).body.find("APPROVE_REFUND"),
              std::string::npos);
    auto audit = money::AuditLedger(server_->db());
    ASSERT_TRUE(audit.ok());
    EXPECT_EQ(audit->Issues(), 0);
}

TEST_F(RefundTest, SpentTopUpCannotBeRefundedAndEsewaNeedsAManualRefund) {
    std::string txn = KhaltiTopUp("100");
    auto& s = *server_->app().services;
    int64_t uid = UserId();
    auto spent = server_->db().Transact([&](db::Connection& cn) {
        return s.ledger->Charge(
            cn, money::ChargeSpec{uid, Money{9000}, "rental:r1:start", "Rental",
                                  money::AccountKind::kRentalRevenue, "RENTAL", false});
    });
    ASSERT_TRUE(spent.ok());
    std::string id(Ask(txn).data().at("refund").at("id").as_string());
    auto refused = Process(id, "APPROVE");
    EXPECT_EQ(refused.ErrorCode(), "insufficient_balance") << refused.body;
    EXPECT_EQ(c().Get("/api/admin/refunds", staff_).data().at("pagination").at("total_count"), 1);
    auto rejected = Process(id, "REJECT");
    ASSERT_EQ(rejected.status, 200);
    EXPECT_EQ(rejected.data().at("status"), "REJECTED");
    EXPECT_EQ(Ask(txn).status, 201);  // a rejected request does not block a new one
    // eSewa: the wallet side is done at once, the gateway side is flagged for a person.
    auto i = c().Json("POST", "/api/payments/wallet/topup-intent",
                      json::object{{"amount", "200"}, {"payment_method_id", kEsewaMethod}}, user_);
    std::string intent(i.data().at("intent_id").as_string());
    money::Fields form;
    for (const auto& kv : i.data().at("form_fields").as_object())
        form.emplace_back(std::string(kv.key()), std::string(kv.value().as_string()));
    HttpClient("").Send("POST", esewa_.FormUrl(), money::FormEncode(form),
                        "application/x-www-form-urlencoded");
    auto v =
        c().Json("POST", "/api/payments/verify",
                 json::object{{"intent_id", intent}, {"data", esewa_.CallbackData(intent)}}, user_);
    ASSERT_EQ(v.status, 200) << v.body;
    Money before = Balances().wallet;
    std::string eid(Ask(std::string(v.data().at("transaction_id").as_string()))
                        .data()
                        .at("refund")
                        .at("id")
                        .as_string());
    auto manual = Process(eid, "APPROVE");
    ASSERT_EQ(manual.status, 200) << manual.body;
    EXPECT_EQ(manual.data().at("status"), "APPROVED");
    EXPECT_EQ(manual.data().at("gateway_status"), "MANUAL_REQUIRED");
    EXPECT_EQ(Balances().wallet, before - Money{20000});
    auto listed = c().Get("/api/admin/refunds?status=APPROVED", staff_);
    std::string notes(listed.data().at("results").as_array()[0].at("admin_notes").as_string());
    EXPECT_NE(notes.find("Manual refund required"), std::string::npos) << notes;
}

TEST_F(RefundTest, RefundedTopUpTakesBackOnlyTheRewardPointsLeft) {
    std::string txn = KhaltiTopUp("500");  // NPR 500 and 50 points
    auto& s = *server_->app().services;
    int64_t uid = UserId();
    // NPR 3 paid with 30 of the 50 points: 20 left, the wallet untouched.
    auto charge = server_->db().Transact([&](db::Connection& cn) {
        return s.ledger->Charge(
            cn, money::ChargeSpec{uid, Money{300}, "rental:r3:start", "Rental 10 min",
                                  money::AccountKind::kRentalRevenue, "RENTAL"});
    });
    ASSERT_TRUE(charge.ok());
    ASSERT_EQ(charge->split.points_used, 30);
    ASSERT_EQ(Balances().points, 20);
    std::string id(Ask(txn).data().at("refund").at("id").as_string());
    auto done = Process(id, "APPROVE");
    ASSERT_EQ(done.status, 200) << done.body;
    money::Balances after = Balances();
    EXPECT_EQ(after.wallet, Money{0});
    EXPECT_EQ(after.points, 0);          // 20 taken back, never below zero
    EXPECT_EQ(after.points_earned, 30);  // 50 earned, 20 of them taken back
    auto history = c().Get("/api/points/history?source=REFUND", user_);
    ASSERT_EQ(history.status, 200) << history.body;
    const auto& rows = history.data().at("results").as_array();
    ASSERT_EQ(rows.size(), 1u) << history.body;
    EXPECT_EQ(rows[0].at("transaction_type"), "SPENT");
    EXPECT_EQ(rows[0].at("formatted_points"), "-20 points");
    auto summary = c().Get("/api/points/summary", user_);
    EXPECT_NE(summary.body.find("\"total_points_earned\":30"), std::string::npos) << summary.body;
    // Approving again is refused and takes nothing more; the books balance.
    EXPECT_EQ(Process(id, "APPROVE").ErrorCode(), "invalid_refund_status");
    auto clawbacks = server_->db().Read([](db::Connection& cn) {
        return cn.QueryOne("SELECT COUNT(*) FROM ledger_transfers WHERE kind = 'points_clawback'");
    });
    EXPECT_EQ((*clawbacks)->Int(0), 1);
    auto audit = money::AuditLedger(server_->db());
    ASSERT_TRUE(audit.ok());
    EXPECT_EQ(audit->Issues(), 0);
}

TEST_F(RefundTest, RentalChargeGoesBackToPointsAndWallet) {
    KhaltiTopUp("500");  // NPR 500 and 50 points
    auto& s = *server_->app().services;
    int64_t uid = UserId();
    money::Balances before = Balances();
    auto charge = server_->db().Transact([&](db::Connection& cn) {
        return s.ledger->Charge(
            cn, money::ChargeSpec{uid, Money{15000}, "rental:r2:start", "Rental 4 h",
                                  money::AccountKind::kRentalRevenue, "RENTAL"});
    });
    ASSERT_TRUE(charge.ok());
    EXPECT_EQ(charge->split.points_used, before.points);
    std::string txn = *charge->transfer.transaction_id;
    std::string id(Ask(txn).data().at("refund").at("id").as_string());
    auto done = Process(id, "APPROVE");
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_EQ(done.data().at("status"), "PROCESSED");
    money::Balances after = Balances();
    EXPECT_EQ(after.wallet, before.wallet);
    EXPECT_EQ(after.points, before.points);
    EXPECT_EQ(Ask(txn).ErrorCode(), "invalid_transaction_status");  // now REFUNDED
    auto audit = money::AuditLedger(server_->db());
    ASSERT_TRUE(audit.ok());
    EXPECT_EQ(audit->Issues(), 0);
}

}  // namespace
}  // namespace ps::test
