// What staff do to stations: list and inspect them (deleted ones excluded), create one (with its
// slots 1..total_slots, amenities, media and bank assignments), update it, soft-delete it, and
// switch maintenance mode. Every write is audited in its transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/admin/staff.hpp"
#include "domains/stations/catalog_repository.hpp"
#include "domains/stations/station.hpp"
#include "domains/stations/station_repository.hpp"
#include "domains/stations/station_service.hpp"
#include "http/pagination.hpp"

namespace ps::stations {

struct BankAssignment {
    std::string powerbank_serial;
    int slot_number = 0;
};

// The fields of a create (everything required is set) or an update (absent = unchanged; an
// inner nullopt clears a nullable field). Routes parse; the service checks the rules.
struct StationInput {
    std::optional<std::string> station_name, serial_number, imei, address, status;
    std::optional<double> latitude, longitude;
    std::optional<std::optional<std::string>> landmark, description, opening_time, closing_time;
    std::optional<int> total_slots;
    std::optional<bool> is_maintenance;
    std::optional<std::string> hardware_info;  // a JSON object, as text
    std::optional<std::vector<std::string>> amenity_ids;
    std::optional<std::vector<repo::NewMedia>> media;
    std::optional<std::vector<BankAssignment>> assignments;
};

class StationAdminService {
public:
    StationAdminService(db::Database& db, const Clock& clock, Random& random, StationOptions opts);

    Result<std::vector<StationSummary>> List(const repo::StationFilter& f, http::Page& page);
    // Errors: station_not_found (404).
    Result<StationDetail> Get(const std::string& serial_number);
    // Errors: validation_error (duplicate serial/IMEI, unknown amenity/upload/bank, a bank not
    // free), permission_denied.
    Result<StationDetail> Create(const admin::Actor& actor, const StationInput& in);
    Result<StationDetail> Update(const admin::Actor& actor, const std::string& serial_number,
                                 const StationInput& in);
    // Soft delete: is_deleted, OFFLINE.
    Status Delete(const admin::Actor& actor, const std::string& serial_number);
    Result<Station> SetMaintenance(const admin::Actor& actor, const std::string& serial_number,
                                   bool on, const std::string& reason);

private:
    Status ApplyRelations(db::Connection& c, const Station& st, const StationInput& in, Micros now);
    Result<StationDetail> Load(db::Connection& c, const std::string& serial_number);

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    StationOptions opts_;
};

}  // namespace ps::stations
