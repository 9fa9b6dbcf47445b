// Rentals through real HTTP with in-process simulated cabinets (memory broker): the prepaid
// happy path (start -> ACTIVE -> returned at another station -> COMPLETED, charged once, points),
// a repeated start with the same Idempotency-Key, insufficient balance (nothing queued), a
// failed eject (CANCELLED and refunded), a second open rental, two users racing for one bank.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "support/rental_fixture.hpp"

namespace ps::rentals {
namespace {

class RentalTest : public RentalFixture {
protected:
    RentalTest() : RentalFixture(false) {}
};
// The server's clock is a FakeClock the test moves.
class RentalClockTest : public RentalFixture {
protected:
    RentalClockTest() : RentalFixture(true) {}
};

// Ejects time out only after 5 s.
class RentalSlowTimeoutTest : public RentalFixture {
protected:
    RentalSlowTimeoutTest() : RentalFixture(false, 5) {}
};

TEST_F(RentalTest, PackagesArePublic) {
    auto r = srv.client().Get("/api/rentals/packages");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto& res = r.data().at("results").as_array();
    ASSERT_EQ(res.size(), 4u);
    EXPECT_EQ(res[0].at("price").as_string(), "50.00");
    EXPECT_EQ(res[0].at("payment_model").as_string(), "PREPAID");
    int postpaid = 0;
    for (const auto& p : res) postpaid += p.at("payment_model").as_string() == "POSTPAID";
    EXPECT_EQ(postpaid, 1);
}

TEST_F(RentalTest, PrepaidHappyPathReturnedAtAnotherStation) {
    Cabinet(1, "SN-RA", {{1, 51520001}});
    auto& b = Cabinet(2, "SN-RB", {});
    User u = Eligible("renter1", Money{20000});
    auto r = Start(u, "SN-RA", "start-1");
    ASSERT_EQ(r.status, 201) << r.body;
    std::string id(r.data().at("id").as_string());
    EXPECT_EQ(r.data().at("status").as_string(), "PENDING");
    EXPECT_EQ(r.data().at("payment_status").as_string(), "PAID");
    EXPECT_EQ(r.data().at("power_bank_serial").as_string(), "51520001");
    EXPECT_EQ(r.data().at("rental_code").as_string().size(), 8u);
    EXPECT_EQ(Wallet(u.id), Money{15000});

    // the same Idempotency-Key: the same rental, charged once
    auto again = Start(u, "SN-RA", "start-1");
    ASSERT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(again.data().at("id").as_string(), id);
    // another key: one open rental only
    auto second = Start(u, "SN-RA", "start-2");
    EXPECT_EQ(second.status, 400);
    EXPECT_EQ(second.ErrorCode(), "active_rental_exists");

    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "ACTIVE"; })) << StatusOf(id);
    auto active = srv.client().Get("/api/rentals/active", u.token);
    ASSERT_EQ(active.status, 200);
    EXPECT_EQ(active.data().at("status").as_string(), "ACTIVE");
    EXPECT_FALSE(active.data().at("started_at").is_null());

    ASSERT_TRUE(b.ReturnBank(51520001, 80).ok());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "COMPLETED"; })) << StatusOf(id);
    EXPECT_EQ(Str("SELECT return_station_id FROM rentals WHERE id = ?", {id}),
              Str("SELECT id FROM stations WHERE serial_number = 'SN-RB'"));
    EXPECT_EQ(Transfers("rental:" + id + ":start"), 1);
    EXPECT_EQ(Transfers("rental:" + id + ":refund"), 0);
    EXPECT_EQ(Transfers("rental:" + id + ":late"), 0);
    EXPECT_EQ(Wallet(u.id), Money{15000});
    EXPECT_EQ(Points(u.id), 10);  // completion + on time
    EXPECT_EQ(Int("SELECT timely_return_bonus_awarded FROM rentals WHERE id = ?", {id}), 1);

    auto none = srv.client().Get("/api/rentals/active", u.token);
    ASSERT_EQ(none.status, 200);
    EXPECT_FALSE(none.json.as_object().contains("data"));
    auto hist = srv.client().Get("/api/rentals/history", u.token);
    ASSERT_EQ(hist.status, 200) << hist.body;
    ASSERT_EQ(hist.data().at("rentals").as_array().size(), 1u);
    EXPECT_EQ(hist.data().at("rentals").as_array()[0].at("status").as_string(), "COMPLETED");
    EXPECT_EQ(hist.data().at("pagination").at("total_count").as_int64(), 1);
}

