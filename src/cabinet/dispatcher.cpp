#include "cabinet/dispatcher.hpp"

#include "cabinet/station_lookup.hpp"
#include "core/log.hpp"

namespace ps::cabinet {

namespace {
auto Log() { return Logger("cabinet.dispatch"); }
}  // namespace

Dispatcher::Dispatcher(db::Database& db, const Clock& clock, Transport& transport, Events& events,
                       DispatcherOptions options)
    : db_(db), clock_(clock), transport_(transport), events_(events), options_(options) {}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Start() {
    std::lock_guard lock(mu_);
    if (thread_.joinable()) return;
    stop_ = false;
    thread_ = std::thread([this] { Loop(); });
}

void Dispatcher::Stop() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Dispatcher::Wake() {
    {
        std::lock_guard lock(mu_);
        wake_ = true;
    }
    cv_.notify_all();
}

void Dispatcher::Loop() {
    std::unique_lock lock(mu_);
    while (!stop_) {
        wake_ = false;
        lock.unlock();
        auto sent = RunOnce();
        if (!sent.ok()) Log()->error("dispatch pass failed error={}", sent.error().message);
        lock.lock();
        cv_.wait_for(lock, std::chrono::microseconds(options_.poll_interval),
                     [&] { return stop_ || wake_; });
    }
}

Result<int> Dispatcher::RunOnce() {
    Micros now = clock_.Now();
    RETURN_IF_ERROR(SweepTimeouts(now));
    ASSIGN_OR_RETURN(auto stations, db_.Read([](db::Connection& c) {
        return StationsWithQueuedCommands(c);
    }));
    int sent = 0;
    for (const auto& station : stations) {
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
            return MarkTimedOut(tx, cmd, options_.timing, now);
        }));
        if (!changed) continue;  // answered, or another node got there first
        Log()->warn("command timed out id={} station={} command={}", cmd.id, cmd.station_id, cmd.command);
        if (cmd.IsEject()) ReportFailure(cmd, "timeout", true, now);
    }
    return Ok{};
}

Result<bool> Dispatcher::SendNext(const std::string& station_id, Micros now) {
    std::string imei;
    ASSIGN_OR_RETURN(Claim claim, db_.Transact([&](db::Connection& tx) -> Result<Claim> {
        ASSIGN_OR_RETURN(auto s, FindStationById(tx, station_id));
        imei = s ? s->imei : "";
        return ClaimNext(tx, station_id, options_.timing, now);
    }));
    for (const auto& [f, why] : claim.failed) {
        Log()->warn("command not sent id={} station={} command={} reason={}", f.id, f.station_id,
                    f.command, why);
        if (f.IsEject()) ReportFailure(f, why, false, now);
    }
    if (!claim.send) return false;
    const CommandRow& cmd = *claim.send;
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
        return MarkFailed(tx, cmd, "publish_failed", options_.timing, now);
    }));
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
