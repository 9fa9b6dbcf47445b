// Liveness with a fake clock: any frame refreshes it; 25 minutes of silence -> OFFLINE through
// the registered cabinet_offline_check job; maintenance is kept; frame retention.
#include <gtest/gtest.h>

#include "app/services.hpp"
#include "cabinet/simulator/seed.hpp"
#include "support/test_server.hpp"

namespace ps::cabinet {
namespace {

class CabinetLivenessTest : public ::testing::Test {
protected:
    test::TestServer srv{test::ServerOptions{true}};
    CabinetModule& m = *srv.app().services->cabinet;
    FakeClock& clock = *srv.fake_clock();
    SecureRandom rnd;

    std::string Seed(const std::string& imei, const std::string& serial) {
        return *sim::SeedStation(srv.db(), clock, rnd, {imei, serial, serial});
    }
    std::string StatusOf(const std::string& id) {
        auto r = srv.db().Read([&](db::Connection& c) {
            return c.QueryOne("SELECT status FROM stations WHERE id = ?", {id});
        });
        return r.ok() && *r ? (*r)->Str(0) : "";
    }
    void Heartbeat(const std::string& imei) {
        auto f = *EncodeHeartbeat(MakeHeartbeat(20, 0));
        ASSERT_TRUE(m.link().HandleMqtt({HeartTopic(imei), std::string(f.begin(), f.end())}).ok());
    }
    void RunJob(const char* name) {
        const jobs::JobHandler* h = srv.app().jobs.Find(name);
        ASSERT_NE(h, nullptr) << name;
        ASSERT_TRUE((*h)(jobs::Job{1, name, "{}", 1}).ok());
    }
};

TEST_F(CabinetLivenessTest, SilenceOfTwentyFiveMinutesMarksTheStationOffline) {
    bool scheduled = false;
    for (const auto& p : srv.app().periodic)
        if (p.name == kOfflineCheckJob) scheduled = p.period == 5 * kMinute;
    EXPECT_TRUE(scheduled);
    std::string a = Seed("860000000000301", "SN-LIVE-A");
    std::string b = Seed("860000000000302", "SN-LIVE-B");
    Heartbeat("860000000000301");
    Heartbeat("860000000000302");
    EXPECT_EQ(StatusOf(a), "ONLINE");
    clock.Advance(20 * kMinute);
    Heartbeat("860000000000302");  // b keeps talking
    clock.Advance(4 * kMinute);
    RunJob(kOfflineCheckJob);
    EXPECT_EQ(StatusOf(a), "ONLINE");  // 24 min of silence
    clock.Advance(2 * kMinute);
    RunJob(kOfflineCheckJob);
    EXPECT_EQ(StatusOf(a), "OFFLINE");  // 26 min
    EXPECT_EQ(StatusOf(b), "ONLINE");   // 6 min
    Heartbeat("860000000000301");
    EXPECT_EQ(StatusOf(a), "ONLINE");
}

TEST_F(CabinetLivenessTest, MaintenanceIsNeverTurnedOnlineOrOffline) {
    std::string a = Seed("860000000000303", "SN-LIVE-C");
    ASSERT_TRUE(srv.db().Transact([&](db::Connection& tx) -> Status {
        return tx.Exec("UPDATE stations SET status = 'MAINTENANCE', is_maintenance = 1 WHERE id = ?", {a});
    }).ok());
    Heartbeat("860000000000303");
    EXPECT_EQ(StatusOf(a), "MAINTENANCE");
    clock.Advance(kHour);
    RunJob(kOfflineCheckJob);
    EXPECT_EQ(StatusOf(a), "MAINTENANCE");
}

TEST_F(CabinetLivenessTest, RetentionDeletesOldFramesOnly) {
    Seed("860000000000304", "SN-LIVE-D");
    Heartbeat("860000000000304");
    clock.Advance(29 * kDay);
    Heartbeat("860000000000304");
    clock.Advance(2 * kDay);  // the first is 31 days old, the second 2
    RunJob(kRetentionJob);
    auto n = srv.db().Read([&](db::Connection& c) {
        return c.QueryOne("SELECT COUNT(*) FROM cabinet_frames WHERE imei = '860000000000304'");
    });
    ASSERT_TRUE(n.ok());
    EXPECT_EQ((*n)->Int(0), 1);
}

}  // namespace
}  // namespace ps::cabinet
