// The command dispatcher with a fake clock: one command in flight per cabinet, 5 s pacing,
// timeouts, late replies (LATE_REPLY, still reported), eject rules and expiry. Replies are fed
// to the link directly (HandleMqtt), so timing is exact; the MQTT path is cabinet_link_test.
#include <gtest/gtest.h>

#include "app/services.hpp"
#include "cabinet/simulator/seed.hpp"
#include "support/test_server.hpp"

namespace ps::cabinet {
namespace {

class CabinetDispatchTest : public ::testing::Test {
protected:
    test::TestServer srv{test::ServerOptions{true, [](app::Config& c) { c.cabinet_dispatcher = false; }}};
    CabinetModule& m = *srv.app().services->cabinet;
    FakeClock& clock = *srv.fake_clock();
    SecureRandom rnd;
    std::vector<EjectResult> ejects;
    std::mutex mu;
    const std::string imei = "860000000000201";
    std::string station;

    void SetUp() override {
        sim::StationSpec s{imei, "SN-DISPATCH", "Dispatch"};
        s.banks = {{1, 11110001}, {2, 22220002}};
        s.status = "ONLINE";
        station = *sim::SeedStation(srv.db(), clock, rnd, s);
        m.events().OnEjectResult([this](const EjectResult& e) {
            std::lock_guard l(mu);
            ejects.push_back(e);
        });
    }
    std::string Status(const std::string& id) {
        auto r = srv.db().Read([&](db::Connection& c) {
            return c.QueryOne("SELECT status FROM cabinet_commands WHERE id = ?", {id});
        });
        return r.ok() && *r ? (*r)->Str(0) : "";
    }
    int64_t Int(const std::string& sql, const db::Params& p) {
        auto r = srv.db().Read([&](db::Connection& c) { return c.QueryOne(sql, p); });
        return r.ok() && *r ? (*r)->Int(0) : -1;
    }
    std::string Enqueue(const Command& c) {
        auto id = srv.db().Transact([&](db::Connection& tx) {
            return m.commands().EnqueueCommand(tx, station, c, std::nullopt, "test");
        });
        EXPECT_TRUE(id.ok());
        return id.ok() ? *id : "";
    }
    Result<std::string> Eject(EjectTarget t, std::string rental) {
        return srv.db().Transact([&](db::Connection& tx) {
            return m.RequestEject(tx, station, t, rental);
        });
    }
    int Run() {
        auto n = m.dispatcher().RunOnce();
        EXPECT_TRUE(n.ok());
        return n.ok() ? *n : -1;
    }
    void Frame(const Bytes& b) {
        ASSERT_TRUE(m.link().HandleMqtt({UpdateTopic(imei), std::string(b.begin(), b.end())}).ok());
    }
    Bytes InventoryFrame() {
        BoardRecord b{1, 2, 0, 30, 4, 15, {}};
        HoleRecord h1{1, kHoleNormal, 0, 0, 0, 11110001, 90, 25, 0, 0, 0, 0xC0};
        HoleRecord h2{2, kHoleNormal, 0, 0, 0, 22220002, 80, 25, 0, 0, 0, 0xC0};
        b.holes = {h1, h2};
        return *EncodeInventory(cabinet::Inventory{{b}});
    }
};

TEST_F(CabinetDispatchTest, OneCommandInFlightAndFiveSecondsApart) {
    std::string c1 = Enqueue(CheckCommand{});
    std::string c2 = Enqueue(CheckAllCommand{});
    EXPECT_EQ(Run(), 1);
    EXPECT_EQ(Status(c1), "SENT");
    EXPECT_EQ(Status(c2), "QUEUED");
    clock.Advance(2 * kSecond);
    EXPECT_EQ(Run(), 0);  // c1 still in flight
    Frame(InventoryFrame());
    EXPECT_EQ(Status(c1), "REPLIED");
    EXPECT_EQ(Run(), 0);  // answered, but the pacing holds the next one
    clock.Advance(4900 * 1000);
    EXPECT_EQ(Run(), 0);
    clock.Advance(200 * 1000);
    EXPECT_EQ(Run(), 1);
    EXPECT_EQ(Status(c2), "SENT");
    int64_t gap = Int("SELECT b.sent_at - a.replied_at FROM cabinet_commands a, cabinet_commands b "
                      "WHERE a.id = ? AND b.id = ?", {c1, c2});
    EXPECT_GE(gap, 5 * kSecond);
}

TEST_F(CabinetDispatchTest, FireAndForgetCommandsDoNotHoldTheCabinetButArePaced) {
    std::string c1 = Enqueue(RebootCommand{});
    std::string c2 = Enqueue(VolumeCommand{50});
    EXPECT_EQ(Run(), 1);
    EXPECT_EQ(Status(c1), "SENT");
    EXPECT_EQ(Run(), 0);
    clock.Advance(5 * kSecond);
    EXPECT_EQ(Run(), 1);
    EXPECT_EQ(Status(c2), "SENT");
    clock.Advance(kMinute);
    EXPECT_EQ(Run(), 0);
    EXPECT_EQ(Status(c1), "SENT");  // no reply expected, never timed out
}

TEST_F(CabinetDispatchTest, TimeoutThenLateReplyIsRecordedAndStillReported) {
    auto id = Eject(EjectTarget::Serial("22220002"), "rental-7");
    ASSERT_TRUE(id.ok()) << id.error().message;
    EXPECT_EQ(Run(), 1);
    clock.Advance(14 * kSecond);
    EXPECT_EQ(Run(), 0);
    EXPECT_EQ(Status(*id), "SENT");
    clock.Advance(2 * kSecond);  // past the 15 s popup timeout
    EXPECT_EQ(Run(), 0);
    EXPECT_EQ(Status(*id), "TIMED_OUT");
    {
        std::lock_guard l(mu);
        ASSERT_EQ(ejects.size(), 1u);
        EXPECT_FALSE(ejects[0].ok);
        EXPECT_TRUE(ejects[0].timed_out);
        EXPECT_EQ(ejects[0].rental_id, "rental-7");
        EXPECT_EQ(ejects[0].serial, "22220002");
    }
    clock.Advance(20 * kSecond);
    Frame(EncodePopupSnReply({2, 22220002, kStateOk, kSolenoidNormalPop}));
    EXPECT_EQ(Status(*id), "LATE_REPLY");
    std::lock_guard l(mu);
    ASSERT_EQ(ejects.size(), 2u);
    EXPECT_TRUE(ejects[1].ok);
    EXPECT_TRUE(ejects[1].late);
    EXPECT_EQ(ejects[1].command_id, *id);
    EXPECT_EQ(ejects[1].slot, 2);
    EXPECT_EQ(Int("SELECT COUNT(*) FROM power_banks WHERE serial_number = '22220002' AND "
                  "current_station_id IS NULL", {}), 1);
}

TEST_F(CabinetDispatchTest, AFailedEjectIsReportedAndTheBankStays) {
    auto id = Eject(EjectTarget::Slot(1), "rental-8");
    ASSERT_TRUE(id.ok()) << id.error().message;
    EXPECT_EQ(Run(), 1);
    Frame(EncodePopupHoleReply({1, 1, kStateFail, 0}));
    EXPECT_EQ(Status(*id), "FAILED");
    std::lock_guard l(mu);
    ASSERT_EQ(ejects.size(), 1u);
    EXPECT_FALSE(ejects[0].ok);
    EXPECT_FALSE(ejects[0].timed_out);
    EXPECT_EQ(ejects[0].serial, "11110001");
    EXPECT_EQ(ejects[0].state, 0);
    EXPECT_EQ(Int("SELECT current_slot FROM power_banks WHERE serial_number = '11110001'", {}), 1);
}

TEST_F(CabinetDispatchTest, EjectRequestsThatCouldEjectTwiceOrNothingAreRefused) {
    auto a = Eject(EjectTarget::Serial("22220002"), "rental-1");
    ASSERT_TRUE(a.ok());
    auto again = Eject(EjectTarget::Serial("22220002"), "rental-1");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *a);  // same rental: same command
    auto other = Eject(EjectTarget::Slot(2), "rental-2");
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().slug, "eject_in_progress");
    auto missing = Eject(EjectTarget::Serial("99999999"), "rental-3");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().slug, "powerbank_not_in_station");
    auto empty = Eject(EjectTarget::Slot(5), "rental-4");
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().slug, "slot_empty");
    ASSERT_TRUE(srv.db().Transact([&](db::Connection& tx) -> ps::Status {
        return tx.Exec("UPDATE stations SET status = 'OFFLINE' WHERE id = ?", {station});
    }).ok());
    auto offline = Eject(EjectTarget::Slot(1), "rental-5");
    ASSERT_FALSE(offline.ok());
    EXPECT_EQ(offline.error().slug, "station_offline");
}

