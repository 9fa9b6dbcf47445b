// Rental issues (users report, staff triage), GPS points and the user's usage statistics
// (rental_admin_routes.hpp).
#include <boost/json.hpp>
#include <cstdio>

#include "core/time_format.hpp"
#include "core/json_text.hpp"
#include "domains/admin/admin_routes.hpp"
#include "domains/rentals/rental_admin_routes.hpp"
#include "domains/stations/geo.hpp"
#include "domains/stations/station_input.hpp"
#include "domains/stations/stations_json.hpp"
#include "http/envelope.hpp"
#include "http/fields.hpp"

namespace ps::rentals {

namespace json = boost::json;
using http::Auth;
using http::Fields;
using http::Request;
using http::Response;

namespace {

bool IsIssueType(std::string_view s) {
    return s == "POWER_BANK_DAMAGED" || s == "POWER_BANK_LOST" || s == "CHARGING_ISSUE" ||
           s == "RETURN_ISSUE";
}
bool IsIssueStatus(std::string_view s) { return s == "REPORTED" || s == "RESOLVED"; }

json::value OptDtZ(const std::optional<Micros>& t) {
    return t ? json::value(FormatDtZ(*t)) : json::value(nullptr);
}

json::array Images(const RentalIssue& i) {
    json::array a;
    for (const auto& s : i.images) a.emplace_back(s);
    return a;
}

// What the user sees after reporting: {id, issue_type, description, images, status,
// reported_at, resolved_at, rental_code}.
json::object UserIssueJson(const RentalIssueView& v) {
    const RentalIssue& i = v.issue;
    return {{"id", i.id},
            {"issue_type", i.issue_type},
            {"description", i.description},
            {"images", Images(i)},
            {"status", i.status},
            {"reported_at", FormatDt(i.reported_at)},
            {"resolved_at", OptDt(i.resolved_at)},
            {"rental_code", v.rental_code}};
}

// A row of admin/rentals/issues.
json::object AdminIssueJson(const RentalIssueView& v) {
    json::object o = UserIssueJson(v);
    o["user_name"] = v.username;
    o["user_email"] = OptJson(v.email);
    o["station_name"] = v.station_name;
    o["power_bank_serial"] = OptJson(v.power_bank_serial);
    return o;
}

json::object AdminIssueDetailJson(const RentalIssueView& v) {
    json::object o = AdminIssueJson(v);
    o["notes"] = OptJson(v.issue.notes);
    o["updated_at"] = FormatDt(v.issue.updated_at);
    o["rental"] = json::object{{"id", v.issue.rental_id},
                               {"rental_code", v.rental_code},
                               {"status", v.rental_status},
                               {"started_at", OptDtZ(v.started_at)},
                               {"ended_at", OptDtZ(v.ended_at)},
                               {"station", v.station_name},
                               {"station_serial", v.station_serial},
                               {"return_station", OptJson(v.return_station_name)},
                               {"power_bank", OptJson(v.power_bank_serial)}};
    o["user"] = json::object{{"id", std::to_string(v.issue.user_id)},
                             {"email", OptJson(v.email)},
                             {"username", v.username},
                             {"phone_number", OptJson(v.phone_number)}};
    return o;
}

Response ReportIssue(RentalIssueService& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    RentalIssueService::Report r;
    auto type = f.Enum("issue_type", true,
                       {"POWER_BANK_DAMAGED", "POWER_BANK_LOST", "CHARGING_ISSUE", "RETURN_ISSUE"});
    auto description = f.Str("description", true, 255);
    if (description && description->size() < 10)
        f.AddError("description", "Description must be at least 10 characters long.");
    if (Given(body.fields, "images")) {
        auto images = f.List("images", true);
        if (images && images->size() > 10)
            f.AddError("images", "Ensure this field has no more than 10 elements.");
        else if (images)
            for (const auto& url : *images)
                if (!http::LooksLikeUrl(url) || url.size() > 500) {
                    f.AddError("images", "Enter a valid URL.");
                    break;
                }
        if (images) r.images = *images;
    }
    f.OnlyKnown({"issue_type", "description", "images"});
    RESPOND_IF_ERROR(f.Finish());
    r.issue_type = *type;
    r.description = *description;
    ASSIGN_OR_RESPOND(auto v, s.ReportIssue(req.principal->user_id,
                                            std::string(req.PathParam("rental_id")), r));
    return http::Success("Issue reported successfully", UserIssueJson(v), 201);
}

// A coordinate-like number (JSON number or decimal string) within [lo, hi].
std::optional<double> Number(Fields& f, const json::object& body, const char* key, bool required,
                             bool (*valid)(double), const char* range_message) {
    if (!Given(body, key)) {
        if (required) f.AddError(key, "This field is required.");
        return std::nullopt;
    }
    auto d = stations::ParseCoordinateValue(body.at(key));
    if (!d) f.AddError(key, "A valid number is required.");
    else if (!valid(*d)) f.AddError(key, range_message);
    else return d;
    return std::nullopt;
}

bool ValidAccuracy(double v) { return v >= 0 && v <= 100000; }

Response AddLocation(RentalIssueService& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    auto lat = Number(f, body.fields, "latitude", true, stations::ValidLatitude,
                      "Latitude must be between -90 and 90");
    auto lng = Number(f, body.fields, "longitude", true, stations::ValidLongitude,
                      "Longitude must be between -180 and 180");
    auto acc = Number(f, body.fields, "accuracy", false, ValidAccuracy,
                      "Accuracy must be between 0 and 100000 metres");
    f.OnlyKnown({"latitude", "longitude", "accuracy"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto l, s.AddLocation(req.principal->user_id,
                                            std::string(req.PathParam("rental_id")), *lat, *lng,
                                            acc.value_or(10.0)));
    char accuracy[48];
    std::snprintf(accuracy, sizeof accuracy, "%.2f", l.accuracy);
    return http::Success("Location updated successfully",
                         json::object{{"id", l.id},
                                      {"latitude", stations::Coordinate(l.latitude)},
                                      {"longitude", stations::Coordinate(l.longitude)},
                                      {"accuracy", accuracy},
                                      {"recorded_at", FormatDt(l.recorded_at)}});
}

Response UsageStatsRoute(RentalIssueService& s, Request& req) {
    ASSIGN_OR_RESPOND(auto u, s.Usage(req.principal->user_id));
    return http::Success("Analytics retrieved successfully",
                         json::object{{"total_rentals", u.total_rentals},
                                      {"total_points_earned", u.total_points_earned},
                                      {"total_referrals", u.total_referrals},
                                      {"timely_returns", u.timely_returns},
                                      {"late_returns", u.late_returns},
                                      {"favorite_stations_count", u.favorite_stations_count},
                                      {"total_spent", FormatDecimal(u.total_spent)},
                                      {"last_rental_date", OptDt(u.last_rental_at)},
                                      {"member_since", FormatDt(u.member_since)}});
}

Response AdminList(RentalIssueService& s, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    repo::RentalIssueFilter f;
    ASSIGN_OR_RESPOND(f.status, stations::QueryEnum(req, "status", IsIssueStatus));
    ASSIGN_OR_RESPOND(f.issue_type, stations::QueryEnum(req, "issue_type", IsIssueType));
    ASSIGN_OR_RESPOND(f.search, stations::QuerySearch(req));
    ASSIGN_OR_RESPOND(f.from, stations::QueryTime(req, "start_date", false));
    ASSIGN_OR_RESPOND(f.to, stations::QueryTime(req, "end_date", true));
    if (f.from && f.to && *f.from > *f.to)
        return http::Failure(
            FieldError("non_field_errors", "start_date cannot be after end_date"));
    ASSIGN_OR_RESPOND(auto list, s.List(f, page));
    json::array out;
    for (const auto& v : list) out.emplace_back(AdminIssueJson(v));
    return http::Success("Rental issues retrieved successfully",
                         json::object{{"results", std::move(out)}, {"pagination", page.Json()}});
}

Response AdminGet(RentalIssueService& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, stations::UuidParam(req, "issue_id"));
    ASSIGN_OR_RESPOND(auto v, s.Get(id));
    return http::Success("Rental issue retrieved successfully", AdminIssueDetailJson(v));
}

Response AdminUpdate(RentalIssueService& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, stations::UuidParam(req, "issue_id"));
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    RentalIssueService::Change ch;
    if (Given(body.fields, "status")) ch.status = f.Enum("status", true, {"REPORTED", "RESOLVED"});
    if (body.fields.contains("notes")) ch.notes = f.Str("notes", false, 500, 0);
    f.OnlyKnown({"status", "notes"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto v, s.Update(admin::ActorOf(req), id, ch));
    return http::Success("Rental issue updated successfully", AdminIssueDetailJson(v));
}

Response AdminDelete(RentalIssueService& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, stations::UuidParam(req, "issue_id"));
    RESPOND_IF_ERROR(s.Delete(admin::ActorOf(req), id));
    return http::Success("Rental issue deleted successfully",
                         json::object{{"message", "Rental issue deleted successfully"}});
}

}  // namespace

void RegisterRentalIssueRoutes(http::Router& r, std::shared_ptr<RentalIssueService> s) {
    auto bind = [s](auto fn) { return [s, fn](Request& req) { return fn(*s, req); }; };
    r.Add("POST", "/api/rentals/{rental_id}/issues", Auth::kUser, bind(ReportIssue));
    r.Add("POST", "/api/rentals/{rental_id}/location", Auth::kUser, bind(AddLocation));
    r.Add("GET", "/api/users/analytics/usage-stats", Auth::kUser, bind(UsageStatsRoute));
    r.Add("GET", "/api/admin/rentals/issues", Auth::kStaff, bind(AdminList));
    r.Add("GET", "/api/admin/rentals/issues/{issue_id}", Auth::kStaff, bind(AdminGet));
    r.Add("PATCH", "/api/admin/rentals/issues/{issue_id}", Auth::kStaff, bind(AdminUpdate));
    r.Add("DELETE", "/api/admin/rentals/issues/{issue_id}", Auth::kStaff, bind(AdminDelete));
}

}  // namespace ps::rentals
