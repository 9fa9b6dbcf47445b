#include "domains/admin/admin_routes.hpp"

#include "domains/admin/admin_json.hpp"
#include "http/envelope.hpp"

namespace ps::admin {

namespace json = boost::json;
using http::Auth;
using http::Fields;
using http::Request;
using http::Response;

Actor ActorOf(const Request& req) {
    return Actor{req.principal->user_id, req.principal->role, req.ClientIp(),
                 std::string(req.Header("user-agent"))};
}

std::optional<std::string> OptionalStr(Fields& f, const json::object& o, std::string_view key,
                                       size_t max_len) {
    auto* v = o.if_contains(key);
    if (!v || v->is_null() || (v->is_string() && v->as_string().empty())) return std::nullopt;
    return f.Str(key, false, max_len);
}

namespace {

Response Login(AdminIdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    auto email = f.Str("email", true, 254);
    auto password = f.Str("password", true, 128);
    f.OnlyKnown({"email", "password"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto login, s.staff.Login(*email, *password, req.ClientIp()));
    return http::Success("Admin login successful", StaffLoginJson(login));
}

Response Me(AdminIdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto p, s.staff.Me(ActorOf(req)));
    return http::Success("Admin profile retrieved successfully", AdminMeJson(p));
}

Response ListProfiles(AdminIdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto profiles, s.staff.ListProfiles());
    json::array out;
    for (const auto& p : profiles) out.emplace_back(AdminProfileJson(p));
    return http::Success("Admin profiles retrieved successfully", std::move(out));
}

Response CreateProfile(AdminIdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    auto user = f.Int("user", true, 1, INT64_MAX);
    auto role = f.Enum("role", true, {"super_admin", "admin", "moderator"});
    auto password = f.Str("password", true, 128);
    f.OnlyKnown({"user", "role", "password"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto p, s.staff.CreateProfile(ActorOf(req), {*user, *role, *password}));
    return http::Success("Admin profile created successfully", AdminProfileJson(p), 201);
}

Response GetProfile(AdminIdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto p, s.staff.GetProfile(std::string(req.PathParam("profile_id"))));
    return http::Success("Admin profile retrieved successfully", AdminProfileJson(p));
}

Response UpdateProfile(AdminIdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    StaffService::ProfileChange c;
    c.role = OptionalStr(f, body.fields, "role", 64);
    if (c.role && !ValidRole(*c.role))
        f.AddError("role", "\"" + *c.role + "\" is not a valid choice.");
    c.new_password = OptionalStr(f, body.fields, "new_password", 128);
    if (auto* v = body.fields.if_contains("is_active");
        v && !(v->is_string() && v->as_string().empty()))
        c.is_active = f.Bool("is_active", false);
    c.reason = OptionalStr(f, body.fields, "reason", 500).value_or("");
    f.OnlyKnown({"role", "new_password", "is_active", "reason"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(
        auto p, s.staff.UpdateProfile(ActorOf(req), std::string(req.PathParam("profile_id")), c));
    return http::Success("Admin profile updated successfully", AdminProfileJson(p));
}

Response DeleteProfile(AdminIdentityServices& s, Request& req) {
    RESPOND_IF_ERROR(s.staff.DeleteProfile(ActorOf(req), std::string(req.PathParam("profile_id"))));
    return http::Success("Admin profile deleted successfully",
                         json::object{{"message", "Admin profile deleted successfully"}});
}

}  // namespace

void RegisterStaffRoutes(http::Router& r, AdminIdentityServices s) {
    auto bind = [&](auto fn) { return [s, fn](Request& req) mutable { return fn(s, req); }; };
    r.Add("POST", "/api/admin/login", Auth::kNone, bind(Login), true);
    r.Add("GET", "/api/admin/me", Auth::kStaff, bind(Me));
    r.Add("GET", "/api/admin/profiles", Auth::kStaff, bind(ListProfiles));
    r.Add("POST", "/api/admin/profiles", Auth::kStaff, bind(CreateProfile), true);
    r.Add("GET", "/api/admin/profiles/{profile_id}", Auth::kStaff, bind(GetProfile));
    r.Add("PATCH", "/api/admin/profiles/{profile_id}", Auth::kStaff, bind(UpdateProfile), true);
    r.Add("DELETE", "/api/admin/profiles/{profile_id}", Auth::kStaff, bind(DeleteProfile));
}

void RegisterAdminIdentityRoutes(http::Router& r, AdminIdentityServices s) {
    RegisterStaffRoutes(r, s);
    RegisterAdminUserRoutes(r, s);
}

}  // namespace ps::admin
