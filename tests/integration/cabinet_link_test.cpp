// The cabinet link end to end through a private mosquitto on loopback and simulated cabinets
// speaking the real protocol: HTTP connect -> per-cabinet credentials -> MQTT; uploads,
// check_all, eject by serial, returns, bad frames and unknown IMEIs.
#include <gtest/gtest.h>

#include "app/services.hpp"
#include "cabinet/broker_auth.hpp"
#include "cabinet/simulator/fleet.hpp"
#include "cabinet/simulator/seed.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/test_server.hpp"

namespace ps::cabinet {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

template <typename F>
bool WaitFor(F f, std::chrono::milliseconds limit = 10s) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (f()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return f();
}

class CabinetLinkTest : public ::testing::Test {
protected:
    test::MosquittoBroker broker;
    test::TestServer srv{test::ServerOptions{false, [this](app::Config& c) {
        c.mqtt_broker = broker.address();
        c.cabinet_dispatcher = false;  // the tests send with RunOnce
    }}};
    CabinetModule& link = *srv.app().services->cabinet;
    SecureRandom rnd;
    sim::Scheduler scheduler;
    std::vector<EjectResult> ejects;
    std::vector<BankReturned> returns;
    std::mutex mu;

    void SetUp() override {
        ASSERT_TRUE(WaitFor([&] { return link.transport().Connected(); })) << broker.Log();
        link.events().OnEjectResult([this](const EjectResult& e) {
            std::lock_guard l(mu);
            ejects.push_back(e);
        });
        link.events().OnBankReturned([this](const BankReturned& r) {
            std::lock_guard l(mu);
            returns.push_back(r);
        });
    }

    std::string Seed(const std::string& imei, std::vector<std::pair<int, uint32_t>> banks,
                     std::string status = "OFFLINE") {
        sim::StationSpec s{imei, "SN-" + imei.substr(10), "Cabinet " + imei};
        s.banks = std::move(banks);
        s.status = std::move(status);
        auto id = sim::SeedStation(srv.db(), *srv.app().clock, rnd, s);
        EXPECT_TRUE(id.ok());
        return id.ok() ? *id : "";
    }

    std::unique_ptr<sim::SimCabinet> Cabinet(const std::string& imei,
                                             std::vector<std::pair<int, uint32_t>> banks) {
        sim::SimCabinetOptions o;
        o.imei = imei;
        o.server_url = srv.client().base();
        o.periodic = false;
        o.reply_delay_min = o.reply_delay_max = 0ms;
        auto c = std::make_unique<sim::SimCabinet>(o, scheduler, rnd, sim::MqttFactory());
        for (auto [slot, sn] : banks) c->PutBank(slot, sn, 80);
        return c;
    }

