// SQL over withdrawals (withdrawal_service.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "domains/money/withdrawal_service.hpp"

namespace ps::money::withdrawals {

Status Insert(db::Connection& c, const Withdrawal& w, const std::optional<std::string>& key);
Result<std::optional<Withdrawal>> Find(db::Connection& c, const std::string& id);
Result<std::optional<Withdrawal>> FindByRequestKey(db::Connection& c, int64_t user_id,
                                                   const std::string& key);
// What the user asked to withdraw since `since` (rejected and cancelled requests excluded).
Result<Money> RequestedSince(db::Connection& c, int64_t user_id, Micros since);
// REQUESTED -> status with the closing fields; false if it was not REQUESTED any more.
Result<bool> Close(db::Connection& c, const std::string& id, const std::string& status,
                   const std::optional<std::string>& notes,
                   const std::optional<std::string>& gateway_reference,
                   std::optional<int64_t> processed_by, Micros now);

struct Filter {
    std::optional<int64_t> user_id;
    std::optional<std::string> status;
};
Result<int64_t> Count(db::Connection& c, const Filter& f);
Result<std::vector<Withdrawal>> List(db::Connection& c, const Filter& f, int64_t limit,
                                     int64_t offset);
Result<WithdrawalAnalytics> Analytics(db::Connection& c, Micros day_start, Micros month_start);

}  // namespace ps::money::withdrawals