TEST_F(CabinetDispatchTest, AStaleQueuedEjectIsNeverSent) {
    auto id = Eject(EjectTarget::Serial("11110001"), "rental-9");
    ASSERT_TRUE(id.ok());
    clock.Advance(61 * kSecond);  // e.g. every node was down: the firmware ignores ttl (§3.6)
    EXPECT_EQ(Run(), 0);
    EXPECT_EQ(Status(*id), "FAILED");
    std::lock_guard l(mu);
    ASSERT_EQ(ejects.size(), 1u);
    EXPECT_FALSE(ejects[0].ok);
    EXPECT_EQ(ejects[0].reason, "expired");
}

TEST_F(CabinetDispatchTest, AClaimIsAtomicSoOnlyOneDispatcherSends) {
    std::string c1 = Enqueue(CheckAllCommand{});
    // A second dispatcher over the same database, as on another node.
    Dispatcher other(srv.db(), clock, m.transport(), m.events(), DispatcherOptions{});
    std::atomic<int> sent{0};
    std::thread t1([&] { sent += m.dispatcher().RunOnce().value(); });
    std::thread t2([&] { sent += other.RunOnce().value(); });
    t1.join();
    t2.join();
    EXPECT_EQ(sent.load(), 1);
    EXPECT_EQ(Status(c1), "SENT");
}

