// What the public and signed-in users ask of stations: the list (search, status, within 10 km of
// a point), the nearby search (bounding box on the geo index, then the exact haversine distance
// here, so SQLite and PostgreSQL return the same stations in the same order), a station's
// detail with live counts, and favorites. Non-staff never see stations in maintenance.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/stations/nearby_cache.hpp"
#include "domains/stations/station.hpp"
#include "http/pagination.hpp"

namespace ps::stations {

struct StationOptions {
    int min_rentable_battery = kDefaultMinRentableBattery;
    // Nearby answers are kept this long per node (same query, same visibility), as rendered
    // bodies (nearby_cache.hpp); the caller's favorites are applied on every request. 0 turns
    // the cache off.
    int nearby_cache_ms = 1000;
};

// Who asks: anonymous (user_id 0), a user, or staff (who also see maintenance).
struct Caller {
    int64_t user_id = 0;
    bool is_staff = false;
};

struct GeoPoint {
    double lat = 0, lng = 0;
};

inline constexpr double kListRadiusKm = 10;  // GET stations with lat+lng
inline constexpr double kMinRadiusKm = 0.1;
inline constexpr double kMaxRadiusKm = 50;  // accepted ...
inline constexpr double kRadiusCapKm = 20;  // ... then capped, as the reference does
inline constexpr int kDefaultNearbyLimit = 100;
inline constexpr int kMaxNearbyLimit = 1000;

class StationService {
public:
    StationService(db::Database& db, const Clock& clock, StationOptions opts);

    struct ListQuery {
        std::optional<std::string> search, status;
        std::optional<GeoPoint> near;  // restricts to kListRadiusKm and fills distance
    };
    // Sorted by name; counts, clamps page.page to the last page. Errors: invalid_coordinates.
    Result<std::vector<StationSummary>> List(const Caller& who, const ListQuery& q,
                                             http::Page& page);

    struct NearbyQuery {
        GeoPoint at;
        double radius_km = 5;
        int limit = kDefaultNearbyLimit;
    };
    // The response body (the envelope with {count, results}): stations ordered by distance
    // (then serial number). Errors: invalid_coordinates, validation_error (radius outside
    // 0.1..50, limit outside 1..1000).
    Result<std::string> NearbyBody(const Caller& who, const NearbyQuery& q);

    // Errors: station_not_found (404), station_maintenance (non-staff), invalid_coordinates.
    Result<StationDetail> Detail(const Caller& who, const std::string& serial_number,
                                 std::optional<GeoPoint> from);

    // Returns the new state. Errors: station_not_found.
    Result<bool> ToggleFavorite(int64_t user_id, const std::string& serial_number);
    Result<std::vector<StationSummary>> Favorites(int64_t user_id, http::Page& page);

    int min_rentable_battery() const { return opts_.min_rentable_battery; }

private:
    Result<std::vector<StationSummary>> LoadNearby(bool public_only, const NearbyQuery& q);
    Result<std::shared_ptr<const RenderedNearby>> RenderNearby(bool public_only,
                                                               const NearbyQuery& q);
    Result<std::unordered_set<std::string>> FavoriteIds(int64_t user_id);

    db::Database& db_;
    const Clock& clock_;
    StationOptions opts_;
    NearbyCache nearby_cache_;
};

// The parts of a detail (slots with banks, amenities, media, banks) around a summary.
Result<StationDetail> LoadStationDetail(db::Connection& c, StationSummary summary);
// Both coordinates valid, else invalid_coordinates.
Status CheckCoordinates(double lat, double lng);

}  // namespace ps::stations
