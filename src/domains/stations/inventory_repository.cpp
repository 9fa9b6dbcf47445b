// Slot and bank changes from cabinets and rentals (inventory_repository.hpp).
#include "domains/stations/inventory_repository.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <set>

#include "domains/stations/bank_repository.hpp"
#include "domains/stations/repo_rows.hpp"
#include "domains/stations/station_repository.hpp"

namespace ps::stations::repo {

namespace {

struct SlotState {
    std::string id, status;
    std::optional<std::string> bank_id;
    int battery = 0;
};

Result<std::optional<SlotState>> LoadSlot(db::Connection& c, const std::string& station_id,
                                          int slot_number) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT id, status, power_bank_id, battery_level FROM "
                                          "station_slots WHERE station_id = ? AND slot_number = ?",
                                          {station_id, slot_number}));
    if (!row) return std::optional<SlotState>{};
    return std::optional<SlotState>{
        SlotState{row->Str(0), row->Str(1), row->OptStr(2), static_cast<int>(row->Int(3))}};
}

Status WriteSlot(db::Connection& c, const std::string& slot_id, const std::string& status,
                 const std::optional<std::string>& bank_id, int battery, Micros now) {
    RETURN_IF_ERROR(
        c.Exec("UPDATE station_slots SET status = ?, power_bank_id = ?, "
               "battery_level = ?, last_updated = ? WHERE id = ?",
               {status, bank_id, battery, now, slot_id}));
    return Ok{};
}

std::string Detail(boost::json::object o) { return boost::json::serialize(o); }

Status ValidateReports(const std::vector<SlotReport>& reports) {
    std::set<int> seen;
    for (const auto& r : reports) {
        if (r.slot_number < 1 || r.slot_number > 255 || !seen.insert(r.slot_number).second)
            return InvalidArgument("invalid_inventory",
                                   "Slot numbers must be unique and within 1..255");
        if (r.battery && (*r.battery < 0 || *r.battery > 100))
            return InvalidArgument("invalid_inventory", "Battery must be within 0..100");
        if (r.bank_serial && (r.bank_serial->empty() || r.bank_serial->size() > 64))
            return InvalidArgument("invalid_inventory", "Bank serial must be 1..64 characters");
    }
    return Ok{};
}

// An empty hole: the bank the slot held (if still located here) loses its location.
Result<bool> EmptySlot(db::Connection& c, const Station& st, const SlotReport& r,
                       const SlotState& slot, Micros now) {
    std::string status = slot.status == "MAINTENANCE" ? slot.status
                         : r.fault                    ? "ERROR"
                                                      : "AVAILABLE";
    if (slot.bank_id) {
        ASSIGN_OR_RETURN(int64_t moved,
                         c.Exec("UPDATE power_banks SET current_station_id = NULL, current_slot = "
                                "NULL, updated_at = ? WHERE id = ? AND current_station_id = ? AND "
                                "current_slot = ?",
                                {now, *slot.bank_id, st.id, r.slot_number}));
        if (moved > 0)
            RETURN_IF_ERROR(AddHistory(c, *slot.bank_id, "MOVED", st.id, r.slot_number,
                                       Detail({{"left_slot", r.slot_number}}), now));
    }
    if (status == slot.status && !slot.bank_id && slot.battery == 0) return false;
    RETURN_IF_ERROR(WriteSlot(c, slot.id, status, std::nullopt, 0, now));
    return true;
}

}  // namespace

Result<bool> PlaceBank(db::Connection& c, PowerBank& bank, const std::string& station_id,
                       int slot_number, Micros now) {
    ASSIGN_OR_RETURN(auto slot, LoadSlot(c, station_id, slot_number));
    if (!slot) return NotFound("slot_not_found", "Slot not found");
    bool already = bank.current_station_id == station_id && bank.current_slot == slot_number &&
                   slot->bank_id == bank.id;
    RETURN_IF_ERROR(
        c.Exec("UPDATE station_slots SET status = CASE WHEN status = 'MAINTENANCE' "
               "THEN status ELSE 'AVAILABLE' END, power_bank_id = NULL, "
               "battery_level = 0, last_updated = ? WHERE power_bank_id = ? AND id <> ?",
               {now, bank.id, slot->id}));
    if (slot->bank_id && *slot->bank_id != bank.id)
        RETURN_IF_ERROR(
            c.Exec("UPDATE power_banks SET current_station_id = NULL, current_slot = "
                   "NULL, updated_at = ? WHERE id = ?",
                   {now, *slot->bank_id}));
    std::string status = slot->status == "MAINTENANCE" ? slot->status : "OCCUPIED";
    RETURN_IF_ERROR(
        c.Exec("UPDATE station_slots SET status = ?, power_bank_id = ?, "
               "battery_level = ?, current_rental_id = NULL, last_updated = ? "
               "WHERE id = ?",
               {status, bank.id, bank.battery_level, now, slot->id}));
    bank.current_station_id = station_id;
    bank.current_slot = slot_number;
    bank.updated_at = now;
    RETURN_IF_ERROR(UpdateBank(c, bank));
    return !already;
}

