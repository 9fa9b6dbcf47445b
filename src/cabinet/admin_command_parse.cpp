#include "cabinet/admin_command_parse.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace ps::cabinet {

namespace json = boost::json;

namespace {

std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// A parameter given as a JSON number or a decimal string, within [min, max].
std::optional<int64_t> IntParam(const json::object& p, std::initializer_list<const char*> keys,
                                int64_t min, int64_t max) {
    for (const char* k : keys) {
        const auto* v = p.if_contains(k);
        if (!v) continue;
        int64_t x = 0;
        if (v->is_int64()) x = v->as_int64();
        else if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(max)) x = static_cast<int64_t>(v->as_uint64());
        else if (v->is_string()) {
            std::string_view s = v->as_string();
            auto r = std::from_chars(s.data(), s.data() + s.size(), x);
            if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
        } else return std::nullopt;
        if (x < min || x > max) return std::nullopt;
        return x;
    }
    return std::nullopt;
}

std::optional<std::string> StrParam(const json::object& p, const char* key, size_t max_len) {
    const auto* v = p.if_contains(key);
    if (!v || !v->is_string() || v->as_string().size() > max_len) return std::nullopt;
    return std::string(v->as_string());
}

}  // namespace

Result<Command> ParseStaffCommand(std::string_view command, const json::object& p) {
    const std::string c = Lower(command);
    if (c == "check") return Command{CheckCommand{}};
    if (c == "check_all") return Command{CheckAllCommand{}};
    if (c == "upload_all") return Command{UploadAllCommand{}};
    if (c == "reboot") return Command{RebootCommand{}};
    if (c == "load_ad") return Command{LoadAdCommand{}};
    if (c == "popup_sn" || c == "eject_serial") {
        auto sn = IntParam(p, {"serial", "power_bank_serial"}, 1, UINT32_MAX);
        if (!sn) return FieldError("parameters", "serial must be a power bank serial (1-4294967295).");
        return Command{PopupSnCommand{static_cast<uint32_t>(*sn)}};
    }
    if (c == "popup" || c == "eject_slot" || c == "unlock_slot") {
        auto slot = IntParam(p, {"slot", "slot_number"}, 1, 255);
        if (!slot) return FieldError("parameters", "slot must be 1-255.");
        auto io = IntParam(p, {"io"}, 0, 1).value_or(0);
        return Command{PopupHoleCommand{static_cast<uint8_t>(*slot), static_cast<uint8_t>(io)}};
    }
    if (c == "wifi" || c == "getwifi" || c == "setwifi") {
        auto ssid = StrParam(p, "ssid", 64);
        if (!ssid || ssid->empty()) {
            if (c == "setwifi") return FieldError("parameters", "ssid is required.");
            return Command{GetWifiCommand{}};
        }
        auto pw = StrParam(p, "password", 64).value_or("");
        return Command{SetWifiCommand{*ssid, pw}};
    }
    if (c == "volume") {
        auto v = IntParam(p, {"volume", "level"}, 0, 100);
        if (!v) return FieldError("parameters", "volume must be 0-100.");
        return Command{VolumeCommand{static_cast<uint8_t>(*v)}};
    }
    if (c == "set_mode") {
        auto m = StrParam(p, "mode", 8);
        if (!m || (*m != "wifi" && *m != "4g")) return FieldError("parameters", "mode must be wifi or 4g.");
        return Command{SetModeCommand{*m == "wifi" ? NetworkMode::kWifi : NetworkMode::k4g}};
    }
    if (c == "lock_slot" || c == "update_firmware" || c == "sync_time" || c == "clear_cache" ||
        c == "reset_hardware")
        return InvalidArgument("command_not_supported",
                               "The cabinet protocol has no " + std::string(command) + " command");
    return FieldError("command", "\"" + std::string(command) + "\" is not a valid choice.");
}

}  // namespace ps::cabinet
