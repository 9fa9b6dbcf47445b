// The ASCII-bodied frames: 0x7A heartbeat ("CSQ:25;BP:0") and 0xCF WiFi scan (JSON array).
#include <boost/json.hpp>
#include <string>

#include "cabinet/codec.hpp"

namespace ps::cabinet {

namespace {

constexpr int kCsqMax = 31;
constexpr int kCsqUnknown = 99;
constexpr int kBackupPowerMax = 3;  // bit0 supported, bit1 running

Error Fail(std::string_view slug, std::string message) {
    return InvalidArgument(std::string(slug), std::move(message));
}

// A decimal of 1-3 digits, nothing else.
std::optional<int> SmallNumber(std::string_view s) {
    if (s.empty() || s.size() > 3) return std::nullopt;
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

// Fills csq and backup_power from `KEY:VALUE;KEY:VALUE`; unknown keys are ignored.
void ParseHeartbeatText(Heartbeat& hb) {
    hb.csq.reset();
    hb.backup_power.reset();
    std::string_view rest = hb.text;
    while (!rest.empty()) {
        const std::size_t semi = rest.find(';');
        const std::string_view item = rest.substr(0, semi);
        rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
        const std::size_t colon = item.find(':');
        if (colon == std::string_view::npos) continue;
        const std::optional<int> v = SmallNumber(item.substr(colon + 1));
        if (!v) continue;
        const std::string_view key = item.substr(0, colon);
        if (key == "CSQ" && (*v <= kCsqMax || *v == kCsqUnknown)) hb.csq = v;
        if (key == "BP" && *v <= kBackupPowerMax) hb.backup_power = v;
    }
}

// RFC 3629 UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF), as Boost.JSON checks.
bool ValidUtf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const unsigned c = static_cast<unsigned char>(s[i]);
        std::size_t extra = 0;
        unsigned lo = 0x80, hi = 0xBF;  // bounds of the first continuation byte
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            lo = c == 0xE0 ? 0xA0 : lo;
            hi = c == 0xED ? 0x9F : hi;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            lo = c == 0xF0 ? 0x90 : lo;
            hi = c == 0xF4 ? 0x8F : hi;
        } else {
            return false;
        }
        if (s.size() - i <= extra) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            const unsigned b = static_cast<unsigned char>(s[i + k]);
            if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return false;
        }
        i += extra + 1;
    }
    return true;
}

// ChargeGhar's reading of a malformed list: drop the brackets, split on commas, keep the
// quoted items without their quotes.
Result<std::vector<std::string>> LenientSsids(std::string_view text) {
    if (text.size() < 2 || text.front() != '[' || text.back() != ']') {
        return Fail(kSlugBadPayload, "0xCF body is not a JSON array");
    }
    std::vector<std::string> out;
    std::string_view rest = text.substr(1, text.size() - 2);
    while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (item.size() < 2 || item.front() != '"' || item.back() != '"') continue;
        const std::string_view ssid = item.substr(1, item.size() - 2);
        if (!ValidUtf8(ssid)) return Fail(kSlugBadPayload, "0xCF SSID is not UTF-8");
        out.emplace_back(ssid);
    }
    return out;
}

Result<std::vector<std::string>> ParseSsids(std::string_view text) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(text, ec);
    if (ec) return LenientSsids(text);
    if (!v.is_array()) return Fail(kSlugBadPayload, "0xCF body is not a JSON array");
    std::vector<std::string> out;
    for (const boost::json::value& item : v.get_array()) {
        if (!item.is_string()) return Fail(kSlugBadPayload, "0xCF list holds a non-string");
        out.emplace_back(item.get_string());
    }
    return out;
}

std::string_view AsText(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

}  // namespace

Heartbeat MakeHeartbeat(int csq, int backup_power, std::uint8_t board) {
    Heartbeat hb;
    hb.board = board;
    hb.text = "CSQ:" + std::to_string(csq) + ";BP:" + std::to_string(backup_power);
    ParseHeartbeatText(hb);
    return hb;
}

Result<Heartbeat> DecodeHeartbeat(ByteView bytes, const DecodeOptions& options) {
    ASSIGN_OR_RETURN(FrameView frame, ParseFrame(bytes, options.verify_checksum));
    if (frame.command != kCmdHeartbeat) return Fail(kSlugWrongCommand, "expected command 0x7A");
    if (frame.data.empty()) return Fail(kSlugBadLength, "0x7A frame without a board byte");
    Heartbeat hb;
    hb.board = frame.data[0];
    hb.text = std::string(AsText(frame.data.subspan(1)));
    for (char c : hb.text) {
        if (c < 0x20 || c > 0x7E) return Fail(kSlugBadPayload, "0x7A text is not printable ASCII");
    }
    ParseHeartbeatText(hb);
    return hb;
}

Result<Bytes> EncodeHeartbeat(const Heartbeat& heartbeat) {
    Bytes data{heartbeat.board};
    data.insert(data.end(), heartbeat.text.begin(), heartbeat.text.end());
    return EncodeFrame(kCmdHeartbeat, data);
}

Result<WifiScan> DecodeWifiScan(ByteView bytes, const DecodeOptions& options) {
    ASSIGN_OR_RETURN(FrameView frame, ParseFrame(bytes, options.verify_checksum));
    if (frame.command != kCmdWifiScan) return Fail(kSlugWrongCommand, "expected command 0xCF");
    ASSIGN_OR_RETURN(std::vector<std::string> ssids, ParseSsids(AsText(frame.data)));
    return WifiScan{std::move(ssids)};
}

Result<Bytes> EncodeWifiScan(const WifiScan& scan) {
    boost::json::array list;
    for (const std::string& s : scan.ssids) list.emplace_back(boost::json::string_view(s));
    const std::string text = boost::json::serialize(list);
    return EncodeFrame(kCmdWifiScan, AsBytes(text));
}

}  // namespace ps::cabinet
