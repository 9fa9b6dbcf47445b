// Routes of the user's own identity: auth/* and users/profile, users/kyc.
#pragma once

#include "domains/identity/account_service.hpp"
#include "domains/identity/identity_json.hpp"
#include "domains/identity/otp_service.hpp"
#include "domains/identity/profile_service.hpp"
#include "domains/identity/token_service.hpp"
#include "http/router.hpp"

namespace ps::identity {

struct IdentityServices {
    OtpService& otp;
    AccountService& accounts;
    TokenService& tokens;
    ProfileService& profiles;
    BalanceReader balances;
    const Clock& clock;
    bool require_profile = true;  // rental eligibility switches (config)
    bool require_kyc = true;
};

void RegisterAuthRoutes(http::Router& r, IdentityServices s);
void RegisterProfileRoutes(http::Router& r, IdentityServices s);

}  // namespace ps::identity
