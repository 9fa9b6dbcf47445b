// The simulator as the development fleet and test fixture: the in-process fleet (memory
// broker) ejects and brings banks back; eject failures and lost replies; heartbeat echo mode
// never echoes its own echo; a cabinet that misses its echoes reboots; `powershare simulate`
// plays cabinets against a server over a real mosquitto.
#include <gtest/gtest.h>

#include <cstdlib>

#include "app/services.hpp"
#include "cabinet/simulator/seed.hpp"
#include "cabinet/simulator/simulate.hpp"
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

int64_t Count(test::TestServer& s, const std::string& sql, const db::Params& p = {}) {
    auto r = s.db().Read([&](db::Connection& c) { return c.QueryOne(sql, p); });
    return r.ok() && *r ? (*r)->Int(0) : -1;
}

struct Collect {
    std::mutex mu;
    std::vector<EjectResult> ejects;
    std::vector<BankReturned> returns;
    explicit Collect(Events& e) {
        e.OnEjectResult([this](const EjectResult& x) { std::lock_guard l(mu); ejects.push_back(x); });
        e.OnBankReturned([this](const BankReturned& x) { std::lock_guard l(mu); returns.push_back(x); });
    }
    size_t Ejects() { std::lock_guard l(mu); return ejects.size(); }
    size_t Returns() { std::lock_guard l(mu); return returns.size(); }
};

TEST(CabinetSimTest, InProcessFleetEjectsAndBringsTheBankBack) {
    test::TestServer srv{test::ServerOptions{false, [](app::Config& c) {
        c.cabinet_command_spacing_ms = 100;
    }}};
    CabinetModule& m = *srv.app().services->cabinet;
    Collect seen(m.events());
    sim::InProcessFleet::Options o;
    o.stations = 3;
    o.server_url = srv.client().base();
    o.time_factor = 600;      // uploads every 2 s
    o.return_after_s = 600;   // back after ~1 s
    auto fleet = sim::InProcessFleet::Start(m, o);
    ASSERT_TRUE(fleet.ok()) << fleet.error().message;
    ASSERT_TRUE(WaitFor([&] { return (*fleet)->fleet().booted() == 3; }));
    ASSERT_TRUE(WaitFor([&] {
        return Count(srv, "SELECT COUNT(*) FROM stations WHERE imei LIKE '860000000000%' AND status = 'ONLINE'") == 3;
    }));
    // Station 1 holds banks in slots 1 and 3 (the seeding rule); eject the one in slot 1.
    auto id = srv.db().Transact([&](db::Connection& tx) -> Result<std::string> {
        ASSIGN_OR_RETURN(auto s, FindStationByImei(tx, sim::SimImei(1)));
        return m.RequestEject(tx, s->id, EjectTarget::Slot(1), "rental-sim");
    });
    ASSERT_TRUE(id.ok()) << id.error().message;
    m.dispatcher().Wake();
    ASSERT_TRUE(WaitFor([&] { return seen.Ejects() == 1; }));
    {
        std::lock_guard l(seen.mu);
        EXPECT_TRUE(seen.ejects[0].ok);
        EXPECT_EQ(seen.ejects[0].serial, "50000101");
    }
    ASSERT_TRUE(WaitFor([&] { return seen.Returns() >= 1; }, 15s));
    std::lock_guard l(seen.mu);
    EXPECT_EQ(seen.returns[0].serial, "50000101");
    EXPECT_EQ(Count(srv, "SELECT COUNT(*) FROM power_banks WHERE serial_number = '50000101' AND "
                         "current_station_id IS NOT NULL"), 1);
}

class CabinetSimFaultTest : public ::testing::Test {
protected:
    test::TestServer srv{test::ServerOptions{false, [](app::Config& c) {
        c.cabinet_command_spacing_ms = 100;
        c.cabinet_popup_timeout_s = 1;
    }}};
    CabinetModule& m = *srv.app().services->cabinet;
    Collect seen{m.events()};
    SecureRandom rnd;
    sim::Scheduler scheduler;
    std::string station;

    std::unique_ptr<sim::SimCabinet> Cabinet(sim::SimFaults faults, sim::TransportFactory f = {}) {
        sim::StationSpec s{"860000000000501", "SN-FAULT", "Faulty"};
        s.banks = {{1, 51510001}};
        s.status = "ONLINE";
        station = *sim::SeedStation(srv.db(), *srv.app().clock, rnd, s);
        sim::SimCabinetOptions o;
        o.imei = s.imei;
        o.periodic = false;
        o.faults = faults;
        o.reply_delay_min = o.reply_delay_max = 0ms;
        auto c = std::make_unique<sim::SimCabinet>(o, scheduler, rnd,
                                                   f ? f : sim::MemoryFactory(*m.memory_broker()));
        c->PutBank(1, 51510001, 90);
        EXPECT_TRUE(c->Boot().ok());
        return c;
    }
    Result<std::string> Eject() {
        auto id = srv.db().Transact([&](db::Connection& tx) {
            return m.RequestEject(tx, station, EjectTarget::Serial("51510001"), "r");
        });
        m.dispatcher().Wake();
        return id;
    }
};

TEST_F(CabinetSimFaultTest, AFailedEjectKeepsTheBankInItsSlot) {
    auto cab = Cabinet({100, 0, 0});
    ASSERT_TRUE(Eject().ok());
    ASSERT_TRUE(WaitFor([&] { return seen.Ejects() == 1; }));
    std::lock_guard l(seen.mu);
    EXPECT_FALSE(seen.ejects[0].ok);
    EXPECT_TRUE(seen.ejects[0].state == 0x00 || seen.ejects[0].state == 0x04);
    EXPECT_EQ(cab->Slots()[0].sn, 51510001u);
    EXPECT_EQ(Count(srv, "SELECT current_slot FROM power_banks WHERE serial_number = '51510001'"), 1);
}

