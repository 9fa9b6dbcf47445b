// SQL of the rentals domain's staff side and extras (migration 0010), on the caller's connection:
// rental packages as staff manage them, late-fee configurations (and the one that applies to a
// package type, for the lifecycle), rental issues, GPS points and the user's usage statistics.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "domains/rentals/late_fee.hpp"
#include "domains/rentals/rental.hpp"

namespace ps::rentals {

// A package with what only staff see.
struct AdminPackage {
    Package p;
    boost::json::object metadata;
    Micros created_at = 0, updated_at = 0;
};

struct RentalIssue {
    std::string id, rental_id;
    int64_t user_id = 0;
    std::string issue_type, description;
    std::vector<std::string> images;
    std::string status = "REPORTED";  // REPORTED | RESOLVED
    std::optional<std::string> notes;
    Micros reported_at = 0, updated_at = 0;
    std::optional<Micros> resolved_at;
};

// An issue with its rental and reporter, for display.
struct RentalIssueView {
    RentalIssue issue;
    std::string rental_code, rental_status, station_name, station_serial, username;
    std::optional<Micros> started_at, ended_at;
    std::optional<std::string> return_station_name, power_bank_serial, email, phone_number;
};

struct RentalLocation {
    std::string id, rental_id;
    double latitude = 0, longitude = 0, accuracy = 10;
    Micros recorded_at = 0;
};

struct UsageStats {
    int64_t total_rentals = 0, timely_returns = 0, late_returns = 0;
    int64_t total_points_earned = 0, total_referrals = 0, favorite_stations_count = 0;
    Money total_spent;
    std::optional<Micros> last_rental_at;
    Micros member_since = 0;
};

namespace repo {

// JSON text columns: an object ('{}' when unreadable); string lists: core/json_text.hpp.
boost::json::object ParseObject(const std::string& text);

// Every package, active or not, in the public list's order (shortest first). Packages are few.
Result<std::vector<AdminPackage>> ListAdminPackages(db::Connection& c);
Result<std::optional<AdminPackage>> FindAdminPackage(db::Connection& c, const std::string& id);
Result<bool> PackageNameTaken(db::Connection& c, const std::string& name,
                              const std::string& except_id);
Status InsertPackage(db::Connection& c, const AdminPackage& p);
Status UpdatePackage(db::Connection& c, const AdminPackage& p);
Status DeletePackage(db::Connection& c, const std::string& id);
// Rentals and extensions that name the package.
Result<int64_t> PackageUseCount(db::Connection& c, const std::string& id);

struct LateFeeFilter {
    std::optional<std::string> fee_type, search;
    std::optional<bool> is_active;
};
Result<int64_t> CountLateFeeConfigs(db::Connection& c, const LateFeeFilter& f);
// Active first, then newest.
Result<std::vector<LateFeeConfig>> ListLateFeeConfigs(db::Connection& c, const LateFeeFilter& f,
                                                      int64_t limit, int64_t offset);
Result<std::optional<LateFeeConfig>> FindLateFeeConfig(db::Connection& c, const std::string& id);
Result<bool> LateFeeNameTaken(db::Connection& c, const std::string& name,
                              const std::string& except_id);
Status InsertLateFeeConfig(db::Connection& c, const LateFeeConfig& l);
Status UpdateLateFeeConfig(db::Connection& c, const LateFeeConfig& l);
Status DeleteLateFeeConfig(db::Connection& c, const std::string& id);
Result<std::vector<LateFeeConfig>> ActiveLateFeeConfigs(db::Connection& c);
// The configuration applying to `package_type` (late_fee.hpp), the built-in default when no
// active one does.
Result<LateFeeConfig> ActiveLateFeeConfig(db::Connection& c, const std::string& package_type);

Status InsertRentalIssue(db::Connection& c, const RentalIssue& i);
// status, notes, resolved_at, updated_at.
Status UpdateRentalIssue(db::Connection& c, const RentalIssue& i);
Status DeleteRentalIssue(db::Connection& c, const std::string& id);
Result<std::optional<RentalIssueView>> FindRentalIssue(db::Connection& c, const std::string& id);
// Whether the rental has an unresolved issue of this type.
Result<bool> HasOpenRentalIssue(db::Connection& c, const std::string& rental_id,
                                const std::string& issue_type);
Result<int64_t> CountIssuesOfRental(db::Connection& c, const std::string& rental_id);

struct RentalIssueFilter {
    std::optional<std::string> status, issue_type, search;
    std::optional<Micros> from, to;  // reported_at within [from, to]
};
Result<int64_t> CountRentalIssues(db::Connection& c, const RentalIssueFilter& f);
// Newest first.
Result<std::vector<RentalIssueView>> ListRentalIssues(db::Connection& c,
                                                      const RentalIssueFilter& f, int64_t limit,
                                                      int64_t offset);

// Stores the point and keeps only the rental's latest kKeptLocations.
inline constexpr int64_t kKeptLocations = 100;
Status InsertRentalLocation(db::Connection& c, const RentalLocation& l);

Result<UsageStats> ReadUsageStats(db::Connection& c, int64_t user_id);

}  // namespace repo
}  // namespace ps::rentals
