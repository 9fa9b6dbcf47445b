#include "cabinet/simulator/simulate.hpp"

#include <csignal>
#include <pthread.h>

#include "cabinet/simulator/seed.hpp"
#include "core/log.hpp"

namespace ps::cabinet::sim {

namespace {
auto Log() { return Logger("sim"); }
}  // namespace

int RunSimulate(const SimulateArgs& a) {
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // before any thread starts
    SecureRandom random;
    FleetOptions o;
    for (int n = a.first; n < a.first + a.stations; ++n) o.imeis.push_back(SimImei(n));
    o.server_url = a.server;
    o.broker_override = a.broker;
    o.faults = a.faults;
    o.time_factor = a.time_factor;
    o.return_after = std::chrono::seconds(a.return_after_s);
    o.same_station_return_pct = a.same_station_return_pct;
    Fleet fleet(o, random, MqttFactory());
    fleet.Start();
    Log()->info("simulating stations={} server={} broker={} time_factor={}", a.stations, a.server,
                a.broker.empty() ? "(from connect)" : a.broker, a.time_factor);
    timespec tick{1, 0};
    for (int64_t waited = 1;; ++waited) {
        int sig = sigtimedwait(&stop, nullptr, &tick);
        if (sig == SIGINT || sig == SIGTERM) break;
        if (waited % 10 == 0)
            Log()->info("sim fleet booted={} ejected={} in_hand={} returned={}", fleet.booted(),
                        fleet.ejected(), fleet.in_hand(), fleet.returned());
        if (a.duration_s > 0 && waited >= a.duration_s) break;
    }
    fleet.Stop();
    Log()->info("simulation stopped ejected={} returned={}", fleet.ejected(), fleet.returned());
    return 0;
}

InProcessFleet::~InProcessFleet() {
    if (fleet_) fleet_->Stop();
}

Result<std::unique_ptr<InProcessFleet>> InProcessFleet::Start(CabinetModule& m, Options o) {
    std::unique_ptr<InProcessFleet> self(new InProcessFleet());
    FleetOptions fo;
    for (const auto& spec : KathmanduFleet(o.stations)) {
        auto id = SeedStation(m.db(), m.clock(), m.random(), spec);
        if (!id.ok()) return std::move(id).error();
        fo.imeis.push_back(spec.imei);
    }
    db::Database& db = m.db();
    fo.initial_slots = [&db](const std::string& imei) {
        auto slots = LoadSlots(db, imei, 8);
        return slots.ok() ? *slots : std::vector<SimSlot>(8);
    };
    fo.server_url = o.server_url;
    fo.faults = o.faults;
    fo.time_factor = o.time_factor;
    fo.return_after = std::chrono::seconds(o.return_after_s);
    fo.same_station_return_pct = o.same_station_return_pct;
    TransportFactory factory;
    if (!o.use_broker && m.memory_broker()) {
        factory = MemoryFactory(*m.memory_broker());
    } else {
        factory = MqttFactory();
        if (!m.settings().mqtt_broker.empty()) fo.broker_override = m.settings().mqtt_broker;
    }
    self->fleet_ = std::make_unique<Fleet>(std::move(fo), self->random_, std::move(factory));
    self->fleet_->Start();
    Log()->info("in-process fleet started stations={} transport={}", o.stations,
                o.use_broker || !m.memory_broker() ? "broker" : "in-process");
    return self;
}

}  // namespace ps::cabinet::sim
