// Internal to the stations repositories: the column lists and row mappers they share, and a
// helper that runs a query over an IN list of ids in chunks padded to a few fixed sizes (so
// PostgreSQL's per-SQL prepared statements stay few).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.hpp"
#include "domains/stations/station.hpp"

namespace ps::stations::repo {

// 19 columns, alias st.
inline constexpr const char* kStationCols =
    "st.id, st.serial_number, st.imei, st.station_name, st.latitude, st.longitude, st.address, "
    "st.landmark, st.description, st.opening_time, st.closing_time, st.total_slots, st.status, "
    "st.is_maintenance, st.is_deleted, st.hardware_info, st.last_heartbeat, st.created_at, "
    "st.updated_at";
inline constexpr size_t kStationColCount = 19;

// 13 columns, alias b.
inline constexpr const char* kBankCols =
    "b.id, b.serial_number, b.model, b.capacity_mah, b.status, b.battery_level, b.hardware_info, "
    "b.current_station_id, b.current_slot, b.total_cycles, b.last_seen_at, b.created_at, "
    "b.updated_at";
inline constexpr size_t kBankColCount = 13;

Station ToStation(const db::Row& r, size_t at = 0);
PowerBank ToBank(const db::Row& r, size_t at = 0);

// Runs `head + "(?, ?, ...)" + tail` for each chunk of ids (padded with NULLs), with `before`
// bound ahead of the ids, and hands every row to `each`.
Status QueryIn(db::Connection& c, std::string_view head, std::string_view tail,
               const db::Params& before, const std::vector<std::string>& ids,
               const std::function<void(const db::Row&)>& each);


}  // namespace ps::stations::repo
