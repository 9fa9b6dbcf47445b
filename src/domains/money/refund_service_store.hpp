// SQL over refunds, and the read of the ledger transaction a refund is about.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "domains/money/refund_service.hpp"

namespace ps::money::refunds {

// A user-facing ledger transaction (ledger_transfers row with a transaction_id).
struct PaidTransaction {
    int64_t transfer_id = 0;
    std::string key;
    int64_t user_id = 0;
    std::string transaction_type, status;
    Money amount;
    std::string source;  // a gateway name for top-ups
};

Result<std::optional<PaidTransaction>> FindTransaction(db::Connection& c,
                                                       const std::string& transaction_id);
Result<std::optional<RefundRecord>> Find(db::Connection& c, const std::string& id);
Result<std::optional<RefundRecord>> FindByRequestKey(db::Connection& c, int64_t user_id,
                                                     const std::string& key);
Result<bool> LiveRefundExists(db::Connection& c, int64_t transfer_id);
Status Insert(db::Connection& c, const RefundRecord& r, const std::optional<std::string>& key);
// REQUESTED -> r.status with the decision's fields; false if it was not REQUESTED any more.
Result<bool> Decide(db::Connection& c, const RefundRecord& r, Micros now);
Status SaveGatewayOutcome(db::Connection& c, const RefundRecord& r, Micros now);

struct Filter {
    std::optional<int64_t> user_id;  // a user's own refunds (all statuses), else by status
    std::string status = "REQUESTED";
};
Result<int64_t> Count(db::Connection& c, const Filter& f);
Result<std::vector<RefundRecord>> List(db::Connection& c, const Filter& f, int64_t limit,
                                       int64_t offset);

}  // namespace ps::money::refunds
