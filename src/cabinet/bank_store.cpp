#include "cabinet/bank_store.hpp"

#include <boost/json.hpp>

namespace ps::cabinet {

namespace json = boost::json;

namespace {

BankRow ToBank(const db::Row& r) {
    BankRow b{r.Str(0), r.Str(1), r.Str(2), r.OptStr(3), r.OptInt(4)};
    return b;
}

constexpr std::string_view kBankColumns =
    "SELECT id, serial_number, status, current_station_id, current_slot FROM power_banks ";

}  // namespace

Result<std::optional<BankRow>> FindBank(db::Connection& c, std::string_view serial) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string(kBankColumns) + "WHERE serial_number = ?",
                                          {serial}));
    if (!row) return std::optional<BankRow>{};
    return std::optional<BankRow>{ToBank(*row)};
}

Result<BankRow> FindOrCreateBank(db::Connection& c, Random& random, std::string_view serial,
                                 int battery, Micros at, bool& created) {
    ASSIGN_OR_RETURN(auto found, FindBank(c, serial));
    created = !found;
    if (found) return std::move(*found);
    BankRow b{random.Uuid(), std::string(serial), "AVAILABLE", std::nullopt, std::nullopt};
    RETURN_IF_ERROR(c.Exec(
        "INSERT INTO power_banks (id, serial_number, status, battery_level, last_seen_at, "
        "created_at, updated_at) VALUES (?, ?, 'AVAILABLE', ?, ?, ?, ?)",
        {b.id, b.serial, battery, at, at, at}));
    return b;
}

Result<std::vector<BankRow>> BanksAtStation(db::Connection& c, std::string_view station_id) {
    ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kBankColumns) + "WHERE current_station_id = ?",
                                        {station_id}));
    std::vector<BankRow> out;
    for (const auto& r : rows) out.push_back(ToBank(r));
    return out;
}

Status MoveBank(db::Connection& c, const BankRow& bank, std::string_view station_id, int slot,
                const BankUpdate& u, Micros at) {
    std::optional<std::string> hw;
    if (!u.hardware.empty()) hw = json::serialize(u.hardware);
    return c.Exec(
        "UPDATE power_banks SET current_station_id = ?, current_slot = ?, battery_level = ?, "
        "hardware_info = COALESCE(?, hardware_info), last_seen_at = ?, updated_at = ?, "
        "status = CASE WHEN ? <> '' AND status IN ('AVAILABLE', 'MAINTENANCE', 'DAMAGED') "
        "THEN ? ELSE status END WHERE id = ?",
        {station_id, slot, u.battery, hw, at, at, u.status, u.status, bank.id});
}

Status UnlinkBank(db::Connection& c, std::string_view bank_id, Micros at) {
    return c.Exec(
        "UPDATE power_banks SET current_station_id = NULL, current_slot = NULL, updated_at = ? "
        "WHERE id = ?", {at, bank_id});
}

Status ClearSlotOccupants(db::Connection& c, std::string_view station_id, int slot,
                          std::string_view keep_bank_id, Micros at) {
    ASSIGN_OR_RETURN(auto rows, c.Query(
        "SELECT id FROM power_banks WHERE current_station_id = ? AND current_slot = ? AND id <> ?",
        {station_id, slot, keep_bank_id}));
    for (const auto& r : rows) {
        RETURN_IF_ERROR(UnlinkBank(c, r.Str(0), at));
        RETURN_IF_ERROR(AddHistory(c, r.Str(0), "MISSING", station_id, slot,
                                   {{"reason", "not reported in its slot"}}, at));
    }
    return Ok{};
}

Status AddHistory(db::Connection& c, std::string_view bank_id, std::string_view event,
                  std::string_view station_id, std::optional<int> slot,
                  const json::object& detail, Micros at) {
    std::optional<std::string> station;
    if (!station_id.empty()) station = std::string(station_id);
    return c.Exec(
        "INSERT INTO power_bank_history (power_bank_id, event, station_id, slot_number, detail, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?)",
        {bank_id, event, station, slot, json::serialize(detail), at});
}

Result<bool> EjectedFromSince(db::Connection& c, std::string_view bank_id,
                              std::string_view station_id, int slot, Micros since) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(
        "SELECT event, station_id, slot_number, created_at FROM power_bank_history WHERE "
        "power_bank_id = ? ORDER BY created_at DESC, id DESC LIMIT 1", {bank_id}));
    return row && row->Str(0) == "EJECTED" && row->Str(1) == station_id && row->Int(2) == slot &&
           row->Int(3) >= since;
}

Status UpsertSlot(db::Connection& c, Random& random, std::string_view station_id,
                  const SlotWrite& w, Micros at) {
    return c.Exec(
        "INSERT INTO station_slots (id, station_id, slot_number, status, battery_level, "
        "power_bank_id, slot_metadata, last_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (station_id, slot_number) DO UPDATE SET status = CASE WHEN "
        "station_slots.status = 'MAINTENANCE' THEN station_slots.status ELSE excluded.status END, "
        "battery_level = excluded.battery_level, power_bank_id = excluded.power_bank_id, "
        "slot_metadata = excluded.slot_metadata, last_updated = excluded.last_updated",
        {random.Uuid(), station_id, w.slot, w.status, w.battery, w.bank_id,
         json::serialize(w.metadata), at});
}

Result<std::string> SerialInSlot(db::Connection& c, std::string_view station_id, int slot) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(
        "SELECT b.serial_number FROM station_slots s JOIN power_banks b ON b.id = s.power_bank_id "
        "WHERE s.station_id = ? AND s.slot_number = ?", {station_id, slot}));
    return row ? row->Str(0) : std::string();
}

Status RecordReturnClaim(db::Connection& c, std::string_view station_id, std::string_view serial,
                         int slot, Micros at) {
    return c.Exec(
        "INSERT INTO cabinet_return_claims (station_id, serial_number, slot_number, claimed_at) "
        "VALUES (?, ?, ?, ?)", {station_id, serial, slot, at});
}

Result<std::optional<Micros>> ConsumeReturnClaims(db::Connection& c, std::string_view station_id,
                                                  std::string_view serial, Micros since, Micros at) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(
        "SELECT MIN(claimed_at) FROM cabinet_return_claims WHERE station_id = ? AND "
        "serial_number = ? AND consumed_at IS NULL AND claimed_at >= ?", {station_id, serial, since}));
    if (!row || row->IsNull(0)) return std::optional<Micros>{};
    RETURN_IF_ERROR(c.Exec(
        "UPDATE cabinet_return_claims SET consumed_at = ? WHERE station_id = ? AND "
        "serial_number = ? AND consumed_at IS NULL", {at, station_id, serial}));
    return std::optional<Micros>{row->Int(0)};
}

}  // namespace ps::cabinet