    std::optional<db::Row> One(const std::string& sql, const db::Params& p = {}) {
        auto r = srv.db().Read([&](db::Connection& c) { return c.QueryOne(sql, p); });
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return r.ok() ? *r : std::nullopt;
    }
    // (status, serial or "") of a slot
    std::pair<std::string, std::string> Slot(const std::string& station, int n) {
        auto r = One("SELECT s.status, COALESCE(b.serial_number, '') FROM station_slots s LEFT JOIN "
                     "power_banks b ON b.id = s.power_bank_id WHERE s.station_id = ? AND s.slot_number = ?",
                     {station, n});
        return r ? std::pair{r->Str(0), r->Str(1)} : std::pair<std::string, std::string>{};
    }
    int64_t Count(const std::string& sql, const db::Params& p = {}) {
        auto r = One(sql, p);
        return r ? r->Int(0) : -1;
    }
};

TEST_F(CabinetLinkTest, ConnectIssuesCredentialsThenUploadUpdatesSlots) {
    const std::string imei = "860000000000101";
    std::string station = Seed(imei, {{1, 11111111}, {2, 22222222}});
    auto cab = Cabinet(imei, {{1, 11111111}, {3, 33333333}});
    ASSERT_TRUE(cab->Boot().ok());
    ConnectData d = cab->connect_data();
    EXPECT_EQ(d.client_id, imei);
    EXPECT_EQ(d.username, "device_" + imei);
    EXPECT_EQ(d.password.size(), 16u);
    EXPECT_EQ(d.port, broker.port());
    auto row = One("SELECT mqtt_username, mqtt_password_hash, status FROM stations WHERE id = ?", {station});
    ASSERT_TRUE(row);
    EXPECT_EQ(row->Str(0), "device_" + imei);
    EXPECT_TRUE(MosquittoPasswordMatches(row->Str(1), d.password));
    EXPECT_EQ(row->Str(1).find(d.password), std::string::npos);  // stored hashed only
    EXPECT_EQ(row->Str(2), "ONLINE");
    ASSERT_TRUE(WaitFor([&] { return cab->connected(); }));

    ASSERT_TRUE(cab->Upload().ok());
    EXPECT_EQ(Slot(station, 1), (std::pair<std::string, std::string>{"OCCUPIED", "11111111"}));
    EXPECT_EQ(Slot(station, 2), (std::pair<std::string, std::string>{"AVAILABLE", ""}));
    EXPECT_EQ(Slot(station, 3), (std::pair<std::string, std::string>{"OCCUPIED", "33333333"}));
    EXPECT_EQ(Slot(station, 8), (std::pair<std::string, std::string>{"AVAILABLE", ""}));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM power_banks WHERE serial_number = '22222222' AND "
                    "current_station_id IS NULL"), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM power_bank_history h JOIN power_banks b ON b.id = "
                    "h.power_bank_id WHERE b.serial_number = '22222222' AND h.event = 'MISSING'"), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM cabinet_frames WHERE imei = ? AND channel = 'http_upload' "
                    "AND error IS NULL", {imei}), 1);
}

TEST_F(CabinetLinkTest, StaffCheckAllReconcilesTheCabinetOverMqtt) {
    const std::string imei = "860000000000102";
    std::string station = Seed(imei, {{1, 11111112}, {2, 22222223}});
    auto cab = Cabinet(imei, {{1, 11111112}, {4, 44444445}});
    ASSERT_TRUE(cab->Boot().ok());
    ASSERT_TRUE(WaitFor([&] { return cab->connected(); }));
    std::string staff = srv.StaffToken("ops@example.com");
    auto r = srv.client().Json("POST", "/api/admin/stations/SN-00102/command",
                               json::object{{"command", "check_all"}}, staff);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.data().at("status"), "QUEUED");
    EXPECT_EQ(r.data().at("success"), true);
    std::string id(r.data().at("command_id").as_string());
    auto sent = link.dispatcher().RunOnce();
    ASSERT_TRUE(sent.ok());
    EXPECT_EQ(*sent, 1);
    ASSERT_TRUE(WaitFor([&] {
        auto s = One("SELECT status FROM cabinet_commands WHERE id = ?", {id});
        return s && s->Str(0) == "REPLIED";
    }));
    EXPECT_EQ(Slot(station, 2).second, "");
    EXPECT_EQ(Slot(station, 4), (std::pair<std::string, std::string>{"OCCUPIED", "44444445"}));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM admin_action_logs WHERE action_type = 'STATION_COMMAND' "
                    "AND target_id = ?", {station}), 1);
    auto frames = srv.client().Get("/api/admin/stations/SN-00102/frames", staff);
    ASSERT_EQ(frames.status, 200) << frames.body;
    ASSERT_GE(frames.data().at("results").as_array().size(), 1u);
    EXPECT_EQ(frames.data().at("results").at(0).at("command"), "0x10");
    EXPECT_EQ(frames.data().at("results").at(0).at("parsed").at("type"), "inventory");
    auto nobody = srv.client().Get("/api/admin/stations/SN-00102/frames");
    EXPECT_NE(nobody.status, 200);
}

