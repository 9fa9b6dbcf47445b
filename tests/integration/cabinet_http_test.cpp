// The cabinet's HTTP calls with the reference's worked examples (cabinet-protocol.md §8), both
// path families, sign checking, the corroboration of unverified returns, and the staff command
// endpoint's mapping of the reference's command names.
#include <gtest/gtest.h>

#include "app/services.hpp"
#include "cabinet/simulator/seed.hpp"
#include "support/test_server.hpp"

namespace ps::cabinet {
namespace {

namespace json = boost::json;
const std::string kImei = "860000000000001";
// §8 full upload: 1 board, 4 holes, bank 12345678 in hole 2 at 87 %.
const std::string kUploadHex =
    "A800471001040000040F"
    "010000000000000000000100000080"
    "020100E34900BC614E571932021900"
    "030000000000000000000100000080"
    "04000000000000000000010000008007";

std::string Unhex(const std::string& h) {
    std::string out;
    for (size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
    return out;
}

class CabinetHttpTest : public ::testing::Test {
protected:
    test::TestServer srv{test::ServerOptions{true, [](app::Config& c) { c.cabinet_dispatcher = false; }}};
    CabinetModule& m = *srv.app().services->cabinet;
    FakeClock& clock = *srv.fake_clock();
    test::HttpClient& c = srv.client();
    SecureRandom rnd;
    std::string station;
    std::vector<BankReturned> returns;
    std::mutex mu;

    void SetUp() override {
        sim::StationSpec s{kImei, "CG-0001", "Example", 27.7, 85.3, 4, {}};
        s.status = "ONLINE";
        station = *sim::SeedStation(srv.db(), clock, rnd, s);
        m.events().OnBankReturned([this](const BankReturned& r) { std::lock_guard l(mu); returns.push_back(r); });
    }
    int64_t Count(const std::string& sql, const db::Params& p = {}) {
        auto r = srv.db().Read([&](db::Connection& c) { return c.QueryOne(sql, p); });
        return r.ok() && *r ? (*r)->Int(0) : -1;
    }
    std::string Slot2() {
        auto r = srv.db().Read([&](db::Connection& c) {
            return c.QueryOne("SELECT COALESCE(b.serial_number, '') FROM station_slots s LEFT JOIN power_banks b "
                              "ON b.id = s.power_bank_id WHERE s.station_id = ? AND s.slot_number = 2", {station});
        });
        return r.ok() && *r ? (*r)->Str(0) : "?";
    }
};

TEST_F(CabinetHttpTest, WorkedExamplesOnBothPathFamilies) {
    for (const char* path : {"/api/iot/client/con", "/api/rentbox/client/connect"}) {
        auto r = c.Send("POST", std::string(path) + "?uuid=860000000000001&deviceId=0&simUUID=&simMobile=&sign="
                        "5135e88d9ec80fbff925af5dd572f34c", "hardware=V6086&software=X", "text/plain");
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.json.at("code"), 200);
        EXPECT_EQ(r.json.at("msg"), "ok");
        auto d = DecodeConnectData(std::string(r.json.at("data").as_string()));
        ASSERT_TRUE(d.ok());
        EXPECT_EQ(d->client_id, kImei);
        EXPECT_EQ(d->username, "device_" + kImei);
    }
    auto up = c.Send("POST", "/api/rentbox/upload/data?rentboxSN=860000000000001&signal=CSQ:25&sign="
                     "4da00665b6aa35cacff680e386e1a565", Unhex(kUploadHex), "application/octet-stream");
    ASSERT_EQ(up.status, 200) << up.body;
    EXPECT_EQ(Slot2(), "12345678");  // a bank never seen before: registered where it is
    EXPECT_EQ(Count("SELECT battery_level FROM power_banks WHERE serial_number = '12345678'"), 87);
    auto again = c.Send("POST", "/api/rentbox/client/upload?rentboxSN=860000000000001&signal=CSQ:25&sign="
                        "4da00665b6aa35cacff680e386e1a565", Unhex(kUploadHex), "text/plain");
    EXPECT_EQ(again.status, 200) << again.body;
    auto ret = c.Get("/api/rentbox/order/return?rentboxSN=860000000000001&singleSN=12345678&hole=2&power=87"
                     "&sign=fe92e2e4b081eb7f1b734e42337ff622");
    EXPECT_EQ(ret.status, 200) << ret.body;
    auto cfg = c.Get("/api/rentbox/config/data");
    ASSERT_EQ(cfg.status, 200);
    auto inner = json::parse(cfg.json.at("data").as_string());
    EXPECT_EQ(inner.at("dAreaConfig"), "357");
}

TEST_F(CabinetHttpTest, BadSignsAndBadParametersAreRefused) {
    auto bad = c.Send("POST", "/api/rentbox/upload/data?rentboxSN=860000000000001&signal=CSQ:25&sign=00",
                      Unhex(kUploadHex), "text/plain");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.json.at("msg"), "sign mismatch");
    auto no_imei = c.Get("/api/iot/client/con?deviceId=0");
    EXPECT_EQ(no_imei.status, 400);
    std::string garbage = Unhex(kUploadHex);
    garbage[5] = 0x7F;  // a broken 0x10 body: stored with its error, nothing else
    Params p{{"rentboxSN", kImei}, {"signal", "CSQ:25"}};
    auto broken = c.Send("POST", "/api/rentbox/upload/data?rentboxSN=860000000000001&signal=CSQ:25&sign=" +
                         ComputeSign(p), garbage, "text/plain");
    EXPECT_EQ(broken.status, 400) << broken.body;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM cabinet_frames WHERE error IS NOT NULL AND channel = 'http_upload'"), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM power_banks"), 0);
}

