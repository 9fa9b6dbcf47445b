// Every domain service of a running App, owned here and built by wiring.cpp. Commands and
// tests reach services through App::services.
#pragma once

#include <memory>

#include "core/clock.hpp"
#include "domains/admin/staff_service.hpp"
#include "domains/admin/user_admin_service.hpp"
#include "domains/content/app_service.hpp"
#include "domains/content/media_service.hpp"
#include "domains/identity/account_service.hpp"
#include "domains/identity/otp_service.hpp"
#include "domains/identity/profile_service.hpp"
#include "domains/identity/sender.hpp"
#include "domains/identity/token_service.hpp"

namespace ps::app {

struct Services {
    SystemClock system_clock;
    SecureRandom secure_random;
    std::unique_ptr<identity::MessageSender> sender;
    std::unique_ptr<identity::TokenService> tokens;
    std::unique_ptr<identity::OtpService> otp;
    std::unique_ptr<identity::AccountService> accounts;
    std::unique_ptr<identity::ProfileService> profiles;
    // staff side of identity
    std::unique_ptr<admin::StaffService> staff;
    std::unique_ptr<admin::UserAdminService> user_admin;
    // content
    std::unique_ptr<content::AppService> app_content;
    std::unique_ptr<content::MediaService> media;
};

}  // namespace ps::app
