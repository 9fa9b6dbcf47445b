// Broker authentication against a real mosquitto that reads the password and ACL files the
// server writes: a cabinet gets credentials at connect, can use its own topics only, and a
// wrong password is refused; a burst of connects costs a few coalesced rewrites, after which
// every cabinet logs in; a restarted server writes the files from the database.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "app/services.hpp"
#include "cabinet/mqtt_transport.hpp"
#include "cabinet/simulator/fleet.hpp"
#include "cabinet/simulator/seed.hpp"
#include "cabinet/simulator/sim_http.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/test_server.hpp"

namespace ps::cabinet {
namespace {

using namespace std::chrono_literals;

template <typename F>
bool WaitFor(F f, std::chrono::milliseconds limit = 10s) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (f()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return f();
}

// The files must exist before mosquitto starts; the server then fills them and signals it.
test::BrokerOptions AuthFiles(const std::string& dir) {
    for (const char* f : {"/passwd", "/acl"}) {
        std::ofstream(dir + f) << "";
        ::chmod((dir + f).c_str(), 0644);
    }
    return {false, dir + "/passwd", dir + "/acl"};
}

class CabinetBrokerTest : public ::testing::Test {
protected:
    std::string dir = test::MosquittoBroker::PrepareDir();
    test::MosquittoBroker broker{AuthFiles(dir)};
    test::TestServer srv{test::ServerOptions{false, [this](app::Config& c) {
        c.mqtt_broker = broker.address();
        c.mqtt_password = "server-secret-password";
        c.cabinet_mqtt_password_file = dir + "/passwd";
        c.cabinet_mqtt_acl_file = dir + "/acl";
        c.cabinet_broker_pid_file = broker.pid_file();
        c.cabinet_dispatcher = false;
    }}};
    CabinetModule& m = *srv.app().services->cabinet;
    SecureRandom rnd;
    sim::Scheduler scheduler;

    ~CabinetBrokerTest() override { std::filesystem::remove_all(dir); }

