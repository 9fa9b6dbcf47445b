#include "cabinet/simulator/sim_cabinet.hpp"

#include <boost/json.hpp>

#include "cabinet/mqtt_transport.hpp"
#include "cabinet/simulator/sim_http.hpp"
#include "core/log.hpp"

namespace ps::cabinet::sim {

namespace {
auto Log() { return Logger("sim"); }
}  // namespace

SimCabinet::SimCabinet(SimCabinetOptions options, Scheduler& scheduler, Random& random,
                       TransportFactory factory)
    : options_(std::move(options)), scheduler_(scheduler), random_(random),
      factory_(std::move(factory)), slots_(static_cast<size_t>(options_.slots)) {}

SimCabinet::~SimCabinet() {
    {
        std::lock_guard lock(guard_->mu);  // waits for a task of ours that is running
        guard_->alive = false;
    }
    Shutdown();
}

void SimCabinet::Later(Scheduler::Duration delay, std::function<void()> fn) {
    std::weak_ptr<Guard> weak = guard_;
    scheduler_.After(delay, [weak, fn = std::move(fn)] {
        auto g = weak.lock();
        if (!g) return;
        std::lock_guard lock(g->mu);
        if (g->alive) fn();
    });
}

bool SimCabinet::Roll(int pct) { return pct > 0 && static_cast<int>(random_.Uniform(100)) < pct; }

Scheduler::Duration SimCabinet::ReplyDelay() {
    auto lo = options_.reply_delay_min, hi = options_.reply_delay_max;
    if (hi <= lo) return lo;
    auto span = std::chrono::duration_cast<std::chrono::milliseconds>(hi - lo).count();
    return lo + std::chrono::milliseconds(random_.Uniform(static_cast<uint32_t>(span) + 1));
}

Status SimCabinet::Boot() {
    ConnectData d{options_.imei, "powerbank", "", 0, "device_" + options_.imei, "", 0};
    if (!options_.server_url.empty()) {
        Params p{{"uuid", options_.imei}, {"deviceId", "0"}, {"simUUID", ""}, {"simMobile", ""}};
        ASSIGN_OR_RETURN(auto a, HttpCall("POST", options_.server_url + "/api/iot/client/con?" +
                                                      SignedQuery(p), "hardware=SIM&software=SIM-1.0"));
        boost::json::error_code ec;
        auto v = boost::json::parse(a.body, ec);
        const boost::json::value* data = (!ec && v.is_object()) ? v.as_object().if_contains("data") : nullptr;
        if (a.status != 200 || !data || !data->is_string())
            return Unavailable("connect_refused", "connect answered " + std::to_string(a.status) + ": " + a.body);
        ASSIGN_OR_RETURN(d, DecodeConnectData(data->as_string()));
    }
    if (!options_.broker_override.empty()) ParseHostPort(options_.broker_override, d.host, d.port);
    std::shared_ptr<Transport> t = factory_(d);
    t->Subscribe(CommandTopic(options_.imei), 1);
    t->Subscribe(HeartTopic(options_.imei), 1);
    t->SetHandler([this](const TransportMessage& m) { OnMessage(m); });
    RETURN_IF_ERROR(t->Start());
    uint64_t gen;
    {
        std::lock_guard lock(mu_);
        transport_ = t;
        connect_ = d;
        echo_seen_ = true;
        missed_echoes_ = 0;
        gen = ++generation_;
    }
    if (options_.periodic) {
        Later(std::min<Scheduler::Duration>(5s, options_.heartbeat_every), [this, gen] { ScheduleHeartbeat(gen); });
        ScheduleUpload(gen, options_.first_upload);
        // As the firmware does: no broker session 20 s after boot (refused, unreachable) ->
        // start over, connect call included.
        Later(20s, [this, gen] {
            bool stale;
            {
                std::lock_guard lock(mu_);
                stale = gen != generation_ || (transport_ && transport_->Connected());
            }
            if (stale) return;
            Log()->warn("sim cabinet has no broker session, rebooting imei={}", options_.imei);
            Reboot();
        });
    }
    return Ok{};
}

void SimCabinet::Shutdown() {
    std::shared_ptr<Transport> t;
    {
        std::lock_guard lock(mu_);
        t = std::move(transport_);
        ++generation_;  // stops the periodic timers of this boot
    }
    if (t) t->Stop();
}

bool SimCabinet::connected() const {
    std::lock_guard lock(mu_);
    return transport_ && transport_->Connected();
}

ConnectData SimCabinet::connect_data() const {
    std::lock_guard lock(mu_);
    return connect_;
}

void SimCabinet::PutBank(int slot, uint32_t sn, int soc) {
    std::lock_guard lock(mu_);
    if (slot >= 1 && slot <= static_cast<int>(slots_.size())) slots_[slot - 1] = {sn, soc};
}

std::vector<SimSlot> SimCabinet::Slots() const {
    std::lock_guard lock(mu_);
    return slots_;
}

std::optional<int> SimCabinet::FreeSlot() const {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i].sn == 0) return static_cast<int>(i + 1);
    return std::nullopt;
}