TEST_F(CabinetSimFaultTest, ALostReplyTimesOutWhileTheBankIsGone) {
    auto cab = Cabinet({0, 100, 0});
    ASSERT_TRUE(Eject().ok());
    ASSERT_TRUE(WaitFor([&] { return seen.Ejects() == 1; }));
    std::lock_guard l(seen.mu);
    EXPECT_TRUE(seen.ejects[0].timed_out);
    EXPECT_EQ(cab->Slots()[0].sn, 0u);  // the firmware ejected it all the same
}

// Drops what comes back on the heart topic: the cabinet never sees an echo.
class DeafToHeart final : public Transport {
public:
    explicit DeafToHeart(std::unique_ptr<Transport> t) : t_(std::move(t)) {}
    void Subscribe(std::string f, int q) override { t_->Subscribe(std::move(f), q); }
    void SetHandler(Handler h) override {
        t_->SetHandler([h](const TransportMessage& m) {
            if (m.topic.find("/heart") == std::string::npos) h(m);
        });
    }
    Status Start() override { return t_->Start(); }
    void Stop() override { t_->Stop(); }
    Status Publish(std::string_view t, std::string_view p, int q) override { return t_->Publish(t, p, q); }
    bool Connected() const override { return t_->Connected(); }

private:
    std::unique_ptr<Transport> t_;
};

TEST_F(CabinetSimFaultTest, ACabinetThatMissesTwoEchoesReboots) {
    MemoryBroker& b = *m.memory_broker();
    auto cab = Cabinet({}, [&b](const ConnectData& d) {
        return std::make_unique<DeafToHeart>(b.NewClient(d.client_id));
    });
    ASSERT_TRUE(cab->SendHeartbeat().ok());
    ASSERT_TRUE(cab->SendHeartbeat().ok());  // one missed
    EXPECT_EQ(cab->reboots(), 0);
    ASSERT_TRUE(cab->SendHeartbeat().ok());  // two missed
    EXPECT_EQ(cab->reboots(), 1);
}

TEST_F(CabinetSimFaultTest, TheBrokerLoopBackSatisfiesTheFirmware) {
    auto cab = Cabinet({});
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(cab->SendHeartbeat().ok());
        m.memory_broker()->Drain();
    }
    EXPECT_EQ(cab->reboots(), 0);
}

TEST(CabinetSimEchoTest, EchoModeNeverEchoesItsOwnEcho) {
    test::TestServer srv{test::ServerOptions{false, [](app::Config& c) { c.cabinet_heartbeat_echo = true; }}};
    CabinetModule& m = *srv.app().services->cabinet;
    SecureRandom rnd;
    ASSERT_TRUE(sim::SeedStation(srv.db(), *srv.app().clock, rnd, {"860000000000601", "SN-ECHO", "Echo"}).ok());
    auto cabinet_side = m.memory_broker()->NewClient("cabinet");
    std::atomic<int> heard{0};
    cabinet_side->Subscribe(HeartTopic("860000000000601"), 1);
    cabinet_side->SetHandler([&](const TransportMessage&) { ++heard; });
    ASSERT_TRUE(cabinet_side->Start().ok());
    auto f = *EncodeHeartbeat(MakeHeartbeat(30, 0));
    ASSERT_TRUE(cabinet_side->Publish(HeartTopic("860000000000601"), std::string(f.begin(), f.end()), 1).ok());
    ASSERT_TRUE(WaitFor([&] { return heard.load() >= 2; }));  // loop-back + our echo
    std::this_thread::sleep_for(300ms);
    m.memory_broker()->Drain();
    EXPECT_EQ(heard.load(), 2);
    EXPECT_EQ(Count(srv, "SELECT COUNT(*) FROM cabinet_frames WHERE imei = '860000000000601'"), 1);
    EXPECT_EQ(Count(srv, "SELECT COUNT(*) FROM cabinet_heartbeat_echoes"), 0);
    cabinet_side->Stop();
}

TEST(CabinetSimCommandTest, SimulateSubcommandPlaysCabinetsOverMosquitto) {
    const char* bin = std::getenv("POWERSHARE_BIN");
    if (!bin) GTEST_SKIP() << "POWERSHARE_BIN not set";
    test::MosquittoBroker broker;
    test::TestServer srv{test::ServerOptions{false, [&](app::Config& c) { c.mqtt_broker = broker.address(); }}};
    SecureRandom rnd;
    for (const auto& spec : sim::KathmanduFleet(2, 71))
        ASSERT_TRUE(sim::SeedStation(srv.db(), *srv.app().clock, rnd, spec).ok());
    std::string cmd = std::string(bin) + " simulate --stations 2 --first 71 --time-factor 300 "
                      "--duration 6 --server " + srv.client().base() + " >/dev/null 2>&1";
    std::thread run([&] { EXPECT_EQ(std::system(cmd.c_str()), 0); });
    bool both = WaitFor([&] {
        return Count(srv, "SELECT COUNT(DISTINCT imei) FROM cabinet_frames WHERE channel = 'mqtt_heart'") == 2 &&
               Count(srv, "SELECT COUNT(DISTINCT imei) FROM cabinet_frames WHERE channel = 'http_upload'") == 2;
    }, 15s);
    run.join();
    EXPECT_TRUE(both) << broker.Log();
}

}  // namespace
}  // namespace ps::cabinet
