// Staff-side identity types: who is acting (Actor), what each staff role may do (Permissions),
// admin profiles and the rows the staff lists show. No I/O here.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "domains/identity/user.hpp"

namespace ps::admin {

// The staff member behind a request, with what the audit log records about it.
struct Actor {
    int64_t user_id = 0;
    std::string role;  // super_admin | admin | moderator
    std::string ip_address, user_agent;
};

struct Permissions {
    bool manage_users = false, manage_stations = false, manage_content = false;
    bool view_analytics = false, manage_finances = false, manage_admins = false;
};
// super_admin: everything; admin: everything but admins; moderator: users, stations, content
// and analytics. An unknown role may do nothing.
Permissions PermissionsFor(std::string_view role);
bool ValidRole(std::string_view role);

struct AdminProfile {
    std::string id;
    int64_t user_id = 0;
    std::string role;
    bool is_active = true;
    Micros created_at = 0, updated_at = 0;
    std::string username;
    std::optional<std::string> email, created_by_username;
    bool IsSuperAdmin() const { return role == "super_admin"; }
};

// One row of admin/users: the user with its profile and KYC status.
struct UserRow {
    identity::User user;
    std::optional<identity::Profile> profile;
    std::string kyc_status = "NOT_SUBMITTED";
};

// One row of admin/kyc/submissions: the submission with who submitted and who decided it.
struct KycRow {
    identity::Kyc kyc;
    std::string username;
    std::optional<std::string> email, phone_number, verified_by_username;
};

struct ActionLog {
    std::string id, action_type, target_model, target_id, description;
    boost::json::object changes;
    std::optional<std::string> ip_address, user_agent, admin_username, admin_email;
    Micros created_at = 0;
};

}  // namespace ps::admin
