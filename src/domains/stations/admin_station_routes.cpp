// Staff station routes: admin/stations list, create, detail, update, soft delete, maintenance
// (station_routes.hpp).
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

Response List(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    repo::StationFilter f;
    f.public_only = false;
    f.admin_search = true;
    ASSIGN_OR_RESPOND(f.search, QuerySearch(req));
    ASSIGN_OR_RESPOND(f.status, QueryEnum(req, "status", IsStationStatus));
    ASSIGN_OR_RESPOND(f.is_maintenance, QueryBool(req, "is_maintenance"));
    ASSIGN_OR_RESPOND(auto list, s.admin.List(f, page));
    json::array results;
    for (const auto& st : list) results.push_back(AdminStationJson(st));
    return http::Success(
        "Stations retrieved successfully",
        json::object{{"results", std::move(results)}, {"pagination", page.Json()}});
}

Response Create(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    ASSIGN_OR_RESPOND(auto in, ParseStationInput(body.fields, true));
    ASSIGN_OR_RESPOND(auto d, s.admin.Create(admin::ActorOf(req), in));
    return http::Success("Station created successfully", AdminStationDetailJson(d), 201);
}

Response Get(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto sn, SerialParam(req));
    ASSIGN_OR_RESPOND(auto d, s.admin.Get(sn));
    return http::Success("Station details retrieved successfully", AdminStationDetailJson(d));
}

Response Update(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto sn, SerialParam(req));
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    ASSIGN_OR_RESPOND(auto in, ParseStationInput(body.fields, false));
    ASSIGN_OR_RESPOND(auto d, s.admin.Update(admin::ActorOf(req), sn, in));
    return http::Success("Station updated successfully", AdminStationDetailJson(d));
}

Response Delete(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto sn, SerialParam(req));
    RESPOND_IF_ERROR(s.admin.Delete(admin::ActorOf(req), sn));
    return http::Success("Station deleted successfully",
                         json::object{{"message", "Station deleted successfully"}});
}

Response Maintenance(StationServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto sn, SerialParam(req));
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    auto on = f.Bool("is_maintenance", true);
    auto reason = f.Str("reason", true, 500);
    f.OnlyKnown({"is_maintenance", "reason"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto st, s.admin.SetMaintenance(admin::ActorOf(req), sn, *on, *reason));
    return http::Success(
        "Maintenance mode updated successfully",
        json::object{{"station_id", st.id},
                     {"station_name", st.station_name},
                     {"is_maintenance", st.is_maintenance},
                     {"message", st.is_maintenance ? "Station maintenance mode enabled"
                                                   : "Station maintenance mode disabled"}});
}

}  // namespace

void RegisterAdminStationRoutes(http::Router& r, StationServices s) {
    auto bind = [s](auto fn) { return [s, fn](Request& req) mutable { return fn(s, req); }; };
    r.Add("GET", "/api/admin/stations", Auth::kStaff, bind(List));
    r.Add("POST", "/api/admin/stations", Auth::kStaff, bind(Create));
    r.Add("GET", "/api/admin/stations/{serial_number}", Auth::kStaff, bind(Get));
    r.Add("PATCH", "/api/admin/stations/{serial_number}", Auth::kStaff, bind(Update));
    r.Add("DELETE", "/api/admin/stations/{serial_number}", Auth::kStaff, bind(Delete));
    r.Add("POST", "/api/admin/stations/{serial_number}/maintenance", Auth::kStaff,
          bind(Maintenance));
}

}  // namespace ps::stations
