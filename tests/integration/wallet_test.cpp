// The money routes end to end through real HTTP: staff add-balance (JSON and the dashboard's
// multipart) showing up in users/wallet, wallet/balance, transactions, auth/me and the action
// log; bad amounts crediting nothing; Idempotency-Key replay / 422 / 409; points and
// calculate-options; admin/transactions.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "app/services.hpp"
#include "core/time_format.hpp"
#include "domains/money/idempotency.hpp"
#include "support/test_server.hpp"

namespace ps::test {
namespace {

namespace json = boost::json;

class WalletTest : public ::testing::Test {
protected:
    TestServer s{ServerOptions{true}};
    HttpClient& c = s.client();
    std::string user = s.SignUp("alice@example.com", "alice").first;
    std::string staff = s.StaffToken("boss@example.com");
    int64_t uid = Count("SELECT id FROM users WHERE username = 'alice'");
    std::string path = "/api/admin/users/" + std::to_string(uid) + "/add-balance";

    int64_t Count(const std::string& sql, const db::Params& p = {}) {
        auto r = s.db().Read([&](db::Connection& conn) { return conn.QueryOne(sql, p); });
        return r.ok() && *r ? (**r).Int(0) : -1;
    }
    HttpReply Add(const json::value& body, const std::string& key = "") {
        std::vector<std::string> h;
        if (!key.empty()) h.push_back("Idempotency-Key: " + key);
        return c.Send("POST", path, json::serialize(body), "application/json", staff, h);
    }
    std::string Balance() {
        auto r = c.Get("/api/users/wallet", user);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.status == 200 ? std::string(r.data().at("balance").as_string()) : "";
    }
    int64_t Credits() { return Count("SELECT COUNT(*) FROM ledger_transfers WHERE kind = 'adjustment'"); }
    int64_t Logs() { return Count("SELECT COUNT(*) FROM admin_action_logs WHERE action_type = 'ADD_BALANCE'"); }
    void Points(int64_t n, const std::string& source, const std::string& key) {
        auto& ledger = *s.app().services->ledger;
        auto r = s.db().Transact([&](db::Connection& conn) {
            return ledger.AwardPoints(conn, uid, n, source, key, source + " bonus");
        });
        ASSERT_TRUE(r.ok()) << r.error().message;
    }
};

TEST_F(WalletTest, AddBalanceShowsEverywhereAndIsAudited) {
    EXPECT_EQ(Balance(), "0.00");
    auto r = Add(json::object{{"amount", "150.50"}, {"reason", "Goodwill credit"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json.at("message"), "Balance added successfully");
    EXPECT_EQ(r.data().at("old_balance").as_double(), 0.0);
    EXPECT_EQ(r.data().at("new_balance").as_double(), 150.5);
    EXPECT_EQ(r.data().at("amount_added").as_double(), 150.5);
    std::string txn(r.data().at("transaction_id").as_string());
    EXPECT_EQ(txn.rfind("TXN", 0), 0u);
    // The dashboard's multipart form, amount as a plain number.
    auto m = c.Multipart("POST", path, {{"amount", "50"}, {"reason", "Second credit"}}, staff);
    ASSERT_EQ(m.status, 200) << m.body;
    EXPECT_EQ(m.data().at("old_balance").as_double(), 150.5);
    EXPECT_EQ(m.data().at("new_balance").as_double(), 200.5);

    auto w = c.Get("/api/users/wallet", user);
    ASSERT_EQ(w.status, 200);
    EXPECT_EQ(w.json.at("message"), "Wallet information retrieved successfully");
    EXPECT_EQ(w.data().at("balance"), "200.50");
    EXPECT_EQ(w.data().at("currency"), "NPR");
    EXPECT_TRUE(w.data().at("points").at("current_points").is_int64());
    EXPECT_EQ(std::string(w.data().at("last_updated").as_string()).back(), 'Z');

    auto b = c.Get("/api/payments/wallet/balance", user);
    ASSERT_EQ(b.status, 200) << b.body;
    EXPECT_EQ(b.data().at("balance").as_double(), 200.5);
    EXPECT_EQ(b.data().at("formatted_balance"), "NPR 200.50");
    const auto& recent = b.data().at("recent_transactions").as_array();
    ASSERT_EQ(recent.size(), 2u);
    EXPECT_EQ(recent[0].at("transaction_type"), "ADJUSTMENT");
    EXPECT_EQ(recent[0].at("amount"), "50.00");
    EXPECT_EQ(recent[0].at("balance_before"), "150.50");
    EXPECT_EQ(recent[0].at("balance_after"), "200.50");
    EXPECT_EQ(recent[0].at("description"), "Second credit");
    EXPECT_EQ(recent[1].at("formatted_balance_after"), "NPR 150.50");

    auto t = c.Get("/api/payments/transactions?status=SUCCESS", user);
    ASSERT_EQ(t.status, 200) << t.body;
    const auto& rows = t.data().at("results").as_array();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(std::string(rows[1].at("transaction_id").as_string()), txn);
    EXPECT_EQ(rows[1].at("transaction_type"), "ADJUSTMENT");
    EXPECT_EQ(rows[1].at("amount"), "150.50");
    EXPECT_EQ(t.data().at("pagination").at("total_count"), 2);
    EXPECT_EQ(c.Get("/api/payments/transactions?status=REFUNDED", user).data().at("results").as_array().size(), 0u);

    auto me = c.Get("/api/auth/me", user);
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(me.data().at("wallet").at("balance"), "200.50");
    EXPECT_EQ(Logs(), 2);

    auto all = c.Get("/api/admin/transactions?search=alice", staff);
    ASSERT_EQ(all.status, 200) << all.body;
    EXPECT_EQ(all.data().at("pagination").at("total_count"), 4);  // 2 payment + 2 wallet rows
    auto pay = c.Get("/api/admin/transactions?source=payment", staff);
    ASSERT_EQ(pay.status, 200);
    const auto& first = pay.data().at("results").as_array().at(0);
    EXPECT_EQ(first.at("source"), "payment");
    EXPECT_EQ(first.at("user").at("username"), "alice");
    EXPECT_EQ(first.at("amount").as_double(), 50.0);
    EXPECT_EQ(first.at("status"), "SUCCESS");
    EXPECT_EQ(c.Get("/api/admin/transactions?source=nope", staff).status, 400);
}

TEST_F(WalletTest, BadAmountsAreRefusedAndCreditNothing) {
    const json::value bad[] = {0, -5, "0", "-1", "1.005", 1.005, "abc", "", "100000.01", 1e12, nullptr};
    for (const auto& amount : bad) {
        auto r = Add(json::object{{"amount", amount}, {"reason", "Bad amount"}});
        EXPECT_EQ(r.status, 400) << json::serialize(amount) << " " << r.body;
        EXPECT_EQ(r.ErrorCode(), "validation_error") << json::serialize(amount);
    }
    EXPECT_EQ(Add(json::object{{"amount", "10"}}).status, 400);  // no reason
    auto missing = c.Json("POST", "/api/admin/users/999999/add-balance",
                          json::object{{"amount", "10"}, {"reason", "Nobody"}}, staff);
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.ErrorCode(), "user_not_found");
    EXPECT_EQ(c.Json("POST", path, json::object{{"amount", "10"}, {"reason", "x"}}, user).status, 403);
    std::string mod = s.StaffToken("mod@example.com", "moderator");
    auto refused = c.Json("POST", path, json::object{{"amount", "10"}, {"reason", "x"}}, mod);
    EXPECT_EQ(refused.status, 400);
    EXPECT_EQ(refused.ErrorCode(), "permission_denied");
    EXPECT_EQ(Balance(), "0.00");
    EXPECT_EQ(Credits(), 0);
    EXPECT_EQ(Logs(), 0);
    auto top = Add(json::object{{"amount", 100000}, {"reason", "Largest allowed"}});
    EXPECT_EQ(top.status, 200) << top.body;
    EXPECT_EQ(Balance(), "100000.00");
}

TEST_F(WalletTest, IdempotencyKeyReplaysAndRefusesReuse) {
    json::object body{{"amount", "25.00"}, {"reason", "Idempotent credit"}};
    auto first = Add(body, "key-1");
    ASSERT_EQ(first.status, 200) << first.body;
    auto again = Add(body, "key-1");
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(Balance(), "25.00");
    EXPECT_EQ(Credits(), 1);
    EXPECT_EQ(Logs(), 1);
    auto reused = Add(json::object{{"amount", "26.00"}, {"reason", "Idempotent credit"}}, "key-1");
    EXPECT_EQ(reused.status, 422);
    EXPECT_EQ(reused.ErrorCode(), "idempotency_key_reused");
    EXPECT_EQ(Add(body, std::string(256, 'k')).ErrorCode(), "invalid_idempotency_key");
    // A validation failure is not remembered: the corrected request may use the same key.
    EXPECT_EQ(Add(json::object{{"amount", "abc"}, {"reason", "x"}}, "key-2").status, 400);
    EXPECT_EQ(Add(json::object{{"amount", "5"}, {"reason", "x"}}, "key-2").status, 200);
    EXPECT_EQ(Balance(), "30.00");
    // Without the header every request is its own credit (an internal claim header sent by the
    // client is ignored).
    for (int i = 0; i < 2; ++i)
        EXPECT_EQ(c.Send("POST", path, json::serialize(body), "application/json", staff,
                         {"X-Powershare-Idempotency-Claim: 1"}).status, 200);
    EXPECT_EQ(Balance(), "80.00");
    // After 24 h a key counts as new.
    ASSERT_TRUE(s.db().Transact([&](db::Connection& conn) {
        return conn.Exec("UPDATE idempotency_keys SET expires_at = 0 WHERE idem_key = 'key-1'");
    }).ok());
    EXPECT_EQ(Add(body, "key-1").status, 200);
    EXPECT_EQ(Balance(), "105.00");
}

TEST_F(WalletTest, IdempotencyKeyStillRunningIs409) {
    int64_t staff_id = Count("SELECT id FROM users WHERE email = 'boss@example.com'");
    std::string body = json::serialize(json::object{{"amount", "10.00"}, {"reason", "In flight"}});
    http::Request probe;
    probe.headers = {{"content-type", "application/json"}};
    probe.body = body;
    // The claim an in-flight first request holds: a second one is answered 409 and runs nothing.
    Micros now = s.fake_clock()->Now();
    ASSERT_TRUE(s.db().Transact([&](db::Connection& conn) {
        return conn.Exec("INSERT INTO idempotency_keys (scope, idem_key, user_id, request_hash, "
                         "state, created_at, expires_at) VALUES (?, 'busy', ?, ?, 'running', ?, ?)",
                         {std::to_string(staff_id) + " POST " + path, staff_id,
                          money::RequestFingerprint(probe), now, now + kDay});
    }).ok());
    auto send = [&] {
        return c.Send("POST", path, body, "application/json", staff, {"Idempotency-Key: busy"});
    };
    auto r = send();
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.ErrorCode(), "request_in_progress");
    EXPECT_EQ(Credits(), 0);
    // A claim abandoned for longer than kIdempotencyStale (its node died) is taken over once.
    s.fake_clock()->Advance(money::kIdempotencyStale + kSecond);
    auto taken = send();
    EXPECT_EQ(taken.status, 200) << taken.body;
    EXPECT_EQ(send().body, taken.body);
    EXPECT_EQ(Balance(), "10.00");
    EXPECT_EQ(Credits(), 1);
}

TEST_F(WalletTest, ConcurrentRequestsWithOneKeyCreditOnce) {
    std::string body = json::serialize(json::object{{"amount", "40.00"}, {"reason", "Race"}});
    std::vector<HttpReply> replies(8);
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&, i] {
            replies[i] = c.Send("POST", path, body, "application/json", staff, {"Idempotency-Key: race-1"});
        });
    for (auto& t : threads) t.join();
    // add-balance only touches the database, so claim, credit and stored answer are one
    // transaction: the others wait for it and replay the answer (never 409).
    std::string ok_body;
    for (const auto& r : replies) {
        EXPECT_EQ(r.status, 200) << r.body;
        if (ok_body.empty()) ok_body = r.body;
        EXPECT_EQ(r.body, ok_body);
    }
    EXPECT_FALSE(ok_body.empty());
    EXPECT_EQ(Balance(), "40.00");
    EXPECT_EQ(Credits(), 1);
    EXPECT_EQ(Logs(), 1);
}

