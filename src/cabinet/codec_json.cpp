// Text protocols around the frames: JSON commands on .../user/get, the HTTP `sign`, and the
// connect reply's `data` string.
#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <limits>
#include <string>

#include "cabinet/codec.hpp"
#include "core/crypto.hpp"

namespace ps::cabinet {

namespace {

constexpr std::uint64_t kMaxHole = 255;
constexpr std::uint64_t kMaxVolume = 100;
constexpr std::size_t kConnectFields = 7;

Error Fail(std::string_view slug, std::string message) {
    return InvalidArgument(std::string(slug), std::move(message));
}

// Unsigned decimal digits only (no sign, no spaces), at most `max`.
std::optional<std::uint64_t> ParseDecimal(std::string_view s, std::uint64_t max) {
    if (s.empty() || s.size() > 20) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
        if (v > max / 10) return std::nullopt;
        v *= 10;
        if (digit > max - v) return std::nullopt;
        v += digit;
    }
    return v;
}

boost::json::object Cmd(std::string_view name) {
    boost::json::object o;
    o["cmd"] = name;
    return o;
}

void PutTiming(boost::json::object& o, const std::optional<std::int64_t>& timestamp,
               const std::optional<std::int64_t>& ttl) {
    if (timestamp) o["timestamp"] = std::to_string(*timestamp);
    if (ttl) o["ttl"] = std::to_string(*ttl);
}

struct CommandJson {
    boost::json::object operator()(const CheckCommand&) const { return Cmd("check"); }
    boost::json::object operator()(const CheckAllCommand&) const { return Cmd("check_all"); }
    boost::json::object operator()(const PopupSnCommand& c) const {
        boost::json::object o = Cmd("popup_sn");
        o["data"] = std::to_string(c.sn);
        PutTiming(o, c.timestamp, c.ttl);
        return o;
    }
    boost::json::object operator()(const PopupHoleCommand& c) const {
        boost::json::object o = Cmd("popup");
        o["data"] = std::to_string(c.hole);
        o["io"] = std::to_string(c.io);
        PutTiming(o, c.timestamp, c.ttl);
        return o;
    }
    boost::json::object operator()(const UploadAllCommand&) const { return Cmd("upload_all"); }
    boost::json::object operator()(const RebootCommand&) const { return Cmd("reboot"); }
    boost::json::object operator()(const LoadAdCommand&) const { return Cmd("load_ad"); }
    boost::json::object operator()(const LocationCommand& c) const {
        boost::json::object o = Cmd("location");
        o["data"] = c.data;
        return o;
    }
    boost::json::object operator()(const GetWifiCommand&) const { return Cmd("getWifi"); }
    boost::json::object operator()(const SetWifiCommand& c) const {
        boost::json::object o = Cmd("setWifi");
        o["username"] = c.ssid;
        o["password"] = c.password;
        return o;
    }
    boost::json::object operator()(const SetModeCommand& c) const {
        boost::json::object o = Cmd("setMode");
        o["data"] = c.mode == NetworkMode::kWifi ? "wifi" : "4g";
        return o;
    }
    boost::json::object operator()(const VolumeCommand& c) const {
        boost::json::object o = Cmd("volume");
        o["data"] = std::to_string(c.volume);
        return o;
    }
};

// Reads the string values of one command object; the first problem wins.
class FieldReader {
public:
    explicit FieldReader(const boost::json::object& o) : o_(o) {}

    // The string at `key`; nullopt when absent (an error if required) or not a string.
    std::optional<std::string_view> Text(std::string_view key, bool required) {
        const boost::json::value* v = o_.if_contains(key);
        if (v == nullptr) {
            if (required) Note(key, "is missing");
            return std::nullopt;
        }
        if (!v->is_string()) {
            Note(key, "must be a JSON string");
            return std::nullopt;
        }
        return std::string_view(v->get_string());
    }

    // A decimal string in [min, max].
    std::optional<std::uint64_t> Number(std::string_view key, bool required, std::uint64_t min,
                                        std::uint64_t max) {
        const std::optional<std::string_view> s = Text(key, required);
        if (!s) return std::nullopt;
        const std::optional<std::uint64_t> v = ParseDecimal(*s, max);
        if (!v || *v < min) {
            Note(key, "must be a decimal in " + std::to_string(min) + ".." + std::to_string(max));
            return std::nullopt;
        }
        return v;
    }

    std::optional<std::int64_t> Signed(std::string_view key) {
        auto v = Number(key, false, 0, std::numeric_limits<std::int64_t>::max());
        if (!v) return std::nullopt;
        return static_cast<std::int64_t>(*v);
    }

    Status Finish() const {
        if (error_.empty()) return Ok{};
        return Fail(kSlugBadCommandField, error_);
    }

private:
    void Note(std::string_view key, const std::string& what) {
        if (error_.empty()) error_ = "\"" + std::string(key) + "\" " + what;
    }

