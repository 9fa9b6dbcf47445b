#include "cabinet/bank_store.hpp"

namespace ps::cabinet {

Status RecordReturnClaim(db::Connection& c, std::string_view station_id, std::string_view serial,
                         int slot, Micros at) {
    return c.Defer(
        "INSERT INTO cabinet_return_claims (station_id, serial_number, slot_number, claimed_at) "
        "VALUES (?, ?, ?, ?)", {station_id, serial, slot, at});
}

Result<std::optional<Micros>> ConsumeReturnClaims(db::Connection& c, std::string_view station_id,
                                                  std::string_view serial, Micros since, Micros at) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(
        "SELECT MIN(claimed_at) FROM cabinet_return_claims WHERE station_id = ? AND "
        "serial_number = ? AND consumed_at IS NULL AND claimed_at >= ?", {station_id, serial, since}));
    if (!row || row->IsNull(0)) return std::optional<Micros>{};
    RETURN_IF_ERROR(c.Defer(
        "UPDATE cabinet_return_claims SET consumed_at = ? WHERE station_id = ? AND "
        "serial_number = ? AND consumed_at IS NULL", {at, station_id, serial}));
    return std::optional<Micros>{row->Int(0)};
}

}  // namespace ps::cabinet
