// admin/users, admin/kyc/submissions and admin/action-logs (admin_routes.hpp).
#include <charconv>

#include "domains/admin/admin_json.hpp"
#include "domains/admin/admin_routes.hpp"
#include "domains/identity/identity_json.hpp"
#include "http/envelope.hpp"

namespace ps::admin {

namespace json = boost::json;
using http::Auth;
using http::Fields;
using http::Request;
using http::Response;

namespace {

Result<int64_t> UserIdParam(const Request& req) {
    std::string_view s = req.PathParam("user_id");
    int64_t id = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), id);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || id < 1)
        return FieldError("user_id", "A valid integer is required.");
    return id;
}

// A query parameter that must be one of `allowed`; absent or empty means no filter.
Result<std::optional<std::string>> QueryEnum(const Request& req, std::string_view key,
                                             std::initializer_list<std::string_view> allowed) {
    auto v = req.QueryParam(key);
    if (!v || v->empty()) return std::optional<std::string>{};
    for (auto a : allowed)
        if (*v == a) return std::optional<std::string>{*v};
    return FieldError(key, "\"" + *v + "\" is not a valid choice.");
}

Response ListUsers(AdminIdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    staff_repo::UserFilter filter;
    ASSIGN_OR_RESPOND(filter.status, QueryEnum(req, "status", {"ACTIVE", "BANNED", "INACTIVE"}));
    if (auto q = req.QueryParam("search")) {
        size_t b = q->find_first_not_of(' '), e = q->find_last_not_of(' ');
        if (b != std::string::npos) filter.search = q->substr(b, std::min<size_t>(e - b + 1, 100));
    }
    ASSIGN_OR_RESPOND(auto rows, s.users.ListUsers(filter, page));
    json::array results;
    for (const auto& r : rows)
        results.emplace_back(identity::AdminUserJson(r.user, r.profile, r.kyc_status));
    return http::Success(
        "Users retrieved successfully",
        json::object{{"results", std::move(results)}, {"pagination", page.Json()}});
}

Response GetUser(AdminIdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(int64_t id, UserIdParam(req));
    ASSIGN_OR_RESPOND(auto r, s.users.GetUser(id));
    return http::Success("User detail retrieved successfully",
                         identity::AdminUserJson(r.user, r.profile, r.kyc_status));
}

Response SetStatus(AdminIdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(int64_t id, UserIdParam(req));
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    auto status = f.Enum("status", true, {"ACTIVE", "BANNED", "INACTIVE"});
    auto reason = f.Str("reason", true, 500);
    f.OnlyKnown({"status", "reason"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto user, s.users.SetUserStatus(ActorOf(req), id, *status, *reason));
    return http::Success("User status updated successfully",
                         json::object{{"user_id", std::to_string(user.id)},
                                      {"new_status", user.status},
                                      {"message", "User status updated to " + user.status}});
}

Response ListKyc(AdminIdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    ASSIGN_OR_RESPOND(auto status, QueryEnum(req, "status", {"PENDING", "APPROVED", "REJECTED"}));
    ASSIGN_OR_RESPOND(auto rows, s.users.ListKyc(status, page));
    json::array out;
    for (const auto& r : rows) out.emplace_back(KycRowJson(r));
    return http::Success(
        "KYC submissions retrieved successfully",
        json::object{{"kyc_submissions", std::move(out)}, {"pagination", page.Json()}});
}

Response DecideKyc(AdminIdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    auto status = f.Enum("status", true, {"APPROVED", "REJECTED"});
    auto reason = OptionalStr(f, body.fields, "rejection_reason", 500);
    f.OnlyKnown({"status", "rejection_reason"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto d, s.users.DecideKyc(ActorOf(req), std::string(req.PathParam("kyc_id")),
                                                *status, reason));
    return http::Success("KYC status updated successfully",
                         json::object{{"kyc_id", d.kyc_id},
                                      {"user", d.username},
                                      {"old_status", d.old_status},
                                      {"new_status", d.new_status},
                                      {"verified_by", d.verified_by}});
}

Response ActionLogs(AdminIdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto logs, s.users.RecentActions());
    json::array out;
    for (const auto& l : logs) out.emplace_back(ActionLogJson(l));
    return http::Success("Action logs retrieved successfully", std::move(out));
}

}  // namespace

void RegisterAdminUserRoutes(http::Router& r, AdminIdentityServices s) {
    auto bind = [&](auto fn) { return [s, fn](Request& req) mutable { return fn(s, req); }; };
    r.Add("GET", "/api/admin/users", Auth::kStaff, bind(ListUsers));
    r.Add("GET", "/api/admin/users/{user_id}", Auth::kStaff, bind(GetUser));
    r.Add("POST", "/api/admin/users/{user_id}/status", Auth::kStaff, bind(SetStatus));
    r.Add("GET", "/api/admin/kyc/submissions", Auth::kStaff, bind(ListKyc));
    r.Add("PATCH", "/api/admin/kyc/submissions/{kyc_id}", Auth::kStaff, bind(DecideKyc));
    r.Add("GET", "/api/admin/action-logs", Auth::kStaff, bind(ActionLogs));
}

}  // namespace ps::admin
