// A fleet of simulated cabinets (sim_cabinet.hpp) sharing one timer thread: boots them
// (staggered), keeps every ejected bank "in a user's hand" and returns it after return_after
// (scaled by the time factor, ±20 %) at the same cabinet or a random one with a free slot.
// Used by `powershare simulate` (real HTTP + MQTT), by `serve` with POWERSHARE_SIM_STATIONS
// (in-process) and by tests.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cabinet/memory_transport.hpp"
#include "cabinet/simulator/scheduler.hpp"
#include "cabinet/simulator/sim_cabinet.hpp"

namespace ps::cabinet::sim {

// Dials the host:port of the connect reply with its client id and credentials (libmosquitto).
TransportFactory MqttFactory();
// Joins an in-process broker.
TransportFactory MemoryFactory(MemoryBroker& broker);

struct FleetOptions {
    std::vector<std::string> imeis;
    int slots = 8;
    std::string server_url;       // the PowerShare server the cabinets call
    std::string broker_override;  // host:port instead of what connect returns
    SimFaults faults;
    int time_factor = 1;          // heartbeats, uploads and returns run this much faster
    Scheduler::Duration return_after = std::chrono::minutes(30);
    int same_station_return_pct = 30;
    // The cabinet's initial banks; empty function -> two thirds full with made-up serials.
    std::function<std::vector<SimSlot>(const std::string& imei)> initial_slots;
};

class Fleet {
public:
    Fleet(FleetOptions options, Random& random, TransportFactory factory);
    ~Fleet();
    Fleet(const Fleet&) = delete;
    Fleet& operator=(const Fleet&) = delete;

    void Start();  // boots every cabinet (retrying failed boots every 10 s)
    void Stop();

    size_t size() const { return cabinets_.size(); }
    SimCabinet& cabinet(size_t i) { return *cabinets_.at(i); }
    int in_hand() const { return in_hand_.load(); }
    int ejected() const { return ejected_.load(); }
    int returned() const { return returned_.load(); }
    int booted() const { return booted_.load(); }

private:
    void BootLater(size_t i, Scheduler::Duration delay);
    void OnEjected(size_t from, uint32_t sn, int soc);
    void GiveBack(size_t from, uint32_t sn, int soc, int attempt);
    bool Roll(int pct) { return pct > 0 && static_cast<int>(random_.Uniform(100)) < pct; }

    FleetOptions options_;
    Random& random_;
    Scheduler scheduler_;  // declared before the cabinets: stopped and destroyed after them
    std::vector<std::unique_ptr<SimCabinet>> cabinets_;
    std::atomic<int> in_hand_{0}, ejected_{0}, returned_{0}, booted_{0};
    std::atomic<bool> stopped_{false};
};

}  // namespace ps::cabinet::sim
