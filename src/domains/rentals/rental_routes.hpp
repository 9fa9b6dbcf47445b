// Rentals API (chargeghar-responses.md §4): packages, start, cancel and pay-due (Idempotent),
// active, history, stats; and the staff's admin/rentals list and detail.
#pragma once

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/rentals/rental_service.hpp"
#include "http/router.hpp"

namespace ps::rentals {

struct RentalRouteDeps {
    db::Database& db;
    const Clock& clock;
    RentalService& rentals;
};

void RegisterRentalRoutes(http::Router& router, RentalRouteDeps deps);

}  // namespace ps::rentals
