#include "cabinet/bridge_service.hpp"

#include <boost/json.hpp>
#include <map>

#include "cabinet/frame_store.hpp"
#include "domains/stations/bank_repository.hpp"
#include "core/time_format.hpp"

namespace ps::cabinet {

namespace json = boost::json;

namespace {

const json::object* Obj(const json::object& o, std::string_view k) {
    const auto* v = o.if_contains(k);
    return v && v->is_object() ? &v->as_object() : nullptr;
}

std::string Str(const json::object* o, std::string_view k) {
    if (!o) return "";
    const auto* v = o->if_contains(k);
    if (v && v->is_string()) return std::string(v->as_string());
    if (v && v->is_int64()) return std::to_string(v->as_int64());
    return "";
}

std::optional<int64_t> Int(const json::object* o, std::string_view k, int64_t lo, int64_t hi) {
    if (!o) return std::nullopt;
    const auto* v = o->if_contains(k);
    int64_t x = 0;
    if (v && v->is_int64()) x = v->as_int64();
    else if (v && v->is_double()) x = static_cast<int64_t>(v->as_double());
    else if (v && v->is_string()) {
        try { x = std::stoll(std::string(v->as_string())); } catch (...) { return std::nullopt; }
    } else return std::nullopt;
    if (x < lo || x > hi) return std::nullopt;
    return x;
}

// The station named by device.imei / device.serial_number (imei first, then serial).
Result<CabinetStation> DeviceStation(db::Connection& tx, const json::object* device) {
    std::string imei = Str(device, "imei"), serial = Str(device, "serial_number");
    if (imei.empty() && serial.empty()) return FieldError("device", "serial_number is required.");
    for (const std::string& key : {imei, serial}) {
        if (key.empty()) continue;
        ASSIGN_OR_RETURN(auto s, FindStationByImei(tx, key));
        if (s) return std::move(*s);
        ASSIGN_OR_RETURN(s, FindStationBySerial(tx, key));
        if (s) return std::move(*s);
    }
    return InvalidArgument("station_not_found", "Station not found");
}

Status StoreBridgeFrame(db::Connection& tx, const CabinetStation& s, std::string_view type,
                        std::string_view raw, Micros now) {
    FrameRecord rec{s.id, s.imei, std::string(kChannelBridge), std::nullopt, std::string(raw),
                    json::serialize(json::object{{"type", type}}), "", now};
    return StoreFrame(tx, rec);
}

Result<BridgeOutcome> Full(db::Connection& tx, Random& random, const LinkOptions& o,
                           const json::object& body, std::string_view raw, Micros now) {
    ASSIGN_OR_RETURN(auto s, DeviceStation(tx, Obj(body, "device")));
    std::map<std::string, const json::object*> banks;
    if (const auto* pb = body.if_contains("power_banks"); pb && pb->is_array())
        for (const auto& b : pb->as_array())
            if (b.is_object()) banks[Str(&b.as_object(), "serial_number")] = &b.as_object();
    const auto* slots = body.if_contains("slots");
    if (!slots || !slots->is_array()) return FieldError("slots", "A list of slots is required.");
    std::vector<SlotReading> readings;
    for (const auto& v : slots->as_array()) {
        const json::object* so = v.is_object() ? &v.as_object() : nullptr;
        auto n = Int(so, "slot_number", 1, 255);
        if (!n) return FieldError("slots", "slot_number must be 1-255.");
        SlotReading r;
        r.slot = static_cast<int>(*n);
        r.serial = Str(so, "power_bank_serial");
        if (r.serial.size() > 64) return FieldError("slots", "power_bank_serial is too long.");
        std::string st = Str(so, "status");
        r.slot_status = st == "OCCUPIED" || st == "ERROR" || st == "AVAILABLE" ? st
                        : r.serial.empty() ? "AVAILABLE" : "OCCUPIED";
        r.battery = static_cast<int>(Int(so, "battery_level", 0, 100).value_or(0));
        if (const auto* md = Obj(*so, "slot_metadata")) r.slot_metadata = *md;
        if (auto it = banks.find(r.serial); !r.serial.empty() && it != banks.end()) {
            std::string bs = Str(it->second, "status");
            if (bs == "AVAILABLE" || bs == "MAINTENANCE" || bs == "DAMAGED") r.bank_status = bs;
            if (const auto* hw = Obj(*it->second, "hardware_info")) r.bank_hardware = *hw;
        }
        readings.push_back(std::move(r));
    }
    RETURN_IF_ERROR(StoreBridgeFrame(tx, s, "full", raw, now));
    RETURN_IF_ERROR(TouchLiveness(tx, s.id, now));
    InventoryOptions io{true, Evidence::kTrusted, o.eject_grace, o.claim_window};
    ASSIGN_OR_RETURN(auto out, ApplyInventory(tx, random, s, readings, io, now));
    BridgeOutcome r;
    for (auto& a : out.arrivals) {
        a.source = "bridge";
        r.returns.push_back(std::move(a));
    }
    r.data = {{"station_id", s.id}, {"station_serial", s.serial_number},
              {"slots_updated", out.slots_updated}, {"powerbanks_updated", out.banks_updated},
              {"offline_returns_processed", static_cast<int64_t>(r.returns.size())},
              {"timestamp", FormatDtU(now)}};
    return r;
}

Result<BridgeOutcome> Returned(db::Connection& tx, Random& random, const LinkOptions& o,
                               const json::object& body, std::string_view raw, Micros now) {
    ASSIGN_OR_RETURN(auto s, DeviceStation(tx, Obj(body, "device")));
    const json::object* ev = Obj(body, "return_event");
    std::string serial = Str(ev, "power_bank_serial");
    auto slot = Int(ev, "slot_number", 1, 255);
    if (serial.empty() || !slot) return FieldError("return_event", "power_bank_serial and slot_number are required.");
    ASSIGN_OR_RETURN(auto bank, stations::repo::FindBankBySerial(tx, serial));
    if (!bank) return InvalidArgument("powerbank_not_found", "Power bank not found");
    ASSIGN_OR_RETURN(auto slot_row, tx.QueryOne(
        "SELECT 1 FROM station_slots WHERE station_id = ? AND slot_number = ?", {s.id, *slot}));
    if (!slot_row && *slot > s.total_slots) return InvalidArgument("slot_not_found", "Slot not found");
    int battery = static_cast<int>(Int(ev, "battery_level", 0, 100).value_or(0));
    Micros at = now;
    if (auto t = ParseDateTime(Str(ev, "returned_at")); t && *t <= now) at = *t;
    RETURN_IF_ERROR(StoreBridgeFrame(tx, s, "returned", raw, now));
    RETURN_IF_ERROR(TouchLiveness(tx, s.id, now));
    ASSIGN_OR_RETURN(auto returned, PlaceReturnedBank(tx, random, s, static_cast<int>(*slot), serial,
                                                      battery, "bridge", o.claim_window, at));
    BridgeOutcome r;
    r.returns.push_back(std::move(returned));
    r.data = {{"message", "Power bank returned; no active rental was closed here"},
              {"power_bank_serial", serial}, {"station_serial", s.serial_number},
              {"slot_number", *slot}};
    return r;
}

Result<BridgeOutcome> StatusPush(db::Connection& tx, const json::object& body, std::string_view raw,
                                 Micros now) {
    const json::object* device = Obj(body, "device");
    std::string status = Str(device, "status");
    if (status != "ONLINE" && status != "OFFLINE")
        return FieldError("status", "\"" + status + "\" is not a valid choice.");
    ASSIGN_OR_RETURN(auto s, DeviceStation(tx, device));
    RETURN_IF_ERROR(StoreBridgeFrame(tx, s, "status", raw, now));
    RETURN_IF_ERROR(SetStationStatus(tx, s.id, status, now));
    ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT status FROM stations WHERE id = ?", {s.id}));
    BridgeOutcome r;
    r.data = {{"station_id", s.id}, {"serial_number", s.serial_number},
              {"status", row ? row->Str(0) : status}, {"last_heartbeat", FormatDtU(now)},
              {"updated_at", FormatDtU(now)}};
    return r;
}

}  // namespace

Result<BridgeOutcome> ApplyBridgePayload(db::Connection& tx, const Clock& clock, Random& random,
                                         const LinkOptions& options, const json::object& body,
                                         std::string_view raw) {
    Micros now = clock.Now();
    std::string type = Str(&body, "type");
    if (type == "full") return Full(tx, random, options, body, raw, now);
    if (type == "returned") return Returned(tx, random, options, body, raw, now);
    if (type == "status") return StatusPush(tx, body, raw, now);
    return InvalidArgument("invalid_type", "Invalid data type: " + type.substr(0, 32));
}

}  // namespace ps::cabinet