TEST_F(CabinetHttpTest, AnHttpReturnIsOnlyAClaimUntilTheCabinetCorroboratesIt) {
    // Bank 12345678 is in a user's hand (known, in no slot).
    ASSERT_TRUE(srv.db().Transact([&](db::Connection& tx) -> Status {
        return tx.Exec("INSERT INTO power_banks (id, serial_number, status, created_at, updated_at) "
                       "VALUES ('b1', '12345678', 'RENTED', 0, 0)");
    }).ok());
    Micros claimed_at = clock.Now();
    auto ret = c.Get("/api/rentbox/order/return?rentboxSN=860000000000001&singleSN=12345678&hole=2&power=87"
                     "&sign=fe92e2e4b081eb7f1b734e42337ff622");
    ASSERT_EQ(ret.status, 200) << ret.body;
    // A forged upload saying the same does not place it either.
    auto up = c.Send("POST", "/api/rentbox/upload/data?rentboxSN=860000000000001&signal=CSQ:25&sign="
                     "4da00665b6aa35cacff680e386e1a565", Unhex(kUploadHex), "text/plain");
    ASSERT_EQ(up.status, 200);
    EXPECT_EQ(Slot2(), "");
    EXPECT_TRUE(returns.empty());
    EXPECT_EQ(Count("SELECT COUNT(*) FROM cabinet_commands WHERE command = 'check_all' AND status = 'QUEUED'"), 1);
    clock.Advance(30 * kSecond);
    ASSERT_EQ(*m.dispatcher().RunOnce(), 1);
    // The cabinet's own answer over MQTT corroborates: the return counts from the claim.
    ASSERT_TRUE(m.link().HandleMqtt({UpdateTopic(kImei), Unhex(kUploadHex)}).ok());
    EXPECT_EQ(Slot2(), "12345678");
    std::lock_guard l(mu);
    ASSERT_EQ(returns.size(), 1u);
    EXPECT_EQ(returns[0].at, claimed_at);
    EXPECT_EQ(returns[0].slot, 2);
}

