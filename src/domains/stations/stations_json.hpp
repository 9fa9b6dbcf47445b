// JSON renderings of stations in the reference's shapes (chargeghar-responses.md §3 and §12,
// admin-dashboard-contract.md). Coordinates are 6-decimal strings, distances JSON numbers in km
// (2 decimals), datetimes `dt`.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "domains/stations/bank_repository.hpp"
#include "domains/stations/station.hpp"
#include "http/pagination.hpp"

namespace ps::stations {

// ---- public (§3) ------------------------------------------------------------------------------
// StationItem: {id, serial_number, station_name, latitude, longitude, address, status,
// total_slots, available_slots (rentable banks), free_slots, total_powerbanks, distance (null
// without coordinates), is_favorite, media, opening_time, closing_time}.
boost::json::object StationItemJson(const StationSummary& s);
// StationItem plus landmark, description, is_maintenance, hardware_info, amenities, slots.
boost::json::object StationDetailJson(const StationDetail& d);
boost::json::object MediaJson(const Media& m);
// StationIssue: {id, station, station_name, issue_type, description, images, priority, status,
// reported_at, resolved_at, reporter_name}.
boost::json::object IssueJson(const IssueView& v);
// P-drf: {count, next:bool, previous:bool, results}.
boost::json::object DrfPage(const http::Page& page, boost::json::array results);
std::string Coordinate(double v);  // "27.717245"

// ---- staff (§12 and the dashboard contract) ---------------------------------------------------
boost::json::object AdminStationJson(const StationSummary& s);
boost::json::object AdminStationDetailJson(const StationDetail& d);
boost::json::object AdminIssueJson(const IssueView& v);
boost::json::object AdminIssueDetailJson(const IssueView& v);
boost::json::object AmenityJson(const Amenity& a, bool with_count);
boost::json::object BankListJson(const repo::BankRow& r);
boost::json::object BankDetailJson(const repo::BankRow& r,
                                   const std::vector<repo::HistoryEntry>& recent);
boost::json::object HistoryJson(const repo::HistoryEntry& e);
boost::json::object FleetStatsJson(const repo::FleetStats& s);

}  // namespace ps::stations