// A reply says whether the station it frees has more to send (the link then wakes the
// dispatcher for it); a corroborating check_all still in its delay does not count.
TEST_F(CabinetDispatchTest, AReplyTellsWhetherItsStationHasMoreToSend) {
    auto reply = [&]() -> bool {
        auto m2 = srv.db().Transact([&](db::Connection& tx) {
            return MatchReply(tx, station, kCmdInventory, "", 0, true, "{}", DispatchTiming{}, clock.Now());
        });
        EXPECT_TRUE(m2.ok() && m2->has_value());
        return m2.ok() && *m2 && (*m2)->more_queued;
    };
    std::string c1 = Enqueue(CheckCommand{});
    EXPECT_EQ(Run(), 1);
    std::string c2 = Enqueue(CheckAllCommand{});
    EXPECT_TRUE(reply());  // c1 answered, c2 waiting
    clock.Advance(6 * kSecond);
    EXPECT_EQ(Run(), 1);
    EXPECT_EQ(Status(c2), "SENT");
    auto later = srv.db().Transact([&](db::Connection& tx) {
        return m.commands().EnsureCheckAll(tx, station, CommandQueue::kCorroborate);
    });
    ASSERT_TRUE(later.ok());
    EXPECT_FALSE(reply());  // c2 answered; only a check_all in its delay is left
}

// A running dispatcher scans the queue every poll_interval; a station woken by name (a
// commit that queued a command for it, a reply that freed it) is served at once.
TEST_F(CabinetDispatchTest, AWokenStationIsServedAtOnceNotAtTheNextPoll) {
    auto wait_sent = [&](const std::string& id) {
        for (int i = 0; i < 500 && Status(id) != "SENT"; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return Status(id);
    };
    std::string c1 = Enqueue(CheckCommand{});
    DispatcherOptions o;
    o.poll_interval = 3600 * kSecond;
    o.threads = 2;
    Dispatcher d(srv.db(), clock, m.transport(), m.events(), o);
    d.Start();
    ASSERT_EQ(wait_sent(c1), "SENT");  // the first pass scans the queue
    std::string c2 = Enqueue(CheckAllCommand{});
    Frame(InventoryFrame());  // c1 answered; this link wakes the other dispatcher, not d
    EXPECT_EQ(Status(c1), "REPLIED");
    clock.Advance(6 * kSecond);  // past the pacing
    d.Wake("another-station");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(Status(c2), "QUEUED");  // nobody asked for this station, the next scan is an hour away
    d.Wake(station);
    EXPECT_EQ(wait_sent(c2), "SENT");
    d.Stop();
}

}  // namespace
}  // namespace ps::cabinet
