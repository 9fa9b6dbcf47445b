// Every domain service of a running App, owned here and built by wiring.cpp. Commands and
// tests reach services through App::services.
#pragma once

#include <memory>

#include "cabinet/module.hpp"
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
#include "domains/money/ledger.hpp"
#include "domains/money/wallet_service.hpp"
#include "domains/money/payments_routes.hpp"
#include "domains/rentals/rental_service.hpp"
#include "domains/stations/amenity_service.hpp"
#include "domains/stations/inventory_service.hpp"
#include "domains/stations/issue_service.hpp"
#include "domains/stations/powerbank_service.hpp"
#include "domains/stations/station_admin_service.hpp"
#include "domains/stations/station_service.hpp"

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
    // money: every balance change goes through the ledger
    std::unique_ptr<money::Ledger> ledger;
    std::unique_ptr<money::WalletService> wallet;
    // payments: methods, top-ups through the gateways, refunds, withdrawals
    std::unique_ptr<money::PaymentMethodService> payment_methods;
    std::unique_ptr<money::TopUpService> topups;
    std::unique_ptr<money::RefundService> refunds;
    std::unique_ptr<money::WithdrawalService> withdrawals;
    // stations: search and detail, issues, staff management, and the inventory API that the
    // cabinet link and rentals call
    std::unique_ptr<stations::StationService> stations;
    std::unique_ptr<stations::IssueService> station_issues;
    std::unique_ptr<stations::StationAdminService> station_admin;
    std::unique_ptr<stations::AmenityService> amenities;
    std::unique_ptr<stations::PowerBankService> powerbanks;
    std::unique_ptr<stations::InventoryService> inventory;
    // rentals: lifecycle over the ledger and the cabinet link (listens to cabinet events)
    std::unique_ptr<rentals::RentalService> rentals;
    // the cabinet link (MQTT + cabinet HTTP calls, command dispatcher); declared last so it
    // stops before the services its listeners call
    std::unique_ptr<cabinet::CabinetModule> cabinet;
};

}  // namespace ps::app
