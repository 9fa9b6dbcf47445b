#include "domains/stations/inventory_service.hpp"

#include "domains/stations/station_repository.hpp"

namespace ps::stations {

InventoryService::InventoryService(db::Database& db, const Clock& clock, Random& random,
                                   StationOptions opts)
    : db_(db), clock_(clock), random_(random), opts_(opts) {}

Result<std::optional<Station>> InventoryService::FindByImei(const std::string& imei) {
    return db_.Read([&](db::Connection& c) { return repo::FindStationByImei(c, imei); });
}

Result<std::optional<Station>> InventoryService::FindBySerial(const std::string& serial_number) {
    return db_.Read([&](db::Connection& c) { return repo::FindStationBySerial(c, serial_number); });
}

Result<std::vector<Slot>> InventoryService::Slots(const std::string& station_id) {
    return db_.Read([&](db::Connection& c) { return repo::SlotsOf(c, station_id); });
}

Result<InventoryOutcome> InventoryService::ApplyInventory(const std::string& station_id,
                                                          const std::vector<SlotReport>& reports) {
    return db_.Transact([&](db::Connection& c) -> Result<InventoryOutcome> {
        ASSIGN_OR_RETURN(auto st, repo::FindStationById(c, station_id));
        if (!st) return NotFound("station_not_found", "Station not found");
        return repo::ApplyInventory(c, random_, *st, reports, clock_.Now());
    });
}

Status InventoryService::SetLiveness(const std::string& station_id, bool online) {
    return db_.Transact(
        [&](db::Connection& c) { return repo::SetLiveness(c, station_id, online, clock_.Now()); });
}

Result<std::optional<RentablePick>> InventoryService::PickRentableBank(
    const std::string& station_id) {
    return db_.Read([&](db::Connection& c) {
        return repo::PickRentableBank(c, station_id, opts_.min_rentable_battery);
    });
}

Result<PowerBank> InventoryService::MarkBankEjected(const std::string& station_id, int slot_number,
                                                    const std::optional<std::string>& rental_id) {
    return db_.Transact([&](db::Connection& c) {
        return repo::MarkBankEjected(c, station_id, slot_number, rental_id, clock_.Now());
    });
}

Result<PowerBank> InventoryService::MarkBankReturned(const std::string& station_id, int slot_number,
                                                     const std::string& bank_serial,
                                                     std::optional<int> battery) {
    return db_.Transact([&](db::Connection& c) {
        return repo::MarkBankReturned(c, random_, station_id, slot_number, bank_serial, battery,
                                      clock_.Now());
    });
}

}  // namespace ps::stations
