#include "cabinet/simulator/fleet.hpp"

#include "cabinet/mqtt_transport.hpp"
#include "core/log.hpp"

namespace ps::cabinet::sim {

namespace {

auto Log() { return Logger("sim"); }

// A protocol interval run `factor` times faster, never below 100 ms.
std::chrono::milliseconds Scaled(std::chrono::milliseconds d, int factor) {
    return std::max(std::chrono::milliseconds(100), d / std::max(1, factor));
}

}  // namespace

TransportFactory MqttFactory() {
    return [](const ConnectData& d) -> std::unique_ptr<Transport> {
        MqttOptions o;
        o.host = d.host;
        o.port = d.port;
        o.client_id = d.client_id;
        o.username = d.username;
        o.password = d.password;
        o.keepalive_s = 60;
        return std::make_unique<MqttTransport>(std::move(o));
    };
}

TransportFactory MemoryFactory(MemoryBroker& broker) {
    return [&broker](const ConnectData& d) { return broker.NewClient(d.client_id); };
}

Fleet::Fleet(FleetOptions options, Random& random, TransportFactory factory)
    : options_(std::move(options)), random_(random) {
    const int f = std::max(1, options_.time_factor);
    for (size_t i = 0; i < options_.imeis.size(); ++i) {
        SimCabinetOptions o;
        o.imei = options_.imeis[i];
        o.slots = options_.slots;
        o.server_url = options_.server_url;
        o.broker_override = options_.broker_override;
        o.faults = options_.faults;
        o.heartbeat_every = Scaled(std::chrono::minutes(9), f);
        o.upload_every = Scaled(std::chrono::minutes(20), f);
        o.first_upload = Scaled(std::chrono::minutes(1), f);
        auto c = std::make_unique<SimCabinet>(o, scheduler_, random_, factory);
        if (options_.initial_slots) {
            auto slots = options_.initial_slots(o.imei);
            for (size_t k = 0; k < slots.size(); ++k)
                if (slots[k].sn) c->PutBank(static_cast<int>(k + 1), slots[k].sn, slots[k].soc);
        } else {
            for (int k = 1; k <= o.slots; ++k)
                if ((static_cast<int>(i) + k) % 3 != 0)
                    c->PutBank(k, static_cast<uint32_t>(60000000 + i * 100 + k), 50 + random_.Uniform(51));
        }
        c->OnEjected([this, i](uint32_t sn, int soc) { OnEjected(i, sn, soc); });
        cabinets_.push_back(std::move(c));
    }
}

Fleet::~Fleet() { Stop(); }

void Fleet::Start() {
    for (size_t i = 0; i < cabinets_.size(); ++i)
        BootLater(i, std::chrono::milliseconds(20 * static_cast<int64_t>(i)));
}

void Fleet::Stop() {
    if (stopped_.exchange(true)) return;
    scheduler_.Stop();
    for (auto& c : cabinets_) c->Shutdown();
}

void Fleet::BootLater(size_t i, Scheduler::Duration delay) {
    scheduler_.After(delay, [this, i] {
        if (stopped_) return;
        auto st = cabinets_[i]->Boot();
        if (st.ok()) {
            ++booted_;
            return;
        }
        Log()->warn("sim cabinet boot failed imei={} error={}", cabinets_[i]->imei(), st.error().message);
        BootLater(i, std::chrono::seconds(10));
    });
}

void Fleet::OnEjected(size_t from, uint32_t sn, int soc) {
    ++ejected_;
    ++in_hand_;
    auto ms = Scaled(std::chrono::duration_cast<std::chrono::milliseconds>(options_.return_after),
                     options_.time_factor).count();
    auto jitter = ms > 5 ? static_cast<int64_t>(random_.Uniform(static_cast<uint32_t>(ms * 2 / 5))) - ms / 5 : 0;
    int used = std::max(5, soc - 5 - static_cast<int>(random_.Uniform(25)));
    scheduler_.After(std::chrono::milliseconds(ms + jitter),
                     [this, from, sn, used] { GiveBack(from, sn, used, 0); });
}

void Fleet::GiveBack(size_t from, uint32_t sn, int soc, int attempt) {
    if (stopped_ || cabinets_.empty()) return;
    size_t target = Roll(options_.same_station_return_pct)
                        ? from
                        : random_.Uniform(static_cast<uint32_t>(cabinets_.size()));
    for (size_t k = 0; k < cabinets_.size(); ++k) {  // the first with a free slot and a link
        SimCabinet& c = *cabinets_[(target + k) % cabinets_.size()];
        if (!c.connected() || !c.FreeSlot()) continue;
        auto st = c.ReturnBank(sn, soc);
        if (!st.ok()) Log()->warn("sim return call failed imei={} error={}", c.imei(), st.error().message);
        --in_hand_;
        ++returned_;
        return;
    }
    if (attempt < 100)  // every cabinet full or offline: try again later
        scheduler_.After(std::chrono::seconds(30), [this, from, sn, soc, attempt] { GiveBack(from, sn, soc, attempt + 1); });
}

}  // namespace ps::cabinet::sim
