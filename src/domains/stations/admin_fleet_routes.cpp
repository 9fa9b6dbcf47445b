// Staff routes for station issues, amenities and power banks (station_routes.hpp).
#include "domains/admin/admin_routes.hpp"
#include "domains/stations/station_input.hpp"
#include "domains/stations/station_routes.hpp"
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

json::object Paged(json::array results, const http::Page& page) {
    return {{"results", std::move(results)}, {"pagination", page.Json()}};
}

// ---- station issues -----------------------------------------------------------------------------

Response ListIssues(StationServices& s, Request& req) {
    repo::IssueFilter f;
    ASSIGN_OR_RESPOND(f.status, QueryEnum(req, "status", IsIssueStatus));
    ASSIGN_OR_RESPOND(f.priority, QueryEnum(req, "priority", IsIssuePriority));
    ASSIGN_OR_RESPOND(f.issue_type, QueryEnum(req, "issue_type", IsIssueType));
    ASSIGN_OR_RESPOND(f.station_id, QueryEnum(req, "station_id", LooksLikeUuid));
    ASSIGN_OR_RESPOND(f.assigned_profile_id, QueryEnum(req, "assigned_to_id", LooksLikeUuid));
    ASSIGN_OR_RESPOND(f.search, QuerySearch(req));
    ASSIGN_OR_RESPOND(f.from, QueryTime(req, "start_date", false));
    ASSIGN_OR_RESPOND(f.to, QueryTime(req, "end_date", true));
    ASSIGN_OR_RESPOND(auto list, s.issues.List(f));
    json::array out;
    for (const auto& i : list) out.push_back(AdminIssueJson(i));
    return http::Success("Station issues retrieved successfully", std::move(out));
}

Response GetIssue(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, UuidParam(req, "issue_id"));
    ASSIGN_OR_RESPOND(auto v, s.issues.Get(id));
    return http::Success("Station issue retrieved successfully", AdminIssueDetailJson(v));
}

Response UpdateIssue(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, UuidParam(req, "issue_id"));
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    const json::object& o = body.fields;
    Fields f(o);
    IssueService::Change ch;
    ch.status = admin::OptionalStr(f, o, "status", 32);
    ch.priority = admin::OptionalStr(f, o, "priority", 32);
    if (ch.status && !IsIssueStatus(*ch.status))
        f.AddError("status", "\"" + *ch.status + "\" is not a valid choice.");
    if (ch.priority && !IsIssuePriority(*ch.priority))
        f.AddError("priority", "\"" + *ch.priority + "\" is not a valid choice.");
    if (o.contains("assigned_to_id")) {
        auto a = admin::OptionalStr(f, o, "assigned_to_id", 36);
        if (a && !LooksLikeUuid(*a)) f.AddError("assigned_to_id", "Must be a valid UUID.");
        ch.assigned_to_profile.emplace(a);
    }
    if (o.contains("notes")) {
        const json::value& n = o.at("notes");
        if (n.is_string() && n.as_string().empty())
            ch.notes = "";
        else if (auto t = f.Str("notes", false, 1000))
            ch.notes = *t;
    }
    f.OnlyKnown({"status", "priority", "assigned_to_id", "notes"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto v, s.issues.Update(admin::ActorOf(req), id, ch));
    return http::Success("Station issue updated successfully", AdminIssueDetailJson(v));
}

Response DeleteIssue(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, UuidParam(req, "issue_id"));
    RESPOND_IF_ERROR(s.issues.Delete(admin::ActorOf(req), id));
    return http::Success("Station issue deleted successfully",
                         json::object{{"message", "Station issue deleted successfully"}});
}

// ---- amenities ------------------------------------------------------------------------------

Response ListAmenities(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    repo::AmenityFilter f;
    ASSIGN_OR_RESPOND(f.is_active, QueryBool(req, "is_active"));
    ASSIGN_OR_RESPOND(f.search, QuerySearch(req));
    ASSIGN_OR_RESPOND(auto list, s.amenities.List(f, page));
    json::array out;
    for (const auto& a : list) out.push_back(AmenityJson(a, true));
    return http::Success("Amenities retrieved successfully", Paged(std::move(out), page));
}

Result<AmenityService::Change> ParseAmenity(const json::object& o, bool create) {
    Fields f(o);
    AmenityService::Change ch;
    ch.name = create ? f.Str("name", true, 100) : admin::OptionalStr(f, o, "name", 100);
    ch.icon = create ? f.Str("icon", true, 255) : admin::OptionalStr(f, o, "icon", 255);
    ch.description =
        create ? f.Str("description", true, 255) : admin::OptionalStr(f, o, "description", 255);
    if (o.contains("is_active") &&
        !(o.at("is_active").is_string() && o.at("is_active").as_string().empty()))
        ch.is_active = f.Bool("is_active", false);
    f.OnlyKnown({"name", "icon", "description", "is_active"});
    RETURN_IF_ERROR(f.Finish());
    return ch;
}

