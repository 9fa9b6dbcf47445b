// JSON renderings of the staff side of identity in the reference's shapes
// (chargeghar-responses.md §12, admin-dashboard-contract.md).
#pragma once

#include <boost/json/object.hpp>

#include "domains/admin/staff.hpp"
#include "domains/identity/account_service.hpp"

namespace ps::admin {

// admin/login data: {user_id:str, access_token, refresh_token, user:{...}, message}
boost::json::object StaffLoginJson(const identity::AccountService::StaffLogin& l);
// admin/me data: {user_id:str, email, username, role, ..., created_at:dtZ, permissions:{...}}
boost::json::object AdminMeJson(const AdminProfile& p);
// AdminProfile: {id, role, is_active, is_super_admin, created_at, updated_at, username, email,
// created_by_username (omitted when null)}
boost::json::object AdminProfileJson(const AdminProfile& p);
boost::json::object KycRowJson(const KycRow& k);
boost::json::object ActionLogJson(const ActionLog& l);

}  // namespace ps::admin
