// kill -9 of the real server between a rental's start and the cabinet's eject reply, with a
// simulated cabinet on a real mosquitto: the reply is lost while the server is down, and after
// the restart the rental still ends right (the cabinet is asked, the rental becomes ACTIVE with
// one charge, the return completes it). The start replayed with its Idempotency-Key returns the
// same rental.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "cabinet/simulator/fleet.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/rental_fixture.hpp"
#include "support/server_process.hpp"

namespace ps::rentals {
namespace {

TEST(RentalCrash, KillNineBetweenStartAndTheEjectReply) {
    const char* bin = std::getenv("POWERSHARE_BIN");
    if (!bin) GTEST_SKIP() << "POWERSHARE_BIN (set by ctest) names the server binary";
    test::MosquittoBroker broker;
    ASSERT_TRUE(broker.running());
    test::TestDatabase db = test::MakeTestDatabase(2);
    std::string dir =
        (std::filesystem::temp_directory_path() / ("ps_rent_crash_" + std::to_string(getpid())))
            .string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    int port = test::FreePort();
    test::HttpClient client("http://127.0.0.1:" + std::to_string(port));
    test::ServerProcess server(
        bin,
        {"POWERSHARE_DATA_DIR=" + dir, "DATABASE_URL=" + db.url,
         "POWERSHARE_JWT_SECRET=crash-test-secret-0123456789abcdef0123456789",
         "POWERSHARE_LISTEN=127.0.0.1:" + std::to_string(port), "POWERSHARE_LOG_LEVEL=info",
         "POWERSHARE_RUN_JOBS=false", "POWERSHARE_MQTT_BROKER=" + broker.address(),
         "POWERSHARE_CABINET_POPUP_TIMEOUT_S=3", "POWERSHARE_CABINET_COMMAND_SPACING_MS=200"},
        dir + "/server.log");
    ASSERT_TRUE(server.Serve(port)) << "the server did not start; see " << dir;

    SystemClock clock;
    SecureRandom rnd;
    cabinet::sim::StationSpec spec{cabinet::sim::SimImei(951), "SN-KILL", "Crash station"};
    spec.banks = {{1, 53000001}};
    spec.status = "ONLINE";
    ASSERT_TRUE(cabinet::sim::SeedStation(*db.db, clock, rnd, spec).ok());
    cabinet::sim::Scheduler scheduler;
    cabinet::sim::SimCabinetOptions o;
    o.imei = spec.imei;
    o.periodic = false;
    o.broker_override = broker.address();
    o.reply_delay_min = o.reply_delay_max = 1500ms;  // the server dies before the reply
    cabinet::sim::SimCabinet cab(o, scheduler, rnd, cabinet::sim::MqttFactory());
    cab.PutBank(1, 53000001, 90);
    ASSERT_TRUE(cab.Boot().ok());

    std::string token = test::SignUpViaOutbox(client, dir, "9812000951", "crashrenter");
    ASSERT_FALSE(token.empty());
    auto uid = db.db->Read([&](db::Connection& c) {
        return c.QueryOne("SELECT id FROM users WHERE username = 'crashrenter'");
    });
    ASSERT_TRUE(uid.ok() && *uid);
    int64_t user_id = (**uid).Int(0);
    MakeEligible(*db.db, clock, rnd, user_id, Money{10000});
    auto one = [&](const std::string& sql, const db::Params& p) -> std::string {
        auto r = db.db->Read([&](db::Connection& c) { return c.QueryOne(sql, p); });
        return r.ok() && *r ? (**r).Str(0) : "";
    };
    auto transfers = [&](const std::string& k) -> int64_t {
        auto r = db.db->Read([&](db::Connection& c) {
            return c.QueryOne("SELECT COUNT(*) FROM ledger_transfers WHERE idempotency_key = ?",
                              {"rental:" + k});
        });
        return r.ok() && *r ? (**r).Int(0) : -1;
    };
    auto wallet = [&] {
        auto b = db.db->Read([&](db::Connection& c) { return money::Ledger::ReadBalances(c, user_id); });
        return b.ok() ? b->wallet : Money{-1};
    };

    json::object body{{"station_sn", "SN-KILL"}, {"package_id", kHourPkg}};
    std::vector<std::string> key{"Idempotency-Key: crash-start-1"};
    auto start = client.Send("POST", "/api/rentals/start", json::serialize(body),
                             "application/json", token, key);
    ASSERT_EQ(start.status, 201) << start.body;
    std::string id(start.data().at("id").as_string());
    // the eject is out to the cabinet, which answers 1.5 s later: the server dies first
    ASSERT_TRUE(WaitFor([&] {
        return one("SELECT status FROM cabinet_commands WHERE rental_id = ?", {id}) == "SENT";
    }, 5s));
    server.Stop(SIGKILL);
    ASSERT_TRUE(WaitFor([&] { return cab.Slots()[0].sn == 0u; }, 5s));  // the bank is out
    std::this_thread::sleep_for(500ms);  // and its reply went to nobody
    EXPECT_EQ(one("SELECT status FROM rentals WHERE id = ?", {id}), "PENDING_POPUP");

    ASSERT_TRUE(server.Serve(port)) << "the server did not restart; see " << dir;
    auto again = client.Send("POST", "/api/rentals/start", json::serialize(body),
                             "application/json", token, key);
    ASSERT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(again.data().at("id").as_string(), id);
    // never guessed: the eject times out, the cabinet is asked, the bank is not inside
    ASSERT_TRUE(WaitFor([&] { return one("SELECT status FROM rentals WHERE id = ?", {id}) == "ACTIVE"; },
                        20s))
        << one("SELECT status FROM rentals WHERE id = ?", {id}) << "; see " << dir;
    EXPECT_EQ(transfers(id + ":start"), 1);
    EXPECT_EQ(transfers(id + ":refund"), 0);
    EXPECT_EQ(wallet(), Money{5000});

    ASSERT_TRUE(cab.ReturnBank(53000001, 80).ok());
    ASSERT_TRUE(WaitFor([&] { return one("SELECT status FROM rentals WHERE id = ?", {id}) == "COMPLETED"; },
                        10s));
    EXPECT_EQ(wallet(), Money{5000});
    EXPECT_EQ(one("SELECT payment_status FROM rentals WHERE id = ?", {id}), "PAID");
    cab.Shutdown();
    server.Stop(SIGTERM);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ps::rentals
