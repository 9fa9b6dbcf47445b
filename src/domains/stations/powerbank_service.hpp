// What staff see and do about power banks: the fleet list, a bank with its recent movements,
// its history (power_bank_history; each EJECTED is a rental), a status change (audited, and
// recorded in the bank's history), and fleet analytics.
#pragma once

#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/admin/staff.hpp"
#include "domains/stations/bank_repository.hpp"
#include "domains/stations/station_service.hpp"
#include "http/pagination.hpp"

namespace ps::stations {

class PowerBankService {
public:
    PowerBankService(db::Database& db, const Clock& clock, Random& random, StationOptions opts);

    Result<std::vector<repo::BankRow>> List(const repo::BankFilter& f, http::Page& page);
    struct Detail {
        repo::BankRow row;
        std::vector<repo::HistoryEntry> recent;  // newest 10
    };
    // Errors: powerbank_not_found (404).
    Result<Detail> Get(const std::string& id);
    struct History {
        PowerBank bank;
        std::vector<repo::HistoryEntry> entries;
    };
    Result<History> GetHistory(const std::string& id, http::Page& page);
    // status: AVAILABLE | MAINTENANCE | DAMAGED | LOST (RENTED comes only from a rental).
    // Errors: powerbank_not_found, invalid_status_change (AVAILABLE without a station),
    // validation_error, permission_denied.
    Result<PowerBank> SetStatus(const admin::Actor& actor, const std::string& id,
                                const std::string& status, const std::string& reason);
    Result<repo::FleetStats> Analytics();
    int min_rentable_battery() const { return opts_.min_rentable_battery; }

private:
    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    StationOptions opts_;
};

}  // namespace ps::stations