TEST_F(CabinetLinkTest, EjectBySerialReportsTheResultAndEmptiesTheSlot) {
    const std::string imei = "860000000000103";
    std::string station = Seed(imei, {{1, 11111113}, {2, 22222224}}, "ONLINE");
    auto cab = Cabinet(imei, {{1, 11111113}, {2, 22222224}});
    ASSERT_TRUE(cab->Boot().ok());
    ASSERT_TRUE(WaitFor([&] { return cab->connected(); }));
    auto id = srv.db().Transact([&](db::Connection& tx) {
        return link.RequestEject(tx, station, EjectTarget::Serial("22222224"), "rental-1");
    });
    ASSERT_TRUE(id.ok()) << id.error().message;
    ASSERT_TRUE(link.dispatcher().RunOnce().ok());
    ASSERT_TRUE(WaitFor([&] { std::lock_guard l(mu); return !ejects.empty(); }));
    {
        std::lock_guard l(mu);
        ASSERT_EQ(ejects.size(), 1u);
        EXPECT_EQ(ejects[0].command_id, *id);
        EXPECT_EQ(ejects[0].rental_id, "rental-1");
        EXPECT_TRUE(ejects[0].ok);
        EXPECT_FALSE(ejects[0].late);
        EXPECT_EQ(ejects[0].serial, "22222224");
        EXPECT_EQ(ejects[0].slot, 2);
    }
    EXPECT_EQ(Slot(station, 2), (std::pair<std::string, std::string>{"AVAILABLE", ""}));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM power_banks WHERE serial_number = '22222224' AND "
                    "current_station_id IS NULL"), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM cabinet_commands WHERE id = ? AND status = 'REPLIED'", {*id}), 1);
    EXPECT_EQ(cab->Slots()[1].sn, 0u);  // the simulated bank left the cabinet too
}

TEST_F(CabinetLinkTest, ReturnFrameOccupiesTheSlotAndEmitsBankReturned) {
    const std::string imei = "860000000000104";
    std::string station = Seed(imei, {{1, 11111114}}, "ONLINE");
    auto cab = Cabinet(imei, {{1, 11111114}});
    ASSERT_TRUE(cab->Boot().ok());
    ASSERT_TRUE(WaitFor([&] { return cab->connected(); }));
    ASSERT_TRUE(cab->ReturnBank(77777777, 55, 3).ok());  // 0x40 over MQTT, then HTTP return
    ASSERT_TRUE(WaitFor([&] { std::lock_guard l(mu); return !returns.empty(); }));
    ASSERT_TRUE(WaitFor([&] {
        return Count("SELECT COUNT(*) FROM cabinet_frames WHERE imei = ?", {imei}) >= 2;
    }));
    std::this_thread::sleep_for(200ms);
    std::lock_guard l(mu);
    ASSERT_EQ(returns.size(), 1u);
    EXPECT_EQ(returns[0].station_id, station);
    EXPECT_EQ(returns[0].slot, 3);
    EXPECT_EQ(returns[0].serial, "77777777");
    EXPECT_EQ(returns[0].battery, 55);
    EXPECT_EQ(Slot(station, 3), (std::pair<std::string, std::string>{"OCCUPIED", "77777777"}));
    EXPECT_EQ(Count("SELECT battery_level FROM power_banks WHERE serial_number = '77777777'"), 55);
}