    std::unique_ptr<sim::SimCabinet> Cabinet(const std::string& imei) {
        EXPECT_TRUE(sim::SeedStation(srv.db(), *srv.app().clock, rnd,
                                     {imei, "SN-" + imei.substr(10), imei, 27.7, 85.3, 8, {{1, 1000 + std::stoul(imei.substr(12))}}})
                        .ok());
        sim::SimCabinetOptions o;
        o.imei = imei;
        o.server_url = srv.client().base();
        o.periodic = false;
        o.reply_delay_min = o.reply_delay_max = 0ms;
        return std::make_unique<sim::SimCabinet>(o, scheduler, rnd, sim::MqttFactory());
    }
    int64_t Frames(const std::string& imei) {
        auto r = srv.db().Read([&](db::Connection& c) {
            return c.QueryOne("SELECT COUNT(*) FROM cabinet_frames WHERE imei = ?", {imei});
        });
        return r.ok() && *r ? (*r)->Int(0) : -1;
    }
};

TEST_F(CabinetBrokerTest, EachCabinetMayUseOnlyItsOwnTopics) {
    // The server's own account is in the files it wrote: it connects once the broker reloaded.
    ASSERT_TRUE(WaitFor([&] { return m.transport().Connected(); }, 15s)) << broker.Log();
    auto a = Cabinet("860000000000401");
    auto b = Cabinet("860000000000402");
    ASSERT_TRUE(a->Boot().ok());
    ASSERT_TRUE(b->Boot().ok());
    ASSERT_TRUE(WaitFor([&] { return a->connected() && b->connected(); }, 15s)) << broker.Log();

    // A's credentials on B's topics: publishing is dropped by the broker, B's commands unseen.
    ConnectData ad = a->connect_data();
    MqttTransport intruder({ad.host, ad.port, "intruder-a", ad.username, ad.password});
    std::atomic<int> stolen{0};
    intruder.Subscribe(CommandTopic(b->imei()), 0);
    intruder.SetHandler([&](const TransportMessage&) { ++stolen; });
    ASSERT_TRUE(intruder.Start().ok());
    ASSERT_TRUE(WaitFor([&] { return intruder.Connected(); }));
    auto hb = *EncodeHeartbeat(MakeHeartbeat(10, 0));
    std::string frame(hb.begin(), hb.end());
    ASSERT_TRUE(intruder.Publish(HeartTopic(b->imei()), frame, 1).ok());
    ASSERT_TRUE(intruder.Publish(UpdateTopic(b->imei()), frame, 1).ok());
    // ...while its own topic works.
    ASSERT_TRUE(intruder.Publish(HeartTopic(a->imei()), frame, 1).ok());
    ASSERT_TRUE(WaitFor([&] { return Frames(a->imei()) == 1; })) << broker.Log();

    // A command to B reaches B, not A's intruding client.
    auto id = srv.db().Transact([&](db::Connection& tx) -> Result<std::string> {
        ASSIGN_OR_RETURN(auto s, FindStationByImei(tx, b->imei()));
        return m.commands().EnqueueCommand(tx, s->id, GetWifiCommand{}, std::nullopt, "test");
    });
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(m.dispatcher().RunOnce().ok());
    ASSERT_TRUE(WaitFor([&] { return b->commands_received() == 1; })) << broker.Log();
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(stolen.load(), 0);
    EXPECT_EQ(Frames(b->imei()), 1);  // only B's own wifi reply, nothing A sent
    intruder.Stop();

    // A wrong password is refused.
    MqttTransport forger({ad.host, ad.port, "forger", ad.username, "not-the-password"});
    ASSERT_TRUE(forger.Start().ok());
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(forger.ConnectCount(), 0);
    EXPECT_FALSE(forger.Connected());
    forger.Stop();
}

TEST_F(CabinetBrokerTest, ReconnectingAfterABrokerRestartSubscribesAgain) {
    ASSERT_TRUE(WaitFor([&] { return m.transport().Connected(); }, 15s)) << broker.Log();
    auto a = Cabinet("860000000000403");
    ASSERT_TRUE(a->Boot().ok());
    ASSERT_TRUE(WaitFor([&] { return a->connected(); }, 15s));
    broker.Restart();  // every client drops; libmosquitto reconnects with backoff
    ASSERT_TRUE(WaitFor([&] { return m.transport().Connected() && a->connected(); }, 20s)) << broker.Log();
    ASSERT_TRUE(a->SendHeartbeat().ok());
    ASSERT_TRUE(WaitFor([&] { return Frames(a->imei()) == 1; })) << broker.Log();
}

// The cabinet's connect call as the firmware makes it; the credentials it was given.
Result<ConnectData> HttpConnect(const std::string& base, const std::string& imei) {
    Params p{{"uuid", imei}, {"deviceId", "0"}, {"simUUID", ""}, {"simMobile", ""}};
    ASSIGN_OR_RETURN(auto a, sim::HttpCall("POST", base + "/api/iot/client/con?" + sim::SignedQuery(p),
                                           "hardware=V6086&software=X"));
    boost::json::error_code ec;
    auto v = boost::json::parse(a.body, ec);
    if (a.status != 200 || ec || !v.is_object() || !v.as_object().contains("data") ||
        !v.at("data").is_string())
        return Internal("connect answered " + std::to_string(a.status) + ": " + a.body);
    return DecodeConnectData(v.at("data").as_string());
}

TEST_F(CabinetBrokerTest, AConnectBurstCostsAFewRewritesAndEveryCabinetLogsIn) {
    ASSERT_TRUE(WaitFor([&] { return m.transport().Connected(); }, 15s)) << broker.Log();
    constexpr int kCabinets = 48, kThreads = 8;
    std::vector<std::string> imeis;
    for (int i = 0; i < kCabinets; ++i) {
        imeis.push_back("8600000000005" + std::string(i < 10 ? "0" : "") + std::to_string(i));
        ASSERT_TRUE(sim::SeedStation(srv.db(), *srv.app().clock, rnd,
                                     {imeis.back(), "SN-B" + std::to_string(i), imeis.back(), 27.7, 85.3, 8, {}})
                        .ok());
    }
    ASSERT_TRUE(WaitFor([&] { return !m.broker_auth().pending(); }));
    const int64_t before = m.broker_auth().rewrites();

    std::vector<std::optional<ConnectData>> creds(kCabinets);
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = t; i < kCabinets; i += kThreads)
                if (auto d = HttpConnect(srv.client().base(), imeis[i]); d.ok()) creds[i] = *d;
        });
    for (auto& t : threads) t.join();
    auto burst = std::chrono::steady_clock::now() - t0;
    for (int i = 0; i < kCabinets; ++i) ASSERT_TRUE(creds[i]) << imeis[i];
    ASSERT_TRUE(WaitFor([&] { return !m.broker_auth().pending(); }));
    const int64_t rewrites = m.broker_auth().rewrites() - before;
    RecordProperty("rewrites", std::to_string(rewrites));
    RecordProperty("burst_ms", std::to_string(burst / 1ms));
    // One per cabinet before coalescing; now at most one per 200 ms of burst, plus the last.
    EXPECT_GE(rewrites, 1);
    EXPECT_LE(rewrites, burst / 200ms + 2) << "burst took " << burst / 1ms << " ms";
    EXPECT_LT(rewrites, kCabinets / 4);

    // Every cabinet logs in with what its connect answered, each its own topic only.
    std::vector<std::unique_ptr<MqttTransport>> logins;
    for (int i = 0; i < kCabinets; ++i) {
        const auto& d = *creds[i];
        logins.push_back(std::make_unique<MqttTransport>(
            MqttOptions{d.host, d.port, "login-" + imeis[i], d.username, d.password}));
        ASSERT_TRUE(logins.back()->Start().ok());
    }
    for (int i = 0; i < kCabinets; ++i)
        EXPECT_TRUE(WaitFor([&] { return logins[i]->Connected(); }, 15s)) << imeis[i] << broker.Log();
    for (auto& l : logins) l->Stop();
}

