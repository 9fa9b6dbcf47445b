// The rentals domain's staff side and extras. RentalCatalogAdmin: rental packages and late-fee
// configurations (permission manage_finances for writes). RentalIssueService: users report
// issues about their own rentals and share GPS points while one is ACTIVE or OVERDUE; staff
// triage the issues (permission manage_users for writes); the user's usage statistics. Every
// staff write records an audit entry in its transaction (admin/audit.hpp).
//
// Deleting a package that a rental or an extension names is refused (package_in_use): rentals
// keep pointing at their package, so staff deactivate it instead (is_active=false), which hides
// it from the public list and from new rentals. An unused package is deleted.
//
// Late-fee configurations: among the active ones, no two may list the same package type and at
// most one may list none (it covers the types nobody lists); creating or activating one that
// breaks this is refused (late_fee_config_conflict) — deactivate the other first.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/admin/staff.hpp"
#include "domains/rentals/rental_admin_repository.hpp"
#include "http/pagination.hpp"

namespace ps::rentals {

// The reference's JSON of each (chargeghar-responses.md §6, admin-dashboard-contract.md).
boost::json::object AdminPackageJson(const AdminPackage& a);
boost::json::object LateFeeConfigJson(const LateFeeConfig& l);
// "30 minutes", "1 hour", "2h 30m", "2 days".
std::string DurationDisplay(int64_t minutes);

struct PackageChange {
    std::optional<std::string> name, description, package_type, payment_model;
    std::optional<int64_t> duration_minutes;
    std::optional<Money> price;
    std::optional<bool> is_active;
    std::optional<boost::json::object> metadata;
};

struct LateFeeChange {
    std::optional<std::string> name, fee_type;
    std::optional<int64_t> multiplier_centi, grace_period_minutes;
    std::optional<Money> flat_rate_per_hour, max_daily_rate;
    std::optional<bool> is_active;
    std::optional<std::vector<std::string>> applicable_package_types;
    std::optional<boost::json::object> metadata;
};

class RentalCatalogAdmin {
public:
    RentalCatalogAdmin(db::Database& db, const Clock& clock, Random& random);

    Result<std::vector<AdminPackage>> ListPackages(http::Page& page);
    // Errors: rental_package_not_found (404).
    Result<AdminPackage> GetPackage(const std::string& id);
    // Errors: validation_error (a required field missing, a name in use), permission_denied.
    Result<AdminPackage> CreatePackage(const admin::Actor& actor, const PackageChange& ch);
    Result<AdminPackage> UpdatePackage(const admin::Actor& actor, const std::string& id,
                                       const PackageChange& ch);
    // Errors: rental_package_not_found, package_in_use, permission_denied.
    Result<AdminPackage> DeletePackage(const admin::Actor& actor, const std::string& id);

    struct ConfigPage {
        std::vector<LateFeeConfig> configs;
        int64_t total = 0, active = 0;  // over every configuration, not the filter
    };
    Result<ConfigPage> ListConfigs(const repo::LateFeeFilter& f, http::Page& page);
    // Errors: late_fee_config_not_found (404).
    Result<LateFeeConfig> GetConfig(const std::string& id);
    // Errors: validation_error, late_fee_config_conflict, permission_denied.
    Result<LateFeeConfig> CreateConfig(const admin::Actor& actor, const LateFeeChange& ch);
    Result<LateFeeConfig> UpdateConfig(const admin::Actor& actor, const std::string& id,
                                       const LateFeeChange& ch);
    Result<LateFeeConfig> DeleteConfig(const admin::Actor& actor, const std::string& id);

private:
    Status SaveConfig(db::Connection& tx, const LateFeeConfig& l);
    Status Audit(db::Connection& tx, const admin::Actor& actor, std::string action,
                 std::string model, const std::string& id, boost::json::object changes,
                 std::string description);

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
};

class RentalIssueService {
public:
    RentalIssueService(db::Database& db, const Clock& clock, Random& random);

    struct Report {
        std::string issue_type, description;
        std::vector<std::string> images;
    };
    // Errors: rental_not_found (404; also another user's rental), duplicate_issue_report (an
    // unresolved report of the same type on this rental).
    Result<RentalIssueView> ReportIssue(int64_t user_id, const std::string& rental_id,
                                        const Report& r);
    // Errors: rental_not_found "Active rental not found" (404) unless the user's rental is
    // ACTIVE or OVERDUE. Coordinates are validated by the caller.
    Result<RentalLocation> AddLocation(int64_t user_id, const std::string& rental_id, double lat,
                                       double lng, double accuracy);
    Result<UsageStats> Usage(int64_t user_id);

    Result<std::vector<RentalIssueView>> List(const repo::RentalIssueFilter& f, http::Page& page);
    // Errors: rental_issue_not_found (404).
    Result<RentalIssueView> Get(const std::string& id);
    struct Change {
        std::optional<std::string> status, notes;
    };
    Result<RentalIssueView> Update(const admin::Actor& actor, const std::string& id,
                                   const Change& ch);
    Status Delete(const admin::Actor& actor, const std::string& id);

private:
    db::Database& db_;
    const Clock& clock_;
    Random& random_;
};

}  // namespace ps::rentals
