// The command dispatcher: sends the QUEUED commands of cabinet_commands after the transaction
// that queued them has committed. Per cabinet: at most one command in flight (one that expects
// a reply), each sent at least `spacing` (5 s) after the previous one finished; a command
// without a reply before its timeout (check 10 s, popup 15 s, wifi 15 s, §3.6) becomes
// TIMED_OUT, and an eject's timeout is reported as an EjectResult{timed_out}. Ejects go out at
// QoS 0, once: never retried, and never sent when older than eject_max_age (the firmware
// ignores ttl, §3.6). Claims are transactional (cabinet_dispatch), so any number of nodes can
// run dispatchers over one database and a command is sent by exactly one of them.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cabinet/command_store.hpp"
#include "cabinet/events.hpp"
#include "cabinet/transport.hpp"
#include "db/database.hpp"

namespace ps::cabinet {

struct DispatcherOptions {
    DispatchTiming timing;
    Micros poll_interval = 250'000;  // between passes when nobody wakes us
    // Loop threads, each serving the stations that hash to it (the claim locks the station's
    // dispatch row, so they never send for one station at once). 0: automatic (CabinetModule:
    // 1 on SQLite, 2 on PostgreSQL, where a claim's round trips dominate).
    int threads = 0;
};

class Dispatcher {
public:
    Dispatcher(db::Database& db, const Clock& clock, Transport& transport, Events& events,
               DispatcherOptions options);
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    void Start();
    void Stop();
    // After a commit that queued a command for station_id, or a reply that freed it while it
    // has more queued: its next command goes out now (a claim). Without a station: a full
    // pass now. Full passes (timeouts, then every station with queued work) also run every
    // poll_interval.
    void Wake(const std::string& station_id = {});
    // One pass on the calling thread: timeouts, then one claim per station with queued work.
    // Returns how many commands were published. Tests drive this with a FakeClock.
    Result<int> RunOnce();

private:
    size_t Shards() const { return static_cast<size_t>(std::max(1, options_.threads)); }
    size_t ShardOf(const std::string& station_id) const;
    Result<int> Pass(size_t shard, size_t shards);
    Status SweepTimeouts(Micros now);
    Result<bool> SendNext(const std::string& station_id, Micros now);
    void ReportFailure(const CommandRow& c, std::string reason, bool timed_out, Micros now);
    void Loop(size_t shard);

    db::Database& db_;
    const Clock& clock_;
    Transport& transport_;
    Events& events_;
    DispatcherOptions options_;
    std::mutex mu_;
    std::condition_variable cv_;
    struct Shard {
        std::set<std::string> hinted;  // stations woken for since its last pass
        bool full = true;              // a full pass is asked for
    };
    std::vector<Shard> shards_;  // under mu_
    bool stop_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace ps::cabinet
