// Routes of the rentals domain's staff side and extras (rental_admin_service.hpp):
//   staff: admin/rental-packages (list, create, detail, update, delete), admin/late-fee-configs
//          (list with summary, create, detail, update, delete), admin/rentals/issues (list,
//          detail, update, delete); forms as JSON or multipart (empty values mean "not sent");
//   users: rentals/{id}/issues, rentals/{id}/location, users/analytics/usage-stats.
// Staff routes answer a plain user with 403; refusals by staff role are 400 permission_denied.
#pragma once

#include <memory>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/rentals/rental_admin_service.hpp"
#include "http/router.hpp"

namespace ps::rentals {

struct RentalAdminDeps {
    db::Database& db;
    const Clock& clock;
    Random& random;
};

void RegisterRentalAdminRoutes(http::Router& router, RentalAdminDeps deps);

// The halves: packages and late fees (rental_admin_routes.cpp); issues, location and usage
// statistics (rental_issue_routes.cpp).
void RegisterRentalCatalogRoutes(http::Router& router, std::shared_ptr<RentalCatalogAdmin> s);
void RegisterRentalIssueRoutes(http::Router& router, std::shared_ptr<RentalIssueService> s);
// Whether a multipart or JSON field was sent with a value (an empty string counts as absent).
bool Given(const boost::json::object& body, std::string_view key);

}  // namespace ps::rentals
