// Routes of the money domain (chargeghar-responses.md §2, §5, §6, §12):
//   GET  users/wallet, payments/wallet/balance, payments/transactions
//   POST payments/calculate-options  (pre_payment: package_id, or our `amount` extension)
//   GET  points/history, points/summary
//   POST admin/users/{user_id}/add-balance  (staff, audited, Idempotency-Key)
//   GET  admin/transactions                 (staff; the dashboard's combined list)
#pragma once

#include <functional>
#include <string>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/money/wallet_service.hpp"
#include "http/router.hpp"

namespace ps::money {

// Price of a rental package (errors: package_not_found, invalid_package_payment_model);
// provided by the rentals domain. Unset -> package_id answers package_not_found.
using PackagePriceReader = std::function<Result<Money>(const std::string& package_id)>;
// What a user's rental owes now (post_payment); unset -> rental_not_found.
using RentalDueReader = std::function<Result<Money>(int64_t user_id, const std::string& rental_id)>;

struct MoneyRouteDeps {
    db::Database& db;
    const Clock& clock;
    Random& random;
    WalletService& wallet;
    PackagePriceReader package_price;
    RentalDueReader rental_due;
    ReferralStatsReader referrals;
};

void RegisterMoneyRoutes(http::Router& r, MoneyRouteDeps d);

// The parts (wallet_routes.cpp, points_routes.cpp, admin_money_routes.cpp) and a shared helper.
void RegisterWalletRoutes(http::Router& r, MoneyRouteDeps d);
void RegisterPointsRoutes(http::Router& r, MoneyRouteDeps d);
void RegisterAdminMoneyRoutes(http::Router& r, MoneyRouteDeps d);
// start_date / end_date query parameters: "YYYY-MM-DD" (a whole day in the display time zone)
// or an ISO date-time; end is inclusive. start after end is a validation error.
Result<repo::DateRange> ParseDateRange(const http::Request& req);
// A query parameter that must be one of `allowed`; absent or empty -> no filter.
Result<std::optional<std::string>> QueryChoice(const http::Request& req, std::string_view key,
                                               std::initializer_list<std::string_view> allowed);

}  // namespace ps::money
