#include "cabinet/dispatcher.hpp"

#include "cabinet/station_lookup.hpp"
#include "core/log.hpp"

#include <algorithm>
#include <functional>

namespace ps::cabinet {

namespace {
auto Log() { return Logger("cabinet.dispatch"); }
}  // namespace

Dispatcher::Dispatcher(db::Database& db, const Clock& clock, Transport& transport, Events& events,
                       DispatcherOptions options)
    : db_(db), clock_(clock), transport_(transport), events_(events), options_(options),
      shards_(Shards()) {}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Start() {
    std::lock_guard lock(mu_);
    if (!threads_.empty()) return;
    stop_ = false;
    for (size_t i = 0; i < Shards(); ++i) threads_.emplace_back([this, i] { Loop(i); });
}

void Dispatcher::Stop() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mu_);
        stop_ = true;
        threads.swap(threads_);
    }
    cv_.notify_all();
    for (auto& t : threads)
        if (t.joinable()) t.join();
}

size_t Dispatcher::ShardOf(const std::string& station_id) const {
    return std::hash<std::string>{}(station_id) % Shards();
}

void Dispatcher::Wake(const std::string& station_id) {
    {
        std::lock_guard lock(mu_);
        if (station_id.empty())
            for (auto& s : shards_) s.full = true;
        else
            shards_[ShardOf(station_id)].hinted.insert(station_id);
    }
    cv_.notify_all();
}

// A woken station is served at once by a claim of its own; the queue is scanned (and timeouts
// swept) every poll_interval, or when asked: no scan per command.
void Dispatcher::Loop(size_t shard) {
    using Steady = std::chrono::steady_clock;
    const auto poll = std::chrono::microseconds(options_.poll_interval);
    auto next_full = Steady::now();
    std::unique_lock lock(mu_);
    while (!stop_) {
        Shard& mine = shards_[shard];
        bool full = mine.full || Steady::now() >= next_full;
        std::set<std::string> hinted = std::exchange(mine.hinted, {});
        mine.full = false;
        lock.unlock();
        if (full) {
            next_full = Steady::now() + poll;
            auto sent = Pass(shard, Shards());
            if (!sent.ok()) Log()->error("dispatch pass failed error={}", sent.error().message);
        } else {
            Micros now = clock_.Now();
            for (const auto& station : hinted)
                if (auto r = SendNext(station, now); !r.ok())
                    Log()->error("dispatch failed station={} error={}", station, r.error().message);
        }
        lock.lock();
        cv_.wait_until(lock, next_full, [&] { return stop_ || mine.full || !mine.hinted.empty(); });
    }
}

Result<int> Dispatcher::RunOnce() { return Pass(0, 1); }

Result<int> Dispatcher::Pass(size_t shard, size_t shards) {
    Micros now = clock_.Now();
    if (shard == 0) RETURN_IF_ERROR(SweepTimeouts(now));
    ASSIGN_OR_RETURN(auto stations, db_.Read([&](db::Connection& c) {
        return StationsWithQueuedCommands(c, options_.timing, now);
    }));
    int sent = 0;
    for (const auto& station : stations) {
        if (shards > 1 && ShardOf(station) != shard) continue;
        auto r = SendNext(station, now);
        if (!r.ok()) {
            Log()->error("dispatch failed station={} error={}", station, r.error().message);
            continue;
        }
        if (*r) ++sent;
    }
    return sent;
}

Status Dispatcher::SweepTimeouts(Micros now) {
    ASSIGN_OR_RETURN(auto due, db_.Read([&](db::Connection& c) { return CommandsPastDeadline(c, now); }));
    for (const auto& cmd : due) {
        ASSIGN_OR_RETURN(bool changed, db_.Transact([&](db::Connection& tx) {
            return MarkTimedOut(tx, cmd, options_.timing, now);  // guarded: SENT -> TIMED_OUT
        }, db::Isolation::kReadCommitted));
        if (!changed) continue;  // answered, or another node got there first
        Log()->warn("command timed out id={} station={} command={}", cmd.id, cmd.station_id, cmd.command);
        if (cmd.IsEject()) ReportFailure(cmd, "timeout", true, now);
    }
    return Ok{};
}

Result<bool> Dispatcher::SendNext(const std::string& station_id, Micros now) {
    ASSIGN_OR_RETURN(Claim claim, db_.Transact([&](db::Connection& tx) {
        return ClaimNext(tx, station_id, options_.timing, now);
    }, db::Isolation::kReadCommitted));  // ClaimNext locks the station's dispatch row
    for (const auto& [f, why] : claim.failed) {
        Log()->warn("command not sent id={} station={} command={} reason={}", f.id, f.station_id,
                    f.command, why);
        if (f.IsEject()) ReportFailure(f, why, false, now);
    }
    if (!claim.send) return false;
    const CommandRow& cmd = *claim.send;
    const std::string& imei = claim.imei;
    // After commit, outside any transaction: QoS 0, once.
    Status pub = imei.empty() ? Status(NotFound("station_not_found", "no station"))
                              : transport_.PublishCommand(imei, cmd.payload);
    if (pub.ok()) {
        // requested_us: from the request to this publish (what the server adds before the cabinet).
        Log()->info("command sent id={} station={} imei={} requested_us={} payload={}", cmd.id,
                    station_id, imei, clock_.Now() - cmd.created_at,
                    cmd.command == "setWifi" ? "{setWifi}" : cmd.payload);
        return true;
    }
    Log()->error("command publish failed id={} station={} error={}", cmd.id, station_id, pub.error().message);
    ASSIGN_OR_RETURN(bool marked, db_.Transact([&](db::Connection& tx) {
        return MarkFailed(tx, cmd, "publish_failed", options_.timing, now);  // guarded
    }, db::Isolation::kReadCommitted));
    if (marked && cmd.IsEject()) ReportFailure(cmd, "publish_failed", false, now);
    return false;
}

void Dispatcher::ReportFailure(const CommandRow& c, std::string reason, bool timed_out, Micros now) {
    EjectResult e;
    e.command_id = c.id;
    e.station_id = c.station_id;
    e.rental_id = c.rental_id;
    e.ok = false;
    e.serial = c.target_serial;
    e.slot = static_cast<int>(c.target_slot.value_or(0));
    e.at = now;
    e.timed_out = timed_out;
    e.reason = std::move(reason);
    events_.Emit(e);
}

}  // namespace ps::cabinet
