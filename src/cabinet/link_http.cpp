// Link::HandleUpload and Link::HandleHttpReturn: the cabinet's HTTP reports (link.hpp). HTTP
// calls carry no secret (§7.1), so what they say about banks coming back is only a claim that
// the cabinet's own MQTT frames must corroborate (a check_all is queued for that).
#include <boost/json.hpp>

#include "cabinet/frame_store.hpp"
#include "cabinet/link.hpp"
#include "domains/stations/inventory_repository.hpp"
#include "core/log.hpp"

namespace ps::cabinet {

namespace json = boost::json;

Result<UploadResult> Link::HandleUpload(const CabinetStation& s, std::string_view body,
                                        const json::object& params) {
    Micros now = clock_.Now();
    LinkEffects fx;
    UploadResult result;
    auto st = db_.Transact([&](db::Connection& tx) -> Status {
        fx = LinkEffects{};
        result = UploadResult{};
        FrameRecord rec{s.id, s.imei, std::string(kChannelHttpUpload), std::nullopt,
                        std::string(body), "{}", "", now};
        if (body.size() >= 4) rec.command = static_cast<uint8_t>(body[3]);
        auto inv = DecodeInventory(AsBytes(body), DecodeOptionsFor(s, options_.verify_checksum));
        if (!inv.ok()) {
            result.error = inv.error().slug + ": " + inv.error().message;
            rec.error = result.error;
            rec.parsed = json::serialize(json::object{{"params", params}});
            return StoreFrame(tx, rec);
        }
        json::object parsed = MessageJson(*inv);
        parsed["params"] = params;
        rec.parsed = json::serialize(parsed);
        RETURN_IF_ERROR(StoreFrame(tx, rec));
        RETURN_IF_ERROR(LockAndRefreshLiveness(tx, s.id, now));
        InventoryOptions o{true, Evidence::kUnverified, options_.eject_grace, options_.claim_window};
        auto readings = ReadingsFromInventory(*inv, now);
        ASSIGN_OR_RETURN(auto out, ApplyInventory(tx, random_, s, readings, o, now));
        result.slots_updated = out.slots_updated;
        result.banks_updated = out.banks_updated;
        for (auto& a : out.arrivals) fx.returns.push_back(std::move(a));
        if (out.unverified.empty()) return Ok{};
        for (const auto& serial : out.unverified)
            for (const auto& r : readings)
                if (r.serial == serial) RETURN_IF_ERROR(RecordReturnClaim(tx, s.id, serial, r.slot, now));
        return QueueCheckAll(tx, s);
    }, db::Isolation::kReadCommitted);  // the station's row lock (LockAndRefreshLiveness) orders it
    if (!st.ok()) return std::move(st).error();
    if (!result.error.empty())
        Logger("cabinet")->warn("upload rejected imei={} error={}", s.imei, result.error);
    Apply(fx);
    return result;
}

Status Link::HandleHttpReturn(const CabinetStation& s, const std::string& serial, int hole,
                              int power, std::string_view raw_query) {
    Micros now = clock_.Now();
    LinkEffects fx;
    auto st = db_.Transact([&](db::Connection& tx) -> Status {
        fx = LinkEffects{};
        json::object parsed{{"type", "http_return"}, {"sn", serial}, {"hole", hole}};
        parsed["power"] = power >= 0 ? json::value(power) : json::value(nullptr);
        FrameRecord rec{s.id, s.imei, std::string(kChannelHttpReturn), std::nullopt,
                        std::string(raw_query), json::serialize(parsed), "", now};
        RETURN_IF_ERROR(StoreFrame(tx, rec));
        RETURN_IF_ERROR(LockAndRefreshLiveness(tx, s.id, now));
        ASSIGN_OR_RETURN(auto in_slot, stations::repo::SerialInSlot(tx, s.id, hole));
        if (in_slot == serial) return Ok{};  // the 0x40 frame already placed it
        RETURN_IF_ERROR(RecordReturnClaim(tx, s.id, serial, hole, now));
        return QueueCheckAll(tx, s);
    }, db::Isolation::kReadCommitted);  // the station's row lock (LockAndRefreshLiveness) orders it
    if (!st.ok()) return st;
    Apply(fx);
    return Ok{};
}

}  // namespace ps::cabinet