TEST_F(RentalTest, BadStartsAreRefusedWithNothingChargedAndNoEject) {
    Cabinet(1, "SN-BAD", {{1, 51535001}});
    User u = Eligible("badstarts", Money{20000});
    auto set_station = [&](const std::string& sql) {
        ASSERT_TRUE(srv.db()
                        .Transact([&](db::Connection& tx) -> Status {
                            return tx.Exec(sql + " WHERE serial_number = 'SN-BAD'");
                        })
                        .ok());
    };
    EXPECT_EQ(Start(u, "SN-NOPE").ErrorCode(), "validation_error");
    EXPECT_EQ(Start(u, "SN-BAD", "", "no-such-package").ErrorCode(), "validation_error");
    auto junk = srv.client().Send("POST", "/api/rentals/start", "{\"station_sn\": 5", "application/json",
                                  u.token);
    EXPECT_EQ(junk.status, 400) << junk.body;
    EXPECT_EQ(Post(u.token, "/api/rentals/start", {{"station_sn", "SN-BAD"}}).ErrorCode(),
              "validation_error");
    set_station("UPDATE stations SET status = 'OFFLINE'");
    EXPECT_EQ(Start(u, "SN-BAD").ErrorCode(), "station_offline");
    set_station("UPDATE stations SET status = 'ONLINE', is_maintenance = 1");
    EXPECT_EQ(Start(u, "SN-BAD").ErrorCode(), "station_maintenance");
    set_station("UPDATE stations SET is_maintenance = 0");
    ASSERT_TRUE(srv.db()
                    .Transact([&](db::Connection& tx) -> Status {
                        return tx.Exec("UPDATE rental_packages SET is_active = 0 WHERE id = ?",
                                       {std::string(kHourPkg)});
                    })
                    .ok());
    EXPECT_EQ(Start(u, "SN-BAD").ErrorCode(), "validation_error");
    EXPECT_EQ(Int("SELECT COUNT(*) FROM rentals"), 0);
    EXPECT_EQ(Int("SELECT COUNT(*) FROM cabinet_commands WHERE command IN ('popup_sn', 'popup')"),
              0);
    EXPECT_EQ(Wallet(u.id), Money{20000});
    EXPECT_EQ(Post(u.token, "/api/rentals/not-a-rental/cancel", {}).ErrorCode(), "rental_not_found");
    EXPECT_EQ(Post(u.token, "/api/rentals/not-a-rental/pay-due", {}).ErrorCode(), "rental_not_found");
}

TEST_F(RentalTest, InsufficientBalanceQueuesNoEject) {
    Cabinet(1, "SN-RC", {{1, 51530001}});
    User u = Eligible("poor", Money{1000});
    auto r = Start(u, "SN-RC");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.ErrorCode(), "insufficient_balance");
    EXPECT_EQ(Int("SELECT COUNT(*) FROM rentals"), 0);
    EXPECT_EQ(Int("SELECT COUNT(*) FROM cabinet_commands WHERE command IN ('popup_sn', 'popup')"),
              0);
    EXPECT_EQ(Wallet(u.id), Money{1000});
}