void SimCabinet::Publish(const std::string& topic, const Bytes& frame) {
    std::shared_ptr<Transport> t;
    {
        std::lock_guard lock(mu_);
        t = transport_;
    }
    if (!t) return;
    auto st = t->Publish(topic, std::string_view(reinterpret_cast<const char*>(frame.data()), frame.size()), 1);
    if (!st.ok()) Log()->debug("sim publish failed imei={} error={}", options_.imei, st.error().message);
}

Status SimCabinet::PublishUpdate(std::string_view bytes) {
    Publish(UpdateTopic(options_.imei), Bytes(bytes.begin(), bytes.end()));
    return Ok{};
}

Status SimCabinet::SendHeartbeat() {
    ASSIGN_OR_RETURN(Bytes frame, EncodeHeartbeat(MakeHeartbeat(25, 0)));
    bool reboot = false;
    {
        std::lock_guard lock(mu_);
        if (!echo_seen_ && ++missed_echoes_ >= options_.missed_echoes_before_reboot) reboot = true;
        if (echo_seen_) missed_echoes_ = 0;
        last_heart_.assign(frame.begin(), frame.end());
        echo_seen_ = false;
    }
    if (reboot) {
        Log()->warn("sim cabinet missed heartbeat echoes, rebooting imei={}", options_.imei);
        Reboot();
        return Ok{};
    }
    Publish(HeartTopic(options_.imei), frame);
    return Ok{};
}

void SimCabinet::ScheduleHeartbeat(uint64_t gen) {
    {
        std::lock_guard lock(mu_);
        if (gen != generation_) return;
    }
    (void)SendHeartbeat();
    Later(options_.heartbeat_every, [this, gen] { ScheduleHeartbeat(gen); });
}

void SimCabinet::ScheduleUpload(uint64_t gen, Scheduler::Duration delay) {
    Later(delay, [this, gen] {
        {
            std::lock_guard lock(mu_);
            if (gen != generation_) return;
        }
        if (auto st = Upload(); !st.ok())
            Log()->warn("sim upload failed imei={} error={}", options_.imei, st.error().message);
        ScheduleUpload(gen, options_.upload_every);
    });
}

Status SimCabinet::Upload() {
    if (options_.server_url.empty()) return Ok{};
    Bytes frame = InventoryFrame(false);
    Params p{{"rentboxSN", options_.imei}, {"signal", "CSQ:25"}};
    ASSIGN_OR_RETURN(auto a, HttpCall("POST", options_.server_url + "/api/rentbox/upload/data?" +
                                                  SignedQuery(p),
                                      std::string(frame.begin(), frame.end()),
                                      "application/octet-stream"));
    if (a.status != 200) return Unavailable("upload_refused", "upload answered " + a.body);
    return Ok{};
}

Status SimCabinet::ReturnBank(uint32_t sn, int soc, int slot) {
    if (slot == 0) {
        auto free = FreeSlot();
        if (!free) return FailedPrecondition("cabinet_full", "no free slot");
        slot = *free;
    }
    PutBank(slot, sn, soc);
    ReturnReport r{1, static_cast<uint8_t>(slot), 0x49, sn, kStateOk, 0x19, static_cast<uint8_t>(soc)};
    Publish(UpdateTopic(options_.imei), EncodeReturnReport(r));
    if (options_.server_url.empty()) return Ok{};
    Params p{{"rentboxSN", options_.imei}, {"singleSN", std::to_string(sn)},
             {"hole", std::to_string(slot)}, {"power", std::to_string(soc)}};
    ASSIGN_OR_RETURN(auto a, HttpCall("GET", options_.server_url + "/api/rentbox/order/return?" +
                                                 SignedQuery(p, false)));
    if (a.status != 200) return Unavailable("return_refused", "return answered " + a.body);
    return Ok{};
}

void SimCabinet::Reboot() {
    ++reboots_;
    Shutdown();
    Later(3s, [this] {
        if (auto st = Boot(); !st.ok())
            Log()->warn("sim reboot failed imei={} error={}", options_.imei, st.error().message);
    });
}

}  // namespace ps::cabinet::sim
