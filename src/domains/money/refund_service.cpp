#include "domains/money/refund_service.hpp"

#include <boost/json.hpp>

#include "core/log.hpp"
#include "domains/admin/audit.hpp"
#include "domains/money/refund_service_store.hpp"

namespace ps::money {

namespace json = boost::json;

namespace {

auto Log() {
    static auto l = Logger("payments");
    return l;
}

bool Refundable(const std::string& type) {
    return type == "TOPUP" || type == "RENTAL" || type == "RENTAL_DUE" || type == "FINE";
}

void AppendNote(RefundRecord& r, const std::string& note) {
    r.admin_notes = r.admin_notes && !r.admin_notes->empty() ? *r.admin_notes + "\n" + note : note;
}

// The wallet -> gateway clearing leg of a top-up refund.
Counterparty ToGateway(const RefundRecord& r, const std::string& gateway,
                       const std::string& intent_id) {
    return {GatewayClearing(gateway),
            "topup_refund",
            "REFUND",
            gateway,
            "Refund of top-up " + r.transaction_id + " to " + gateway,
            json::object{{"refund_id", r.id}, {"intent_id", intent_id}}};
}

}  // namespace

RefundService::RefundService(db::Database& db, const Clock& clock, Random& random, Ledger& ledger,
                             TopUpService& topups)
    : db_(db), clock_(clock), random_(random), ledger_(ledger), topups_(topups) {}

Result<RefundRecord> RefundService::Request(int64_t user_id, const std::string& transaction_id,
                                            const std::string& reason,
                                            const std::optional<std::string>& request_key) {
    Micros now = clock_.Now();
    std::string id = random_.Uuid();
    // READ COMMITTED: the checks below are backed by unique indexes (one live refund per
    // transaction, one per request key), so a racing twin fails its insert instead.
    auto done = db_.Transact([&](db::Connection& c) -> Result<RefundRecord> {
        if (request_key) {
            ASSIGN_OR_RETURN(auto first, refunds::FindByRequestKey(c, user_id, *request_key));
            if (first) return *first;
        }
        ASSIGN_OR_RETURN(auto t, refunds::FindTransaction(c, transaction_id));
        if (!t) return FailedPrecondition("transaction_not_found", "Transaction not found");
        if (t->user_id != user_id)
            return FailedPrecondition("unauthorized_transaction",
                                      "You can only request refunds for your own transactions");
        if (t->status != "SUCCESS" || !Refundable(t->transaction_type))
            return FailedPrecondition("invalid_transaction_status",
                                      "Only successful payments can be refunded");
        ASSIGN_OR_RETURN(bool exists, refunds::LiveRefundExists(c, t->transfer_id));
        if (exists)
            return FailedPrecondition("refund_already_exists",
                                      "A refund request already exists for this transaction");
        RefundRecord r;
        r.id = id;
        r.user_id = user_id;
        r.transfer_id = t->transfer_id;
        r.transaction_id = transaction_id;
        r.transaction_type = t->transaction_type;
        r.amount = t->amount;
        r.reason = reason;
        r.status = "REQUESTED";
        if (t->transaction_type == "TOPUP") r.gateway = t->source;
        r.requested_at = now;
        RETURN_IF_ERROR(refunds::Insert(c, r, request_key));
        return r;
    }, db::Isolation::kReadCommitted);
    if (!done.ok() && done.error().slug == "unique_violation")  // a concurrent twin won
        return FailedPrecondition("refund_already_exists",
                                  "A refund request already exists for this transaction");
    if (done.ok() && done->id == id)
        Log()->info("refund requested refund_id={} user_id={} txn={}", id, user_id, transaction_id);
    return done;
}

Result<std::vector<RefundRecord>> RefundService::ListMine(int64_t user_id, http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<std::vector<RefundRecord>> {
        refunds::Filter f{user_id};
        ASSIGN_OR_RETURN(int64_t total, refunds::Count(c, f));
        page.SetTotal(total);
        return refunds::List(c, f, page.page_size, page.Offset());
    });
}

Result<std::vector<RefundRecord>> RefundService::List(const std::optional<std::string>& status,
                                                      http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<std::vector<RefundRecord>> {
        refunds::Filter f{std::nullopt, status.value_or("REQUESTED")};
        ASSIGN_OR_RETURN(int64_t total, refunds::Count(c, f));
        page.SetTotal(total);
        return refunds::List(c, f, page.page_size, page.Offset());
    });
}

