#include "cabinet/link.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <functional>

#include "cabinet/frame_store.hpp"
#include "core/log.hpp"

namespace ps::cabinet {

namespace {

auto Log() { return Logger("cabinet"); }

std::optional<int> CommandByte(std::string_view raw) {
    if (raw.size() >= 4 && static_cast<uint8_t>(raw[0]) == kFrameHead)
        return static_cast<uint8_t>(raw[3]);
    return std::nullopt;
}

// True (and the marker consumed) when this heartbeat is an echo we published.
Result<bool> ConsumeEcho(db::Connection& c, std::string_view imei, const std::string& hex,
                         Micros now) {
    ASSIGN_OR_RETURN(int64_t n, c.Exec(
        "DELETE FROM cabinet_heartbeat_echoes WHERE id IN (SELECT id FROM "
        "cabinet_heartbeat_echoes WHERE imei = ? AND payload_hex = ? AND expires_at >= ? LIMIT 1)",
        {imei, hex, now}));
    return n > 0;
}

}  // namespace

Link::Link(db::Database& db, const Clock& clock, Random& random, Events& events,
           const CommandQueue& commands, LinkOptions options)
    : db_(db), clock_(clock), random_(random), events_(events), commands_(commands),
      options_(std::move(options)),
      shards_(static_cast<size_t>(std::max(1, options_.workers))) {}

Link::~Link() { Stop(); }

void Link::Attach(Transport& transport, const std::string& shared_group) {
    transport_ = &transport;
    std::string prefix = shared_group.empty() ? "" : "$share/" + shared_group + "/";
    transport.Subscribe(prefix + std::string(kUpdateFilter), 1);
    transport.Subscribe(prefix + std::string(kHeartFilter), 1);
    transport.SetHandler([this](const TransportMessage& m) {
        // One cabinet, one worker: its frames are handled in the order they came.
        auto topic = ParseTopic(m.topic);
        Shard& shard = shards_[topic ? std::hash<std::string>{}(topic->imei) % shards_.size() : 0];
        {
            std::lock_guard lock(mu_);
            if (queued_ >= options_.queue_limit) {
                Log()->error("link queue full, message dropped topic={}", m.topic);
                return;
            }
            shard.queue.push_back({std::chrono::steady_clock::now(), m});
            ++queued_;
        }
        shard.cv.notify_one();
    });
}

void Link::Start() {
    std::lock_guard lock(mu_);
    if (shards_.front().worker.joinable()) return;
    stop_ = false;
    for (auto& shard : shards_) shard.worker = std::thread([this, &shard] { Loop(shard); });
}

void Link::Stop() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    for (auto& shard : shards_) shard.cv.notify_all();
    for (auto& shard : shards_)
        if (shard.worker.joinable()) shard.worker.join();
}

size_t Link::QueueDepth() const {
    std::lock_guard lock(mu_);
    return queued_;
}

void Link::Loop(Shard& shard) {
    std::unique_lock lock(mu_);
    for (;;) {
        shard.cv.wait(lock, [&] { return stop_ || !shard.queue.empty(); });
        if (stop_) return;
        std::vector<Queued> batch;
        while (!shard.queue.empty() && batch.size() < std::max<size_t>(1, options_.batch_limit)) {
            batch.push_back(std::move(shard.queue.front()));
            shard.queue.pop_front();
            --queued_;
        }
        lock.unlock();
        if (auto st = HandleBatch(batch); !st.ok())
            Log()->error("link message failed topic={} error={}", batch.front().message.topic,
                         st.error().message);
        lock.lock();
    }
}

Status Link::HandleMqtt(const TransportMessage& m, std::chrono::steady_clock::time_point arrived) {
    return HandleBatch({Queued{arrived, m}});
}

