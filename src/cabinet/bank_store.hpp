// SQL primitives over power_banks, station_slots, power_bank_history (migration 0002) and
// cabinet_return_claims (0005), used by the inventory logic (inventory.hpp). Each runs inside
// the caller's transaction.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "db/database.hpp"

namespace ps::cabinet {

struct BankRow {
    std::string id, serial, status;
    std::optional<std::string> station_id;
    std::optional<int64_t> slot;
};

Result<std::optional<BankRow>> FindBank(db::Connection& c, std::string_view serial);
// Finds the bank or creates it (AVAILABLE, nowhere); `created` tells which.
Result<BankRow> FindOrCreateBank(db::Connection& c, Random& random, std::string_view serial,
                                 int battery, Micros at, bool& created);
// Banks currently recorded at a station.
Result<std::vector<BankRow>> BanksAtStation(db::Connection& c, std::string_view station_id);

struct BankUpdate {
    int battery = 0;
    std::string status;  // AVAILABLE | MAINTENANCE | DAMAGED, "" keeps the current one
    boost::json::object hardware;  // empty keeps the current hardware_info
};
// Puts the bank at (station, slot) and refreshes its readings. RENTED/LOST banks keep their
// status (rentals own those transitions).
Status MoveBank(db::Connection& c, const BankRow& bank, std::string_view station_id, int slot,
                const BankUpdate& u, Micros at);
// The bank is no longer in any slot.
Status UnlinkBank(db::Connection& c, std::string_view bank_id, Micros at);
// Unlinks every bank recorded at (station, slot) except `keep_bank_id`; history MISSING.
Status ClearSlotOccupants(db::Connection& c, std::string_view station_id, int slot,
                          std::string_view keep_bank_id, Micros at);

Status AddHistory(db::Connection& c, std::string_view bank_id, std::string_view event,
                  std::string_view station_id, std::optional<int> slot,
                  const boost::json::object& detail, Micros at);
// True when the bank's latest history entry is EJECTED from (station, slot) at or after since.
Result<bool> EjectedFromSince(db::Connection& c, std::string_view bank_id,
                              std::string_view station_id, int slot, Micros since);

struct SlotWrite {
    int slot = 0;
    std::string status;                  // AVAILABLE | OCCUPIED | ERROR (MAINTENANCE is kept)
    int battery = 0;
    std::optional<std::string> bank_id;  // nullopt -> no bank
    boost::json::object metadata;
};
Status UpsertSlot(db::Connection& c, Random& random, std::string_view station_id,
                  const SlotWrite& w, Micros at);
// The serial of the bank recorded in (station, slot), or "".
Result<std::string> SerialInSlot(db::Connection& c, std::string_view station_id, int slot);

// Return claims: an unverified HTTP return waiting for the cabinet's corroboration.
Status RecordReturnClaim(db::Connection& c, std::string_view station_id, std::string_view serial,
                         int slot, Micros at);
// Consumes the claims for (station, serial) made since `since`; the earliest claim time.
Result<std::optional<Micros>> ConsumeReturnClaims(db::Connection& c, std::string_view station_id,
                                                  std::string_view serial, Micros since, Micros at);

}  // namespace ps::cabinet
