// Rental operations through real HTTP with simulated cabinets: paying dues (pay-due) and the
// user's rental statistics.
#include <gtest/gtest.h>

#include <thread>

#include "app/services.hpp"
#include "cabinet/simulator/seed.hpp"
#include "cabinet/simulator/simulate.hpp"
#include "support/test_server.hpp"

namespace ps::rentals {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr const char* kHourPkg = "8a2d5c1e-7b3f-4e6a-9c10-2f4e6a8b0c01";

template <typename F>
bool WaitFor(F f, std::chrono::milliseconds limit = 10s) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (f()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return f();
}

class RentalOpsFixture : public ::testing::Test {
protected:
    explicit RentalOpsFixture(bool fake_clock, int popup_timeout_s = 1)
        : srv{test::ServerOptions{fake_clock, [popup_timeout_s](app::Config& c) {
                                      c.cabinet_command_spacing_ms = 100;
                                      c.cabinet_popup_timeout_s = popup_timeout_s;
                                      c.access_ttl_s =
                                          7 * 86400;  // the clock tests move time by hours
                                  }}} {}
    test::TestServer srv;
    cabinet::CabinetModule& m = *srv.app().services->cabinet;
    SecureRandom rnd;
    cabinet::sim::Scheduler scheduler;
    std::vector<std::unique_ptr<cabinet::sim::SimCabinet>> cabinets;

    // A booted cabinet with serial `sn`; banks: (slot, serial).
    cabinet::sim::SimCabinet& Cabinet(int n, const std::string& sn,
                                      std::vector<std::pair<int, uint32_t>> banks,
                                      cabinet::sim::SimFaults faults = {},
                                      std::chrono::milliseconds late_delay = 20s) {
        cabinet::sim::StationSpec s{cabinet::sim::SimImei(900 + n), sn, "Station " + sn};
        s.banks = banks;
        s.status = "ONLINE";
        EXPECT_TRUE(cabinet::sim::SeedStation(srv.db(), *srv.app().clock, rnd, s).ok());
        cabinet::sim::SimCabinetOptions o;
        o.imei = s.imei;
        o.periodic = false;
        o.faults = faults;
        o.reply_delay_min = o.reply_delay_max = 0ms;
        o.late_delay = late_delay;
        auto c = std::make_unique<cabinet::sim::SimCabinet>(
            o, scheduler, rnd, cabinet::sim::MemoryFactory(*m.memory_broker()));
        for (auto [slot, serial] : banks) c->PutBank(slot, serial, 90);
        EXPECT_TRUE(c->Boot().ok());
        cabinets.push_back(std::move(c));
        return *cabinets.back();
    }

    int64_t Int(const std::string& sql, const db::Params& p = {}) {
        auto r = srv.db().Read([&](db::Connection& c) { return c.QueryOne(sql, p); });
        return r.ok() && *r ? (*r)->Int(0) : -1;
    }
    std::string Str(const std::string& sql, const db::Params& p = {}) {
        auto r = srv.db().Read([&](db::Connection& c) { return c.QueryOne(sql, p); });
        return r.ok() && *r ? (*r)->Str(0) : "";
    }

    // A signed-up user with a complete profile, approved KYC and `wallet` in the wallet.
    struct User {
        int64_t id;
        std::string token;
    };
    User Eligible(const std::string& name, Money wallet) {
        auto [access, refresh] = srv.SignUp(name + "@example.com", name);
        int64_t id = Int("SELECT id FROM users WHERE username = ?", {name});
        Micros now = srv.app().clock->Now();
        auto st = srv.db().Transact([&](db::Connection& tx) -> Status {
            RETURN_IF_ERROR(tx.Exec("DELETE FROM user_profiles WHERE user_id = ?", {id}));
            RETURN_IF_ERROR(tx.Exec(
                "INSERT INTO user_profiles (id, user_id, full_name, date_of_birth, address, "
                "created_at, updated_at) VALUES (?, ?, 'Test User', '1990-01-01', 'Kathmandu', ?, "
                "?)",
                {rnd.Uuid(), id, now, now}));
            RETURN_IF_ERROR(tx.Exec(
                "INSERT INTO kyc_submissions (id, user_id, document_type, document_number, "
                "document_front_url, status, created_at, updated_at) VALUES (?, ?, 'CITIZENSHIP', "
                "'123', 'http://x/f.jpg', 'APPROVED', ?, ?)",
                {rnd.Uuid(), id, now, now}));
            // spend any sign-up points so charges come from the wallet only
            ASSIGN_OR_RETURN(auto b, money::Ledger::ReadBalances(tx, id));
            if (b.points > 0)
                RETURN_IF_ERROR(srv.app().services->ledger->SpendPoints(
                    tx, id, b.points, "ADMIN_ADJUSTMENT", "test:zero:" + name, "zero"));
            if (wallet.paisa > 0)
                RETURN_IF_ERROR(srv.app().services->ledger->Credit(
                    tx, id, wallet, money::Counterparty::TopUp("demo", "t-" + name),
                    "test:topup:" + name));
            return Ok{};
        });
        EXPECT_TRUE(st.ok()) << st.error().message;
        return {id, access};
    }

