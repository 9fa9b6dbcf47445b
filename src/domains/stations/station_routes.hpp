// Routes of the stations domain. Public (Auth::kOptional: a token marks favorites, staff see
// maintenance): GET stations, stations/nearby, stations/{serial_number}. Users: POST
// stations/{sn}/favorite, GET stations/favorites, POST stations/{sn}/report-issue, GET
// stations/my-reports. Staff: admin/stations (list, create, detail, update, soft delete,
// maintenance), admin/stations/issues, admin/amenities, admin/powerbanks. The station command
// route (admin/stations/{sn}/command) belongs to the cabinet link.
#pragma once

#include "domains/stations/amenity_service.hpp"
#include "domains/stations/issue_service.hpp"
#include "domains/stations/powerbank_service.hpp"
#include "domains/stations/station_admin_service.hpp"
#include "domains/stations/station_service.hpp"
#include "http/router.hpp"

namespace ps::stations {

struct StationServices {
    StationService& stations;
    IssueService& issues;
    StationAdminService& admin;
    AmenityService& amenities;
    PowerBankService& banks;
};

void RegisterStationRoutes(http::Router& r, StationServices s);

// The parts (station_routes.cpp, admin_station_routes.cpp, admin_fleet_routes.cpp).
void RegisterPublicStationRoutes(http::Router& r, StationServices s);
void RegisterAdminStationRoutes(http::Router& r, StationServices s);
void RegisterAdminFleetRoutes(http::Router& r, StationServices s);

}  // namespace ps::stations
