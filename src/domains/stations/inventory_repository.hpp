// What the cabinets and rentals change about slots and banks, as repository operations on the
// caller's connection, so a rental or a cabinet event can commit them together with its own
// writes (rentals.OnBankReturned ends the rental and calls MarkBankReturned in one transaction).
// InventoryService (inventory_service.hpp) wraps each in its own transaction for callers that
// have none.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "domains/stations/station.hpp"

namespace ps::stations {

// One hole of a cabinet inventory (0x10), in domain terms.
struct SlotReport {
    int slot_number = 0;                     // 1-based
    std::optional<std::string> bank_serial;  // nullopt: the hole is empty
    std::optional<int> battery;              // 0..100 when the cabinet knows it
    bool fault = false;                      // the hole reports a fault: slot ERROR
};

struct InventoryOutcome {
    int slots_updated = 0, banks_updated = 0, banks_created = 0;
};

// A rentable bank and the slot it is in.
struct RentablePick {
    Slot slot;
    PowerBank bank;
};

namespace repo {

// Applies an inventory to the station's slots. For each report: a bank (created on first sight,
// model PB-5000) is placed in the slot (and taken out of any slot that held it before); an empty
// hole is emptied; faults mark the slot ERROR; slots staff put in MAINTENANCE keep that status.
// A bank's status is not changed (a RENTED bank seen in a slot stays RENTED until rentals
// processes its return). Slot numbers beyond total_slots create the missing slots. Every bank
// seen gets last_seen_at = now; a move between slots or stations is recorded as MOVED.
Result<InventoryOutcome> ApplyInventory(db::Connection& c, Random& random, const Station& station,
                                        const std::vector<SlotReport>& reports, Micros now);

// ONLINE (with last_heartbeat = now) or OFFLINE. A station staff set to MAINTENANCE keeps it.
Status SetLiveness(db::Connection& c, const std::string& station_id, bool online, Micros now);

// The rentable bank with the most battery (then the lowest slot), or nullopt.
Result<std::optional<RentablePick>> PickRentableBank(db::Connection& c,
                                                     const std::string& station_id,
                                                     int min_battery);

// The bank left `slot_number` for a rental: the slot becomes AVAILABLE and empty (remembering
// the rental), the bank RENTED with no location; history EJECTED. Errors: slot_not_found,
// slot_empty (FailedPrecondition).
Result<PowerBank> MarkBankEjected(db::Connection& c, const std::string& station_id, int slot_number,
                                  const std::optional<std::string>& rental_id, Micros now);

// The bank with `serial` came back into `slot_number`: AVAILABLE, located there, battery set
// when known; the slot OCCUPIED with it. A bank never seen before is created. History RETURNED.
Result<PowerBank> MarkBankReturned(db::Connection& c, Random& random, const std::string& station_id,
                                   int slot_number, const std::string& serial,
                                   std::optional<int> battery, Micros now);

// Puts the bank in the slot (the slot must exist): clears the bank's previous slot and moves
// any other bank out of this one; the slot becomes OCCUPIED unless it is in MAINTENANCE or
// ERROR. The caller sets the bank's status and writes history. Returns false if the bank was
// already there.
Result<bool> PlaceBank(db::Connection& c, PowerBank& bank, const std::string& station_id,
                       int slot_number, Micros now);

}  // namespace repo
}  // namespace ps::stations
