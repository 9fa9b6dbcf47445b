// The cabinet link assembled: transport (a real MQTT broker, or the in-process broker when
// none is configured), link, dispatcher, broker credentials, HTTP endpoints (cabinet calls,
// staff commands and frames, the bridge's internal endpoint) and jobs. wiring.cpp builds one
// and owns it; rentals use commands() / RequestEject() and events().
#pragma once

#include <memory>
#include <string>

#include "cabinet/broker_auth.hpp"
#include "cabinet/cabinet_jobs.hpp"
#include "cabinet/cabinet_routes.hpp"
#include "cabinet/command_queue.hpp"
#include "cabinet/dispatcher.hpp"
#include "cabinet/events.hpp"
#include "cabinet/link.hpp"
#include "cabinet/memory_transport.hpp"
#include "http/router.hpp"
#include "jobs/queue.hpp"

namespace ps::cabinet {

struct CabinetSettings {
    bool run_dispatcher = true;          // start the dispatcher loop (tests may call RunOnce)
    std::string mqtt_broker;             // "host:port"; empty -> the in-process MemoryBroker
    std::string mqtt_username, mqtt_password;
    std::string mqtt_client_id = "powershare";
    std::string mqtt_shared_group = "powershare";
    std::string bridge_secret;           // HMAC secret of POST /api/internal/stations/data
    Micros bridge_window = 300 * kSecond;
    LinkOptions link;
    DispatcherOptions dispatch;
    CabinetHttpOptions http;
    BrokerAuthOptions auth;
    CabinetJobOptions jobs;
};

class CabinetModule {
public:
    CabinetModule(db::Database& db, const Clock& clock, Random& random, CabinetSettings settings);
    ~CabinetModule();
    CabinetModule(const CabinetModule&) = delete;
    CabinetModule& operator=(const CabinetModule&) = delete;

    // Connects the transport, starts the link worker and (run_dispatcher) the dispatcher loop.
    Status Start();
    void Stop();
    void RegisterRoutes(http::Router& router);
    void RegisterJobs(jobs::Registry& registry, std::vector<jobs::PeriodicJob>& periodic);

    // For rentals: queue an eject inside the caller's transaction (command_queue.hpp).
    Result<std::string> RequestEject(db::Connection& tx, std::string_view station_id,
                                     const EjectTarget& target, std::string_view rental_id) const {
        return commands_.RequestEject(tx, station_id, target, rental_id);
    }
    Result<std::string> RequestEject(db::Connection& tx, const CabinetStation& locked,
                                     const EjectTarget& target, std::string_view rental_id) const {
        return commands_.RequestEject(tx, locked, target, rental_id);
    }
    Events& events() { return events_; }
    const CommandQueue& commands() const { return commands_; }
    Link& link() { return *link_; }
    Dispatcher& dispatcher() { return *dispatcher_; }
    Transport& transport() { return *transport_; }
    BrokerAuth& broker_auth() { return *auth_; }
    // The in-process broker when no mqtt_broker is configured (the in-process fleet joins it).
    MemoryBroker* memory_broker() { return memory_broker_.get(); }
    const CabinetSettings& settings() const { return settings_; }
    db::Database& db() { return db_; }
    const Clock& clock() const { return clock_; }
    Random& random() { return random_; }

private:
    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    CabinetSettings settings_;
    Events events_;
    CommandQueue commands_;
    std::unique_ptr<MemoryBroker> memory_broker_;
    std::unique_ptr<Transport> transport_;
    std::unique_ptr<BrokerAuth> auth_;
    std::unique_ptr<Link> link_;
    std::unique_ptr<Dispatcher> dispatcher_;
    std::unique_ptr<CabinetEndpoints> endpoints_;
    bool started_ = false;
};

// Staff routes (admin_routes.cpp) and the bridge's internal endpoint (bridge_routes.cpp).
void RegisterAdminCabinetRoutes(http::Router& router, CabinetModule& module);
void RegisterBridgeRoutes(http::Router& router, CabinetModule& module);

}  // namespace ps::cabinet
