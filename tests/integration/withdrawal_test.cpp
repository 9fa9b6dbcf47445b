// Withdrawals through HTTP: validation, fee, daily and monthly limits, the wallet debited at
// request time and returned on cancel/reject, staff approval paying out, analytics, the
// Idempotency-Key, and the feature switch.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "app/services.hpp"
#include "core/time_format.hpp"
#include "domains/money/ledger_audit.hpp"
#include "support/test_server.hpp"

namespace ps::test {
namespace {

namespace json = boost::json;

class WithdrawalTest : public testing::Test {
protected:
    void Start(bool enabled = true) {
        ServerOptions o;
        o.fake_clock = true;
        o.configure = [enabled](app::Config& c) {
            c.demo_gateway = true;
            c.withdrawals_enabled = enabled;
            c.access_ttl_s = c.staff_access_ttl_s = 60 * 86400;
        };
        server_ = std::make_unique<TestServer>(o);
        // A fixed Kathmandu morning early in a month, so days and months are predictable.
        server_->fake_clock()->Set(*ParseDateTime("2026-03-02T03:00:00Z"));
        user_ = server_->SignUp("9811111111", "asha").first;
        staff_ = server_->StaffToken("finance@powershare.test", "admin");
        auto m = c().Json("POST", "/api/admin/payment-methods",
                          json::object{{"name", "Demo"}, {"gateway", "demo"}}, staff_);
        ASSERT_EQ(m.status, 200) << m.body;
        demo_ = std::string(m.data().at("id").as_string());
    }
    HttpClient& c() { return server_->client(); }
    void TopUp(const std::string& amount, const std::string& tok = "") {
        auto i = c().Json("POST", "/api/payments/wallet/topup-intent",
                          json::object{{"amount", amount}, {"payment_method_id", demo_}},
                          tok.empty() ? user_ : tok);
        ASSERT_EQ(i.status, 201) << i.body;
        auto v = c().Json("POST", "/api/payments/verify",
                          json::object{{"intent_id", i.data().at("intent_id")}});
        ASSERT_EQ(v.status, 200) << v.body;
    }
    HttpReply Request(json::object body, const std::string& tok = "") {
        return c().Json("POST", "/api/payments/withdrawals/request", body,
                        tok.empty() ? user_ : tok);
    }
    HttpReply Esewa(const std::string& amount, const std::string& tok = "") {
        return Request(
            {{"amount", amount}, {"withdrawal_method", "esewa"}, {"phone_number", "9812345678"}},
            tok);
    }
    double Balance(const std::string& tok = "") {
        return c()
            .Get("/api/payments/wallet/balance", tok.empty() ? user_ : tok)
            .data()
            .at("balance")
            .to_number<double>();
    }
    std::string IdOf(const HttpReply& r) {
        return std::string(r.data().at("withdrawal").at("id").as_string());
    }