    test::HttpReply Start(const User& u, const std::string& sn, const std::string& key = "") {
        std::vector<std::string> h;
        if (!key.empty()) h.push_back("Idempotency-Key: " + key);
        json::object body{{"station_sn", sn}, {"package_id", kHourPkg}};
        return srv.client().Send("POST", "/api/rentals/start", json::serialize(body),
                                 "application/json", u.token, h);
    }
    std::string StatusOf(const std::string& rental_id) {
        return Str("SELECT status FROM rentals WHERE id = ?", {rental_id});
    }
    Money Wallet(int64_t uid) {
        auto b =
            srv.db().Read([&](db::Connection& c) { return money::Ledger::ReadBalances(c, uid); });
        return b.ok() ? b->wallet : Money{-1};
    }
    int64_t Points(int64_t uid) {
        auto b =
            srv.db().Read([&](db::Connection& c) { return money::Ledger::ReadBalances(c, uid); });
        return b.ok() ? b->points : -1;
    }
    int64_t Transfers(const std::string& key) {
        return Int("SELECT COUNT(*) FROM ledger_transfers WHERE idempotency_key = ?", {key});
    }
};

class RentalOpsClockTest : public RentalOpsFixture {
protected:
    RentalOpsClockTest() : RentalOpsFixture(true) {}

