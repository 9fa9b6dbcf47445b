// Accounts: completing OTP sign-in/sign-up, token refresh and logout, devices, account deletion,
// staff password sign-in and staff creation.
#pragma once

#include <optional>
#include <string>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/identity/otp_service.hpp"
#include "domains/identity/token_service.hpp"
#include "domains/identity/user.hpp"

namespace ps::identity {

struct Device {
    std::string id, device_id, fcm_token, device_type;
    std::optional<std::string> device_name, app_version, os_version;
    bool is_active = true;
    Micros last_used = 0;
};

class AccountService {
public:
    AccountService(db::Database& db, const Clock& clock, Random& random, OtpService& otp,
                   TokenService& tokens);

    struct Completed {
        User user;
        TokenPair tokens;
        bool registered = false;
    };
    Result<Completed> Complete(std::string_view identifier, std::string_view verification_token,
                               const std::optional<std::string>& username,
                               const std::optional<std::string>& referral_code);
    Result<TokenService::Rotation> Refresh(std::string_view refresh);
    Result<User> FindUser(int64_t user_id);
    Result<Device> RegisterDevice(int64_t user_id, Device d);
    Status DeleteAccount(int64_t user_id);

    struct StaffLogin {
        User user;
        std::string role;
        TokenPair tokens;
    };
    // Blocking (argon2). Errors: admin_not_found, invalid_password, admin_deactivated.
    Result<StaffLogin> LoginStaff(std::string_view email, std::string_view password);
    // Creates (or promotes) a staff account with a password. Blocking.
    Result<User> CreateStaff(std::string_view email, std::string_view password,
                             const std::string& role, std::string username,
                             std::optional<int64_t> created_by);

private:
    Result<std::string> NewReferralCode(db::Connection& c);

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    OtpService& otp_;
    TokenService& tokens_;
};

}  // namespace ps::identity
