#include "cabinet/command_queue.hpp"

#include <boost/json.hpp>
#include <charconv>

#include "domains/stations/inventory_repository.hpp"
#include "cabinet/station_lookup.hpp"

namespace ps::cabinet {

namespace {

// The station's row lock: commands of one station are queued one transaction at a time, so what
// is checked before queuing (an eject of this bank in flight, a check_all pending, the next seq)
// still holds at the insert under READ COMMITTED. The link takes the same lock (its station
// lookup) before it changes the station's slots and banks. EnqueueCommand and RequestEject take
// it with their station lookup (FindStationById(..., lock = true)).
Status LockStation(db::Connection& tx, std::string_view station_id) {
    return tx.Query(std::string("SELECT id FROM stations WHERE id = ?") +
                        db::ForUpdate(tx.backend()),
                    {station_id});
}

}  // namespace

std::string CommandName(const Command& c) {
    boost::json::error_code ec;
    auto v = boost::json::parse(EncodeCommand(c), ec);
    if (ec || !v.is_object()) return "unknown";
    const auto* cmd = v.as_object().if_contains("cmd");
    return cmd && cmd->is_string() ? std::string(cmd->as_string()) : "unknown";
}

Result<std::string> CommandQueue::Insert(db::Connection& tx, std::string_view station_id,
                                         const Command& command,
                                         std::optional<int64_t> requested_by,
                                         std::string_view reason, std::string_view rental_id,
                                         std::string_view expected_serial) const {
    std::string id = random_.Uuid();
    std::optional<int64_t> reply;
    if (auto code = ReplyCommandFor(command)) reply = *code;
    std::optional<std::string> serial, rental, why;
    std::optional<int64_t> slot;
    if (const auto* p = std::get_if<PopupSnCommand>(&command)) serial = std::to_string(p->sn);
    if (const auto* p = std::get_if<PopupHoleCommand>(&command)) slot = p->hole;
    if (!expected_serial.empty()) serial = std::string(expected_serial);
    if (!rental_id.empty()) rental = std::string(rental_id);
    if (!reason.empty()) why = std::string(reason);
    // Commands of a station go out in the order they were queued, whatever the clock says
    // (callers hold the station's lock, so no two inserts take the same seq).
    RETURN_IF_ERROR(tx.Defer(
        "INSERT INTO cabinet_commands (id, station_id, command, payload, status, requested_by, "
        "reason, created_at, rental_id, reply_code, target_serial, target_slot, seq) "
        "SELECT ?, ?, ?, ?, 'QUEUED', ?, ?, ?, ?, ?, ?, ?, COALESCE(MAX(seq), 0) + 1 FROM "
        "cabinet_commands WHERE station_id = ?",
        {id, station_id, CommandName(command), EncodeCommand(command), requested_by, why,
         clock_.Now(), rental, reply, serial, slot, station_id}));
    return id;
}

Result<std::string> CommandQueue::EnqueueCommand(db::Connection& tx, std::string_view station_id,
                                                 const Command& command,
                                                 std::optional<int64_t> requested_by,
                                                 std::string_view reason) const {
    ASSIGN_OR_RETURN(auto station, FindStationById(tx, station_id, /*lock=*/true));
    if (!station) return NotFound("station_not_found", "Station not found");
    std::string expected;  // the bank a popup by slot should bring out, for the EjectResult
    if (const auto* p = std::get_if<PopupHoleCommand>(&command)) {
        ASSIGN_OR_RETURN(expected, stations::repo::SerialInSlot(tx, station->id, p->hole));
    }
    return Insert(tx, station_id, command, requested_by, reason, "", expected);
}

Result<std::string> CommandQueue::EnsureCheckAll(db::Connection& tx, std::string_view station_id,
                                                std::string_view reason) const {
    RETURN_IF_ERROR(LockStation(tx, station_id));
    ASSIGN_OR_RETURN(auto pending, tx.QueryOne(
        "SELECT id, reason FROM cabinet_commands WHERE station_id = ? AND command = 'check_all' "
        "AND status IN ('QUEUED', 'SENT')", {station_id}));
    if (!pending) return EnqueueCommand(tx, station_id, CheckAllCommand{}, std::nullopt, reason);
    if (pending->Str(1) == kCorroborate && reason != kCorroborate)
        RETURN_IF_ERROR(tx.Exec("UPDATE cabinet_commands SET reason = ? WHERE id = ?",
                                {reason, pending->Str(0)}));
    return pending->Str(0);
}

Status CommandQueue::DropCorroboration(db::Connection& tx, std::string_view station_id,
                                       Micros since) const {
    // Guarded on QUEUED: if the dispatcher sent it meanwhile, it simply runs.
    std::string reply = boost::json::serialize(boost::json::object{{"error", "corroborated"}});
    return tx.Exec(
        "UPDATE cabinet_commands SET status = 'FAILED', reply = ?, replied_at = ? WHERE "
        "station_id = ? AND command = 'check_all' AND status = 'QUEUED' AND reason = ? AND NOT "
        "EXISTS (SELECT 1 FROM cabinet_return_claims WHERE station_id = ? AND consumed_at IS "
        "NULL AND claimed_at >= ?)",
        {reply, clock_.Now(), station_id, kCorroborate, station_id, since});
}

Result<std::string> CommandQueue::RequestEject(db::Connection& tx, std::string_view station_id,
                                               const EjectTarget& target,
                                               std::string_view rental_id) const {
    ASSIGN_OR_RETURN(auto station, FindStationById(tx, station_id, /*lock=*/true));
    if (!station) return NotFound("station_not_found", "Station not found");
    return RequestEject(tx, *station, target, rental_id);
}

Result<std::string> CommandQueue::RequestEject(db::Connection& tx, const CabinetStation& station,
                                               const EjectTarget& target,
                                               std::string_view rental_id) const {
    Command command;
    std::string serial = target.serial;
    if (!serial.empty()) {
        uint32_t sn = 0;
        auto r = std::from_chars(serial.data(), serial.data() + serial.size(), sn);
        if (r.ec != std::errc() || r.ptr != serial.data() + serial.size() || sn == 0)
            return InvalidArgument("invalid_target", "Power bank serial must be a 32-bit number");
        command = PopupSnCommand{sn};
    } else {
        if (target.slot < 1 || target.slot > 255)
            return InvalidArgument("invalid_target", "Slot must be 1-255");
        ASSIGN_OR_RETURN(serial, stations::repo::SerialInSlot(tx, station.id, target.slot));
        command = PopupHoleCommand{static_cast<uint8_t>(target.slot), 0};
    }
    // One statement (a round trip each costs): where the bank is, this rental's eject if one is
    // already queued or in flight, and any other eject of the bank or its slot. Under the
    // station's lock, all of it still holds at the insert.
    constexpr const char* kLive = "c.station_id = ? AND c.status IN ('QUEUED', 'SENT') AND "
                                  "c.command IN ('popup_sn', 'popup')";
    ASSIGN_OR_RETURN(auto row, tx.QueryOne(
        std::string("SELECT (SELECT current_station_id FROM power_banks WHERE serial_number = ?), "
                    "(SELECT current_slot FROM power_banks WHERE serial_number = ?), "
                    "(SELECT c.id FROM cabinet_commands c WHERE c.rental_id = ? AND ") + kLive +
            " LIMIT 1), (SELECT c.id FROM cabinet_commands c LEFT JOIN power_banks b ON "
            "b.serial_number = ? WHERE " + kLive + " AND (c.target_serial = ? OR c.target_slot = "
            "b.current_slot) LIMIT 1)",
        {serial, serial, rental_id, station.id, serial, station.id, serial}));
    if (!rental_id.empty() && row->OptStr(2)) return *row->OptStr(2);  // asked again
    if (station.maintenance || station.status == "MAINTENANCE")
        return FailedPrecondition("station_maintenance", "Station is under maintenance");
    if (station.status != "ONLINE") return FailedPrecondition("station_offline", "Device is Offline");
    if (serial.empty()) return FailedPrecondition("slot_empty", "No power bank in that slot");
    if (!target.serial.empty() && (row->OptStr(0) != station.id || !row->OptInt(1)))
        return FailedPrecondition("powerbank_not_in_station", "Power bank is not in this station");
    if (row->OptStr(3)) return Conflict("eject_in_progress", "An eject of this power bank is already in progress");
    return Insert(tx, station.id, command, std::nullopt, "rental", rental_id, serial);
}

}  // namespace ps::cabinet
