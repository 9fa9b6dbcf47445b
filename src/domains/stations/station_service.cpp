#include "domains/stations/station_service.hpp"

#include <cstdio>
#include <set>

#include <algorithm>
#include <unordered_map>

#include "domains/stations/catalog_repository.hpp"
#include "domains/stations/geo.hpp"
#include "domains/stations/station_repository.hpp"

namespace ps::stations {

namespace {

struct Hit {
    const repo::Candidate* c;
    double km;
};

// Candidates within radius_km of `at`, with their exact distance.
std::vector<Hit> Within(const std::vector<repo::Candidate>& cands, GeoPoint at, double radius_km) {
    std::vector<Hit> out;
    for (const auto& c : cands) {
        double km = HaversineKm(at.lat, at.lng, c.latitude, c.longitude);
        if (km <= radius_km) out.push_back({&c, km});
    }
    return out;
}

// Loads summaries of the hits (in order) with their distance.
Result<std::vector<StationSummary>> Summaries(db::Connection& c, const std::vector<Hit>& hits,
                                              const repo::ListContext& ctx) {
    std::vector<std::string> ids;
    ids.reserve(hits.size());
    for (const auto& h : hits) ids.push_back(h.c->id);
    ASSIGN_OR_RETURN(auto out, repo::LoadSummaries(c, ids, ctx));
    std::unordered_map<std::string, double> km;
    for (const auto& h : hits) km.emplace(h.c->id, h.km);
    for (auto& s : out) s.distance_km = RoundTo(km[s.station.id], 2);
    return out;
}

}  // namespace

Status CheckCoordinates(double lat, double lng) {
    if (!ValidLatitude(lat) || !ValidLongitude(lng))
        return InvalidArgument("invalid_coordinates",
                               "Invalid coordinates: latitude must be within -90..90 and "
                               "longitude within -180..180");
    return Ok{};
}

Result<StationDetail> LoadStationDetail(db::Connection& c, StationSummary summary) {
    StationDetail d;
    const std::string id = summary.station.id;
    ASSIGN_OR_RETURN(d.slots, repo::SlotsOf(c, id));
    ASSIGN_OR_RETURN(d.amenities, repo::AmenitiesOf(c, id));
    ASSIGN_OR_RETURN(summary.media, repo::MediaOf(c, id));
    ASSIGN_OR_RETURN(d.banks, repo::BanksAt(c, id));
    d.summary = std::move(summary);
    return d;
}

StationService::StationService(db::Database& db, const Clock& clock, StationOptions opts)
    : db_(db), clock_(clock), opts_(opts) {}

Result<std::vector<StationSummary>> StationService::List(const Caller& who, const ListQuery& q,
                                                         http::Page& page) {
    if (q.status && !IsStationStatus(*q.status))
        return FieldError("status", "\"" + *q.status + "\" is not a valid choice.");
    if (q.near) RETURN_IF_ERROR(CheckCoordinates(q.near->lat, q.near->lng));
    repo::StationFilter f;
    f.public_only = !who.is_staff;
    f.status = q.status;
    f.search = q.search;
    repo::ListContext ctx{opts_.min_rentable_battery, who.user_id};
    return db_.Read([&](db::Connection& c) -> Result<std::vector<StationSummary>> {
        std::vector<StationSummary> out;
        if (!q.near) {
            ASSIGN_OR_RETURN(int64_t total, repo::CountStations(c, f));
            page.SetTotal(total);
            ASSIGN_OR_RETURN(out, repo::ListStations(c, f, ctx, repo::Order::kName, page.page_size,
                                                     page.Offset()));
        } else {
            f.box = BoundingBox(q.near->lat, q.near->lng, kListRadiusKm);
            ASSIGN_OR_RETURN(auto cands, repo::ListCandidates(c, f));
            auto hits = Within(cands, *q.near, kListRadiusKm);
            std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
                if (a.c->station_name != b.c->station_name)
                    return a.c->station_name < b.c->station_name;
                return a.c->serial_number < b.c->serial_number;
            });
            page.SetTotal(static_cast<int64_t>(hits.size()));
            size_t from = std::min(hits.size(), static_cast<size_t>(page.Offset()));
            size_t to = std::min(hits.size(), from + static_cast<size_t>(page.page_size));
            std::vector<Hit> slice(hits.begin() + from, hits.begin() + to);
            ASSIGN_OR_RETURN(out, Summaries(c, slice, ctx));
        }
        RETURN_IF_ERROR(repo::AttachMedia(c, out));
        return out;
    });
}