    test::HttpReply PayDue(const User& u, const std::string& id, const std::string& key = "") {
        std::vector<std::string> h;
        if (!key.empty()) h.push_back("Idempotency-Key: " + key);
        return srv.client().Send("POST", "/api/rentals/" + id + "/pay-due", "{}",
                                 "application/json", u.token, h);
    }
    void TopUp(const User& u, Money m, const std::string& key) {
        auto st = srv.db().Transact([&](db::Connection& tx) -> Status {
            RETURN_IF_ERROR(srv.app().services->ledger->Credit(
                tx, u.id, m, money::Counterparty::TopUp("demo", key), "test:topup:" + key));
            return Ok{};
        });
        ASSERT_TRUE(st.ok());
    }
    // A completed rental returned 3 h late with the late fee unpaid (wallet empty after start).
    std::string LateUnpaid(const User& u, const std::string& sn, const std::string& back_sn,
                           uint32_t serial, cabinet::sim::SimCabinet*& back) {
        Cabinet(static_cast<int>(serial % 100), sn, {{1, serial}});
        back = &Cabinet(static_cast<int>(serial % 100) + 1, back_sn, {});
        auto r = Start(u, sn);
        EXPECT_EQ(r.status, 201) << r.body;
        std::string id(r.data().at("id").as_string());
        EXPECT_TRUE(WaitFor([&] { return StatusOf(id) == "ACTIVE"; })) << StatusOf(id);
        srv.fake_clock()->Advance(3 * kHour);
        EXPECT_TRUE(back->ReturnBank(serial, 70).ok());
        EXPECT_TRUE(WaitFor([&] { return StatusOf(id) == "COMPLETED"; })) << StatusOf(id);
        EXPECT_EQ(Str("SELECT payment_status FROM rentals WHERE id = ?", {id}), "PENDING");
        return id;
    }
};

TEST_F(RentalOpsClockTest, PayDueSettlesTheLateFeeOnceAndUnblocks) {
    User u = Eligible("duer", Money{5000});
    User other = Eligible("nosy", Money{100000});
    cabinet::sim::SimCabinet* back = nullptr;
    std::string id = LateUnpaid(u, "SN-PA", "SN-PB", 51710001, back);
    int64_t due = Int("SELECT overdue_amount FROM rentals WHERE id = ?", {id});
    ASSERT_GT(due, 0);
    auto& rentals = *srv.app().services->rentals;
    EXPECT_TRUE(*rentals.HasDues(u.id));

    auto poor = PayDue(u, id, "due-1");
    EXPECT_EQ(poor.status, 400) << poor.body;
    EXPECT_EQ(poor.ErrorCode(), "insufficient_funds");

    auto nosy = PayDue(other, id);
    EXPECT_EQ(nosy.status, 404) << nosy.body;
    EXPECT_EQ(nosy.ErrorCode(), "rental_not_found");
    EXPECT_EQ(PayDue(u, "00000000-0000-0000-0000-000000000000").status, 404);

    TopUp(u, Money{due + 1000}, "duer-2");
    int64_t pts = Points(u.id);  // the completion points pay first (10 points = NPR 1)
    ASSERT_GT(pts, 0);
    auto paid = PayDue(u, id, "due-2");
    ASSERT_EQ(paid.status, 200) << paid.body;
    const auto& d = paid.data();
    EXPECT_EQ(d.at("rental_id").as_string(), id);
    EXPECT_TRUE(d.at("transaction_id").as_string().starts_with("TXN"));
    EXPECT_DOUBLE_EQ(d.at("amount_paid").to_number<double>(), static_cast<double>(due) / 100.0);
    EXPECT_EQ(d.at("payment_breakdown").at("points_used").to_number<int64_t>(), pts);
    EXPECT_DOUBLE_EQ(d.at("payment_breakdown").at("points_amount").to_number<double>(),
                     static_cast<double>(pts) / 10.0);
    EXPECT_DOUBLE_EQ(d.at("payment_breakdown").at("wallet_used").to_number<double>(),
                     static_cast<double>(due - pts * 10) / 100.0);
    EXPECT_EQ(d.at("payment_status").as_string(), "PAID");
    EXPECT_TRUE(d.at("account_unblocked").as_bool());
    EXPECT_EQ(Wallet(u.id), Money{1000 + pts * 10});
    EXPECT_EQ(Str("SELECT payment_status FROM rentals WHERE id = ?", {id}), "PAID");
    EXPECT_FALSE(*rentals.HasDues(u.id));

    // the same key replays; another key finds nothing to pay
    auto replay = PayDue(u, id, "due-2");
    ASSERT_EQ(replay.status, 200) << replay.body;
    EXPECT_EQ(replay.data().at("transaction_id"), d.at("transaction_id"));
    auto again = PayDue(u, id, "due-3");
    EXPECT_EQ(again.status, 400) << again.body;
    EXPECT_EQ(again.ErrorCode(), "dues_already_paid");
    EXPECT_EQ(Transfers("rental:" + id + ":due"), 1);
    EXPECT_EQ(Wallet(u.id), Money{1000 + pts * 10});
    EXPECT_EQ(Str("SELECT transaction_type FROM ledger_transfers WHERE idempotency_key = ?",
                  {"rental:" + id + ":due"}),
              "RENTAL_DUE");
}

TEST_F(RentalOpsClockTest, CancelWithinFiveMinutesOnceTheBankIsBack) {
    Cabinet(1, "SN-CA", {{1, 51730001}});
    User u = Eligible("canceller", Money{20000});
    User other = Eligible("stranger", Money{0});
    auto r = Start(u, "SN-CA");
    ASSERT_EQ(r.status, 201) << r.body;
    std::string id(r.data().at("id").as_string());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "ACTIVE"; })) << StatusOf(id);
    EXPECT_EQ(Wallet(u.id), Money{15000});
    auto cancel = [&](const User& who, const std::string& key, json::object body = {}) {
        std::vector<std::string> h;
        if (!key.empty()) h.push_back("Idempotency-Key: " + key);
        return srv.client().Send("POST", "/api/rentals/" + id + "/cancel", json::serialize(body),
                                 "application/json", who.token, h);
    };
    auto out = cancel(u, "c-0");
    EXPECT_EQ(out.status, 400) << out.body;
    EXPECT_EQ(out.ErrorCode(), "powerbank_not_returned");
    EXPECT_EQ(cancel(u, "", {{"reason", "abc"}}).ErrorCode(), "validation_error");

    // the bank is back in its slot (it never really left)
    std::string station = Str("SELECT id FROM stations WHERE serial_number = 'SN-CA'");
    std::string bank = Str("SELECT id FROM power_banks WHERE serial_number = '51730001'");
    ASSERT_TRUE(srv.db()
                    .Transact([&](db::Connection& tx) -> Status {
                        RETURN_IF_ERROR(
                            tx.Exec("UPDATE station_slots SET status = 'OCCUPIED', "
                                    "power_bank_id = ? WHERE station_id = ? AND "
                                    "slot_number = 1",
                                    {bank, station}));
                        return Ok{};
                    })
                    .ok());
    auto nosy = cancel(other, "");
    EXPECT_EQ(nosy.status, 404) << nosy.body;
    EXPECT_EQ(nosy.ErrorCode(), "rental_not_found");

    srv.fake_clock()->Advance(3 * kMinute);
    auto ok = cancel(u, "c-1", {{"reason", "changed my mind"}});
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(ok.data().at("status").as_string(), "CANCELLED");
    EXPECT_EQ(ok.data().at("payment_status").as_string(), "REFUNDED");
    EXPECT_EQ(StatusOf(id), "CANCELLED");
    EXPECT_EQ(Wallet(u.id), Money{20000});
    auto replay = cancel(u, "c-1", {{"reason", "changed my mind"}});
    EXPECT_EQ(replay.status, 200) << replay.body;
    auto again = cancel(u, "c-2");
    EXPECT_EQ(again.status, 400) << again.body;
    EXPECT_EQ(again.ErrorCode(), "invalid_rental_status");
    EXPECT_EQ(Transfers("rental:" + id + ":refund"), 1);
    EXPECT_EQ(Wallet(u.id), Money{20000});
}