// READ COMMITTED (link.hpp, "Concurrency"): a frame's writes to its cabinet's slots, banks,
// claims and commands happen under the cabinet's row lock, taken by its lookup before them;
// command replies are matched by guarded UPDATEs (`... AND status = 'SENT'`).
Status Link::HandleBatch(const std::vector<Queued>& batch) {
    Micros now = clock_.Now();
    std::vector<std::pair<const Queued*, LinkEffects>> done;
    auto st = db_.Transact([&](db::Connection& tx) -> Status {
        done.clear();  // a retried transaction starts over
        for (const auto& q : batch) {
            auto topic = ParseTopic(q.message.topic);
            if (!topic || topic->channel == Channel::kGet) continue;
            LinkEffects fx;
            RETURN_IF_ERROR(Handle(tx, *topic, q.message.payload, now, fx));
            done.emplace_back(&q, std::move(fx));
        }
        return Ok{};
    }, db::Isolation::kReadCommitted);
    if (!st.ok() && batch.size() > 1) {  // one bad message must not cost the others theirs
        for (const auto& q : batch)
            if (auto one = HandleBatch({q}); !one.ok())
                Log()->error("link message failed topic={} error={}", q.message.topic,
                             one.error().message);
        return Ok{};
    }
    if (!st.ok()) return st;
    for (const auto& q : batch)
        if (auto topic = ParseTopic(q.message.topic); !topic || topic->channel == Channel::kGet)
            Log()->warn("link ignored topic={}", q.message.topic);
    for (const auto& [q, fx] : done) {
        Apply(fx);
        if (fx.ejects.empty()) continue;
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - q->arrived).count();
        for (const auto& e : fx.ejects)
            Log()->info("link eject reply handled command={} station={} server_us={}",
                        e.command_id, e.station_id, us);
    }
    return Ok{};
}

Status Link::Handle(db::Connection& tx, const TopicInfo& topic, std::string_view payload,
                    Micros now, LinkEffects& fx) {
    // Locked here (link.hpp, "Concurrency"), before anything of the cabinet is read.
    ASSIGN_OR_RETURN(auto station, FindStationByImei(tx, topic.imei, /*lock=*/true));
    if (!station) {
        if (!options_.auto_register) {
            Log()->warn("link unknown imei ignored imei={} bytes={}", topic.imei, payload.size());
            return Ok{};
        }
        ASSIGN_OR_RETURN(auto created, AutoRegisterStation(tx, clock_, random_, topic.imei));
        Log()->info("link auto-registered station imei={} id={}", topic.imei, created.id);
        station = std::move(created);
    }
    bool heart = topic.channel == Channel::kHeart;
    std::string hex = HexOf(payload);
    if (heart && options_.heartbeat_echo) {
        ASSIGN_OR_RETURN(bool ours, ConsumeEcho(tx, topic.imei, hex, now));
        if (ours) return Ok{};  // our own echo coming round: never echo it again
    }
    FrameRecord rec{station->id, topic.imei,
                    std::string(heart ? kChannelMqttHeart : kChannelMqttUpdate),
                    CommandByte(payload), std::string(payload), "{}", "", now};
    auto decoded = Decode(AsBytes(payload), DecodeOptionsFor(*station, options_.verify_checksum));
    if (!decoded.ok()) {
        rec.error = decoded.error().slug + ": " + decoded.error().message;
        Log()->warn("link frame rejected imei={} channel={} error={}", topic.imei, rec.channel,
                    rec.error);
        return StoreFrame(tx, rec);  // evidence only: nothing else changes
    }
    rec.parsed = boost::json::serialize(MessageJson(*decoded));
    RETURN_IF_ERROR(StoreFrame(tx, rec));
    RETURN_IF_ERROR(RefreshLiveness(tx, *station, now));
    if (heart && options_.heartbeat_echo && std::holds_alternative<Heartbeat>(*decoded)) {
        RETURN_IF_ERROR(tx.Exec(
            "INSERT INTO cabinet_heartbeat_echoes (imei, payload_hex, expires_at) VALUES (?, ?, ?)",
            {topic.imei, hex, now + options_.echo_ttl}));
        fx.echo_imei = topic.imei;
        fx.echo_payload = std::string(payload);
    }
    return HandleFrame(tx, *station, *decoded, now, fx);
}

Status Link::QueueCheckAll(db::Connection& tx, const CabinetStation& s) {
    ASSIGN_OR_RETURN(auto id, commands_.EnsureCheckAll(tx, s.id, CommandQueue::kCorroborate));
    // It waits out its delay (ClaimNext passes it over till then): the dispatcher's periodic
    // pass sends it, no wake.
    Log()->info("link queued check_all to corroborate station={} command={}", s.id, id);
    return Ok{};
}

void Link::Apply(const LinkEffects& fx) {
    for (const auto& e : fx.ejects) events_.Emit(e);
    for (const auto& r : fx.returns) events_.Emit(r);
    for (const auto& c : fx.checks) events_.Emit(c);
    if (!fx.echo_payload.empty() && transport_) {
        auto st = transport_->Publish(HeartTopic(fx.echo_imei), fx.echo_payload, 0);
        if (!st.ok()) Log()->warn("heartbeat echo failed imei={} error={}", fx.echo_imei, st.error().message);
    }
    if (!fx.wake_station.empty() && wake_) wake_(fx.wake_station);
}

}  // namespace ps::cabinet
