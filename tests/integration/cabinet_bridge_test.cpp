// POST /api/internal/stations/data (the existing bridge): staff token + HMAC signature over
// body + timestamp within 300 s; forged, stale and replayed requests refused; full, returned
// and status payloads applied.
#include <gtest/gtest.h>

#include "app/services.hpp"
#include "cabinet/simulator/seed.hpp"
#include "core/crypto.hpp"
#include "support/test_server.hpp"

namespace ps::cabinet {
namespace {

namespace json = boost::json;
constexpr int64_t kExampleTs = 1767225600;  // cabinet-protocol.md §8

class CabinetBridgeTest : public ::testing::Test {
protected:
    test::TestServer srv{test::ServerOptions{true, [](app::Config& c) {
        c.iot_signature_secret = "example-secret";
    }}};
    CabinetModule& m = *srv.app().services->cabinet;
    SecureRandom rnd;
    std::string staff, station;
    std::vector<BankReturned> returns;
    std::mutex mu;

    void SetUp() override {
        srv.fake_clock()->Set(kExampleTs * kSecond + 10 * kSecond);
        staff = srv.StaffToken("bridge@example.com");
        sim::StationSpec s{"860000000000001", "CG-0001", "Bridge station"};
        s.banks = {{1, 11112222}};
        station = *sim::SeedStation(srv.db(), *srv.fake_clock(), rnd, s);
        m.events().OnBankReturned([this](const BankReturned& r) {
            std::lock_guard l(mu);
            returns.push_back(r);
        });
    }
    test::HttpReply Post(const std::string& body, int64_t ts, std::string sig = "",
                         std::string token = "-") {
        if (sig.empty()) sig = Base64Encode(HmacSha256("example-secret", body + std::to_string(ts)));
        return srv.client().Send("POST", "/api/internal/stations/data", body, "application/json",
                                 token == "-" ? staff : token,
                                 {"X-Timestamp: " + std::to_string(ts), "X-Signature: " + sig});
    }
    std::string StationStatus() {
        auto r = srv.db().Read([&](db::Connection& c) {
            return c.QueryOne("SELECT status FROM stations WHERE id = ?", {station});
        });
        return r.ok() && *r ? (*r)->Str(0) : "";
    }
};

const std::string kStatusBody =
    R"({"type":"status","timestamp":1767225600,"device":{"serial_number":"860000000000001","status":"ONLINE"}})";

TEST_F(CabinetBridgeTest, TheReferenceExampleSignatureIsAccepted) {
    auto r = Post(kStatusBody, kExampleTs, "ChcHR7m64LcX2wDhzdfBvxtiRBgffRe1uJ7Def9d3F4=");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json.at("message"), "IoT data processed successfully");
    EXPECT_EQ(r.data().at("status"), "ONLINE");
    EXPECT_EQ(r.data().at("serial_number"), "CG-0001");
    EXPECT_EQ(r.data().at("station_id").as_string(), station);
    EXPECT_EQ(StationStatus(), "ONLINE");
}

TEST_F(CabinetBridgeTest, ForgedStaleReplayedAndUnsignedRequestsChangeNothing) {
    auto forged = Post(kStatusBody, kExampleTs, Base64Encode(HmacSha256("wrong", kStatusBody + "1767225600")));
    EXPECT_EQ(forged.status, 403) << forged.body;
    EXPECT_EQ(forged.ErrorCode(), "invalid_signature");
    std::string tampered = kStatusBody;
    tampered.replace(tampered.find("ONLINE"), 6, "OFFLIN");
    auto altered = Post(tampered, kExampleTs, "ChcHR7m64LcX2wDhzdfBvxtiRBgffRe1uJ7Def9d3F4=");
    EXPECT_EQ(altered.status, 403);
    auto stale = Post(kStatusBody, kExampleTs - 301);
    EXPECT_EQ(stale.status, 400) << stale.body;
    EXPECT_EQ(stale.ErrorCode(), "invalid_timestamp");
    auto future = Post(kStatusBody, kExampleTs + 400);
    EXPECT_EQ(future.ErrorCode(), "invalid_timestamp");
    auto bare = srv.client().Send("POST", "/api/internal/stations/data", kStatusBody,
                                  "application/json", staff);
    EXPECT_EQ(bare.ErrorCode(), "missing_headers");
    auto anonymous = Post(kStatusBody, kExampleTs, "", "");
    EXPECT_NE(anonymous.status, 200);
    EXPECT_EQ(StationStatus(), "OFFLINE");

    auto first = Post(kStatusBody, kExampleTs);
    ASSERT_EQ(first.status, 200) << first.body;
    auto replay = Post(kStatusBody, kExampleTs);
    EXPECT_EQ(replay.status, 403) << replay.body;
    EXPECT_EQ(replay.ErrorCode(), "replayed_request");
}

TEST_F(CabinetBridgeTest, FullReturnedAndStatusPayloads) {
    json::object full{
        {"type", "full"}, {"timestamp", kExampleTs},
        {"device", {{"serial_number", "860000000000001"}, {"imei", "860000000000001"}, {"status", "ONLINE"}}},
        {"station", {{"serial_number", "860000000000001"}, {"total_slots", 4}}},
        {"slots", json::array{{{"slot_number", 1}, {"status", "AVAILABLE"}, {"battery_level", 0}},
                              {{"slot_number", 2}, {"status", "OCCUPIED"}, {"battery_level", 87},
                               {"power_bank_serial", "12345678"}}}},
        {"power_banks", json::array{{{"serial_number", "12345678"}, {"battery_level", 87},
                                     {"current_slot", 2}, {"status", "AVAILABLE"}}}}};
    auto r = Post(json::serialize(full), kExampleTs);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.data().at("slots_updated"), 2);
    EXPECT_EQ(r.data().at("powerbanks_updated"), 1);
    EXPECT_EQ(r.data().at("station_serial"), "CG-0001");
    auto slot2 = srv.db().Read([&](db::Connection& c) {
        return c.QueryOne("SELECT b.serial_number, s.battery_level FROM station_slots s JOIN power_banks b "
                          "ON b.id = s.power_bank_id WHERE s.station_id = ? AND s.slot_number = 2", {station});
    });
    ASSERT_TRUE(slot2.ok() && *slot2);
    EXPECT_EQ((*slot2)->Str(0), "12345678");
    EXPECT_EQ((*slot2)->Int(1), 87);