Result<std::vector<StationSummary>> StationService::Nearby(const Caller& who,
                                                           const NearbyQuery& q) {
    RETURN_IF_ERROR(CheckCoordinates(q.at.lat, q.at.lng));
    if (!(q.radius_km >= kMinRadiusKm && q.radius_km <= kMaxRadiusKm))
        return FieldError("radius", "Ensure this value is between 0.1 and 50.");
    if (q.limit < 1 || q.limit > kMaxNearbyLimit)
        return FieldError("limit", "Ensure this value is between 1 and 1000.");
    const bool public_only = !who.is_staff;
    std::vector<StationSummary> out;
    const auto now = std::chrono::steady_clock::now();
    const auto ttl = std::chrono::milliseconds(opts_.nearby_cache_ms);
    char key[160];
    std::snprintf(key, sizeof key, "%d|%.6f|%.6f|%.4f|%d", public_only, q.at.lat, q.at.lng,
                  q.radius_km, q.limit);
    bool hit = false;
    if (opts_.nearby_cache_ms > 0) {
        std::lock_guard lock(cache_mu_);
        auto it = nearby_cache_.find(key);
        if (it != nearby_cache_.end() && now - it->second.at < ttl) {
            out = it->second.list;
            hit = true;
        }
    }
    if (!hit) {
        ASSIGN_OR_RETURN(out, LoadNearby(public_only, q));
        if (opts_.nearby_cache_ms > 0) {
            std::lock_guard lock(cache_mu_);
            if (nearby_cache_.size() >= 4096) nearby_cache_.clear();  // bounded memory
            nearby_cache_[key] = Cached{now, out};
        }
    }
    if (who.user_id > 0) RETURN_IF_ERROR(MarkFavorites(who.user_id, out));
    return out;
}

// Anonymous-shaped results (no favorites), fresh from the database.
Result<std::vector<StationSummary>> StationService::LoadNearby(bool public_only,
                                                               const NearbyQuery& q) {
    double radius = std::min(q.radius_km, kRadiusCapKm);
    repo::StationFilter f;
    f.public_only = public_only;
    f.box = BoundingBox(q.at.lat, q.at.lng, radius);
    repo::ListContext ctx{opts_.min_rentable_battery, 0};
    return db_.Read([&](db::Connection& c) -> Result<std::vector<StationSummary>> {
        ASSIGN_OR_RETURN(auto cands, repo::ListCandidates(c, f));
        auto hits = Within(cands, q.at, radius);
        std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
            if (a.km != b.km) return a.km < b.km;
            return a.c->serial_number < b.c->serial_number;
        });
        if (hits.size() > static_cast<size_t>(q.limit)) hits.resize(q.limit);
        ASSIGN_OR_RETURN(auto out, Summaries(c, hits, ctx));
        RETURN_IF_ERROR(repo::AttachMedia(c, out));
        return out;
    });
}

Status StationService::MarkFavorites(int64_t user_id, std::vector<StationSummary>& list) {
    ASSIGN_OR_RETURN(auto rows, db_.Read([&](db::Connection& c) {
        return c.Query("SELECT station_id FROM station_favorites WHERE user_id = ?", {user_id});
    }));
    std::set<std::string> favorites;
    for (const auto& r : rows) favorites.insert(r.Str(0));
    for (auto& s : list) s.is_favorite = favorites.count(s.station.id) > 0;
    return Ok{};
}

Result<StationDetail> StationService::Detail(const Caller& who, const std::string& serial_number,
                                             std::optional<GeoPoint> from) {
    if (from) RETURN_IF_ERROR(CheckCoordinates(from->lat, from->lng));
    repo::ListContext ctx{opts_.min_rentable_battery, who.user_id};
    return db_.Read([&](db::Connection& c) -> Result<StationDetail> {
        ASSIGN_OR_RETURN(auto summary, repo::FindSummary(c, serial_number, ctx));
        if (!summary) return NotFound("station_not_found", "Station not found");
        if (!who.is_staff && !summary->station.PubliclyVisible())
            return FailedPrecondition("station_maintenance", "Station is under maintenance");
        if (from)
            summary->distance_km =
                RoundTo(HaversineKm(from->lat, from->lng, summary->station.latitude,
                                    summary->station.longitude),
                        2);
        return LoadStationDetail(c, std::move(*summary));
    });
}

Result<bool> StationService::ToggleFavorite(int64_t user_id, const std::string& serial_number) {
    return db_.Transact([&](db::Connection& c) -> Result<bool> {
        ASSIGN_OR_RETURN(auto station, repo::FindStationBySerial(c, serial_number));
        if (!station) return NotFound("station_not_found", "Station not found");
        ASSIGN_OR_RETURN(bool fav, repo::IsFavorite(c, user_id, station->id));
        if (fav)
            RETURN_IF_ERROR(repo::RemoveFavorite(c, user_id, station->id));
        else
            RETURN_IF_ERROR(repo::AddFavorite(c, user_id, station->id, clock_.Now()));
        return !fav;
    });
}

Result<std::vector<StationSummary>> StationService::Favorites(int64_t user_id, http::Page& page) {
    repo::ListContext ctx{opts_.min_rentable_battery, user_id};
    return db_.Read([&](db::Connection& c) -> Result<std::vector<StationSummary>> {
        ASSIGN_OR_RETURN(int64_t total, repo::CountFavorites(c, user_id));
        page.SetTotal(total);
        ASSIGN_OR_RETURN(auto out, repo::ListFavorites(c, ctx, page.page_size, page.Offset()));
        RETURN_IF_ERROR(repo::AttachMedia(c, out));
        return out;
    });
}

}  // namespace ps::stations
