// Admin profiles, staff flags, sessions and the action log (staff_repository.hpp); the user and
// KYC lists are in staff_list_repository.cpp.
#include "domains/admin/staff_repository.hpp"

#include <boost/json/parse.hpp>

namespace ps::admin::staff_repo {

namespace {

constexpr const char* kProfileSelect =
    "SELECT ap.id, ap.user_id, ap.role, ap.is_active, ap.created_at, ap.updated_at, u.username, "
    "u.email, cb.username FROM admin_profiles ap JOIN users u ON u.id = ap.user_id "
    "LEFT JOIN users cb ON cb.id = ap.created_by ";

AdminProfile ToProfile(const db::Row& r) {
    AdminProfile p;
    p.id = r.Str(0);
    p.user_id = r.Int(1);
    p.role = r.Str(2);
    p.is_active = r.Bool(3);
    p.created_at = r.Int(4);
    p.updated_at = r.Int(5);
    p.username = r.Str(6);
    p.email = r.OptStr(7);
    p.created_by_username = r.OptStr(8);
    return p;
}

Result<std::optional<AdminProfile>> FindOne(db::Connection& c, const char* where,
                                            const db::Params& params) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string(kProfileSelect) + where, params));
    if (!row) return std::optional<AdminProfile>{};
    return std::optional<AdminProfile>{ToProfile(*row)};
}

}  // namespace

Result<std::vector<AdminProfile>> ListProfiles(db::Connection& c) {
    ASSIGN_OR_RETURN(auto rows,
                     c.Query(std::string(kProfileSelect) + "ORDER BY ap.created_at DESC, ap.id"));
    std::vector<AdminProfile> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(ToProfile(r));
    return out;
}

Result<std::optional<AdminProfile>> FindProfile(db::Connection& c, const std::string& id) {
    return FindOne(c, "WHERE ap.id = ?", {id});
}

Result<std::optional<AdminProfile>> FindProfileByUser(db::Connection& c, int64_t user_id) {
    return FindOne(c, "WHERE ap.user_id = ?", {user_id});
}

Status InsertProfile(db::Connection& c, const AdminProfile& p, std::optional<int64_t> created_by) {
    RETURN_IF_ERROR(
        c.Exec("INSERT INTO admin_profiles (id, user_id, role, is_active, created_by, created_at, "
               "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
               {p.id, p.user_id, p.role, p.is_active, created_by, p.created_at, p.updated_at}));
    return Ok{};
}

Status UpdateProfile(db::Connection& c, const AdminProfile& p) {
    RETURN_IF_ERROR(
        c.Exec("UPDATE admin_profiles SET role = ?, is_active = ?, updated_at = ? WHERE id = ?",
               {p.role, p.is_active, p.updated_at, p.id}));
    return Ok{};
}

Status DeleteProfile(db::Connection& c, const std::string& id) {
    RETURN_IF_ERROR(c.Exec("DELETE FROM admin_profiles WHERE id = ?", {id}));
    return Ok{};
}

Status SetStaffFlags(db::Connection& c, int64_t user_id, bool is_staff, bool is_superuser,
                     Micros at) {
    RETURN_IF_ERROR(
        c.Exec("UPDATE users SET is_staff = ?, is_superuser = ?, updated_at = ? WHERE id = ?",
               {is_staff, is_superuser, at, user_id}));
    return Ok{};
}

Result<std::vector<ActionLog>> RecentActionLogs(db::Connection& c, int64_t limit) {
    ASSIGN_OR_RETURN(
        auto rows,
        c.Query(
            "SELECT l.id, l.action_type, l.target_model, l.target_id, l.changes, l.description, "
            "l.ip_address, l.user_agent, l.created_at, a.username, a.email FROM admin_action_logs "
            "l "
            "LEFT JOIN users a ON a.id = l.admin_user_id ORDER BY l.created_at DESC, l.id DESC "
            "LIMIT ?",
            {limit}));
    std::vector<ActionLog> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
        ActionLog l;
        l.id = r.Str(0);
        l.action_type = r.Str(1);
        l.target_model = r.Str(2);
        l.target_id = r.Str(3);
        boost::json::error_code ec;
        auto changes = boost::json::parse(r.Str(4), ec);
        if (!ec && changes.is_object()) l.changes = std::move(changes.as_object());
        l.description = r.Str(5);
        l.ip_address = r.OptStr(6);
        l.user_agent = r.OptStr(7);
        l.created_at = r.Int(8);
        l.admin_username = r.OptStr(9);
        l.admin_email = r.OptStr(10);
        out.push_back(std::move(l));
    }
    return out;
}
}  // namespace ps::admin::staff_repo