Response CreateAmenity(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    ASSIGN_OR_RESPOND(auto ch, ParseAmenity(body.fields, true));
    ASSIGN_OR_RESPOND(auto a, s.amenities.Create(admin::ActorOf(req), ch));
    return http::Success("Amenity created successfully", AmenityJson(a, false), 201);
}

Response UpdateAmenity(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, UuidParam(req, "amenity_id"));
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    ASSIGN_OR_RESPOND(auto ch, ParseAmenity(body.fields, false));
    ASSIGN_OR_RESPOND(auto a, s.amenities.Update(admin::ActorOf(req), id, ch));
    return http::Success("Amenity updated successfully", AmenityJson(a, false));
}

Response DeleteAmenity(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, UuidParam(req, "amenity_id"));
    RESPOND_IF_ERROR(s.amenities.Delete(admin::ActorOf(req), id));
    return http::Success("Amenity deleted successfully",
                         json::object{{"message", "Amenity deleted successfully"}});
}

// ---- power banks ------------------------------------------------------------------------------

Response ListBanks(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    repo::BankFilter f;
    ASSIGN_OR_RESPOND(f.status, QueryEnum(req, "status", IsBankStatus));
    ASSIGN_OR_RESPOND(f.station_id, QueryEnum(req, "station_id", LooksLikeUuid));
    ASSIGN_OR_RESPOND(f.search, QuerySearch(req));
    ASSIGN_OR_RESPOND(auto list, s.banks.List(f, page));
    json::array out;
    for (const auto& b : list) out.push_back(BankListJson(b));
    return http::Success("PowerBanks retrieved successfully", Paged(std::move(out), page));
}

Response GetBank(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, UuidParam(req, "powerbank_id"));
    ASSIGN_OR_RESPOND(auto d, s.banks.Get(id));
    return http::Success("PowerBank detail retrieved successfully",
                         BankDetailJson(d.row, d.recent));
}

Response BankHistory(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, UuidParam(req, "powerbank_id"));
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    ASSIGN_OR_RESPOND(auto h, s.banks.GetHistory(id, page));
    json::array out;
    for (const auto& e : h.entries) out.push_back(HistoryJson(e));
    json::object data = Paged(std::move(out), page);
    data["powerbank"] =
        json::object{{"serial_number", h.bank.serial_number}, {"model", h.bank.model}};
    return http::Success("PowerBank history retrieved successfully", std::move(data));
}

Response SetBankStatus(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, UuidParam(req, "powerbank_id"));
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    auto status = f.Enum("status", true, {"AVAILABLE", "MAINTENANCE", "DAMAGED", "LOST"});
    auto reason = admin::OptionalStr(f, body.fields, "reason", 500);
    f.OnlyKnown({"status", "reason"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto b,
                      s.banks.SetStatus(admin::ActorOf(req), id, *status, reason.value_or("")));
    return http::Success("PowerBank status updated successfully",
                         json::object{{"powerbank_id", b.id},
                                      {"serial_number", b.serial_number},
                                      {"new_status", b.status},
                                      {"message", "PowerBank status updated to " + b.status}});
}

Response BankAnalytics(StationServices& s, Request&) {
    ASSIGN_OR_RESPOND(auto stats, s.banks.Analytics());
    return http::Success("PowerBank analytics retrieved successfully", FleetStatsJson(stats));
}

}  // namespace

void RegisterAdminFleetRoutes(http::Router& r, StationServices s) {
    auto bind = [s](auto fn) { return [s, fn](Request& req) mutable { return fn(s, req); }; };
    r.Add("GET", "/api/admin/stations/issues", Auth::kStaff, bind(ListIssues));
    r.Add("GET", "/api/admin/stations/issues/{issue_id}", Auth::kStaff, bind(GetIssue));
    r.Add("PATCH", "/api/admin/stations/issues/{issue_id}", Auth::kStaff, bind(UpdateIssue));
    r.Add("DELETE", "/api/admin/stations/issues/{issue_id}", Auth::kStaff, bind(DeleteIssue));
    r.Add("GET", "/api/admin/amenities", Auth::kStaff, bind(ListAmenities));
    r.Add("POST", "/api/admin/amenities", Auth::kStaff, bind(CreateAmenity));
    r.Add("PATCH", "/api/admin/amenities/{amenity_id}", Auth::kStaff, bind(UpdateAmenity));
    r.Add("DELETE", "/api/admin/amenities/{amenity_id}", Auth::kStaff, bind(DeleteAmenity));
    r.Add("GET", "/api/admin/powerbanks", Auth::kStaff, bind(ListBanks));
    r.Add("GET", "/api/admin/powerbanks/analytics/overview", Auth::kStaff, bind(BankAnalytics));
    r.Add("GET", "/api/admin/powerbanks/{powerbank_id}", Auth::kStaff, bind(GetBank));
    r.Add("GET", "/api/admin/powerbanks/{powerbank_id}/history", Auth::kStaff, bind(BankHistory));
    r.Add("POST", "/api/admin/powerbanks/{powerbank_id}/status", Auth::kStaff, bind(SetBankStatus));
}

}  // namespace ps::stations