Result<InventoryOutcome> ApplyInventory(db::Connection& c, Random& random, const Station& station,
                                        const std::vector<SlotReport>& reports, Micros now) {
    RETURN_IF_ERROR(ValidateReports(reports));
    InventoryOutcome out;
    int max_slot = station.total_slots;
    for (const auto& r : reports) max_slot = std::max(max_slot, r.slot_number);
    if (max_slot > station.total_slots) {
        RETURN_IF_ERROR(InsertSlots(c, random, station.id, station.total_slots + 1, max_slot, now));
        RETURN_IF_ERROR(c.Exec("UPDATE stations SET total_slots = ?, updated_at = ? WHERE id = ?",
                               {max_slot, now, station.id}));
    }
    for (const auto& r : reports) {  // empty holes first, so banks that moved are placed after
        if (r.bank_serial) continue;
        ASSIGN_OR_RETURN(auto slot, LoadSlot(c, station.id, r.slot_number));
        if (!slot) return NotFound("slot_not_found", "Slot not found");
        ASSIGN_OR_RETURN(bool changed, EmptySlot(c, station, r, *slot, now));
        out.slots_updated += changed;
    }
    for (const auto& r : reports) {
        if (!r.bank_serial) continue;
        ASSIGN_OR_RETURN(auto bank, FindBankBySerial(c, *r.bank_serial));
        if (!bank) {
            bank = PowerBank{random.Uuid(), *r.bank_serial};
            bank->battery_level = r.battery.value_or(100);
            bank->created_at = bank->updated_at = now;
            RETURN_IF_ERROR(InsertBank(c, *bank));
            ++out.banks_created;
        }
        if (r.battery) bank->battery_level = *r.battery;
        bank->last_seen_at = now;
        auto from_station = bank->current_station_id;
        auto from_slot = bank->current_slot;
        ASSIGN_OR_RETURN(bool moved, PlaceBank(c, *bank, station.id, r.slot_number, now));
        ++out.banks_updated;
        if (moved) {
            ++out.slots_updated;
            boost::json::object d{{"to_slot", r.slot_number}};
            if (from_station) d["from_station_id"] = *from_station;
            if (from_slot) d["from_slot"] = *from_slot;
            RETURN_IF_ERROR(
                AddHistory(c, bank->id, "MOVED", station.id, r.slot_number, Detail(d), now));
        }
        if (r.fault)
            RETURN_IF_ERROR(
                c.Exec("UPDATE station_slots SET status = 'ERROR' WHERE station_id = ? "
                       "AND slot_number = ? AND status <> 'MAINTENANCE'",
                       {station.id, r.slot_number}));
    }
    return out;
}

Status SetLiveness(db::Connection& c, const std::string& station_id, bool online, Micros now) {
    if (online)
        RETURN_IF_ERROR(
            c.Exec("UPDATE stations SET status = CASE WHEN status = 'MAINTENANCE' THEN "
                   "status ELSE 'ONLINE' END, last_heartbeat = ?, updated_at = ? "
                   "WHERE id = ?",
                   {now, now, station_id}));
    else
        RETURN_IF_ERROR(
            c.Exec("UPDATE stations SET status = CASE WHEN status = 'MAINTENANCE' THEN "
                   "status ELSE 'OFFLINE' END, updated_at = ? WHERE id = ?",
                   {now, station_id}));
    return Ok{};
}

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
                       "'AVAILABLE' AND b.battery_level >= ? ORDER BY b.battery_level DESC, "
                       "s.slot_number LIMIT 1",
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

Result<PowerBank> MarkBankEjected(db::Connection& c, const std::string& station_id, int slot_number,
                                  const std::optional<std::string>& rental_id, Micros now) {
    ASSIGN_OR_RETURN(auto slot, LoadSlot(c, station_id, slot_number));
    if (!slot) return NotFound("slot_not_found", "Slot not found");
    if (!slot->bank_id) return FailedPrecondition("slot_empty", "The slot holds no power bank");
    ASSIGN_OR_RETURN(auto bank, FindBank(c, *slot->bank_id));
    if (!bank) return Internal("slot refers to a missing power bank");
    RETURN_IF_ERROR(
        c.Exec("UPDATE station_slots SET status = CASE WHEN status = 'MAINTENANCE' "
               "THEN status ELSE 'AVAILABLE' END, power_bank_id = NULL, "
               "battery_level = 0, current_rental_id = ?, last_updated = ? WHERE id = ?",
               {rental_id, now, slot->id}));
    bank->status = "RENTED";
    bank->current_station_id.reset();
    bank->current_slot.reset();
    bank->updated_at = now;
    RETURN_IF_ERROR(UpdateBank(c, *bank));
    boost::json::object d;
    if (rental_id) d["rental_id"] = *rental_id;
    RETURN_IF_ERROR(AddHistory(c, bank->id, "EJECTED", station_id, slot_number, Detail(d), now));
    return *bank;
}

Result<PowerBank> MarkBankReturned(db::Connection& c, Random& random, const std::string& station_id,
                                   int slot_number, const std::string& serial,
                                   std::optional<int> battery, Micros now) {
    if (serial.empty() || serial.size() > 64 || (battery && (*battery < 0 || *battery > 100)))
        return InvalidArgument("invalid_return",
                               "A bank serial and a battery of 0..100 are required");
    ASSIGN_OR_RETURN(auto bank, FindBankBySerial(c, serial));
    if (!bank) {
        bank = PowerBank{random.Uuid(), serial};
        bank->created_at = bank->updated_at = now;
        RETURN_IF_ERROR(InsertBank(c, *bank));
    }
    bank->status = "AVAILABLE";
    if (battery) bank->battery_level = *battery;
    bank->last_seen_at = now;
    RETURN_IF_ERROR(PlaceBank(c, *bank, station_id, slot_number, now));
    RETURN_IF_ERROR(AddHistory(c, bank->id, "RETURNED", station_id, slot_number, "{}", now));
    return *bank;
}

}  // namespace ps::stations::repo
