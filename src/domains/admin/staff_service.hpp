// Staff accounts: password sign-in for the dashboard (with failed-attempt limits), the caller's
// own profile, and the admin profiles that super admins manage. Every write records an audit
// entry in its own transaction (audit.hpp). Role refusals are FailedPrecondition
// "permission_denied" (HTTP 400): the dashboard treats any 403 as "logged out".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/admin/staff.hpp"
#include "domains/identity/account_service.hpp"

namespace ps::admin {

struct LoginLimits {
    int max_failures = 10;         // per email and per client IP ...
    Micros window = 15 * kMinute;  // ... in each fixed window
};

class StaffService {
public:
    StaffService(db::Database& db, const Clock& clock, Random& random,
                 identity::AccountService& accounts, LoginLimits limits = {});

    // Blocking (argon2). Errors: admin_not_found, invalid_password, admin_deactivated (each
    // counts as a failure), rate_limit_exceeded once an email or IP has too many failures.
    Result<identity::AccountService::StaffLogin> Login(std::string_view email,
                                                       std::string_view password,
                                                       const std::string& ip);

    // The caller's own admin profile.
    Result<AdminProfile> Me(const Actor& actor);
    Result<std::vector<AdminProfile>> ListProfiles();
    Result<AdminProfile> GetProfile(const std::string& id);

    struct NewProfile {
        int64_t user_id = 0;
        std::string role, password;
    };
    // Super admins only: promotes an existing user to staff with a password. Blocking.
    Result<AdminProfile> CreateProfile(const Actor& actor, const NewProfile& p);

    struct ProfileChange {
        std::optional<std::string> role, new_password;
        std::optional<bool> is_active;
        std::string reason;
    };
    // Super admins change anyone but their own role/activation; other staff may only change
    // their own password. Blocking when new_password is set.
    Result<AdminProfile> UpdateProfile(const Actor& actor, const std::string& id,
                                       const ProfileChange& c);
    // Super admins only, never their own: removes the profile, demotes the user to a plain
    // account and ends their sessions.
    Status DeleteProfile(const Actor& actor, const std::string& id);

private:
    Result<AdminProfile> LoadProfile(db::Connection& c, const std::string& id);
    Status CheckProfileChange(const Actor& actor, const AdminProfile& target,
                              const ProfileChange& c);

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    identity::AccountService& accounts_;
    LoginLimits limits_;
};

}  // namespace ps::admin
