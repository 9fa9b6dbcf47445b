// SQL of stations: station rows, their slots, the station lists with live counts (the ids of a
// page first, then one query whose counts and favorite flag are correlated subqueries over just
// those rows), the parts of a station's detail, and favorites. Every function runs on the caller's
// connection (inside the caller's transaction when it has one), so other domains (rentals, the
// cabinet link) can compose them with their own writes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "domains/stations/geo.hpp"
#include "domains/stations/station.hpp"

namespace ps::stations::repo {

// ---- station rows ----------------------------------------------------------------------------
// Deleted stations are found only with include_deleted.
Result<std::optional<Station>> FindStationById(db::Connection& c, const std::string& id,
                                               bool include_deleted = false);
Result<std::optional<Station>> FindStationBySerial(db::Connection& c, const std::string& sn,
                                                   bool include_deleted = false);
Result<std::optional<Station>> FindStationByImei(db::Connection& c, const std::string& imei,
                                                 bool include_deleted = false);
// Unique serial/IMEI collisions come back as Conflict "unique_violation".
Status InsertStation(db::Connection& c, const Station& s);
// Writes every column but id, serial_number, imei and created_at.
Status UpdateStation(db::Connection& c, const Station& s);
// Creates slots first..last (AVAILABLE, no bank) for the station.
Status InsertSlots(db::Connection& c, Random& random, const std::string& station_id, int first,
                   int last, Micros now);

// ---- lists with live counts ------------------------------------------------------------------
struct StationFilter {
    bool public_only = true;  // hide maintenance and non ONLINE/OFFLINE stations
    std::optional<std::string> status;
    std::optional<bool> is_maintenance;
    std::optional<std::string> search;  // name, address, landmark (and serial when admin_search)
    bool admin_search = false;
    std::optional<BBox> box;
};
// How a list is computed for its caller.
struct ListContext {
    int min_battery = kDefaultMinRentableBattery;
    int64_t user_id = 0;  // 0: anonymous, no favorites
};
enum class Order { kName, kNewest };

Result<int64_t> CountStations(db::Connection& c, const StationFilter& f);
// Summaries (counts, favorite flag; no media) of the given stations, in the order given; ids
// that are not found are left out.
Result<std::vector<StationSummary>> LoadSummaries(db::Connection& c,
                                                  const std::vector<std::string>& ids,
                                                  const ListContext& ctx);
// One page of matches as summaries. limit < 0: every match.
Result<std::vector<StationSummary>> ListStations(db::Connection& c, const StationFilter& f,
                                                 const ListContext& ctx, Order order, int64_t limit,
                                                 int64_t offset);
// Every match with only what a distance search needs (the box rides on the geo index).
struct Candidate {
    std::string id, serial_number, station_name;
    double latitude = 0, longitude = 0;
};
Result<std::vector<Candidate>> ListCandidates(db::Connection& c, const StationFilter& f);
// A non-deleted station by serial number, with counts and the favorite flag.
Result<std::optional<StationSummary>> FindSummary(db::Connection& c, const std::string& sn,
                                                  const ListContext& ctx);
// Fills media (and amenity names when `amenities`) of each summary (chunked IN lists).
Status AttachMedia(db::Connection& c, std::vector<StationSummary>& list);
Status AttachAmenityNames(db::Connection& c, std::vector<StationSummary>& list);

// ---- favorites ----------------------------------------------------------------------------
Result<bool> IsFavorite(db::Connection& c, int64_t user_id, const std::string& station_id);
Status AddFavorite(db::Connection& c, int64_t user_id, const std::string& station_id, Micros now);
Status RemoveFavorite(db::Connection& c, int64_t user_id, const std::string& station_id);
Result<int64_t> CountFavorites(db::Connection& c, int64_t user_id);
// Newest favorite first; deleted stations are left out.
Result<std::vector<StationSummary>> ListFavorites(db::Connection& c, const ListContext& ctx,
                                                  int64_t limit, int64_t offset);

// ---- detail parts -----------------------------------------------------------------------------
Result<std::vector<Slot>> SlotsOf(db::Connection& c, const std::string& station_id);
Result<std::vector<PowerBank>> BanksAt(db::Connection& c, const std::string& station_id);
Result<std::vector<Media>> MediaOf(db::Connection& c, const std::string& station_id);

}  // namespace ps::stations::repo
