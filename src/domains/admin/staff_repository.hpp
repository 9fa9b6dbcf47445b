// SQL of the staff side of identity: admin profiles, the admin user and KYC lists, the action
// log, and revoking a user's sessions. Every function runs on the caller's connection (inside
// the caller's transaction when it has one).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "domains/admin/staff.hpp"

namespace ps::admin::staff_repo {

// Admin profiles, joined with their user and creator.
Result<std::vector<AdminProfile>> ListProfiles(db::Connection& c);
Result<std::optional<AdminProfile>> FindProfile(db::Connection& c, const std::string& id);
Result<std::optional<AdminProfile>> FindProfileByUser(db::Connection& c, int64_t user_id);
Status InsertProfile(db::Connection& c, const AdminProfile& p, std::optional<int64_t> created_by);
Status UpdateProfile(db::Connection& c, const AdminProfile& p);  // role, is_active, updated_at
Status DeleteProfile(db::Connection& c, const std::string& id);
// users.is_staff / is_superuser.
Status SetStaffFlags(db::Connection& c, int64_t user_id, bool is_staff, bool is_superuser,
                     Micros at);

struct UserFilter {
    std::optional<std::string> status, search;
};
Result<int64_t> CountUsers(db::Connection& c, const UserFilter& f);
Result<std::vector<UserRow>> ListUsers(db::Connection& c, const UserFilter& f, int64_t limit,
                                       int64_t offset);
Result<std::optional<UserRow>> FindUser(db::Connection& c, int64_t id);

Result<int64_t> CountKyc(db::Connection& c, const std::optional<std::string>& status);
Result<std::vector<KycRow>> ListKyc(db::Connection& c, const std::optional<std::string>& status,
                                    int64_t limit, int64_t offset);

// The newest `limit` entries, newest first.
Result<std::vector<ActionLog>> RecentActionLogs(db::Connection& c, int64_t limit);


}  // namespace ps::admin::staff_repo
