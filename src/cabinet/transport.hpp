// The cabinet link's transport seam: a publish/subscribe client (MQTT semantics) that the
// server, the simulator's cabinets and the tests all use. Two implementations: MqttTransport
// (libmosquitto, mqtt_transport.hpp) and MemoryBroker clients (memory_transport.hpp), so the
// embedded mode and hermetic tests run without a broker.
//
// Topics (cabinet-protocol.md §3.2): `/powerbank/{imei}/user/get` (server -> cabinet, JSON),
// `/powerbank/{imei}/user/update` (cabinet -> server, binary), `/powerbank/{imei}/user/heart`
// (both ways, 0x7A). Nothing is retained.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace ps::cabinet {

inline constexpr std::string_view kUpdateFilter = "/powerbank/+/user/update";
inline constexpr std::string_view kHeartFilter = "/powerbank/+/user/heart";

std::string CommandTopic(std::string_view imei);  // /powerbank/{imei}/user/get
std::string UpdateTopic(std::string_view imei);   // /powerbank/{imei}/user/update
std::string HeartTopic(std::string_view imei);    // /powerbank/{imei}/user/heart

enum class Channel { kGet, kUpdate, kHeart };
struct TopicInfo {
    std::string imei;
    Channel channel = Channel::kUpdate;
};
// Parses a cabinet topic (also the legacy `/powerbank/{imei}/get`); nullopt for anything else,
// including an IMEI that is not 1-20 digits.
std::optional<TopicInfo> ParseTopic(std::string_view topic);
// 1-20 ASCII digits (ChargeGhar accepts 1-20-digit numeric ids; real IMEIs have 15).
bool IsValidImei(std::string_view imei);
// MQTT topic filter matching with '+' and '#'.
bool TopicMatches(std::string_view filter, std::string_view topic);

struct TransportMessage {
    std::string topic;
    std::string payload;
};

class Transport {
public:
    using Handler = std::function<void(const TransportMessage&)>;
    virtual ~Transport() = default;
    // Filters subscribed on every (re)connect. Call before Start.
    virtual void Subscribe(std::string filter, int qos) = 0;
    // Called for each message on the transport's own thread; must not block for long.
    virtual void SetHandler(Handler handler) = 0;
    // Connects in the background and keeps reconnecting until Stop.
    virtual Status Start() = 0;
    virtual void Stop() = 0;
    // Publishes once (never retried by us). Fails when not connected.
    virtual Status Publish(std::string_view topic, std::string_view payload, int qos) = 0;
    virtual bool Connected() const = 0;

    // A JSON command to one cabinet on /powerbank/{imei}/user/get at QoS 0 (ejects must never
    // be redelivered: a DUP ejects a second bank, §3.6).
    Status PublishCommand(std::string_view imei, std::string_view json) {
        return Publish(CommandTopic(imei), json, 0);
    }
};

}  // namespace ps::cabinet
