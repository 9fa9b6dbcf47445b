// The cabinet link's own table, cabinet_return_claims (migration 0005), used by the inventory
// logic (inventory.hpp). Slots and banks are written only through the stations repository
// (domains/stations/inventory_repository.hpp). Each runs inside the caller's transaction.
#pragma once

#include <optional>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "db/database.hpp"

namespace ps::cabinet {

// Return claims: an unverified HTTP return waiting for the cabinet's corroboration.
Status RecordReturnClaim(db::Connection& c, std::string_view station_id, std::string_view serial,
                         int slot, Micros at);
// Consumes the claims for (station, serial) made since `since`; the earliest claim time.
Result<std::optional<Micros>> ConsumeReturnClaims(db::Connection& c, std::string_view station_id,
                                                  std::string_view serial, Micros since, Micros at);

}  // namespace ps::cabinet
