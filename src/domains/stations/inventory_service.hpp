// The stations API the cabinet link and rentals call: find a station by IMEI or serial number,
// apply a cabinet inventory to its slots, record liveness, and mark a bank ejected or returned.
// Each method runs in its own transaction; a caller that must commit the change together with
// its own writes uses the repo:: functions of inventory_repository.hpp inside its transaction.
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

    // Errors: station_not_found (404), invalid_inventory.
    Result<InventoryOutcome> ApplyInventory(const std::string& station_id,
                                            const std::vector<SlotReport>& reports);
    Status SetLiveness(const std::string& station_id, bool online);
    Result<std::optional<RentablePick>> PickRentableBank(const std::string& station_id);
    Result<PowerBank> MarkBankEjected(const std::string& station_id, int slot_number,
                                      const std::optional<std::string>& rental_id);
    Result<PowerBank> MarkBankReturned(const std::string& station_id, int slot_number,
                                       const std::string& bank_serial, std::optional<int> battery);

    int min_rentable_battery() const { return opts_.min_rentable_battery; }

private:
    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    StationOptions opts_;
};

}  // namespace ps::stations