TEST_F(CabinetBrokerTest, AStartingServerWritesTheFilesFromTheDatabase) {
    ASSERT_TRUE(WaitFor([&] { return m.transport().Connected(); }, 15s)) << broker.Log();
    const std::string imei = "860000000000404";
    ASSERT_TRUE(sim::SeedStation(srv.db(), *srv.app().clock, rnd, {imei, "SN-404", imei, 27.7, 85.3, 8, {}}).ok());
    auto d = HttpConnect(srv.client().base(), imei);
    ASSERT_TRUE(d.ok()) << d.error().message;
    ASSERT_TRUE(WaitFor([&] { return !m.broker_auth().pending(); }));
    // The process died before its writer ran, and the files are lost: a starting server
    // (a new BrokerAuth, as CabinetModule::Start makes it) writes them from the database.
    for (const char* f : {"/passwd", "/acl"}) std::ofstream(dir + f, std::ios::trunc) << "";
    BrokerAuthOptions o = m.settings().auth;
    o.server_username = m.settings().mqtt_username;
    o.server_password = m.settings().mqtt_password;
    BrokerAuth restarted(srv.db(), o, rnd);
    ASSERT_TRUE(restarted.Start().ok());
    EXPECT_EQ(restarted.rewrites(), 1);
    std::ifstream in(dir + "/passwd");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    EXPECT_NE(text.find("device_" + imei + ":$7$"), std::string::npos) << text;
    MqttTransport login({d->host, d->port, "login-404", d->username, d->password});
    ASSERT_TRUE(login.Start().ok());
    EXPECT_TRUE(WaitFor([&] { return login.Connected(); }, 15s)) << broker.Log();
    login.Stop();
    restarted.Stop();
}

}  // namespace
}  // namespace ps::cabinet
