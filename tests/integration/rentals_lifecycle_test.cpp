// The rental lifecycle beyond the happy path, through real HTTP with simulated cabinets and a
// fake clock: extensions, postpaid, lost and found banks, staff pause and close, reminders,
// late-fee accrual and the 48 h flag.
#include <gtest/gtest.h>

#include <thread>

#include "support/rental_fixture.hpp"

namespace ps::rentals {
namespace {

constexpr const char* kPostpaidPkg = "8a2d5c1e-7b3f-4e6a-9c10-2f4e6a8b0c04";

class RentalLifecycleTest : public RentalFixture {
protected:
    RentalLifecycleTest() : RentalFixture(true) {}
    RentalService& rentals = *srv.app().services->rentals;

    // An ACTIVE rental of `u` at a new cabinet `sn` holding bank `serial`.
    std::string Rent(const User& u, int n, const std::string& sn, uint32_t serial,
                     const std::string& pkg = kHourPkg) {
        Cabinet(n, sn, {{1, serial}});
        auto r = Start(u, sn, "", pkg);
        EXPECT_EQ(r.status, 201) << r.body;
        if (r.status != 201) return "";
        std::string id(r.data().at("id").as_string());
        EXPECT_TRUE(WaitFor([&] { return StatusOf(id) == "ACTIVE"; })) << StatusOf(id);
        return id;
    }
    test::HttpReply Extend(const User& u, const std::string& id, const std::string& pkg,
                           const std::string& key = "") {
        return Post(u.token, "/api/rentals/" + id + "/extend", {{"package_id", pkg}}, key);
    }
    Micros DueAt(const std::string& id) { return Int("SELECT due_at FROM rentals WHERE id = ?", {id}); }
    Money Late(Micros due, Micros at) {
        return LateFee(DefaultLateFeeConfig(), Money{5000}, 60, due, at);
    }
    Micros Now() { return srv.app().clock->Now(); }
};

TEST_F(RentalLifecycleTest, ExtensionsPushTheDueTimeAtMostThreeTimesAndAreRefundedOnCancel) {
    User u = Eligible("extender", Money{30000});
    User other = Eligible("extnosy", Money{30000});
    std::string id = Rent(u, 1, "SN-XA", 52000001);
    ASSERT_FALSE(id.empty());
    Micros due0 = DueAt(id);
    EXPECT_EQ(Wallet(u.id), Money{25000});

    auto e = Extend(u, id, kHourPkg, "ext-1");
    ASSERT_EQ(e.status, 200) << e.body;
    EXPECT_EQ(e.data().at("extended_minutes").as_int64(), 60);
    EXPECT_EQ(e.data().at("extension_cost").as_string(), "50.00");
    EXPECT_EQ(DueAt(id), due0 + 60 * kMinute);
    EXPECT_EQ(Wallet(u.id), Money{20000});
    auto replay = Extend(u, id, kHourPkg, "ext-1");
    EXPECT_EQ(replay.status, 200) << replay.body;
    EXPECT_EQ(replay.data().at("id"), e.data().at("id"));
    EXPECT_EQ(Wallet(u.id), Money{20000});

    EXPECT_EQ(Extend(other, id, kHourPkg).ErrorCode(), "rental_not_found");
    EXPECT_EQ(Extend(u, id, "no-such-package").ErrorCode(), "validation_error");
    EXPECT_EQ(Extend(u, id, kPostpaidPkg).ErrorCode(), "validation_error");
    EXPECT_EQ(Post(u.token, "/api/rentals/" + id + "/extend", {}).ErrorCode(), "validation_error");

    ASSERT_EQ(Extend(u, id, kHourPkg).status, 200);
    ASSERT_EQ(Extend(u, id, kHourPkg).status, 200);
    EXPECT_EQ(Wallet(u.id), Money{10000});
    auto fourth = Extend(u, id, kHourPkg);
    EXPECT_EQ(fourth.status, 400) << fourth.body;
    EXPECT_EQ(fourth.ErrorCode(), "max_extensions_reached");
    EXPECT_EQ(Wallet(u.id), Money{10000});
    EXPECT_EQ(DueAt(id), due0 + 180 * kMinute);
    EXPECT_EQ(Int("SELECT COUNT(*) FROM rental_extensions WHERE rental_id = ?", {id}), 3);

    // the bank goes back into its slot: the cancel gives back the start and every extension
    std::string station = Str("SELECT id FROM stations WHERE serial_number = 'SN-XA'");
    std::string bank = Str("SELECT id FROM power_banks WHERE serial_number = '52000001'");
    ASSERT_TRUE(srv.db()
                    .Transact([&](db::Connection& tx) -> Status {
                        return tx.Exec("UPDATE station_slots SET status = 'OCCUPIED', "
                                       "power_bank_id = ? WHERE station_id = ? AND "
                                       "slot_number = 1",
                                       {bank, station});
                    })
                    .ok());
    auto cancel = Post(u.token, "/api/rentals/" + id + "/cancel", {});
    ASSERT_EQ(cancel.status, 200) << cancel.body;
    EXPECT_EQ(Wallet(u.id), Money{30000});
    EXPECT_EQ(Transfers("rental:" + id + ":extend:3:refund"), 1);
}

TEST_F(RentalLifecycleTest, AnOverdueRentalCannotBeExtended) {
    User u = Eligible("lateextender", Money{30000});
    std::string id = Rent(u, 1, "SN-XB", 52010001);
    srv.fake_clock()->Advance(61 * kMinute);
    auto e = Extend(u, id, kHourPkg);
    EXPECT_EQ(e.status, 400) << e.body;
    EXPECT_EQ(e.ErrorCode(), "rental_overdue");
    EXPECT_EQ(Wallet(u.id), Money{25000});
}

TEST_F(RentalLifecycleTest, PostpaidNeedsTheMinimumAndIsChargedPerMinuteAtTheReturn) {
    User poor = Eligible("postpoor", Money{4000});
    Cabinet(1, "SN-PA", {{1, 52020001}});
    auto refused = Start(poor, "SN-PA", "", kPostpaidPkg);
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(refused.ErrorCode(), "insufficient_balance");
    EXPECT_EQ(Int("SELECT COUNT(*) FROM cabinet_commands WHERE command = 'popup_sn'"), 0);

    User u = Eligible("postpaid", Money{10000});
    auto r = Start(u, "SN-PA", "", kPostpaidPkg);
    ASSERT_EQ(r.status, 201) << r.body;
    std::string id(r.data().at("id").as_string());
    EXPECT_EQ(r.data().at("payment_status").as_string(), "PENDING");
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "ACTIVE"; })) << StatusOf(id);
    EXPECT_EQ(Wallet(u.id), Money{10000});  // nothing charged up front
    EXPECT_EQ(Extend(u, id, kHourPkg).ErrorCode(), "extension_not_allowed");

    auto& back = Cabinet(2, "SN-PB", {});
    srv.fake_clock()->Advance(30 * kMinute + 10 * kSecond);
    ASSERT_TRUE(back.ReturnBank(52020001, 70).ok());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "COMPLETED"; })) << StatusOf(id);
    // 31 started minutes at NPR 50 an hour, rounded up to the paisa
    EXPECT_EQ(Int("SELECT usage_amount FROM rentals WHERE id = ?", {id}), 2584);
    EXPECT_EQ(Str("SELECT payment_status FROM rentals WHERE id = ?", {id}), "PAID");
    EXPECT_EQ(Transfers("rental:" + id + ":usage"), 1);
    EXPECT_EQ(Wallet(u.id), Money{10000 - 2584});
}

