// Public and user station routes (station_routes.hpp).
#include "domains/stations/station_routes.hpp"

#include "domains/stations/station_input.hpp"
#include "domains/stations/stations_json.hpp"
#include "http/envelope.hpp"
#include "http/fields.hpp"

namespace ps::stations {

namespace json = boost::json;
using http::Auth;
using http::Fields;
using http::Request;
using http::Response;

namespace {

constexpr int64_t kPublicMaxPageSize = 50;  // stations lists cap page_size silently

Caller CallerOf(const Request& req) {
    if (!req.principal) return {};
    return {req.principal->user_id, req.principal->is_staff};
}

// Optional lat+lng (both or neither); anything malformed is invalid_coordinates.
Result<std::optional<GeoPoint>> OptionalPoint(const Request& req) {
    auto lat = QueryNumber(req, "lat");
    auto lng = QueryNumber(req, "lng");
    Error bad = InvalidArgument("invalid_coordinates",
                                "Invalid coordinates: lat and lng must be "
                                "valid numbers, given together");
    if (!lat.ok() || !lng.ok() || lat->has_value() != lng->has_value()) return bad;
    if (!lat->has_value()) return std::optional<GeoPoint>{};
    return std::optional<GeoPoint>{GeoPoint{**lat, **lng}};
}

json::array Items(const std::vector<StationSummary>& list) {
    json::array out;
    for (const auto& s : list) out.push_back(StationItemJson(s));
    return out;
}

Response List(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req, 20, kPublicMaxPageSize, false));
    StationService::ListQuery q;
    ASSIGN_OR_RESPOND(q.search, QuerySearch(req));
    ASSIGN_OR_RESPOND(q.status, QueryEnum(req, "status", IsStationStatus));
    ASSIGN_OR_RESPOND(q.near, OptionalPoint(req));
    ASSIGN_OR_RESPOND(auto list, s.stations.List(CallerOf(req), q, page));
    return http::Success("Stations retrieved successfully", DrfPage(page, Items(list)));
}

Response Nearby(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto lat, QueryNumber(req, "lat"));
    ASSIGN_OR_RESPOND(auto lng, QueryNumber(req, "lng"));
    if (!lat) return http::Failure(FieldError("lat", "This field may not be null."));
    if (!lng) return http::Failure(FieldError("lng", "This field may not be null."));
    ASSIGN_OR_RESPOND(auto radius, QueryNumber(req, "radius"));
    ASSIGN_OR_RESPOND(auto limit, QueryInt(req, "limit", 1, kMaxNearbyLimit));
    StationService::NearbyQuery q{
        {*lat, *lng}, radius.value_or(5.0), static_cast<int>(limit.value_or(kDefaultNearbyLimit))};
    Response r;
    ASSIGN_OR_RESPOND(r.body, s.stations.NearbyBody(CallerOf(req), q));
    return r;
}

Response Detail(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto sn, SerialParam(req));
    ASSIGN_OR_RESPOND(auto from, OptionalPoint(req));
    ASSIGN_OR_RESPOND(auto d, s.stations.Detail(CallerOf(req), sn, from));
    return http::Success("Station details retrieved successfully", StationDetailJson(d));
}

Response Favorite(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto sn, SerialParam(req));
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    f.OnlyKnown({});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(bool fav, s.stations.ToggleFavorite(req.principal->user_id, sn));
    return http::Success("Favorite status updated successfully",
                         json::object{{"is_favorite", fav},
                                      {"message", fav ? "Station added to favorites"
                                                      : "Station removed from favorites"}});
}

Response Favorites(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req, 20, kPublicMaxPageSize, false));
    ASSIGN_OR_RESPOND(auto list, s.stations.Favorites(req.principal->user_id, page));
    return http::Success("Favorite stations retrieved successfully", DrfPage(page, Items(list)));
}

Response ReportIssue(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto sn, SerialParam(req));
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    IssueService::Report r;
    auto type =
        f.Enum("issue_type", true,
               {"OFFLINE", "DAMAGED", "DIRTY", "LOCATION_WRONG", "SLOT_ERROR", "AMENITY_ISSUE"});
    auto description = f.Str("description", true, 255);
    std::optional<std::vector<std::string>> images;
    if (body.fields.contains("images")) images = f.List("images", false);
    f.OnlyKnown({"issue_type", "description", "images"});
    RESPOND_IF_ERROR(f.Finish());
    r.issue_type = *type;
    r.description = *description;
    if (images) r.images = *images;
    ASSIGN_OR_RESPOND(auto issue, s.issues.ReportIssue(req.principal->user_id, sn, r));
    return http::Success("Issue reported successfully", IssueJson(issue), 201);
}

Response MyReports(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req, 20, kPublicMaxPageSize, false));
    ASSIGN_OR_RESPOND(auto list, s.issues.MyReports(req.principal->user_id, page));
    json::array results;
    for (const auto& i : list) results.push_back(IssueJson(i));
    return http::Success("Reports retrieved successfully", DrfPage(page, std::move(results)));
}

}  // namespace

void RegisterPublicStationRoutes(http::Router& r, StationServices s) {
    auto bind = [s](auto fn) { return [s, fn](Request& req) mutable { return fn(s, req); }; };
    r.Add("GET", "/api/stations", Auth::kOptional, bind(List));
    r.Add("GET", "/api/stations/nearby", Auth::kOptional, bind(Nearby));
    r.Add("GET", "/api/stations/favorites", Auth::kUser, bind(Favorites));
    r.Add("GET", "/api/stations/my-reports", Auth::kUser, bind(MyReports));
    r.Add("GET", "/api/stations/{serial_number}", Auth::kOptional, bind(Detail));
    r.Add("POST", "/api/stations/{serial_number}/favorite", Auth::kUser, bind(Favorite));
    r.Add("POST", "/api/stations/{serial_number}/report-issue", Auth::kUser, bind(ReportIssue));
}

void RegisterStationRoutes(http::Router& r, StationServices s) {
    RegisterPublicStationRoutes(r, s);
    RegisterAdminStationRoutes(r, s);
    RegisterAdminFleetRoutes(r, s);
}

}  // namespace ps::stations