    json::object ret{{"type", "returned"},
                     {"device", {{"serial_number", "860000000000001"}}},
                     {"return_event", {{"power_bank_serial", "11112222"}, {"slot_number", 3},
                                       {"battery_level", 40}, {"returned_at", "2026-01-01T00:00:05Z"}}}};
    auto rr = Post(json::serialize(ret), kExampleTs);
    ASSERT_EQ(rr.status, 200) << rr.body;
    EXPECT_EQ(rr.data().at("slot_number"), 3);
    {
        std::lock_guard l(mu);
        ASSERT_EQ(returns.size(), 1u);
        EXPECT_EQ(returns[0].serial, "11112222");
        EXPECT_EQ(returns[0].slot, 3);
        EXPECT_EQ(returns[0].source, "bridge");
        EXPECT_EQ(returns[0].at, (kExampleTs + 5) * kSecond);
    }
    ret["return_event"].as_object()["power_bank_serial"] = "424242";
    auto unknown = Post(json::serialize(ret), kExampleTs + 1);
    EXPECT_EQ(unknown.ErrorCode(), "powerbank_not_found");
    auto bad_type = Post(R"({"type":"sideways"})", kExampleTs);
    EXPECT_EQ(bad_type.ErrorCode(), "invalid_type");
    auto no_station = Post(R"({"type":"status","device":{"serial_number":"999","status":"ONLINE"}})", kExampleTs);
    EXPECT_EQ(no_station.ErrorCode(), "station_not_found");
}

}  // namespace
}  // namespace ps::cabinet