// The cabinet's return (0x40 frame, then its HTTP call) and more return events for the same bank
// at the same moment (on PostgreSQL each handler runs in READ COMMITTED): the rental is finished,
// charged, awarded and announced once.
TEST_F(RentalLifecycleTest, RacingReturnsFinishAndChargeTheRentalOnce) {
    User u = Eligible("racer", Money{10000});
    auto& first = Cabinet(1, "SN-RA", {{1, 52050001}});
    (void)first;
    auto r = Start(u, "SN-RA", "", kPostpaidPkg);
    ASSERT_EQ(r.status, 201) << r.body;
    std::string id(r.data().at("id").as_string());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "ACTIVE"; })) << StatusOf(id);
    auto& back = Cabinet(2, "SN-RB", {});
    std::string station = Str("SELECT id FROM stations WHERE serial_number = 'SN-RB'");
    srv.fake_clock()->Advance(30 * kMinute + 10 * kSecond);
    Micros at = Now();
    std::vector<std::thread> threads;
    threads.emplace_back([&] { EXPECT_TRUE(back.ReturnBank(52050001, 70).ok()); });
    for (int i = 0; i < 6; ++i)
        threads.emplace_back([&] {
            rentals.OnReturned({station, 1, "52050001", at, 70, "return_frame"});
        });
    for (auto& t : threads) t.join();
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "COMPLETED"; })) << StatusOf(id);
    EXPECT_EQ(Int("SELECT usage_amount FROM rentals WHERE id = ?", {id}), 2584);
    EXPECT_EQ(Transfers("rental:" + id + ":usage"), 1);
    EXPECT_EQ(Transfers("rental:" + id + ":points:complete"), 1);
    EXPECT_EQ(Wallet(u.id), Money{10000 - 2584});
    EXPECT_EQ(Int("SELECT COUNT(*) FROM jobs WHERE unique_key LIKE ?",
                  {"notify:rental:" + id + ":rental_completed%"}),
              1);
    EXPECT_EQ(Str("SELECT status FROM power_banks WHERE serial_number = '52050001'"), "AVAILABLE");
}

