// Rental operations through real HTTP with simulated cabinets: paying dues (pay-due) and the
// user's rental statistics.
#include <gtest/gtest.h>

#include <thread>

#include "support/rental_fixture.hpp"

namespace ps::rentals {
namespace {

class RentalOpsClockTest : public RentalFixture {
protected:
    RentalOpsClockTest() : RentalFixture(true) {}

    test::HttpReply PayDue(const User& u, const std::string& id, const std::string& key = "") {
        return Post(u.token, "/api/rentals/" + id + "/pay-due", {}, key);
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
    EXPECT_EQ(Transfers("rental:" + id + ":late"), 1);
    EXPECT_EQ(Wallet(u.id), Money{1000 + pts * 10});
    EXPECT_EQ(Str("SELECT transaction_type FROM ledger_transfers WHERE idempotency_key = ?",
                  {"rental:" + id + ":late"}),
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
