// The one writer of where power banks are and what the slots hold (power_banks location and
// readings, station_slots), as repository operations on the caller's connection, so a cabinet
// event or a rental commits them together with its own writes. The cabinet link builds its
// inventory, return and eject rules on these (src/cabinet/inventory.cpp); staff assignments
// use PlaceBank; rentals pick a bank with PickRentableBank. Bank rows, history and the staff
// views are in bank_repository.hpp.
#pragma once

#include <boost/json/object.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/stations/station.hpp"

namespace ps::stations {

// A rentable bank and the slot it is in.
struct RentablePick {
    Slot slot;
    PowerBank bank;
};

namespace repo {

// The rentable bank with the most battery (then the lowest slot) that no eject queued or in
// flight is about to take out, or nullopt.
Result<std::optional<RentablePick>> PickRentableBank(db::Connection& c,
                                                     const std::string& station_id,
                                                     int min_battery);

// Puts the bank in the slot (the slot must exist): clears the bank's previous slot and moves
// any other bank out of this one; the slot becomes OCCUPIED unless it is in MAINTENANCE. The
// caller sets the bank's status and writes history. Returns false if the bank was already there.
Result<bool> PlaceBank(db::Connection& c, PowerBank& bank, const std::string& station_id,
                       int slot_number, Micros now);

// Banks recorded at a station.
Result<std::vector<PowerBank>> BanksAtStation(db::Connection& c, const std::string& station_id);
// Finds the bank or creates it (AVAILABLE, nowhere, this battery); `created` tells which.
Result<PowerBank> FindOrCreateBank(db::Connection& c, Random& random, const std::string& serial,
                                   int battery, Micros at, bool& created);

struct BankReading {
    int battery = 0;
    std::string status;            // AVAILABLE | MAINTENANCE | DAMAGED, "" keeps the current one
    boost::json::object hardware;  // empty keeps the current hardware_info
};
// Puts the bank at (station, slot) and refreshes its readings; the slot row is the caller's
// (UpsertSlot). RENTED/LOST banks keep their status (rentals own those transitions).
Status MoveBank(db::Connection& c, const PowerBank& bank, std::string_view station_id, int slot,
                const BankReading& r, Micros at);
// The bank is no longer in any slot.
Status UnlinkBank(db::Connection& c, std::string_view bank_id, Micros at);
// The rental transitions of a bank's status (RENTED when it left, AVAILABLE when back, LOST):
// sets `to` on the bank with this serial if its status is one of `from` (any when empty).
Status SetBankStatus(db::Connection& c, std::string_view serial, std::string_view to,
                     std::initializer_list<std::string_view> from, Micros at);
// Unlinks every bank recorded at (station, slot) except `keep_bank_id`; history MISSING.
Status ClearSlotOccupants(db::Connection& c, std::string_view station_id, int slot,
                          std::string_view keep_bank_id, Micros at);

struct SlotWrite {
    int slot = 0;
    std::string status;                  // AVAILABLE | OCCUPIED | ERROR (MAINTENANCE is kept)
    int battery = 0;
    std::optional<std::string> bank_id;  // nullopt -> no bank
    boost::json::object metadata;
};
// Creates or overwrites the slot row.
Status UpsertSlot(db::Connection& c, Random& random, std::string_view station_id,
                  const SlotWrite& w, Micros at);
// The slot holds no bank: AVAILABLE (MAINTENANCE is kept), battery 0.
Status EmptySlot(db::Connection& c, std::string_view station_id, int slot, Micros at);
// The serial of the bank recorded in (station, slot), or "".
Result<std::string> SerialInSlot(db::Connection& c, std::string_view station_id, int slot);
// True when the bank's latest history entry is EJECTED from (station, slot) at or after since.
Result<bool> EjectedFromSince(db::Connection& c, std::string_view bank_id,
                              std::string_view station_id, int slot, Micros since);

}  // namespace repo
}  // namespace ps::stations