TEST_F(RentalOpsClockTest, CancelAfterFiveMinutesIsRefused) {
    Cabinet(1, "SN-CB", {{1, 51740001}});
    User u = Eligible("latecanceller", Money{20000});
    auto r = Start(u, "SN-CB");
    ASSERT_EQ(r.status, 201) << r.body;
    std::string id(r.data().at("id").as_string());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "ACTIVE"; })) << StatusOf(id);
    srv.fake_clock()->Advance(6 * kMinute);
    auto out = srv.client().Send("POST", "/api/rentals/" + id + "/cancel", "{}", "application/json",
                                 u.token);
    EXPECT_EQ(out.status, 400) << out.body;
    EXPECT_EQ(out.ErrorCode(), "cancellation_time_expired");
    EXPECT_EQ(StatusOf(id), "ACTIVE");
    EXPECT_EQ(Wallet(u.id), Money{15000});
}

TEST_F(RentalOpsClockTest, StaffListAndDetail) {
    Cabinet(1, "SN-AA", {{1, 51750001}});
    User u = Eligible("adminee", Money{20000});
    User v = Eligible("bystander", Money{20000});
    auto r = Start(u, "SN-AA");
    ASSERT_EQ(r.status, 201) << r.body;
    std::string id(r.data().at("id").as_string());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "ACTIVE"; })) << StatusOf(id);
    std::string staff = srv.StaffToken("rentops@example.com");

    EXPECT_EQ(srv.client().Get("/api/admin/rentals", u.token).status, 403);
    auto all = srv.client().Get("/api/admin/rentals", staff);
    ASSERT_EQ(all.status, 200) << all.body;
    const auto& res = all.data().at("results").as_array();
    ASSERT_EQ(res.size(), 1u);
    EXPECT_EQ(res[0].at("id").as_string(), id);
    EXPECT_EQ(res[0].at("username").as_string(), "adminee");
    EXPECT_EQ(res[0].at("station_serial").as_string(), "SN-AA");
    EXPECT_EQ(res[0].at("powerbank_serial").as_string(), "51750001");
    EXPECT_EQ(res[0].at("package_duration").to_number<int64_t>(), 60);
    EXPECT_EQ(res[0].at("status").as_string(), "ACTIVE");
    EXPECT_EQ(res[0].at("amount_paid").as_string(), "50.00");
    EXPECT_EQ(all.data().at("pagination").at("total_count").to_number<int64_t>(), 1);

    auto count = [&](const std::string& q) {
        auto x = srv.client().Get("/api/admin/rentals?" + q, staff);
        EXPECT_EQ(x.status, 200) << q << " " << x.body;
        return x.status == 200 ? x.data().at("results").as_array().size() : 99u;
    };
    EXPECT_EQ(count("status=ACTIVE"), 1u);
    EXPECT_EQ(count("status=COMPLETED"), 0u);
    EXPECT_EQ(count("user_id=" + std::to_string(u.id)), 1u);
    EXPECT_EQ(count("user_id=" + std::to_string(v.id)), 0u);
    EXPECT_EQ(count("search=ADMINEE"), 1u);
    EXPECT_EQ(count("search=" + std::string(r.data().at("rental_code").as_string())), 1u);
    EXPECT_EQ(count("search=nobody"), 0u);
    EXPECT_EQ(count("station_id=" + Str("SELECT id FROM stations WHERE serial_number = 'SN-AA'")),
              1u);
    EXPECT_EQ(srv.client().Get("/api/admin/rentals?status=NOPE", staff).status, 400);
    EXPECT_EQ(srv.client().Get("/api/admin/rentals?user_id=x", staff).status, 400);

    auto one = srv.client().Get("/api/admin/rentals/" + id, staff);
    ASSERT_EQ(one.status, 200) << one.body;
    const auto& d = one.data();
    EXPECT_EQ(d.at("user").at("username").as_string(), "adminee");
    EXPECT_EQ(d.at("station").at("serial_number").as_string(), "SN-AA");
    EXPECT_TRUE(d.at("return_station").is_null());
    EXPECT_EQ(d.at("package").at("price").as_string(), "50.00");
    EXPECT_EQ(d.at("powerbank").at("serial_number").as_string(), "51750001");
    EXPECT_EQ(d.at("slot_number").to_number<int64_t>(), 1);
    auto missing =
        srv.client().Get("/api/admin/rentals/00000000-0000-0000-0000-000000000000", staff);
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.ErrorCode(), "rental_not_found");
}

