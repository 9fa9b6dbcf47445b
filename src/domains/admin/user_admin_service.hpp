// What staff do to user accounts: list and inspect users, change a user's status (a ban or
// deactivation also ends the user's sessions), review KYC submissions, and read the action log.
// Every write records an audit entry in the same transaction (audit.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/admin/staff.hpp"
#include "domains/admin/staff_repository.hpp"
#include "http/pagination.hpp"

namespace ps::admin {

class UserAdminService {
public:
    UserAdminService(db::Database& db, const Clock& clock, Random& random);

    // Counts, clamps `page` to the last page, and returns that page.
    Result<std::vector<UserRow>> ListUsers(const staff_repo::UserFilter& f, http::Page& page);
    Result<UserRow> GetUser(int64_t user_id);
    // status: ACTIVE | BANNED | INACTIVE. Errors: user_not_found (404), cannot_change_own_status,
    // permission_denied (a staff account, unless the caller is a super admin).
    Result<identity::User> SetUserStatus(const Actor& actor, int64_t user_id,
                                         const std::string& status, const std::string& reason);

    Result<std::vector<KycRow>> ListKyc(const std::optional<std::string>& status, http::Page& page);
    struct KycDecision {
        std::string kyc_id, username, old_status, new_status, verified_by;
    };
    // status: APPROVED | REJECTED (a rejection needs a reason). Errors: kyc_not_found (404).
    Result<KycDecision> DecideKyc(const Actor& actor, const std::string& kyc_id,
                                  const std::string& status,
                                  const std::optional<std::string>& rejection_reason);

    // The newest 100 entries of the action log.
    Result<std::vector<ActionLog>> RecentActions();

private:
    db::Database& db_;
    const Clock& clock_;
    Random& random_;
};

}  // namespace ps::admin
