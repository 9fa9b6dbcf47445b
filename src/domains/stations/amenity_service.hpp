// Staff management of amenities (Wi-Fi, parking, ...) that stations list. Names are unique
// (case-insensitively). Every write is audited in its transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/admin/staff.hpp"
#include "domains/stations/catalog_repository.hpp"
#include "http/pagination.hpp"

namespace ps::stations {

class AmenityService {
public:
    AmenityService(db::Database& db, const Clock& clock, Random& random);

    Result<std::vector<Amenity>> List(const repo::AmenityFilter& f, http::Page& page);
    struct Change {
        std::optional<std::string> name, icon, description;
        std::optional<bool> is_active;
    };
    // Errors: validation_error (a name taken), permission_denied.
    Result<Amenity> Create(const admin::Actor& actor, const Change& in);
    // Errors: amenity_not_found (404), validation_error.
    Result<Amenity> Update(const admin::Actor& actor, const std::string& id, const Change& in);
    // Removes it from every station too.
    Status Delete(const admin::Actor& actor, const std::string& id);

private:
    db::Database& db_;
    const Clock& clock_;
    Random& random_;
};

}  // namespace ps::stations