TEST_F(RentalTest, IneligibleUserIsRefused) {
    Cabinet(1, "SN-RE", {{1, 51550001}});
    auto [access, refresh] = srv.SignUp("nokyc@example.com", "nokyc");
    User u{Int("SELECT id FROM users WHERE username = 'nokyc'"), access};
    auto r = Start(u, "SN-RE");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.ErrorCode(), "rental_prerequisites_not_met");
}

TEST_F(RentalTest, FailedEjectCancelsAndRefunds) {
    Cabinet(1, "SN-RD", {{1, 51540001}}, {100, 0, 0});
    User u = Eligible("unlucky", Money{10000});
    auto r = Start(u, "SN-RD");
    ASSERT_EQ(r.status, 201) << r.body;
    std::string id(r.data().at("id").as_string());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "CANCELLED"; })) << StatusOf(id);
    EXPECT_EQ(Str("SELECT payment_status FROM rentals WHERE id = ?", {id}), "REFUNDED");
    EXPECT_EQ(Transfers("rental:" + id + ":refund"), 1);
    EXPECT_EQ(Wallet(u.id), Money{10000});
    // the user may rent again
    auto again = Start(u, "SN-RD");
    EXPECT_EQ(again.status, 201) << again.body;
}

TEST_F(RentalTest, TwoUsersRaceForTheLastBank) {
    Cabinet(1, "SN-RF", {{1, 51560001}});
    User a = Eligible("racer_a", Money{10000});
    User b = Eligible("racer_b", Money{10000});
    test::HttpReply ra, rb;
    std::thread t1([&] { ra = Start(a, "SN-RF"); });
    std::thread t2([&] { rb = Start(b, "SN-RF"); });
    t1.join();
    t2.join();
    int wins = (ra.status == 201) + (rb.status == 201);
    EXPECT_EQ(wins, 1) << ra.body << " / " << rb.body;
    const auto& loser = ra.status == 201 ? rb : ra;
    EXPECT_EQ(loser.ErrorCode(), "no_power_bank_available") << loser.body;
    const User& lost = ra.status == 201 ? b : a;
    EXPECT_EQ(Wallet(lost.id), Money{10000});
}

// More users than banks, all at once (on PostgreSQL the starts run in READ COMMITTED and take
// the station's row lock): each bank goes to one user, every other user is told there is none,
// and only the winners pay.
TEST_F(RentalTest, UsersRacingForAStationsBanksGetOneBankEach) {
    Cabinet(1, "SN-RR", {{1, 51590001}, {2, 51590002}, {3, 51590003}});
    constexpr int kUsers = 8;
    std::vector<User> users;
    for (int i = 0; i < kUsers; ++i) users.push_back(Eligible("crowd" + std::to_string(i), Money{10000}));
    std::vector<test::HttpReply> replies(kUsers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kUsers; ++i)
        threads.emplace_back([&, i] { replies[i] = Start(users[i], "SN-RR"); });
    for (auto& t : threads) t.join();
    std::set<std::string> banks;
    int wins = 0;
    for (int i = 0; i < kUsers; ++i) {
        const auto& r = replies[i];
        if (r.status == 201) {
            ++wins;
            banks.insert(std::string(r.data().at("power_bank_serial").as_string()));
            EXPECT_EQ(Wallet(users[i].id), Money{5000});
        } else {
            EXPECT_EQ(r.ErrorCode(), "no_power_bank_available") << r.body;
            EXPECT_EQ(Wallet(users[i].id), Money{10000});
        }
    }
    EXPECT_EQ(wins, 3);
    EXPECT_EQ(banks.size(), 3u);  // no bank given twice
    EXPECT_EQ(Int("SELECT COUNT(*) FROM cabinet_commands WHERE command = 'popup_sn'"), 3);
    EXPECT_EQ(Int("SELECT COUNT(DISTINCT seq) FROM cabinet_commands"),
              Int("SELECT COUNT(*) FROM cabinet_commands"));
}