Result<RefundRecord> RefundService::Decide(const admin::Actor& actor, const std::string& refund_id,
                                           bool approve, const std::string& notes,
                                           std::optional<std::string>& gateway_txn) {
    Micros now = clock_.Now();
    return db_.Transact([&](db::Connection& c) -> Result<RefundRecord> {
        gateway_txn.reset();
        int64_t clawed_back = 0;
        ASSIGN_OR_RETURN(auto found, refunds::Find(c, refund_id));
        if (!found) return FailedPrecondition("refund_not_found", "Refund not found");
        RefundRecord r = *found;
        if (r.status != "REQUESTED")
            return FailedPrecondition("invalid_refund_status",
                                      "This refund has already been processed (" + r.status + ")");
        if (!notes.empty()) r.admin_notes = notes;
        r.processed_by = actor.user_id;
        r.processed_at = now;
        ASSIGN_OR_RETURN(auto key_row,
                         c.QueryOne("SELECT idempotency_key FROM ledger_transfers WHERE id = ?",
                                    {r.transfer_id}));
        std::string original_key = key_row ? key_row->Str(0) : "";
        if (!approve) {
            r.status = "REJECTED";
        } else if (r.transaction_type == "TOPUP") {
            std::string intent_id =
                original_key.rfind("topup:", 0) == 0 ? original_key.substr(6) : "";
            ASSIGN_OR_RETURN(auto intent, intents::Find(c, intent_id));
            r.gateway = intent ? intent->gateway : r.gateway.value_or("unknown");
            gateway_txn = intent ? intent->gateway_transaction_id.value_or("") : "";
            ASSIGN_OR_RETURN(
                auto t, ledger_.Debit(c, r.user_id, r.amount, ToGateway(r, *r.gateway, intent_id),
                                      "refund:" + r.id));
            (void)t;
            // The top-up's reward goes with it, as far as the user still has the points.
            ASSIGN_OR_RETURN(clawed_back,
                             ledger_.ClawBackPoints(c, r.user_id, "topup-points:" + intent_id,
                                                    "refund:" + r.id + ":points",
                                                    "Top-up reward taken back: refund of " +
                                                        r.transaction_id));
            r.status = "APPROVED";
            r.gateway_status = "PENDING";
        } else {
            ASSIGN_OR_RETURN(
                auto back,
                ledger_.Refund(c, RefundSpec{original_key, "refund:" + r.id, std::nullopt,
                                             "Refund of " + r.transaction_id}));
            r.amount = back.transfer.amount;
            r.status = "PROCESSED";
        }
        ASSIGN_OR_RETURN(bool moved, refunds::Decide(c, r, now));
        if (!moved)
            return FailedPrecondition("invalid_refund_status", "This refund was just processed");
        RETURN_IF_ERROR(admin::RecordAudit(
            c, clock_, random_,
            {actor.user_id, approve ? "APPROVE_REFUND" : "REJECT_REFUND", "Refund", r.id,
             json::object{{"status", r.status},
                          {"amount", FormatDecimal(r.amount)},
                          {"transaction_id", r.transaction_id},
                          {"points_taken_back", clawed_back},
                          {"admin_notes",
                           r.admin_notes ? json::value(*r.admin_notes) : json::value(nullptr)}},
             std::string(approve ? "Approved" : "Rejected") + " refund of NPR " +
                 FormatDecimal(r.amount) + " for " + r.transaction_id,
             actor.ip_address, actor.user_agent}));
        return r;
    });
}

void RefundService::RefundAtGateway(RefundRecord& r, const std::string& gateway_txn) {
    PaymentGateway* gw = r.gateway ? topups_.Gateway(*r.gateway) : nullptr;
    Status st =
        !gw ? Status(FailedPrecondition("unsupported_gateway", "The gateway is not configured"))
        : gateway_txn.empty()
            ? Status(FailedPrecondition("no_gateway_transaction", "No gateway transaction id"))
            : gw->Refund(gateway_txn, std::nullopt);  // outside any tx
    std::string amount = "NPR " + FormatDecimal(r.amount);
    if (st.ok()) {
        r.status = "PROCESSED";
        r.gateway_status = "SUCCEEDED";
        r.gateway_reference = gateway_txn;
    } else if (st.error().slug == "manual_refund_required") {
        r.gateway_status = "MANUAL_REQUIRED";
        AppendNote(r, "Manual refund required: " + r.gateway.value_or("the gateway") +
                          " has no refund API; refund " + amount + " (transaction " + gateway_txn +
                          ") in its merchant portal.");
    } else {
        r.gateway_status = "FAILED";
        AppendNote(r, "Gateway refund failed (" + st.error().slug + "): refund " + amount +
                          " by hand at " + r.gateway.value_or("the gateway") + ".");
    }
    Micros now = clock_.Now();
    auto saved =
        db_.Transact([&](db::Connection& c) { return refunds::SaveGatewayOutcome(c, r, now); });
    Log()->log(st.ok() ? spdlog::level::info : spdlog::level::warn,
               "refund gateway outcome refund_id={} gateway={} status={}", r.id,
               r.gateway.value_or(""), r.gateway_status);
    if (!saved.ok())
        Log()->error("refund gateway outcome not saved refund_id={} status={}", r.id,
                     r.gateway_status);
}

Result<RefundRecord> RefundService::Process(const admin::Actor& actor, const std::string& refund_id,
                                            bool approve, const std::string& admin_notes) {
    if (!admin::PermissionsFor(actor.role).manage_finances)
        return FailedPrecondition("permission_denied", "You may not manage finances.");
    std::optional<std::string> gateway_txn;
    ASSIGN_OR_RETURN(RefundRecord r, Decide(actor, refund_id, approve, admin_notes, gateway_txn));
    Log()->info("refund {} refund_id={} by={} status={}", approve ? "approved" : "rejected", r.id,
                actor.user_id, r.status);
    if (approve && r.gateway_status == "PENDING") RefundAtGateway(r, gateway_txn.value_or(""));
    return r;
}

}  // namespace ps::money