TEST_F(RentalLifecycleTest, ALostBankIsBoughtOutAndRefundedLessTheLateFeeWhenFound) {
    User u = Eligible("loser", Money{600000});
    std::string id = Rent(u, 1, "SN-LA", 52030001);
    Micros due = DueAt(id);
    EXPECT_EQ(Wallet(u.id), Money{595000});
    srv.fake_clock()->Advance(60 * kMinute + 24 * kHour + kMinute);
    ASSERT_TRUE(rentals.MarkOverdue().ok());
    ASSERT_EQ(*rentals.MarkLost(), 1);
    EXPECT_EQ(StatusOf(id), "LOST");
    EXPECT_EQ(Str("SELECT status FROM power_banks WHERE serial_number = '52030001'"), "LOST");
    EXPECT_EQ(Str("SELECT payment_status FROM rentals WHERE id = ?", {id}), "PAID");
    EXPECT_EQ(Transfers("rental:" + id + ":lost"), 1);
    EXPECT_EQ(Wallet(u.id), Money{95000});
    EXPECT_EQ(*rentals.MarkLost(), 0);  // once
    RunJobs();
    EXPECT_EQ(Notices(u.id, "rental_lost"), 1);

    auto& back = Cabinet(2, "SN-LB", {});
    srv.fake_clock()->Advance(kHour);
    Micros found_at = Now();
    ASSERT_TRUE(back.ReturnBank(52030001, 40).ok());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "COMPLETED"; })) << StatusOf(id);
    Money fee = std::min(Late(due, found_at), Money{500000});
    ASSERT_GT(fee.paisa, 0);
    EXPECT_EQ(Transfers("rental:" + id + ":lost:refund"), 1);
    EXPECT_EQ(Int("SELECT overdue_amount FROM rentals WHERE id = ?", {id}), fee.paisa);
    EXPECT_EQ(Int("SELECT penalty_amount FROM rentals WHERE id = ?", {id}), 0);
    EXPECT_EQ(Wallet(u.id), Money{95000 + 500000} - fee);
    EXPECT_EQ(Str("SELECT status FROM power_banks WHERE serial_number = '52030001'"), "AVAILABLE");
    RunJobs();
    EXPECT_EQ(Notices(u.id, "rental_found"), 1);
}

TEST_F(RentalLifecycleTest, AnUnpaidBuyOutIsADueThatBlocksUntilPaid) {
    User u = Eligible("brokeloser", Money{5000});
    std::string id = Rent(u, 1, "SN-LC", 52040001);
    srv.fake_clock()->Advance(60 * kMinute + 24 * kHour + kMinute);
    ASSERT_TRUE(rentals.MarkOverdue().ok());
    ASSERT_EQ(*rentals.MarkLost(), 1);
    EXPECT_EQ(Str("SELECT payment_status FROM rentals WHERE id = ?", {id}), "PENDING");
    EXPECT_TRUE(*rentals.HasDues(u.id));
    auto me = srv.client().Get("/api/auth/me", u.token);
    EXPECT_EQ(json::serialize(me.data().at("rental_eligibility").at("reasons")),
              R"(["Pending dues"])")
        << me.body;
    Cabinet(2, "SN-LD", {{1, 52040002}});
    EXPECT_EQ(Start(u, "SN-LD").ErrorCode(), "rental_prerequisites_not_met");

    auto shy = Post(u.token, "/api/rentals/" + id + "/pay-due", {});
    EXPECT_EQ(shy.ErrorCode(), "insufficient_funds") << shy.body;
    TopUp(u, Money{600000}, "buyout");
    auto paid = Post(u.token, "/api/rentals/" + id + "/pay-due", {}, "due-1");
    ASSERT_EQ(paid.status, 200) << paid.body;
    EXPECT_EQ(paid.data().at("amount_paid").as_double(), 5000.0);
    EXPECT_EQ(Transfers("rental:" + id + ":lost"), 1);
    EXPECT_EQ(Wallet(u.id), Money{100000});
    EXPECT_FALSE(*rentals.HasDues(u.id));
}

