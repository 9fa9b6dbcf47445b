#include "cabinet/frame_store.hpp"

#include <boost/json.hpp>

#include "core/crypto.hpp"

namespace ps::cabinet {

namespace json = boost::json;

namespace {

constexpr size_t kMaxStoredBytes = 64 * 1024;

json::object HoleJson(const BoardRecord& b, const HoleRecord& h) {
    json::object o{{"hole", h.hole},
                   {"state", h.state},
                   {"sn", std::to_string(h.sn)},
                   {"temperature", h.temperature},
                   {"charge_voltage", h.charge_voltage},
                   {"charge_current", h.charge_current},
                   {"software_version", h.software_version},
                   {"micro_switch", h.MicroSwitch()},
                   {"solenoid", h.Solenoid()},
                   {"area_code", AreaCode(b, h)}};
    auto soc = h.SocPercent();
    o["soc"] = soc ? json::value(*soc) : json::value(nullptr);
    return o;
}

struct ToJson {
    json::object operator()(const Inventory& inv) const {
        json::array boards;
        for (const auto& b : inv.boards) {
            json::array holes;
            for (const auto& h : b.holes) holes.emplace_back(HoleJson(b, h));
            boards.emplace_back(json::object{{"address", b.address},
                                             {"temperature", b.temperature},
                                             {"software_version", b.software_version},
                                             {"hardware_version", b.hardware_version},
                                             {"holes", std::move(holes)}});
        }
        return {{"type", "inventory"}, {"boards", std::move(boards)}};
    }
    json::object operator()(const PopupHoleReply& r) const {
        return {{"type", "popup_reply"}, {"board", r.board}, {"hole", r.hole},
                {"state", r.state}, {"solenoid", r.solenoid}};
    }
    json::object operator()(const PopupSnReply& r) const {
        return {{"type", "popup_sn_reply"}, {"hole", r.hole}, {"sn", std::to_string(r.sn)},
                {"state", r.state}, {"solenoid", r.solenoid}};
    }
    json::object operator()(const ReturnReport& r) const {
        return {{"type", "return"}, {"board", r.board}, {"hole", r.hole}, {"area", r.area},
                {"sn", std::to_string(r.sn)}, {"state", r.state},
                {"bank_software_version", r.bank_software_version}, {"soc", r.soc}};
    }
    json::object operator()(const ReturnSelfTest& r) const {
        return {{"type", "return_self_test"}, {"board", r.board}, {"hole", r.hole},
                {"state", r.state}, {"sn", std::to_string(r.sn)}, {"soc", r.soc},
                {"temperature", r.temperature}, {"charge_voltage", r.charge_voltage},
                {"charge_current", r.charge_current}};
    }
    json::object operator()(const Heartbeat& h) const {
        json::object o{{"type", "heartbeat"}, {"board", h.board}, {"text", h.text}};
        o["csq"] = h.csq ? json::value(*h.csq) : json::value(nullptr);
        o["backup_power"] = h.backup_power ? json::value(*h.backup_power) : json::value(nullptr);
        return o;
    }
    json::object operator()(const WifiScan& w) const {
        json::array a;
        for (const auto& s : w.ssids) a.emplace_back(json::string(s));
        return {{"type", "wifi_scan"}, {"ssids", std::move(a)}};
    }
};

}  // namespace

json::object MessageJson(const Message& m) { return std::visit(ToJson{}, m); }

std::string HexOf(std::string_view raw) {
    return HexEncode(raw.substr(0, std::min(raw.size(), kMaxStoredBytes)));
}

Status StoreFrame(db::Connection& c, const FrameRecord& f) {
    std::optional<std::string> station, error;
    if (!f.station_id.empty()) station = f.station_id;
    if (!f.error.empty()) error = f.error;
    std::optional<int64_t> command;
    if (f.command) command = *f.command;
    return c.Defer(
        "INSERT INTO cabinet_frames (station_id, imei, channel, command, raw_hex, parsed, error, "
        "received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {station, f.imei, f.channel, command, HexOf(f.raw), f.parsed, error, f.received_at});
}

Result<int64_t> CountFrames(db::Connection& c, std::string_view imei) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COUNT(*) FROM cabinet_frames WHERE imei = ?", {imei}));
    return row ? row->Int(0) : 0;
}

Result<std::vector<StoredFrame>> ListFrames(db::Connection& c, std::string_view imei,
                                            int64_t offset, int64_t limit) {
    ASSIGN_OR_RETURN(auto rows, c.Query(
        "SELECT id, imei, channel, command, raw_hex, parsed, error, received_at FROM "
        "cabinet_frames WHERE imei = ? ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?",
        {imei, limit, offset}));
    std::vector<StoredFrame> out;
    for (const auto& r : rows)
        out.push_back({r.Int(0), r.Str(1), r.Str(2), r.Str(4), r.Str(5), r.OptInt(3), r.OptStr(6),
                       r.Int(7)});
    return out;
}

Result<int64_t> DeleteFramesBefore(db::Database& db, Micros cutoff) {
    int64_t total = 0;
    for (;;) {  // small batches keep each write transaction short
        ASSIGN_OR_RETURN(int64_t n, db.Transact([&](db::Connection& c) -> Result<int64_t> {
            return c.Exec(
                "DELETE FROM cabinet_frames WHERE id IN (SELECT id FROM cabinet_frames WHERE "
                "received_at < ? ORDER BY id LIMIT 1000)", {cutoff});
        }));
        total += n;
        if (n < 1000) return total;
    }
}

}  // namespace ps::cabinet
