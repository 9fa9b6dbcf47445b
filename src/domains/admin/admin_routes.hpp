// Routes of the staff side of identity: admin/login, admin/me, admin/profiles, admin/users,
// admin/kyc/submissions and admin/action-logs. Everything but admin/login needs a staff token
// (a plain user gets 403); refusals by staff role answer 400 "permission_denied".
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domains/admin/staff_service.hpp"
#include "domains/admin/user_admin_service.hpp"
#include "http/fields.hpp"
#include "http/router.hpp"

namespace ps::admin {

struct AdminIdentityServices {
    StaffService& staff;
    UserAdminService& users;
};

void RegisterAdminIdentityRoutes(http::Router& r, AdminIdentityServices s);

// The halves (admin_routes.cpp, admin_user_routes.cpp) and what they share.
void RegisterStaffRoutes(http::Router& r, AdminIdentityServices s);
void RegisterAdminUserRoutes(http::Router& r, AdminIdentityServices s);
// The authenticated staff caller, with the client IP and User-Agent for the audit log.
Actor ActorOf(const http::Request& req);
// An optional string field where an empty value (as multipart forms send) means "absent".
std::optional<std::string> OptionalStr(http::Fields& f, const boost::json::object& o,
                                       std::string_view key, size_t max_len);

}  // namespace ps::admin
