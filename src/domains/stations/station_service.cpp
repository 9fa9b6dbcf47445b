#include "domains/stations/station_service.hpp"

#include <algorithm>
#include <unordered_map>

#include "domains/stations/catalog_repository.hpp"
#include "domains/stations/geo.hpp"
#include "domains/stations/station_repository.hpp"
#include "domains/stations/stations_json.hpp"
#include "http/envelope.hpp"

namespace ps::stations {

namespace json = boost::json;

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
    : db_(db),
      clock_(clock),
      opts_(opts),
      nearby_cache_(std::chrono::milliseconds(std::max(0, opts.nearby_cache_ms))) {}

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

Result<std::string> StationService::NearbyBody(const Caller& who, const NearbyQuery& q) {
    RETURN_IF_ERROR(CheckCoordinates(q.at.lat, q.at.lng));
    if (!(q.radius_km >= kMinRadiusKm && q.radius_km <= kMaxRadiusKm))
        return FieldError("radius", "Ensure this value is between 0.1 and 50.");
    if (q.limit < 1 || q.limit > kMaxNearbyLimit)
        return FieldError("limit", "Ensure this value is between 1 and 1000.");
    const bool public_only = !who.is_staff;
    const NearbyCache::Key key{public_only, q.at.lat, q.at.lng, q.radius_km, q.limit};
    const auto read_at = NearbyCache::Clock::now();
    std::shared_ptr<const RenderedNearby> rendered;
    if (nearby_cache_.enabled()) rendered = nearby_cache_.Find(key, read_at);
    if (!rendered) {
        ASSIGN_OR_RETURN(rendered, RenderNearby(public_only, q));
        if (nearby_cache_.enabled()) nearby_cache_.Put(key, read_at, rendered);
    }
    if (who.user_id <= 0) return rendered->anonymous();
    ASSIGN_OR_RETURN(auto favorites, FavoriteIds(who.user_id));
    return rendered->For(favorites);
}

// The anonymous body of a fresh answer.
Result<std::shared_ptr<const RenderedNearby>> StationService::RenderNearby(bool public_only,
                                                                           const NearbyQuery& q) {
    ASSIGN_OR_RETURN(auto list, LoadNearby(public_only, q));
    json::array items;
    items.reserve(list.size());
    std::vector<std::string> ids;
    ids.reserve(list.size());
    for (const auto& s : list) {
        items.push_back(StationItemJson(s));
        ids.push_back(s.station.id);
    }
    auto body = http::Success("Nearby stations retrieved successfully",
                              json::object{{"count", list.size()}, {"results", std::move(items)}})
                    .body;
    ASSIGN_OR_RETURN(auto r, RenderedNearby::Make(std::move(body), ids));
    return std::make_shared<const RenderedNearby>(std::move(r));
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

Result<std::unordered_set<std::string>> StationService::FavoriteIds(int64_t user_id) {
    ASSIGN_OR_RETURN(auto rows, db_.Read([&](db::Connection& c) {
        return c.Query("SELECT station_id FROM station_favorites WHERE user_id = ?", {user_id});
    }));
    std::unordered_set<std::string> out;
    for (const auto& r : rows) out.insert(r.Str(0));
    return out;
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
