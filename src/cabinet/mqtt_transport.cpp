#include "cabinet/mqtt_transport.hpp"

#include <mosquitto.h>

#include <charconv>
#include <mutex>

#include "core/log.hpp"

namespace ps::cabinet {

namespace {

void InitLibraryOnce() {
    static std::once_flag once;
    std::call_once(once, [] { mosquitto_lib_init(); });
}

auto Log() { return Logger("cabinet.mqtt"); }

}  // namespace

bool ParseHostPort(std::string_view text, std::string& host, uint16_t& port) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    auto p = text.substr(colon + 1);
    unsigned v = 0;
    auto r = std::from_chars(p.data(), p.data() + p.size(), v);
    if (r.ec != std::errc() || r.ptr != p.data() + p.size() || v == 0 || v > 65535) return false;
    host = std::string(text.substr(0, colon));
    port = static_cast<uint16_t>(v);
    return true;
}

MqttTransport::MqttTransport(MqttOptions options) : options_(std::move(options)) {
    InitLibraryOnce();
}

MqttTransport::~MqttTransport() { Stop(); }

void MqttTransport::Subscribe(std::string filter, int qos) {
    std::lock_guard lock(mu_);
    filters_.emplace_back(std::move(filter), qos);
}

void MqttTransport::SetHandler(Handler handler) {
    std::lock_guard lock(mu_);
    handler_ = std::move(handler);
}

Status MqttTransport::Start() {
    if (started_) return Ok{};
    const char* id = options_.client_id.empty() ? nullptr : options_.client_id.c_str();
    mosq_ = mosquitto_new(id, true, this);  // clean session: we subscribe again on connect
    if (!mosq_) return Internal("mosquitto_new failed");
    mosquitto_connect_callback_set(mosq_, &MqttTransport::OnConnect);
    mosquitto_disconnect_callback_set(mosq_, &MqttTransport::OnDisconnect);
    mosquitto_message_callback_set(mosq_, &MqttTransport::OnMessage);
    mosquitto_subscribe_callback_set(mosq_, &MqttTransport::OnSubscribe);
    mosquitto_reconnect_delay_set(mosq_, options_.reconnect_min_s, options_.reconnect_max_s, true);
    if (!options_.username.empty())
        mosquitto_username_pw_set(mosq_, options_.username.c_str(), options_.password.c_str());
    int rc = mosquitto_connect_async(mosq_, options_.host.c_str(), options_.port,
                                     options_.keepalive_s);
    if (rc != MOSQ_ERR_SUCCESS)  // the loop thread keeps trying with backoff
        Log()->warn("mqtt connect deferred host={} port={} error={}", options_.host,
                    options_.port, mosquitto_strerror(rc));
    rc = mosquitto_loop_start(mosq_);
    if (rc != MOSQ_ERR_SUCCESS) {
        mosquitto_destroy(mosq_);
        mosq_ = nullptr;
        return Internal(std::string("mosquitto_loop_start: ") + mosquitto_strerror(rc));
    }
    started_ = true;
    return Ok{};
}

void MqttTransport::Stop() {
    if (!mosq_) return;
    mosquitto_disconnect(mosq_);
    mosquitto_loop_stop(mosq_, false);  // wakes the loop and joins it (no thread cancellation)
    mosquitto_destroy(mosq_);
    mosq_ = nullptr;
    connected_ = false;
    started_ = false;
}

Status MqttTransport::Publish(std::string_view topic, std::string_view payload, int qos) {
    if (!mosq_ || !connected_) return Unavailable("mqtt_not_connected", "MQTT is not connected");
    std::string t(topic);
    int rc = mosquitto_publish(mosq_, nullptr, t.c_str(), static_cast<int>(payload.size()),
                               payload.data(), qos, false);
    if (rc != MOSQ_ERR_SUCCESS)
        return Unavailable("mqtt_publish_failed", std::string("publish failed: ") + mosquitto_strerror(rc));
    return Ok{};
}

void MqttTransport::OnConnect(mosquitto* m, void* self, int rc) {
    auto* t = static_cast<MqttTransport*>(self);
    if (rc != 0) {
        Log()->warn("mqtt connect refused host={} port={} reason={}", t->options_.host,
                    t->options_.port, mosquitto_connack_string(rc));
        return;
    }
    std::vector<std::pair<std::string, int>> filters;
    {
        std::lock_guard lock(t->mu_);
        filters = t->filters_;
    }
    t->pending_subacks_ = static_cast<int>(filters.size());
    for (const auto& [filter, qos] : filters) {
        int s = mosquitto_subscribe(m, nullptr, filter.c_str(), qos);
        if (s != MOSQ_ERR_SUCCESS)
            Log()->error("mqtt subscribe failed filter={} error={}", filter, mosquitto_strerror(s));
    }
    if (filters.empty()) t->connected_ = true;
    int n = ++t->connects_;
    Log()->info("mqtt connected host={} port={} client={} connects={}", t->options_.host,
                t->options_.port, t->options_.client_id, n);
}

void MqttTransport::OnDisconnect(mosquitto*, void* self, int rc) {
    auto* t = static_cast<MqttTransport*>(self);
    t->connected_ = false;
    if (rc != 0)
        Log()->warn("mqtt disconnected host={} port={} client={} rc={}", t->options_.host,
                    t->options_.port, t->options_.client_id, rc);
}

void MqttTransport::OnSubscribe(mosquitto*, void* self, int, int qos_count, const int* granted) {
    auto* t = static_cast<MqttTransport*>(self);
    for (int i = 0; i < qos_count; ++i)
        if (granted && granted[i] == 0x80)  // refused (e.g. by the broker's ACL)
            Log()->warn("mqtt subscription refused client={}", t->options_.client_id);
    if (--t->pending_subacks_ <= 0) t->connected_ = true;
}

void MqttTransport::OnMessage(mosquitto*, void* self, const mosquitto_message* msg) {
    auto* t = static_cast<MqttTransport*>(self);
    Handler h;
    {
        std::lock_guard lock(t->mu_);
        h = t->handler_;
    }
    if (!h || !msg || !msg->topic) return;
    TransportMessage m{msg->topic, {}};
    if (msg->payload && msg->payloadlen > 0)
        m.payload.assign(static_cast<const char*>(msg->payload), static_cast<size_t>(msg->payloadlen));
    try {
        h(m);
    } catch (const std::exception& e) {
        Log()->error("mqtt handler threw topic={} error={}", m.topic, e.what());
    }
}

}  // namespace ps::cabinet
