// Evidence: every frame a known cabinet sent (raw bytes as hex, the parse as JSON, or the
// decode error), in cabinet_frames; listed for staff, deleted after the retention period.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cabinet/codec.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "db/database.hpp"

namespace ps::cabinet {

inline constexpr std::string_view kChannelMqttUpdate = "mqtt_update";
inline constexpr std::string_view kChannelMqttHeart = "mqtt_heart";
inline constexpr std::string_view kChannelHttpUpload = "http_upload";
inline constexpr std::string_view kChannelHttpReturn = "http_return";
inline constexpr std::string_view kChannelBridge = "bridge";

struct FrameRecord {
    std::string station_id;  // "" -> NULL
    std::string imei;
    std::string channel;
    std::optional<int> command;  // the CMD byte when the frame got that far
    std::string raw;             // the bytes received (stored as hex, at most 64 KiB)
    std::string parsed = "{}";   // JSON text
    std::string error;           // "" -> NULL; otherwise "slug: message"
    Micros received_at = 0;
};

Status StoreFrame(db::Connection& c, const FrameRecord& f);

struct StoredFrame {
    int64_t id = 0;
    std::string imei, channel, raw_hex, parsed;
    std::optional<int64_t> command;
    std::optional<std::string> error;
    Micros received_at = 0;
};
Result<int64_t> CountFrames(db::Connection& c, std::string_view imei);
Result<std::vector<StoredFrame>> ListFrames(db::Connection& c, std::string_view imei,
                                            int64_t offset, int64_t limit);
// Deletes frames received before `cutoff`, in batches; returns how many.
Result<int64_t> DeleteFramesBefore(db::Database& db, Micros cutoff);

// The typed message as JSON for `parsed` (serials as decimal strings).
boost::json::object MessageJson(const Message& m);
std::string HexOf(std::string_view raw);

}  // namespace ps::cabinet
