#include "domains/admin/admin_json.hpp"
#include "core/json_text.hpp"

#include "core/time_format.hpp"
#include "domains/identity/identity_json.hpp"

namespace ps::admin {

namespace json = boost::json;

namespace {
}  // namespace

json::object StaffLoginJson(const identity::AccountService::StaffLogin& l) {
    std::string id = std::to_string(l.user.id);
    return {{"user_id", id},
            {"access_token", l.tokens.access},
            {"refresh_token", l.tokens.refresh},
            {"user",
             {{"id", id},
              {"email", OptJson(l.user.email)},
              {"username", l.user.username},
              {"is_staff", true},
              {"is_superuser", l.user.is_superuser},
              {"role", l.role}}},
            {"message", "Admin login successful"}};
}

json::object AdminMeJson(const AdminProfile& p) {
    Permissions m = PermissionsFor(p.role);
    return {{"user_id", std::to_string(p.user_id)},
            {"email", OptJson(p.email)},
            {"username", p.username},
            {"role", p.role},
            {"is_active", p.is_active},
            {"is_super_admin", p.IsSuperAdmin()},
            {"created_at", FormatDtZ(p.created_at)},
            {"permissions",
             {{"can_manage_users", m.manage_users},
              {"can_manage_stations", m.manage_stations},
              {"can_manage_content", m.manage_content},
              {"can_view_analytics", m.view_analytics},
              {"can_manage_finances", m.manage_finances},
              {"can_manage_admins", m.manage_admins}}}};
}

json::object AdminProfileJson(const AdminProfile& p) {
    json::object o{{"id", p.id},
                   {"role", p.role},
                   {"is_active", p.is_active},
                   {"is_super_admin", p.IsSuperAdmin()},
                   {"created_at", FormatDt(p.created_at)},
                   {"updated_at", FormatDt(p.updated_at)},
                   {"username", p.username},
                   {"email", OptJson(p.email)}};
    if (p.created_by_username) o["created_by_username"] = *p.created_by_username;
    return o;
}

json::object KycRowJson(const KycRow& r) {
    json::object o = identity::KycJson(r.kyc);
    o["user_id"] = std::to_string(r.kyc.user_id);
    o["username"] = r.username;
    o["email"] = OptJson(r.email);
    o["phone_number"] = OptJson(r.phone_number);
    o["verified_by_username"] = OptJson(r.verified_by_username);
    return o;
}

json::object ActionLogJson(const ActionLog& l) {
    return {{"id", l.id},
            {"action_type", l.action_type},
            {"target_model", l.target_model},
            {"target_id", l.target_id},
            {"changes", l.changes},
            {"description", l.description},
            {"ip_address", OptJson(l.ip_address)},
            {"user_agent", OptJson(l.user_agent)},
            {"created_at", FormatDt(l.created_at)},
            {"admin_username", OptJson(l.admin_username)},
            {"admin_email", OptJson(l.admin_email)}};
}

}  // namespace ps::admin
