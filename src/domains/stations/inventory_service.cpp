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

Result<std::optional<RentablePick>> InventoryService::PickRentableBank(
    const std::string& station_id) {
    return db_.Read([&](db::Connection& c) {
        return repo::PickRentableBank(c, station_id, opts_.min_rentable_battery);
    });
}

}  // namespace ps::stations