TEST_F(WalletTest, PointsHistorySummaryAndPaymentOptions) {
    Points(50, "SIGNUP", "signup:alice");
    Points(10, "TOPUP", "topup-points:1");
    ASSERT_EQ(Add(json::object{{"amount", "5.00"}, {"reason", "Seed"}}).status, 200);
    auto h = c.Get("/api/points/history?transaction_type=EARNED&source=SIGNUP", user);
    ASSERT_EQ(h.status, 200) << h.body;
    const auto& rows = h.data().at("results").as_array();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].at("points"), 50);
    EXPECT_EQ(rows[0].at("formatted_points"), "+50 points");
    EXPECT_EQ(c.Get("/api/points/history", user).data().at("pagination").at("total_count"), 2);
    EXPECT_EQ(c.Get("/api/points/history?transaction_type=NOPE", user).status, 400);
    auto sum = c.Get("/api/points/summary", user);
    ASSERT_EQ(sum.status, 200) << sum.body;
    EXPECT_EQ(sum.data().at("current_points"), 60);
    EXPECT_EQ(sum.data().at("total_points_earned"), 60);
    EXPECT_EQ(sum.data().at("points_from_signup"), 50);
    EXPECT_EQ(sum.data().at("points_from_topups"), 10);
    EXPECT_EQ(sum.data().at("points_value"), "6.00");

    // NPR 10: 60 points pay 6.00, the wallet 4.00.
    auto o = c.Json("POST", "/api/payments/calculate-options",
                    json::object{{"scenario", "pre_payment"}, {"amount", "10"}}, user);
    ASSERT_EQ(o.status, 200) << o.body;
    const auto& d = o.data();
    EXPECT_EQ(d.at("total_amount").as_double(), 10.0);
    EXPECT_EQ(d.at("user_balances").at("points"), 60);
    EXPECT_EQ(d.at("payment_breakdown").at("points_used"), 60);
    EXPECT_EQ(d.at("payment_breakdown").at("points_amount").as_double(), 6.0);
    EXPECT_EQ(d.at("payment_breakdown").at("wallet_used").as_double(), 4.0);
    EXPECT_EQ(d.at("payment_breakdown").at("remaining_balance").at("wallet").as_double(), 1.0);
    EXPECT_EQ(d.at("is_sufficient"), true);
    EXPECT_TRUE(d.at("suggested_topup").is_null());
    auto short_of = c.Json("POST", "/api/payments/calculate-options",
                           json::object{{"scenario", "pre_payment"}, {"amount", 150}}, user);
    ASSERT_EQ(short_of.status, 200);
    EXPECT_EQ(short_of.data().at("is_sufficient"), false);
    EXPECT_EQ(short_of.data().at("shortfall").as_double(), 139.0);
    EXPECT_EQ(short_of.data().at("suggested_topup").as_double(), 200.0);
    auto calc = [&](json::object b) {
        return c.Json("POST", "/api/payments/calculate-options", b, user).ErrorCode();
    };
    EXPECT_EQ(calc({{"scenario", "pre_payment"}}), "package_required");
    EXPECT_EQ(calc({{"scenario", "pre_payment"}, {"package_id", "7b0c3a9e-1f1e-4b55-9a57-0a1f5e9c0001"}}), "package_not_found");
    EXPECT_EQ(calc({{"scenario", "post_payment"}}), "rental_required");
    EXPECT_EQ(calc({{"scenario", "later"}}), "validation_error");
    EXPECT_EQ(calc({{"scenario", "pre_payment"}, {"amount", "1.001"}}), "validation_error");
    // Nothing was charged by asking.
    EXPECT_EQ(Balance(), "5.00");
    EXPECT_EQ(c.Get("/api/points/summary", user).data().at("current_points"), 60);
}

TEST_F(WalletTest, ListFiltersAreValidated) {
    EXPECT_EQ(c.Get("/api/payments/transactions?status=DONE", user).ErrorCode(), "validation_error");
    auto r = c.Get("/api/payments/transactions?start_date=2025-02-01&end_date=2025-01-01", user);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json.at("message"), "Non Field Errors: start_date cannot be after end_date");
    EXPECT_EQ(c.Get("/api/payments/transactions?start_date=yesterday", user).status, 400);
    ASSERT_EQ(Add(json::object{{"amount", "1"}, {"reason", "Dated"}}).status, 200);
    std::string today = FormatDate(s.fake_clock()->Now());
    auto in = c.Get("/api/payments/transactions?start_date=" + today + "&end_date=" + today, user);
    EXPECT_EQ(in.data().at("pagination").at("total_count"), 1) << in.body;
    auto out = c.Get("/api/payments/transactions?end_date=2020-01-01", user);
    EXPECT_EQ(out.data().at("pagination").at("total_count"), 0);
}

}  // namespace
}  // namespace ps::test