    const boost::json::object& o_;
    std::string error_;
};

Result<Command> ReadPopupSn(FieldReader& f) {
    PopupSnCommand c;
    c.sn = static_cast<std::uint32_t>(f.Number("data", true, 0, 0xFFFFFFFFu).value_or(0));
    c.timestamp = f.Signed("timestamp");
    c.ttl = f.Signed("ttl");
    RETURN_IF_ERROR(f.Finish());
    return Command(c);
}

Result<Command> ReadPopupHole(FieldReader& f) {
    PopupHoleCommand c;
    c.hole = static_cast<std::uint8_t>(f.Number("data", true, 1, kMaxHole).value_or(0));
    c.io = static_cast<std::uint8_t>(f.Number("io", false, 0, 1).value_or(0));
    c.timestamp = f.Signed("timestamp");
    c.ttl = f.Signed("ttl");
    RETURN_IF_ERROR(f.Finish());
    return Command(c);
}

Result<Command> ReadWithData(std::string_view cmd, FieldReader& f) {
    if (cmd == "location") {
        LocationCommand c{std::string(f.Text("data", true).value_or(""))};
        RETURN_IF_ERROR(f.Finish());
        return Command(std::move(c));
    }
    if (cmd == "setWifi") {
        SetWifiCommand c{std::string(f.Text("username", true).value_or("")),
                         std::string(f.Text("password", true).value_or(""))};
        RETURN_IF_ERROR(f.Finish());
        return Command(std::move(c));
    }
    if (cmd == "setMode") {
        const std::string_view mode = f.Text("data", true).value_or("");
        RETURN_IF_ERROR(f.Finish());
        if (mode == "wifi") return Command(SetModeCommand{NetworkMode::kWifi});
        if (mode == "4g") return Command(SetModeCommand{NetworkMode::k4g});
        return Fail(kSlugBadCommandField, "\"data\" must be \"wifi\" or \"4g\"");
    }
    // volume
    VolumeCommand c{static_cast<std::uint8_t>(f.Number("data", true, 0, kMaxVolume).value_or(0))};
    RETURN_IF_ERROR(f.Finish());
    return Command(c);
}

Result<Command> ReadCommand(std::string_view cmd, FieldReader& f) {
    if (cmd == "check") return Command(CheckCommand{});
    if (cmd == "check_all") return Command(CheckAllCommand{});
    if (cmd == "upload_all") return Command(UploadAllCommand{});
    if (cmd == "reboot") return Command(RebootCommand{});
    if (cmd == "load_ad") return Command(LoadAdCommand{});
    if (cmd == "getWifi") return Command(GetWifiCommand{});
    if (cmd == "popup_sn") return ReadPopupSn(f);
    if (cmd == "popup") return ReadPopupHole(f);
    if (cmd == "location" || cmd == "setWifi" || cmd == "setMode" || cmd == "volume") {
        return ReadWithData(cmd, f);
    }
    return Fail(kSlugUnknownCommandJson, "unknown cmd \"" + std::string(cmd) + "\"");
}

}  // namespace

std::string EncodeCommand(const Command& command) {
    return boost::json::serialize(std::visit(CommandJson{}, command));
}

Result<Command> DecodeCommand(std::string_view json) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(json, ec);
    if (ec) return Fail(kSlugBadCommandJson, "command is not JSON: " + ec.message());
    if (!v.is_object()) return Fail(kSlugBadCommandJson, "command is not a JSON object");
    FieldReader f(v.get_object());
    const std::optional<std::string_view> cmd = f.Text("cmd", true);
    if (!cmd) return Fail(kSlugBadCommandJson, "command has no string \"cmd\"");
    return ReadCommand(*cmd, f);
}

std::optional<std::uint8_t> ReplyCommandFor(const Command& command) {
    if (std::holds_alternative<CheckCommand>(command)) return kCmdInventory;
    if (std::holds_alternative<CheckAllCommand>(command)) return kCmdInventory;
    if (std::holds_alternative<PopupSnCommand>(command)) return kCmdPopupSn;
    if (std::holds_alternative<PopupHoleCommand>(command)) return kCmdPopupHole;
    if (std::holds_alternative<GetWifiCommand>(command)) return kCmdWifiScan;
    return std::nullopt;
}

std::string SignPayload(const Params& params) {
    std::vector<std::string> items;
    for (const auto& [key, value] : params) {
        if (key != "sign") items.push_back(key + "=" + value);
    }
    std::sort(items.begin(), items.end());
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty()) out += '|';
        out += item;
    }
    return out;
}

std::string ComputeSign(const Params& params) { return HexEncode(Md5(SignPayload(params))); }

bool SignMatches(const Params& params, std::string_view sign) {
    std::string lower(sign);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ComputeSign(params) == lower) return true;
    Params without_power;
    for (const auto& p : params) {
        if (p.first != "power") without_power.push_back(p);
    }
    return without_power.size() != params.size() && ComputeSign(without_power) == lower;
}

std::string EncodeConnectData(const ConnectData& d) {
    return d.client_id + "," + d.product_key + "," + d.host + "," + std::to_string(d.port) + "," +
           d.username + "," + d.password + "," + std::to_string(d.timestamp_ms);
}

Result<ConnectData> DecodeConnectData(std::string_view text) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        const std::size_t comma = text.find(',', start);
        parts.push_back(text.substr(start, comma - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    if (parts.size() != kConnectFields) {
        return Fail(kSlugBadConnectData, "connect data needs 7 comma-separated fields");
    }
    const auto port = ParseDecimal(parts[3], 0xFFFF);
    const auto ts = ParseDecimal(parts[6], std::numeric_limits<std::int64_t>::max());
    if (parts[0].empty() || parts[2].empty() || !port || *port == 0 || !ts) {
        return Fail(kSlugBadConnectData, "connect data has an empty id/host or a bad port/time");
    }
    return ConnectData{std::string(parts[0]),         std::string(parts[1]),
                       std::string(parts[2]),         static_cast<std::uint16_t>(*port),
                       std::string(parts[4]),         std::string(parts[5]),
                       static_cast<std::int64_t>(*ts)};
}

}  // namespace ps::cabinet
