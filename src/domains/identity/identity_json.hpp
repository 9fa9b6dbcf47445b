// JSON renderings of identity objects in the reference's shapes (chargeghar-responses.md §1, §2,
// §12), shared by the user and staff routes.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <optional>

#include "core/money.hpp"
#include "domains/identity/account_service.hpp"
#include "domains/identity/user.hpp"

namespace ps::identity {

// {id:str, username, email?, phone_number?, is_active}
boost::json::object UserBriefJson(const User& u);
// users/profile: all keys null when there is no profile.
boost::json::object ProfileJson(const std::optional<Profile>& p);
// users/kyc
boost::json::object KycJson(const Kyc& k);
boost::json::object DeviceJson(const Device& d);
// Admin UserSer: {id:int, ..., profile:{...}, kyc_status}
boost::json::object AdminUserJson(const User& u, const std::optional<Profile>& p,
                                  const std::string& kyc_status);

// What auth/me shows of money; provided by the money domain.
struct BalanceSummary {
    Money wallet;
    Money total_topup;
    int64_t points = 0;
    int64_t points_earned = 0;
    bool has_dues = false;
};
using BalanceReader = std::function<Result<BalanceSummary>(int64_t user_id)>;

}  // namespace ps::identity