// No reply to the eject: never guessed. The cabinet is asked (check_all) and its inventory
// decides, both ways.
TEST_F(RentalTest, ALostEjectReplyWithTheBankOutMakesTheRentalActive) {
    auto& cab = Cabinet(1, "SN-RG", {{1, 51570001}}, {0, 100, 0});
    User u = Eligible("silent", Money{10000});
    auto r = Start(u, "SN-RG");
    ASSERT_EQ(r.status, 201) << r.body;
    std::string id(r.data().at("id").as_string());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "ACTIVE"; }, 15s)) << StatusOf(id);
    EXPECT_EQ(cab.Slots()[0].sn, 0u);  // the bank did leave
    EXPECT_GT(Int("SELECT COUNT(*) FROM cabinet_commands WHERE command = 'check_all' AND "
                  "status = 'REPLIED' AND reason LIKE 'verify eject%'"),
              0);
    EXPECT_EQ(Str("SELECT payment_status FROM rentals WHERE id = ?", {id}), "PAID");
    EXPECT_EQ(Transfers("rental:" + id + ":refund"), 0);
    EXPECT_EQ(Wallet(u.id), Money{5000});
    EXPECT_EQ(Str("SELECT status FROM power_banks WHERE serial_number = '51570001'"), "RENTED");
}

TEST_F(RentalTest, ALostEjectReplyWithTheBankStillInsideCancelsAndRefunds) {
    auto& cab = Cabinet(1, "SN-RH", {{1, 51580001}}, {100, 100, 0});
    User u = Eligible("silent2", Money{10000});
    auto r = Start(u, "SN-RH");
    ASSERT_EQ(r.status, 201) << r.body;
    std::string id(r.data().at("id").as_string());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "CANCELLED"; }, 15s)) << StatusOf(id);
    EXPECT_EQ(cab.Slots()[0].sn, 51580001u);
    EXPECT_EQ(Str("SELECT end_reason FROM rentals WHERE id = ?", {id}),
              "eject_failed: the bank is still in the cabinet");
    EXPECT_EQ(Str("SELECT payment_status FROM rentals WHERE id = ?", {id}), "REFUNDED");
    EXPECT_EQ(Wallet(u.id), Money{10000});
}

TEST_F(RentalTest, ALateEjectReplyIsNeverCancelledAndChargedOnce) {
    Cabinet(1, "SN-RL", {{1, 51600001}}, {0, 0, 100}, 2s);
    auto& back = Cabinet(2, "SN-RM", {});
    User u = Eligible("latereply", Money{10000});
    auto r = Start(u, "SN-RL");
    ASSERT_EQ(r.status, 201) << r.body;
    std::string id(r.data().at("id").as_string());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "ACTIVE"; })) << StatusOf(id);
    std::this_thread::sleep_for(2500ms);  // the late reply has come in by now
    EXPECT_EQ(StatusOf(id), "ACTIVE");
    EXPECT_EQ(Int("SELECT COUNT(*) FROM cabinet_commands WHERE rental_id = ? AND status = "
                  "'LATE_REPLY'",
                  {id}),
              1);
    EXPECT_EQ(Transfers("rental:" + id + ":start"), 1);
    EXPECT_EQ(Transfers("rental:" + id + ":refund"), 0);
    EXPECT_EQ(Wallet(u.id), Money{5000});
    ASSERT_TRUE(back.ReturnBank(51600001, 70).ok());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "COMPLETED"; })) << StatusOf(id);
    EXPECT_EQ(Wallet(u.id), Money{5000});
}

