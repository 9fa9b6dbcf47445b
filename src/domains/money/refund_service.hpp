// Refund requests (table refunds, migration 0006): a user asks for one of their successful
// payments back (TOPUP, RENTAL, RENTAL_DUE, FINE), staff approve or reject it (audited).
// Approving moves the money in the same transaction as the decision:
//   - a RENTAL / RENTAL_DUE / FINE charge: ledger Refund to the sources it came from (points as
//     points, wallet as wallet; key "refund:"+id) -> PROCESSED;
//   - a TOPUP: the amount leaves the wallet back to the gateway's clearing account (ledger Debit,
//     key "refund:"+id; insufficient_balance if it was spent) and the points the top-up earned
//     (+10 per NPR 100) are taken back (ledger ClawBackPoints, key "refund:"+id+":points"): as
//     many as the user still has, never below zero -- points already spent on rentals stay
//     spent (the rental was delivered), which the promotions account absorbs as any reward
//     does; the refund is not refused for it. -> APPROVED, then the gateway is
//     asked to refund OUTSIDE the transaction: success -> PROCESSED; eSewa (no refund API) ->
//     gateway_status MANUAL_REQUIRED with a note; a gateway error -> FAILED with a note. Either
//     way an operator sees it; nothing is retried blindly (a retry could refund twice).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/admin/staff.hpp"
#include "domains/money/ledger.hpp"
#include "domains/money/topup_service.hpp"
#include "http/pagination.hpp"

namespace ps::money {

struct RefundRecord {
    std::string id;
    int64_t user_id = 0;
    int64_t transfer_id = 0;
    std::string transaction_id, transaction_type;
    Money amount;
    std::string reason, status;  // REQUESTED | APPROVED | REJECTED | PROCESSED
    std::optional<std::string> gateway, gateway_reference, admin_notes;
    std::string gateway_status = "NONE";  // NONE | PENDING | SUCCEEDED | FAILED | MANUAL_REQUIRED
    std::optional<int64_t> processed_by;
    Micros requested_at = 0;
    std::optional<Micros> processed_at;
    std::string username;  // the requester (staff lists)
};

class RefundService {
public:
    RefundService(db::Database& db, const Clock& clock, Random& random, Ledger& ledger,
                  TopUpService& topups);

    // Errors: transaction_not_found, unauthorized_transaction, invalid_transaction_status,
    // refund_already_exists. The same request_key (Idempotency-Key) returns the first refund.
    Result<RefundRecord> Request(int64_t user_id, const std::string& transaction_id,
                                 const std::string& reason,
                                 const std::optional<std::string>& request_key);
    Result<std::vector<RefundRecord>> ListMine(int64_t user_id, http::Page& page);
    // status: nullopt -> REQUESTED (the queue staff work on).
    Result<std::vector<RefundRecord>> List(const std::optional<std::string>& status,
                                           http::Page& page);
    // Errors: permission_denied, refund_not_found, invalid_refund_status, insufficient_balance
    // (a top-up already spent), not_refundable.
    Result<RefundRecord> Process(const admin::Actor& actor, const std::string& refund_id,
                                 bool approve, const std::string& admin_notes);

private:
    Result<RefundRecord> Decide(const admin::Actor& actor, const std::string& refund_id,
                                bool approve, const std::string& notes,
                                std::optional<std::string>& gateway_txn);
    void RefundAtGateway(RefundRecord& r, const std::string& gateway_txn);

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    Ledger& ledger_;
    TopUpService& topups_;
};

}  // namespace ps::money