TEST_F(RentalOpsClockTest, StatsAreComputedFromTheRentals) {
    User u = Eligible("statsy", Money{50000});
    auto empty = srv.client().Get("/api/rentals/stats", u.token);
    ASSERT_EQ(empty.status, 200) << empty.body;
    EXPECT_EQ(empty.data().at("total_rentals").to_number<int64_t>(), 0);
    EXPECT_TRUE(empty.data().at("favorite_station").is_null());
    EXPECT_TRUE(empty.data().at("first_rental_date").is_null());

    Cabinet(1, "SN-SA", {{1, 51720001}});
    auto& back = Cabinet(2, "SN-SB", {});
    auto r = Start(u, "SN-SA");
    ASSERT_EQ(r.status, 201) << r.body;
    std::string id(r.data().at("id").as_string());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "ACTIVE"; })) << StatusOf(id);
    srv.fake_clock()->Advance(40 * kMinute);
    ASSERT_TRUE(back.ReturnBank(51720001, 70).ok());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "COMPLETED"; })) << StatusOf(id);

    auto s = srv.client().Get("/api/rentals/stats", u.token);
    ASSERT_EQ(s.status, 200) << s.body;
    const auto& d = s.data();
    EXPECT_EQ(d.at("total_rentals").to_number<int64_t>(), 1);
    EXPECT_EQ(d.at("completed_rentals").to_number<int64_t>(), 1);
    EXPECT_EQ(d.at("active_rentals").to_number<int64_t>(), 0);
    EXPECT_EQ(d.at("cancelled_rentals").to_number<int64_t>(), 0);
    EXPECT_EQ(d.at("timely_returns").to_number<int64_t>(), 1);
    EXPECT_EQ(d.at("late_returns").to_number<int64_t>(), 0);
    EXPECT_EQ(d.at("total_time_used").to_number<int64_t>(), 40);
    EXPECT_EQ(d.at("total_spent").as_string(), "50.00");
    EXPECT_DOUBLE_EQ(d.at("average_rental_duration").to_number<double>(), 40.0);
    EXPECT_DOUBLE_EQ(d.at("timely_return_rate").to_number<double>(), 100.0);
    EXPECT_EQ(d.at("favorite_station").as_string(), "Station SN-SA");
    EXPECT_FALSE(d.at("last_rental_date").is_null());
    EXPECT_EQ(srv.client().Get("/api/rentals/stats").status, 401);
}

}  // namespace
}  // namespace ps::rentals