TEST_F(RentalLifecycleTest, StaffPauseBillingThenCloseAtThePauseTime) {
    User u = Eligible("billed", Money{100000});
    std::string staff = srv.StaffToken("rentstaff@example.com");
    std::string id = Rent(u, 1, "SN-SA", 52050001);
    Micros due = DueAt(id);
    std::string base = "/api/admin/rentals/" + id;
    srv.fake_clock()->Advance(3 * kHour);
    Micros paused_at = Now();

    EXPECT_EQ(Post(u.token, base + "/pause-billing", {{"reason", "customer called"}}).status, 403);
    EXPECT_EQ(Post(staff, base + "/pause-billing", {{"reason", "no"}}).ErrorCode(),
              "validation_error");
    EXPECT_EQ(Post(staff, base + "/pause-billing", {{"reason", "customer called"}, {"x", 1}})
                  .ErrorCode(),
              "validation_error");
    EXPECT_EQ(Post(staff, "/api/admin/rentals/nope/pause-billing", {{"reason", "customer called"}})
                  .ErrorCode(),
              "rental_not_found");
    auto p = Post(staff, base + "/pause-billing", {{"reason", "customer called"}});
    ASSERT_EQ(p.status, 200) << p.body;
    EXPECT_TRUE(p.data().at("billing_paused").as_bool());
    EXPECT_EQ(Post(staff, base + "/pause-billing", {{"reason", "customer called"}}).ErrorCode(),
              "billing_already_paused");

    srv.fake_clock()->Advance(5 * kHour);
    EXPECT_EQ(Post(staff, base + "/close", {{"reason", "returned, not seen"}, {"ended_at", "soon"}})
                  .ErrorCode(),
              "validation_error");
    auto c = Post(staff, base + "/close", {{"reason", "returned, not seen"}}, "close-1");
    ASSERT_EQ(c.status, 200) << c.body;
    EXPECT_EQ(StatusOf(id), "COMPLETED");
    EXPECT_EQ(Int("SELECT ended_at FROM rentals WHERE id = ?", {id}), paused_at);
    Money fee = Late(due, paused_at);
    ASSERT_GT(fee.paisa, 0);
    EXPECT_LT(fee, Late(due, Now()));
    EXPECT_EQ(Int("SELECT overdue_amount FROM rentals WHERE id = ?", {id}), fee.paisa);
    EXPECT_EQ(Wallet(u.id), Money{95000} - fee);
    EXPECT_EQ(Post(staff, base + "/close", {{"reason", "returned, not seen"}}, "close-1").status,
              200);  // replayed
    EXPECT_EQ(Post(staff, base + "/close", {{"reason", "again please"}}).ErrorCode(),
              "invalid_rental_status");
    EXPECT_EQ(Wallet(u.id), Money{95000} - fee);
    EXPECT_EQ(Int("SELECT COUNT(*) FROM admin_action_logs WHERE target_id = ? AND action_type IN "
                  "('PAUSE_RENTAL_BILLING', 'CLOSE_RENTAL')",
                  {id}),
              2);
}

