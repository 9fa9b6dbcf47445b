// Where banks are and what slots hold (inventory_repository.hpp).
#include "domains/stations/inventory_repository.hpp"

#include <boost/json/serialize.hpp>

#include "domains/stations/bank_repository.hpp"
#include "domains/stations/repo_rows.hpp"

namespace ps::stations::repo {

namespace {

constexpr std::string_view kSlotFree =
    "status = CASE WHEN status = 'MAINTENANCE' THEN status ELSE 'AVAILABLE' END, "
    "power_bank_id = NULL, battery_level = 0, last_updated = ? ";

}  // namespace

Result<std::optional<RentablePick>> PickRentableBank(db::Connection& c,
                                                     const std::string& station_id,
                                                     int min_battery) {
    ASSIGN_OR_RETURN(
        auto row,
        c.QueryOne(std::string("SELECT s.id, s.slot_number, s.status, s.battery_level, "
                               "s.current_rental_id, s.last_updated, ") +
                       kBankCols +
                       " FROM station_slots s JOIN power_banks b ON b.id = s.power_bank_id "
                       "WHERE s.station_id = ? AND s.status = 'OCCUPIED' AND b.status = "
                       "'AVAILABLE' AND b.battery_level >= ? AND NOT EXISTS (SELECT 1 FROM "
                       "cabinet_commands cc WHERE cc.station_id = s.station_id AND "
                       "cc.target_serial = b.serial_number AND cc.status IN ('QUEUED', 'SENT')) "
                       "ORDER BY b.battery_level DESC, s.slot_number LIMIT 1",
                   {station_id, min_battery}));
    if (!row) return std::optional<RentablePick>{};
    RentablePick p;
    p.bank = ToBank(*row, 6);
    p.slot = Slot{row->Str(0),
                  station_id,
                  static_cast<int>(row->Int(1)),
                  row->Str(2),
                  static_cast<int>(row->Int(3)),
                  p.bank.id,
                  row->OptStr(4),
                  row->Int(5),
                  p.bank};
    return std::optional<RentablePick>{std::move(p)};
}

Result<bool> PlaceBank(db::Connection& c, PowerBank& bank, const std::string& station_id,
                       int slot_number, Micros now) {
    ASSIGN_OR_RETURN(auto slot, c.QueryOne("SELECT id, status, power_bank_id FROM station_slots "
                                           "WHERE station_id = ? AND slot_number = ?",
                                           {station_id, slot_number}));
    if (!slot) return NotFound("slot_not_found", "Slot not found");
    auto held = slot->OptStr(2);
    bool already = bank.current_station_id == station_id && bank.current_slot == slot_number &&
                   held == bank.id;
    RETURN_IF_ERROR(c.Defer("UPDATE station_slots SET " + std::string(kSlotFree) +
                                "WHERE power_bank_id = ? AND id <> ?",
                            {now, bank.id, slot->Str(0)}));
    if (held && *held != bank.id) RETURN_IF_ERROR(UnlinkBank(c, *held, now));
    RETURN_IF_ERROR(
        c.Defer("UPDATE station_slots SET status = CASE WHEN status = 'MAINTENANCE' THEN status "
                "ELSE 'OCCUPIED' END, power_bank_id = ?, battery_level = ?, current_rental_id = "
                "NULL, last_updated = ? WHERE id = ?",
                {bank.id, bank.battery_level, now, slot->Str(0)}));
    bank.current_station_id = station_id;
    bank.current_slot = slot_number;
    bank.updated_at = now;
    RETURN_IF_ERROR(UpdateBank(c, bank));
    return !already;
}

Result<std::vector<PowerBank>> BanksAtStation(db::Connection& c, const std::string& station_id) {
    ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kBankCols +
                                            " FROM power_banks b WHERE b.current_station_id = ?",
                                        {station_id}));
    std::vector<PowerBank> out;
    for (const auto& r : rows) out.push_back(ToBank(r));
    return out;
}

Result<PowerBank> FindOrCreateBank(db::Connection& c, Random& random, const std::string& serial,
                                   int battery, Micros at, bool& created) {
    ASSIGN_OR_RETURN(auto found, FindBankBySerial(c, serial));
    created = !found;
    if (found) return std::move(*found);
    PowerBank b{random.Uuid(), serial};
    b.battery_level = battery;
    b.last_seen_at = at;
    b.created_at = b.updated_at = at;
    RETURN_IF_ERROR(InsertBank(c, b));
    return b;
}