TEST_F(CabinetLinkTest, BadFramesAreStoredWithTheirErrorAndChangeNothingElse) {
    const std::string imei = "860000000000105";
    std::string station = Seed(imei, {{1, 11111115}});
    auto cab = Cabinet(imei, {{1, 11111115}});
    ASSERT_TRUE(cab->Boot().ok());
    ASSERT_TRUE(WaitFor([&] { return cab->connected(); }));
    ASSERT_TRUE(srv.db().Transact([&](db::Connection& tx) -> Status {
        return tx.Exec("UPDATE stations SET status = 'OFFLINE', last_heartbeat = 42 WHERE id = ?", {station});
    }).ok());
    auto inv = cab->InventoryFrame(false);
    std::string truncated(inv.begin(), inv.begin() + 20);
    std::string bad_sum(inv.begin(), inv.end());
    bad_sum.back() ^= 0x5A;
    for (const std::string& f : {std::string("garbage"), truncated, bad_sum,
                                 std::string("\xA8\x00\x05\x99\xBA", 5), std::string()})
        ASSERT_TRUE(cab->PublishUpdate(f).ok());
    ASSERT_TRUE(WaitFor([&] {
        return Count("SELECT COUNT(*) FROM cabinet_frames WHERE imei = ?", {imei}) == 5;
    })) << Count("SELECT COUNT(*) FROM cabinet_frames WHERE imei = ?", {imei});
    EXPECT_EQ(Count("SELECT COUNT(*) FROM cabinet_frames WHERE imei = ? AND error IS NOT NULL", {imei}), 5);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM cabinet_frames WHERE imei = ? AND error LIKE "
                    "'frame_bad_checksum%'", {imei}), 1);
    auto row = One("SELECT status, last_heartbeat FROM stations WHERE id = ?", {station});
    EXPECT_EQ(row->Str(0), "OFFLINE");
    EXPECT_EQ(row->Int(1), 42);
    EXPECT_EQ(Slot(station, 1), (std::pair<std::string, std::string>{"OCCUPIED", "11111115"}));
    // The link is still alive: a good heartbeat goes through.
    ASSERT_TRUE(cab->SendHeartbeat().ok());
    ASSERT_TRUE(WaitFor([&] {
        auto r = One("SELECT status FROM stations WHERE id = ?", {station});
        return r && r->Str(0) == "ONLINE";
    }));
}

// Liveness is written at most every kLivenessResolution while a cabinet is ONLINE: a stale
// last_heartbeat is still refreshed by the next frame.
TEST_F(CabinetLinkTest, AFrameRefreshesAStaleHeartbeatOfAnOnlineCabinet) {
    const std::string imei = "860000000000106";
    std::string station = Seed(imei, {{1, 11111116}});
    auto cab = Cabinet(imei, {{1, 11111116}});
    ASSERT_TRUE(cab->Boot().ok());
    ASSERT_TRUE(WaitFor([&] { return cab->connected(); }));
    ASSERT_TRUE(srv.db().Transact([&](db::Connection& tx) -> Status {
        return tx.Exec("UPDATE stations SET status = 'ONLINE', last_heartbeat = 42 WHERE id = ?", {station});
    }).ok());
    ASSERT_TRUE(cab->SendHeartbeat().ok());
    ASSERT_TRUE(WaitFor([&] {
        auto r = One("SELECT last_heartbeat FROM stations WHERE id = ?", {station});
        return r && r->Int(0) > 42;
    }));
}

TEST_F(CabinetLinkTest, UnknownImeiIsIgnoredAndGetsNoCredentials) {
    const std::string imei = "860000000000199";
    auto cab = Cabinet(imei, {{1, 12121212}});
    auto boot = cab->Boot();
    ASSERT_FALSE(boot.ok());
    EXPECT_NE(boot.error().message.find("403"), std::string::npos) << boot.error().message;
    // Frames on its topic (an open broker lets it publish) are dropped, not stored.
    auto frame = cab->InventoryFrame(false);
    auto st = link.link().HandleMqtt({UpdateTopic(imei), std::string(frame.begin(), frame.end())});
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(Count("SELECT COUNT(*) FROM stations WHERE imei = ?", {imei}), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM cabinet_frames WHERE imei = ?", {imei}), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM power_banks WHERE serial_number = '12121212'"), 0);
}

}  // namespace
}  // namespace ps::cabinet