TEST_F(RentalSlowTimeoutTest, AReturnSeenBeforeTheEjectReplyCompletesTheRental) {
    auto& from = Cabinet(1, "SN-RN", {{1, 51610001}}, {0, 0, 100}, 2s);
    auto& back = Cabinet(2, "SN-RO", {});
    User u = Eligible("outoforder", Money{10000});
    auto r = Start(u, "SN-RN");
    ASSERT_EQ(r.status, 201) << r.body;
    std::string id(r.data().at("id").as_string());
    ASSERT_TRUE(WaitFor([&] { return from.Slots()[0].sn == 0u; }));  // out, reply pending
    ASSERT_TRUE(back.ReturnBank(51610001, 70).ok());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "COMPLETED"; })) << StatusOf(id);
    std::this_thread::sleep_for(2500ms);  // the eject reply arrives after the return
    EXPECT_EQ(StatusOf(id), "COMPLETED");
    EXPECT_EQ(Transfers("rental:" + id + ":start"), 1);
    EXPECT_EQ(Wallet(u.id), Money{5000});
}

TEST_F(RentalClockTest, OverdueThenLateReturnPaysTheLateFee) {
    Cabinet(1, "SN-RH", {{1, 51580001}});
    auto& back = Cabinet(2, "SN-RI", {});
    User u = Eligible("late", Money{50000});
    auto r = Start(u, "SN-RH");
    ASSERT_EQ(r.status, 201) << r.body;
    std::string id(r.data().at("id").as_string());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "ACTIVE"; })) << StatusOf(id);
    auto& rentals = *srv.app().services->rentals;
    ASSERT_TRUE(rentals.MarkOverdue().ok());
    EXPECT_EQ(StatusOf(id), "ACTIVE");
    srv.fake_clock()->Advance(kHour + 30 * kMinute);  // 30 min past due
    auto n = rentals.MarkOverdue();
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 1);
    EXPECT_EQ(StatusOf(id), "OVERDUE");
    auto active = srv.client().Get("/api/rentals/active", u.token);
    ASSERT_EQ(active.status, 200) << active.body;
    EXPECT_EQ(active.data().at("status").as_string(), "OVERDUE");
    EXPECT_TRUE(active.data().at("is_overdue").as_bool());
    EXPECT_EQ(active.data().at("current_overdue_amount").as_string(), "100.00");

    ASSERT_TRUE(back.ReturnBank(51580001, 70).ok());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "COMPLETED"; })) << StatusOf(id);
    // 1 started hour late x 2 x NPR 50/h
    EXPECT_EQ(Int("SELECT overdue_amount FROM rentals WHERE id = ?", {id}), 10000);
    EXPECT_EQ(Str("SELECT payment_status FROM rentals WHERE id = ?", {id}), "PAID");
    EXPECT_EQ(Transfers("rental:" + id + ":late"), 1);
    EXPECT_EQ(Wallet(u.id), Money{50000 - 5000 - 10000});
    EXPECT_EQ(Points(u.id), 5);  // completion only
}

TEST_F(RentalClockTest, AnUnpaidLateFeeBlocksTheNextRental) {
    Cabinet(1, "SN-RJ", {{1, 51590001}, {3, 51590003}});
    auto& back = Cabinet(2, "SN-RK", {});
    User u = Eligible("debtor", Money{5000});
    auto r = Start(u, "SN-RJ");
    ASSERT_EQ(r.status, 201) << r.body;
    std::string id(r.data().at("id").as_string());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "ACTIVE"; })) << StatusOf(id);
    std::string serial(r.data().at("power_bank_serial").as_string());
    srv.fake_clock()->Advance(3 * kHour);
    ASSERT_TRUE(back.ReturnBank(static_cast<uint32_t>(std::stoul(serial)), 70).ok());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "COMPLETED"; })) << StatusOf(id);
    EXPECT_EQ(Str("SELECT payment_status FROM rentals WHERE id = ?", {id}), "PENDING");
    EXPECT_GT(Int("SELECT overdue_amount FROM rentals WHERE id = ?", {id}), 0);
    auto again = Start(u, "SN-RJ");
    EXPECT_EQ(again.status, 400) << again.body;
    EXPECT_EQ(again.ErrorCode(), "rental_prerequisites_not_met");
}

}  // namespace
}  // namespace ps::rentals