    std::unique_ptr<TestServer> server_;
    std::string user_, staff_, demo_;
};

TEST_F(WithdrawalTest, ValidationFeeAndWalletDebit) {
    Start();
    TopUp("20000");
    EXPECT_EQ(Esewa("50").ErrorCode(), "amount_below_minimum");
    EXPECT_EQ(Request({{"amount", "500"}, {"withdrawal_method", "paypal"}}).ErrorCode(),
              "invalid_withdrawal_method");
    EXPECT_EQ(Request({{"amount", "500"}, {"withdrawal_method", "esewa"}}).ErrorCode(),
              "missing_phone_number");
    EXPECT_EQ(
        Request({{"amount", "500"}, {"withdrawal_method", "khalti"}, {"phone_number", "12345"}})
            .ErrorCode(),
        "invalid_phone_format");
    auto bank =
        Request({{"amount", "500"}, {"withdrawal_method", "bank"}, {"bank_name", "NIC Asia"}});
    EXPECT_EQ(bank.ErrorCode(), "missing_bank_details");
    EXPECT_NE(bank.body.find("account_number, account_holder_name"), std::string::npos);
    EXPECT_EQ(Balance(), 20000.0);
    auto r = Esewa("1000");
    ASSERT_EQ(r.status, 201) << r.body;
    const auto& w = r.data().at("withdrawal");
    EXPECT_EQ(w.at("amount"), "1000.00");
    EXPECT_EQ(w.at("processing_fee"), "30.00");
    EXPECT_EQ(w.at("net_amount"), "970.00");
    EXPECT_EQ(w.at("status"), "REQUESTED");
    EXPECT_EQ(w.at("status_display"), "Requested");
    EXPECT_EQ(w.at("payment_method_name"), "eSewa");
    EXPECT_EQ(w.at("account_details").at("phone_number"), "9812345678");
    EXPECT_EQ(w.at("formatted_net_amount"), "NPR 970.00");
    EXPECT_EQ(std::string(w.at("internal_reference").as_string()).rfind("WD", 0), 0u);
    EXPECT_EQ(Balance(), 19000.0);
    std::string poor = server_->SignUp("9822222222", "bikash").first;
    TopUp("500", poor);
    EXPECT_EQ(Esewa("600", poor).ErrorCode(), "insufficient_balance");
    EXPECT_EQ(Balance(poor), 500.0);
    auto list = c().Get("/api/payments/withdrawals", user_);
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.data().at("pagination").at("count"), 1);
    EXPECT_EQ(list.data().at("withdrawals").as_array().size(), 1u);
    EXPECT_EQ(c().Get("/api/payments/withdrawals/" + IdOf(r), poor).ErrorCode(),
              "unauthorized_withdrawal");
    EXPECT_EQ(c().Get("/api/payments/withdrawals/" + IdOf(r), user_).status, 200);
}

TEST_F(WithdrawalTest, DailyAndMonthlyLimits) {
    Start();
    TopUp("100000");
    ASSERT_EQ(Esewa("9000").status, 201);
    auto second = Esewa("1000");
    ASSERT_EQ(second.status, 201);
    EXPECT_EQ(Esewa("100").ErrorCode(), "daily_limit_exceeded");
    // A cancelled request no longer counts.
    ASSERT_EQ(c().Json("POST", "/api/payments/withdrawals/" + IdOf(second) + "/cancel",
                       json::object{}, user_)
                  .status,
              200);
    auto third = Request({{"amount", "100"},
                          {"withdrawal_method", "bank"},
                          {"bank_name", "NIC Asia"},
                          {"account_number", "0012"},
                          {"account_holder_name", "Asha Rai"}});
    EXPECT_EQ(third.status, 201) << third.body;  // 9 100 today
    for (int day = 1; day <= 4; ++day) {
        server_->fake_clock()->Advance(kDay);
        ASSERT_EQ(Esewa("10000").status, 201) << "day " << day;
    }
    server_->fake_clock()->Advance(kDay);
    EXPECT_EQ(Esewa("1000").ErrorCode(), "monthly_limit_exceeded");  // 49 100 this month
    EXPECT_EQ(Esewa("900").status, 201);                             // exactly 50 000
    server_->fake_clock()->Set(*ParseDateTime("2026-04-01T03:00:00Z"));
    EXPECT_EQ(Esewa("100").status, 201);  // a new month
    EXPECT_EQ(Balance(), 100000.0 - 50000.0 - 100.0);
}

// Racing requests of one user against the daily cap (READ COMMITTED on PostgreSQL): the sum
// of today's withdrawals is taken with the wallet row locked, so of 8 requests of NPR 3 000
// exactly 3 fit under NPR 10 000 and the others are refused, however they interleave.
TEST_F(WithdrawalTest, RacingRequestsNeverPassTheDailyLimit) {
    Start();
    TopUp("100000");
    for (int round = 0; round < 3; ++round) {
        std::atomic<int> made{0}, capped{0};
        std::vector<std::thread> racers;
        for (int i = 0; i < 8; ++i) {
            racers.emplace_back([&] {
                HttpClient own(c().base());
                auto r = own.Json("POST", "/api/payments/withdrawals/request",
                                  json::object{{"amount", "3000"},
                                               {"withdrawal_method", "esewa"},
                                               {"phone_number", "9812345678"}},
                                  user_);
                if (r.status == 201) ++made;
                else if (r.ErrorCode() == "daily_limit_exceeded") ++capped;
                else ADD_FAILURE() << r.body;
            });
        }
        for (auto& r : racers) r.join();
        EXPECT_EQ(made.load(), 3) << "day " << round;
        EXPECT_EQ(capped.load(), 5) << "day " << round;
        EXPECT_EQ(Balance(), 100000.0 - 9000.0 * (round + 1));
        server_->fake_clock()->Advance(kDay);
    }
    auto audit = money::AuditLedger(server_->db());
    ASSERT_TRUE(audit.ok());
    EXPECT_EQ(audit->Issues(), 0);
}

TEST_F(WithdrawalTest, CancelRejectApproveMoveTheMoney) {
    Start();
    TopUp("5000");
    auto a = Esewa("1000");
    auto b = Esewa("1500");
    auto k = Request(
        {{"amount", "2000"}, {"withdrawal_method", "khalti"}, {"phone_number", "9801234567"}});
    ASSERT_EQ(k.status, 201) << k.body;
    EXPECT_EQ(Balance(), 500.0);
    std::string other = server_->SignUp("9822222222", "bikash").first;
    EXPECT_EQ(
        c().Json("POST", "/api/payments/withdrawals/" + IdOf(a) + "/cancel", json::object{}, other)
            .ErrorCode(),
        "unauthorized_withdrawal");
    auto cancel = c().Json("POST", "/api/payments/withdrawals/" + IdOf(a) + "/cancel",
                           json::object{{"reason", "changed my mind"}}, user_);
    ASSERT_EQ(cancel.status, 200) << cancel.body;
    EXPECT_EQ(cancel.data().at("status"), "CANCELLED");
    EXPECT_EQ(Balance(), 1500.0);
    EXPECT_EQ(
        c().Json("POST", "/api/payments/withdrawals/" + IdOf(a) + "/cancel", json::object{}, user_)
            .ErrorCode(),
        "invalid_withdrawal_status");
    auto reject = c().Multipart("POST", "/api/admin/withdrawals/" + IdOf(b) + "/process",
                                {{"action", "REJECT"}, {"admin_notes", "name mismatch"}}, staff_);
    ASSERT_EQ(reject.status, 200) << reject.body;
    EXPECT_EQ(reject.data().at("status"), "REJECTED");
    EXPECT_EQ(Balance(), 3000.0);
    auto approve = c().Send("POST", "/api/admin/withdrawals/" + IdOf(k) + "/process",
                            R"({"action":"APPROVE","gateway_reference":"KH-PAYOUT-1"})",
                            "application/json", staff_, {"Idempotency-Key: wd-approve-1"});
    ASSERT_EQ(approve.status, 200) << approve.body;
    EXPECT_EQ(approve.data().at("status"), "COMPLETED");
    EXPECT_EQ(approve.data().at("message"), "Withdrawal approved successfully");
    auto again = c().Send("POST", "/api/admin/withdrawals/" + IdOf(k) + "/process",
                          R"({"action":"APPROVE","gateway_reference":"KH-PAYOUT-1"})",
                          "application/json", staff_, {"Idempotency-Key: wd-approve-1"});
    EXPECT_EQ(again.body, approve.body);
    EXPECT_EQ(Balance(), 3000.0);
    auto detail = c().Get("/api/admin/withdrawals/" + IdOf(k), staff_);
    ASSERT_EQ(detail.status, 200);
    const auto& w = detail.data().at("withdrawal");
    EXPECT_EQ(w.at("gateway_reference"), "KH-PAYOUT-1");
    EXPECT_TRUE(w.at("processed_by_username").is_string());
    EXPECT_EQ(w.at("user_username"), "asha");
    auto list = c().Get("/api/admin/withdrawals?status=COMPLETED", staff_);
    EXPECT_EQ(list.data().at("pagination").at("total_count"), 1);
    auto stats = c().Get("/api/admin/withdrawals/analytics", staff_);
    ASSERT_EQ(stats.status, 200) << stats.body;
    const auto& an = stats.data().at("analytics");
    EXPECT_EQ(an.at("total_withdrawals"), 3);
    EXPECT_EQ(an.at("completed_withdrawals"), 1);
    EXPECT_EQ(an.at("rejected_withdrawals"), 1);
    EXPECT_EQ(an.at("pending_withdrawals"), 0);
    EXPECT_EQ(an.at("today_withdrawals").at("count"), 3);
    // The books: nothing left payable; the net amount went to the Khalti clearing account and
    // the fee (2 % of 2000 + 10 = NPR 50) to its own revenue account, not to a clearing one.
    auto balance_of = [&](const std::string& where) {
        auto row = server_->db().Read([&](db::Connection& cn) {
            return cn.QueryOne("SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e JOIN "
                               "ledger_accounts a ON a.id = e.account_id WHERE " + where);
        });
        return row.ok() && *row ? (*row)->Int(0) : -1;
    };
    EXPECT_EQ(balance_of("kind = 'withdrawals_payable'"), 0);
    EXPECT_EQ(balance_of("kind = 'withdrawal_fees' AND a.unit = 'NPR'"), 5000);
    EXPECT_EQ(balance_of("kind = 'gateway_clearing' AND gateway = 'khalti'"), 195000);
    EXPECT_EQ(balance_of("kind = 'gateway_clearing' AND gateway = 'withdrawal_fees'"), 0);
    auto audit = money::AuditLedger(server_->db());
    ASSERT_TRUE(audit.ok());
    EXPECT_EQ(audit->Issues(), 0);
    EXPECT_NE(c().Get("/api/admin/action-logs", staff_).body.find("APPROVE_WITHDRAWAL"),
              std::string::npos);
}

TEST_F(WithdrawalTest, IdempotencyKeyMakesOneWithdrawal) {
    Start();
    TopUp("3000");
    std::string body =
        R"({"amount":"1000","withdrawal_method":"esewa","phone_number":"9812345678"})";
    auto r1 = c().Send("POST", "/api/payments/withdrawals/request", body, "application/json", user_,
                       {"Idempotency-Key: wd-1"});
    auto r2 = c().Send("POST", "/api/payments/withdrawals/request", body, "application/json", user_,
                       {"Idempotency-Key: wd-1"});
    ASSERT_EQ(r1.status, 201) << r1.body;
    EXPECT_EQ(r1.body, r2.body);
    EXPECT_EQ(Balance(), 2000.0);
    auto other =
        c().Send("POST", "/api/payments/withdrawals/request",
                 R"({"amount":"500","withdrawal_method":"esewa","phone_number":"9812345678"})",
                 "application/json", user_, {"Idempotency-Key: wd-1"});
    EXPECT_EQ(other.status, 422);
    EXPECT_EQ(Balance(), 2000.0);
}

TEST_F(WithdrawalTest, TheFeatureCanBeSwitchedOff) {
    Start(false);
    TopUp("3000");
    EXPECT_EQ(Esewa("1000").ErrorCode(), "withdrawals_disabled");
    EXPECT_EQ(Balance(), 3000.0);
}

}  // namespace
}  // namespace ps::test