// The usual order on a busy server: the HTTP return call is handled before the cabinet's 0x40
// frame. The frame corroborates the claim, so the check_all queued for it is taken back unsent;
// a check_all queued for another reason meanwhile is not.
TEST_F(CabinetHttpTest, TheReturnFrameMakesTheCorroboratingCheckAllUnneeded) {
    ASSERT_TRUE(srv.db().Transact([&](db::Connection& tx) -> Status {
        return tx.Exec("INSERT INTO power_banks (id, serial_number, status, created_at, updated_at) "
                       "VALUES ('b1', '12345678', 'RENTED', 0, 0)");
    }).ok());
    Micros claimed_at = clock.Now();
    auto ret = c.Get("/api/rentbox/order/return?rentboxSN=860000000000001&singleSN=12345678&hole=2&power=87"
                     "&sign=fe92e2e4b081eb7f1b734e42337ff622");
    ASSERT_EQ(ret.status, 200) << ret.body;
    const std::string queued = "SELECT COUNT(*) FROM cabinet_commands WHERE command = 'check_all' AND status = 'QUEUED'";
    ASSERT_EQ(Count(queued), 1);
    // Not sent at once: the cabinet's own frame usually follows.
    EXPECT_EQ(*m.dispatcher().RunOnce(), 0);
    clock.Advance(kSecond);
    Bytes frame = EncodeReturnReport({1, 2, 0x49, 12345678, kStateOk, 0x19, 87});
    ASSERT_TRUE(m.link().HandleMqtt({UpdateTopic(kImei), std::string(frame.begin(), frame.end())}).ok());
    EXPECT_EQ(Slot2(), "12345678");
    EXPECT_EQ(Count(queued), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM cabinet_commands WHERE command = 'check_all' AND status = 'FAILED' "
                    "AND reply LIKE '%corroborated%'"), 1);
    {
        std::lock_guard l(mu);
        ASSERT_EQ(returns.size(), 1u);
        EXPECT_EQ(returns[0].at, claimed_at);
    }
    clock.Advance(30 * kSecond);
    EXPECT_EQ(*m.dispatcher().RunOnce(), 0);

    // A claim that becomes a real need (a rental's verification) is not taken back.
    auto again = c.Get("/api/rentbox/order/return?rentboxSN=860000000000001&singleSN=12345678&hole=2&power=87"
                       "&sign=fe92e2e4b081eb7f1b734e42337ff622");
    ASSERT_EQ(again.status, 200);  // the bank is in slot 2 already: nothing to corroborate
    EXPECT_EQ(Count(queued), 0);
    ASSERT_TRUE(srv.db().Transact([&](db::Connection& tx) -> Status {
        RETURN_IF_ERROR(m.commands().EnsureCheckAll(tx, station, CommandQueue::kCorroborate));
        return Status(m.commands().EnsureCheckAll(tx, station, "verify eject of rental X"));
    }).ok());
    ASSERT_TRUE(m.link().HandleMqtt({UpdateTopic(kImei), std::string(frame.begin(), frame.end())}).ok());
    EXPECT_EQ(Count("SELECT COUNT(*) FROM cabinet_commands WHERE command = 'check_all' AND status = 'QUEUED' "
                    "AND reason = 'verify eject of rental X'"), 1);
}

TEST_F(CabinetHttpTest, StaffCommandsMapTheReferenceNames) {
    std::string staff = srv.StaffToken("cmd@example.com");
    auto send = [&](json::object body) {
        return c.Json("POST", "/api/admin/stations/CG-0001/command", body, staff);
    };
    auto unlock = send({{"command", "UNLOCK_SLOT"}, {"parameters", {{"slot_number", 3}}}});
    ASSERT_EQ(unlock.status, 200) << unlock.body;
    auto row = srv.db().Read([&](db::Connection& cn) {
        return cn.QueryOne("SELECT command, payload, requested_by FROM cabinet_commands WHERE id = ?",
                           {std::string(unlock.data().at("command_id").as_string())});
    });
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ((*row)->Str(0), "popup");
    EXPECT_EQ((*row)->Str(1), R"({"cmd":"popup","data":"3","io":"0"})");
    EXPECT_GT((*row)->Int(2), 0);
    EXPECT_EQ(send({{"command", "LOCK_SLOT"}}).ErrorCode(), "command_not_supported");
    EXPECT_EQ(send({{"command", "dance"}}).ErrorCode(), "validation_error");
    EXPECT_EQ(send({{"command", "popup_sn"}, {"parameters", {{"serial", "x"}}}}).ErrorCode(), "validation_error");
    auto wifi = send({{"command", "wifi"}, {"parameters", {{"ssid", "Cafe"}, {"password", "hunter22"}}}});
    ASSERT_EQ(wifi.status, 200) << wifi.body;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM admin_action_logs WHERE changes LIKE '%hunter22%'"), 0);
    EXPECT_EQ(c.Json("POST", "/api/admin/stations/NOPE/command", json::object{{"command", "check"}}, staff).status, 404);
    auto [user, refresh] = srv.SignUp("user1@example.com", "user1");
    EXPECT_EQ(c.Json("POST", "/api/admin/stations/CG-0001/command", json::object{{"command", "check"}}, user).status, 403);
    ASSERT_TRUE(srv.db().Transact([&](db::Connection& tx) -> Status {
        return tx.Exec("UPDATE stations SET status = 'OFFLINE' WHERE id = ?", {station});
    }).ok());
    EXPECT_EQ(send({{"command", "reboot"}}).ErrorCode(), "station_offline");
}

}  // namespace
}  // namespace ps::cabinet
