// The cabinet link service: everything a cabinet tells us, over MQTT (`/user/update`,
// `/user/heart`) and over its HTTP calls (upload, return), becomes database state and events:
// - every frame of a known cabinet is stored (raw hex, parse or error) in cabinet_frames;
// - any valid frame refreshes liveness (last_heartbeat, to kLivenessResolution; OFFLINE ->
//   ONLINE unless maintenance);
// - 0x10 inventories update slots and banks (inventory.hpp); a check_all reply or an upload
//   reconciles the whole cabinet, a check reply only the banks it lists;
// - 0x31 / 0x21 replies settle the eject in flight (EjectResult; late ones as LATE_REPLY);
// - 0x40 returns place the bank (BankReturned);
// - heartbeats: by default we rely on the broker's loop-back (the cabinet subscribes to its own
//   heart topic, §3.5, as ChargeGhar does in production); with heartbeat_echo on we publish the
//   frame back and recognise our own echo when it comes round (any node), never re-echoing it.
// Unknown IMEIs are ignored (logged) unless auto_register. A bad frame is stored with its error
// and changes nothing else. Events are emitted after the transaction commits; device I/O (the
// echo) happens after commit too.
// Concurrency: frames run in READ COMMITTED transactions. What one decides from the cabinet's
// slots, banks, return claims and queued commands holds because every writer of those takes the
// station's row lock first: the link through its station lookup (before any such read), commands
// through CommandQueue (LockStation). Several workers (and nodes) may therefore run at once;
// one cabinet's frames still go to one worker, in order.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cabinet/command_queue.hpp"
#include "cabinet/command_store.hpp"
#include "cabinet/events.hpp"
#include "cabinet/inventory.hpp"
#include "cabinet/station_lookup.hpp"
#include "cabinet/transport.hpp"

namespace ps::cabinet {

struct LinkOptions {
    bool auto_register = false;
    bool heartbeat_echo = false;
    bool verify_checksum = true;
    Micros eject_grace = 30 * kSecond;
    Micros claim_window = 30 * kMinute;
    Micros echo_ttl = 2 * kMinute;
    DispatchTiming timing;
    size_t queue_limit = 20000;  // MQTT messages waiting for the workers; more are dropped
    // Waiting messages a worker handles in one transaction. 0: automatic (CabinetModule: 64 on
    // SQLite, where a commit is the cost; 8 on PostgreSQL, where the batch holds its cabinets'
    // row locks until it commits and a rental start at one of them waits for that).
    size_t batch_limit = 0;
    // Worker threads; a cabinet's messages always go to the same one, in arrival order. 0:
    // automatic (CabinetModule: 1 on SQLite, whose writes are serial anyway; 4 on PostgreSQL,
    // where the database round trips of different cabinets overlap).
    int workers = 0;
};

// What handling one message decided to do once its transaction has committed.
struct LinkEffects {
    std::vector<EjectResult> ejects;
    std::vector<BankReturned> returns;
    std::vector<StationChecked> checks;
    std::string echo_imei, echo_payload;  // heartbeat echo to publish
    std::string wake_station;  // the dispatcher serves this station at once ("": none)
};

struct UploadResult {
    std::string error;  // "" when the frame decoded; else "slug: message" (stored too)
    int slots_updated = 0, banks_updated = 0;
};

class Link {
public:
    Link(db::Database& db, const Clock& clock, Random& random, Events& events,
         const CommandQueue& commands, LinkOptions options);
    ~Link();
    Link(const Link&) = delete;
    Link& operator=(const Link&) = delete;

    // Subscribes the update and heart filters (as `$share/<group>/...` when group is set, so
    // many nodes share the work) and feeds messages to the worker threads (by IMEI); echoes go
    // out here.
    void Attach(Transport& transport, const std::string& shared_group);
    void SetWake(std::function<void(const std::string& station_id)> wake) { wake_ = std::move(wake); }
    void Start();
    void Stop();
    size_t QueueDepth() const;

    // One MQTT message, handled on the calling thread (tests; the worker takes what waits in
    // batches). `arrived`: when the transport handed it over; an eject reply logs the time from
    // then until its result was committed and announced (server_us: what the server adds to an
    // eject round trip after the reply).
    Status HandleMqtt(const TransportMessage& m, std::chrono::steady_clock::time_point arrived =
                                                     std::chrono::steady_clock::now());
    // The HTTP full-status upload (a 0x10 frame), unverified evidence.
    Result<UploadResult> HandleUpload(const CabinetStation& s, std::string_view body,
                                      const boost::json::object& params);
    // The HTTP return notification: a claim until the cabinet's own frames corroborate it.
    Status HandleHttpReturn(const CabinetStation& s, const std::string& serial, int hole,
                            int power, std::string_view raw_query);
    const LinkOptions& options() const { return options_; }

private:
    Status Handle(db::Connection& tx, const TopicInfo& topic, std::string_view payload,
                  Micros now, LinkEffects& fx);
    Status HandleFrame(db::Connection& tx, const CabinetStation& s, const Message& m, Micros now,
                       LinkEffects& fx);
    struct Queued {
        std::chrono::steady_clock::time_point arrived;
        TransportMessage message;
    };
    // Messages in arrival order, in one transaction (one commit for many frames); effects are
    // applied after it commits. If it fails, each message is tried alone.
    Status HandleBatch(const std::vector<Queued>& batch);
    Status QueueCheckAll(db::Connection& tx, const CabinetStation& s);
    void Apply(const LinkEffects& fx);
    struct Shard {
        std::condition_variable cv;
        std::deque<Queued> queue;
        std::thread worker;
    };
    void Loop(Shard& shard);

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    Events& events_;
    const CommandQueue& commands_;
    LinkOptions options_;
    Transport* transport_ = nullptr;
    std::function<void(const std::string&)> wake_;

    mutable std::mutex mu_;  // guards the shards' queues, queued_ and stop_
    std::vector<Shard> shards_;
    size_t queued_ = 0;
    bool stop_ = false;
};

}  // namespace ps::cabinet