TEST_F(RentalLifecycleTest, RemindersOverdueNoticesAndLateFeeAccrual) {
    User u = Eligible("reminded", Money{10000});
    std::string id = Rent(u, 1, "SN-RA", 52060001);
    Micros due = DueAt(id);
    srv.fake_clock()->Advance(46 * kMinute);
    EXPECT_EQ(*rentals.MarkOverdue(), 1);  // the reminder
    EXPECT_EQ(*rentals.MarkOverdue(), 0);
    RunJobs();
    EXPECT_EQ(Notices(u.id, "rental_started"), 1);
    EXPECT_EQ(Notices(u.id, "rental_due_soon"), 1);
    EXPECT_EQ(Notices(u.id, "rental_overdue"), 0);

    srv.fake_clock()->Advance(15 * kMinute);
    EXPECT_EQ(*rentals.MarkOverdue(), 1);
    EXPECT_EQ(StatusOf(id), "OVERDUE");
    srv.fake_clock()->Advance(2 * kHour);
    EXPECT_EQ(*rentals.AccrueLateFees(), 1);
    EXPECT_EQ(Int("SELECT overdue_amount FROM rentals WHERE id = ?", {id}), Late(due, Now()).paisa);
    EXPECT_GT(Late(due, Now()).paisa, 0);
    RunJobs();
    EXPECT_EQ(Notices(u.id, "rental_overdue"), 1);
    EXPECT_EQ(Str("SELECT title FROM notifications WHERE user_id = ? AND slug = 'rental_overdue'",
                  {u.id}),
              "Rental overdue");
}

// The bank goes back into a cabinet whose return frame never arrives (it was offline); the
// next inventory it reports (a check_all here) is the evidence, and the rental ends then, late
// fee by that time.
TEST_F(RentalLifecycleTest, AReturnSeenOnlyInALaterInventoryClosesTheRental) {
    User u = Eligible("quietreturn", Money{100000});
    std::string id = Rent(u, 1, "SN-QA", 52080001);
    Micros due = DueAt(id);
    auto& back = Cabinet(2, "SN-QB", {});
    srv.fake_clock()->Advance(2 * kHour);
    back.PutBank(3, 52080001, 60);  // silently: no 0x40 frame
    srv.fake_clock()->Advance(30 * kMinute);
    EXPECT_EQ(StatusOf(id), "ACTIVE");
    Micros seen = Now();
    std::string station = Str("SELECT id FROM stations WHERE serial_number = 'SN-QB'");
    ASSERT_TRUE(srv.db()
                    .Transact([&](db::Connection& tx) -> Status {
                        return Status(m.commands().EnsureCheckAll(tx, station, "test"));
                    })
                    .ok());
    m.dispatcher().Wake();
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "COMPLETED"; })) << StatusOf(id);
    EXPECT_EQ(Str("SELECT return_station_id FROM rentals WHERE id = ?", {id}), station);
    EXPECT_EQ(Int("SELECT ended_at FROM rentals WHERE id = ?", {id}), seen);
    EXPECT_EQ(Int("SELECT overdue_amount FROM rentals WHERE id = ?", {id}), Late(due, seen).paisa);
    EXPECT_EQ(Int("SELECT slot_number FROM station_slots WHERE power_bank_id = (SELECT id FROM "
                  "power_banks WHERE serial_number = '52080001')"),
              3);
}

TEST_F(RentalLifecycleTest, RentalsOpenLongerThan48HoursAreFlaggedForStaff) {
    ASSERT_TRUE(srv.db()
                    .Transact([&](db::Connection& tx) -> Status {
                        return tx.Exec(
                            "INSERT INTO rental_packages (id, name, duration_minutes, price, "
                            "package_type, payment_model, created_at, updated_at) VALUES "
                            "('weekly-test', 'Weekly', 10080, 100000, 'WEEKLY', 'PREPAID', 0, 0)");
                    })
                    .ok());
    User u = Eligible("weekly", Money{100000});
    std::string id = Rent(u, 1, "SN-WA", 52070001, "weekly-test");
    srv.fake_clock()->Advance(47 * kHour);
    EXPECT_EQ(*rentals.MarkLost(), 0);
    srv.fake_clock()->Advance(2 * kHour);
    EXPECT_EQ(*rentals.MarkLost(), 1);
    std::string staff = srv.StaffToken("flagstaff@example.com");
    auto list = srv.client().Get("/api/admin/rentals?flagged=true", staff);
    ASSERT_EQ(list.status, 200) << list.body;
    const auto& rows = list.data().at("results").as_array();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].at("id").as_string(), id);
    EXPECT_TRUE(rows[0].at("is_flagged").as_bool());
    EXPECT_EQ(srv.client().Get("/api/admin/rentals?flagged=maybe", staff).ErrorCode(),
              "validation_error");
}

}  // namespace
}  // namespace ps::rentals
