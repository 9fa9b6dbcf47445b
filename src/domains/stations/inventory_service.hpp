// Station lookups and the rentable-bank pick, each in its own read. Slot and bank writes are
// repo:: functions of inventory_repository.hpp that run inside the caller's transaction (the
// cabinet link's inventory rules, staff assignments).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/stations/inventory_repository.hpp"
#include "domains/stations/station.hpp"
#include "domains/stations/station_service.hpp"

namespace ps::stations {

class InventoryService {
public:
    InventoryService(db::Database& db, const Clock& clock, Random& random, StationOptions opts);

    // Non-deleted stations only; nullopt when unknown.
    Result<std::optional<Station>> FindByImei(const std::string& imei);
    Result<std::optional<Station>> FindBySerial(const std::string& serial_number);
    Result<std::vector<Slot>> Slots(const std::string& station_id);

    Result<std::optional<RentablePick>> PickRentableBank(const std::string& station_id);

    int min_rentable_battery() const { return opts_.min_rentable_battery; }

private:
    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    StationOptions opts_;
};

}  // namespace ps::stations
