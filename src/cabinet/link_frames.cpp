// Link::HandleFrame: what each decoded cabinet frame does (link.hpp).
#include <boost/json.hpp>
#include <cstdio>

#include "cabinet/frame_store.hpp"
#include "cabinet/link.hpp"
#include "core/log.hpp"

namespace ps::cabinet {

namespace {

auto Log() { return Logger("cabinet"); }

std::string StateText(int state) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "state 0x%02X", state);
    return buf;
}

}  // namespace

Status Link::HandleFrame(db::Connection& tx, const CabinetStation& s, const Message& m,
                         Micros now, LinkEffects& fx) {
    const std::string reply_json = boost::json::serialize(MessageJson(m));
    const DispatchTiming& t = options_.timing;

    if (const auto* inv = std::get_if<Inventory>(&m)) {
        ASSIGN_OR_RETURN(auto match, MatchReply(tx, s.id, kCmdInventory, "", 0, true, reply_json, t, now));
        // A check reply may list only some banks (§3.3): reconcile the cabinet on check_all only.
        bool full = match && match->command.command == "check_all";
        if (match && match->more_queued) fx.wake_station = s.id;
        InventoryOptions o{full, Evidence::kCabinet, options_.eject_grace, options_.claim_window};
        ASSIGN_OR_RETURN(auto out, ApplyInventory(tx, random_, s, ReadingsFromInventory(*inv, now), o, now));
        for (auto& a : out.arrivals) fx.returns.push_back(std::move(a));
        if (full) fx.checks.push_back({s.id, match->command.id, now});
        return Ok{};
    }
    if (const auto* r = std::get_if<PopupSnReply>(&m)) {
        bool ok = r->state == kStateOk;
        std::string serial = r->sn ? std::to_string(r->sn) : "";
        ASSIGN_OR_RETURN(auto match, MatchReply(tx, s.id, kCmdPopupSn, serial, r->hole, ok, reply_json, t, now));
        std::string cmd_id = match ? match->command.id : "";
        if (ok && r->hole > 0) {
            ASSIGN_OR_RETURN(serial, RemoveEjectedBank(tx, s, r->hole, serial, cmd_id, now));
        }
        if (!match) {
            Log()->warn("link unmatched popup_sn reply station={} sn={} state={}", s.id, serial, r->state);
            return Ok{};
        }
        if (match->more_queued) fx.wake_station = s.id;
        const CommandRow& c = match->command;
        fx.ejects.push_back({c.id, s.id, c.rental_id, ok, serial.empty() ? c.target_serial : serial,
                             r->hole, now, false, match->late, r->state, ok ? "" : StateText(r->state)});
        return Ok{};
    }
    if (const auto* r = std::get_if<PopupHoleReply>(&m)) {
        bool ok = r->state == kStateOk;
        ASSIGN_OR_RETURN(auto match, MatchReply(tx, s.id, kCmdPopupHole, "", r->hole, ok, reply_json, t, now));
        std::string cmd_id = match ? match->command.id : "";
        std::string serial;
        if (ok && r->hole > 0) {
            ASSIGN_OR_RETURN(serial, RemoveEjectedBank(tx, s, r->hole, "", cmd_id, now));
        }
        if (!match) {
            Log()->warn("link unmatched popup reply station={} hole={} state={}", s.id, r->hole, r->state);
            return Ok{};
        }
        if (match->more_queued) fx.wake_station = s.id;
        const CommandRow& c = match->command;
        fx.ejects.push_back({c.id, s.id, c.rental_id, ok, serial.empty() ? c.target_serial : serial,
                             r->hole, now, false, match->late, r->state, ok ? "" : StateText(r->state)});
        return Ok{};
    }
    if (const auto* r = std::get_if<ReturnReport>(&m)) {
        if (r->state != kStateOk || r->sn == 0 || r->hole == 0) {
            Log()->info("link return attempt failed station={} hole={} sn={} state={}", s.id,
                        r->hole, r->sn, r->state);
            return Ok{};
        }
        int battery = r->soc <= 100 ? r->soc : 0;
        ASSIGN_OR_RETURN(auto ev, PlaceReturnedBank(tx, random_, s, r->hole, std::to_string(r->sn),
                                                    battery, "return_frame", options_.claim_window, now));
        fx.returns.push_back(std::move(ev));
        // The HTTP return call often comes before this frame is handled and queues a check_all
        // to corroborate its claim; the frame has done that now (it consumed the claim).
        return commands_.DropCorroboration(tx, s.id, now - options_.claim_window);
    }
    if (std::holds_alternative<WifiScan>(m)) {
        ASSIGN_OR_RETURN(auto match, MatchReply(tx, s.id, kCmdWifiScan, "", 0, true, reply_json, t, now));
        if (match && match->more_queued) fx.wake_station = s.id;
        return Ok{};
    }
    if (const auto* r = std::get_if<ReturnSelfTest>(&m)) {
        // An HTTP upload follows at once (§3.5); the inventory carries the state.
        Log()->info("link return self-test station={} hole={} sn={} state={}", s.id, r->hole, r->sn, r->state);
        return Ok{};
    }
    return Ok{};  // heartbeat: stored and liveness refreshed by the caller
}

}  // namespace ps::cabinet
