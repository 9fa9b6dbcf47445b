// One simulated cabinet speaking the real protocol (cabinet-protocol.md §9): HTTP connect, then
// MQTT with the credentials it returned (subscribed to its `get` and `heart` topics); heartbeats
// every 9 min (rebooting after 2 missed echoes), HTTP uploads 1 min after boot and every 20 min
// (both divided by a time factor); replies to check/check_all (0x10, check partial), popup_sn
// (0x31, with FC/04/00 failures), popup (0x21), getWifi (0xCF), upload_all, reboot — after a
// realistic delay, with configurable lost and late replies. The firmware is modelled
// faithfully: it ignores timestamp/ttl and ejects on every command it receives.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cabinet/codec.hpp"
#include "cabinet/simulator/scheduler.hpp"
#include "cabinet/transport.hpp"
#include "core/clock.hpp"

namespace ps::cabinet::sim {

using namespace std::chrono_literals;

struct SimSlot {
    uint32_t sn = 0;  // 0 = empty
    int soc = 0;
};

struct SimFaults {
    int eject_failure_pct = 0;  // the cabinet answers a failure state and keeps the bank
    int lost_reply_pct = 0;     // the eject is executed, its reply never sent
    int late_reply_pct = 0;     // the eject's reply comes after late_delay (past the timeout)
};

struct SimCabinetOptions {
    std::string imei;
    int slots = 8;
    std::string server_url;       // "" -> no HTTP calls (connect data made up, no uploads)
    std::string broker_override;  // host:port to dial instead of what connect returned
    SimFaults faults;
    Scheduler::Duration reply_delay_min = 200ms, reply_delay_max = 1500ms, late_delay = 20s;
    Scheduler::Duration heartbeat_every = 9min, upload_every = 20min, first_upload = 1min;
    bool periodic = true;  // heartbeats and uploads on timers (tests call them by hand)
    int missed_echoes_before_reboot = 2;
};

// Makes the MQTT client from the connect reply (a MemoryBroker client or an MqttTransport).
using TransportFactory = std::function<std::unique_ptr<Transport>(const ConnectData&)>;

class SimCabinet {
public:
    SimCabinet(SimCabinetOptions options, Scheduler& scheduler, Random& random,
               TransportFactory factory);
    ~SimCabinet();
    SimCabinet(const SimCabinet&) = delete;
    SimCabinet& operator=(const SimCabinet&) = delete;

    // Connect (HTTP) and join the broker; starts the periodic timers.
    Status Boot();
    void Shutdown();

    void PutBank(int slot, uint32_t sn, int soc);
    std::vector<SimSlot> Slots() const;  // index 0 = slot 1
    std::optional<int> FreeSlot() const;
    // A bank left the cabinet through an eject (the fleet puts it in a user's hand).
    void OnEjected(std::function<void(uint32_t sn, int soc)> cb) { on_ejected_ = std::move(cb); }

    Status SendHeartbeat();
    Status Upload();  // HTTP full-status upload
    // A user returns a bank: 0x40 over MQTT, then the HTTP return call. slot 0 = a free one.
    Status ReturnBank(uint32_t sn, int soc, int slot = 0);
    Status PublishUpdate(std::string_view bytes);  // any bytes on .../user/update (tests)

    const std::string& imei() const { return options_.imei; }
    bool connected() const;
    int reboots() const { return reboots_.load(); }
    int commands_received() const { return commands_.load(); }
    ConnectData connect_data() const;
    Bytes InventoryFrame(bool partial) const;

private:
    void OnMessage(const TransportMessage& m);
    void Execute(const Command& c);
    void Reply(Bytes frame);
    void Publish(const std::string& topic, const Bytes& frame);
    void Reboot();
    void ScheduleHeartbeat(uint64_t generation);
    void ScheduleUpload(uint64_t generation, Scheduler::Duration delay);
    // Runs fn later unless the cabinet is gone by then.
    void Later(Scheduler::Duration delay, std::function<void()> fn);
    bool Roll(int pct);
    Scheduler::Duration ReplyDelay();

    struct Guard {
        std::mutex mu;
        bool alive = true;
    };
    SimCabinetOptions options_;
    Scheduler& scheduler_;
    Random& random_;
    TransportFactory factory_;
    std::shared_ptr<Guard> guard_ = std::make_shared<Guard>();
    std::function<void(uint32_t, int)> on_ejected_;

    mutable std::mutex mu_;
    std::vector<SimSlot> slots_;
    std::shared_ptr<Transport> transport_;
    ConnectData connect_;
    std::string last_heart_;
    bool echo_seen_ = true;
    int missed_echoes_ = 0;
    uint64_t generation_ = 0;
    std::atomic<int> reboots_{0};
    std::atomic<int> commands_{0};
};

}  // namespace ps::cabinet::sim