Status MoveBank(db::Connection& c, const PowerBank& bank, std::string_view station_id, int slot,
                const BankReading& r, Micros at) {
    std::optional<std::string> hw;
    if (!r.hardware.empty()) hw = boost::json::serialize(r.hardware);
    return c.Defer(
        "UPDATE power_banks SET current_station_id = ?, current_slot = ?, battery_level = ?, "
        "hardware_info = COALESCE(?, hardware_info), last_seen_at = ?, updated_at = ?, "
        "status = CASE WHEN ? <> '' AND status IN ('AVAILABLE', 'MAINTENANCE', 'DAMAGED') "
        "THEN ? ELSE status END WHERE id = ?",
        {station_id, slot, r.battery, hw, at, at, r.status, r.status, bank.id});
}

Status UnlinkBank(db::Connection& c, std::string_view bank_id, Micros at) {
    return c.Defer(
        "UPDATE power_banks SET current_station_id = NULL, current_slot = NULL, updated_at = ? "
        "WHERE id = ?", {at, bank_id});
}

Status SetBankStatus(db::Connection& c, std::string_view serial, std::string_view to,
                     std::initializer_list<std::string_view> from, Micros at) {
    std::string sql = "UPDATE power_banks SET status = ?, updated_at = ? WHERE serial_number = ?";
    db::Params p{to, at, serial};
    if (from.size() > 0) {
        sql += " AND status IN (";
        for (auto f : from) {
            sql += p.size() > 3 ? ", ?" : "?";
            p.emplace_back(f);
        }
        sql += ")";
    }
    return c.Defer(sql, p);
}

Status ClearSlotOccupants(db::Connection& c, std::string_view station_id, int slot,
                          std::string_view keep_bank_id, Micros at) {
    ASSIGN_OR_RETURN(auto rows, c.Query(
        "SELECT id FROM power_banks WHERE current_station_id = ? AND current_slot = ? AND id <> ?",
        {station_id, slot, keep_bank_id}));
    for (const auto& r : rows) {
        RETURN_IF_ERROR(UnlinkBank(c, r.Str(0), at));
        RETURN_IF_ERROR(AddHistory(c, r.Str(0), "MISSING", std::string(station_id), slot,
                                   {{"reason", "not reported in its slot"}}, at));
    }
    return Ok{};
}

Status UpsertSlot(db::Connection& c, Random& random, std::string_view station_id,
                  const SlotWrite& w, Micros at) {
    return c.Defer(
        "INSERT INTO station_slots (id, station_id, slot_number, status, battery_level, "
        "power_bank_id, slot_metadata, last_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (station_id, slot_number) DO UPDATE SET status = CASE WHEN "
        "station_slots.status = 'MAINTENANCE' THEN station_slots.status ELSE excluded.status END, "
        "battery_level = excluded.battery_level, power_bank_id = excluded.power_bank_id, "
        "slot_metadata = excluded.slot_metadata, last_updated = excluded.last_updated",
        {random.Uuid(), station_id, w.slot, w.status, w.battery, w.bank_id,
         boost::json::serialize(w.metadata), at});
}

Status EmptySlot(db::Connection& c, std::string_view station_id, int slot, Micros at) {
    return c.Defer("UPDATE station_slots SET " + std::string(kSlotFree) +
                       "WHERE station_id = ? AND slot_number = ?",
                   {at, station_id, slot});
}

Result<std::string> SerialInSlot(db::Connection& c, std::string_view station_id, int slot) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(
        "SELECT b.serial_number FROM station_slots s JOIN power_banks b ON b.id = s.power_bank_id "
        "WHERE s.station_id = ? AND s.slot_number = ?", {station_id, slot}));
    return row ? row->Str(0) : std::string();
}

Result<bool> EjectedFromSince(db::Connection& c, std::string_view bank_id,
                              std::string_view station_id, int slot, Micros since) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(
        "SELECT event, station_id, slot_number, created_at FROM power_bank_history WHERE "
        "power_bank_id = ? ORDER BY created_at DESC, id DESC LIMIT 1", {bank_id}));
    return row && row->Str(0) == "EJECTED" && row->Str(1) == station_id && row->Int(2) == slot &&
           row->Int(3) >= since;
}

}  // namespace ps::stations::repo
