// Wallet top-ups (SPEC §3.5): a payment intent (table payment_intents) -> the gateway -> the
// gateway's own word (Confirm: Khalti lookup, eSewa status check, Stripe retrieve) -> the
// wallet credited exactly once (ledger key "topup:"+intent_id) with top-up points ("+10 per
// NPR 100", key "topup-points:"+intent_id), in ONE transaction that also moves the intent
// PENDING -> COMPLETED by a conditional update. Gateway calls never run inside a transaction.
//
// The browser callbacks (eSewa success/failure, Khalti return) and the Stripe webhook only say
// "go and ask": every path ends in Verify, which asks the gateway. Reconcile (job
// payments_reconcile, every 5 min) asks about intents left PENDING and expires those past
// their 30 minutes that the gateway has not completed. A gateway that later reports a
// CANCELLED or EXPIRED intent as paid still completes it: the money was collected.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/money/gateways/gateway.hpp"
#include "domains/money/ledger.hpp"
#include "jobs/queue.hpp"

namespace ps::money {

using GatewaySet = std::map<std::string, std::unique_ptr<PaymentGateway>>;  // by Name()

struct TopUpOptions {
    std::string public_base_url = "http://127.0.0.1:8080";  // callbacks, as browsers see us
    std::string frontend_url = "https://chargeghar.app";    // payment-status redirects
    std::string stripe_webhook_secret;
    Micros intent_ttl = 30 * kMinute;
    int64_t points_per_100_npr = 10;
};

struct PaymentIntent {
    std::string id;
    int64_t user_id = 0;
    std::string payment_method_id, gateway;
    Money amount;
    std::string currency = "NPR";
    std::string status = "PENDING";  // PENDING | COMPLETED | FAILED | CANCELLED | EXPIRED
    std::optional<std::string> gateway_reference, gateway_url, gateway_transaction_id;
    std::optional<std::string> transaction_id, failure_reason;
    std::string redirect_method = "GET";
    std::optional<boost::json::object> form_fields;
    boost::json::object extra;
    Micros expires_at = 0, created_at = 0, updated_at = 0;
    std::optional<Micros> completed_at;
};

struct VerifyResult {
    std::string intent_id, gateway, transaction_id;
    int64_t user_id = 0;
    Money amount, new_balance;
    int64_t points_awarded = 0;
    bool already_verified = false;
};

namespace intents {  // SQL over payment_intents (topup_service_store.cpp)
Status Insert(db::Connection& c, const PaymentIntent& p);
Result<std::optional<PaymentIntent>> Find(db::Connection& c, const std::string& id);
Result<std::optional<std::string>> IdByReference(db::Connection& c, const std::string& gateway,
                                                 const std::string& reference);
Status SaveCheckout(db::Connection& c, const std::string& id, const Checkout& checkout, Micros now);
// Moves the intent to `to` if its status is one of `from`; returns whether it moved.
Result<bool> Transition(db::Connection& c, const std::string& id,
                        std::initializer_list<std::string_view> from, const std::string& to,
                        const std::optional<std::string>& reason, Micros now);
Status MarkCompleted(db::Connection& c, const std::string& id, const std::string& gateway_txn,
                     const std::string& transaction_id, Micros now);
// PENDING intents created before `before`, oldest first.
Result<std::vector<PaymentIntent>> Pending(db::Connection& c, Micros before, int limit);
}  // namespace intents

class TopUpService {
public:
    TopUpService(db::Database& db, const Clock& clock, Random& random, Ledger& ledger,
                 GatewaySet gateways, TopUpOptions opts);

    bool HasGateway(const std::string& name) const { return gateways_.count(name) > 0; }
    // The configured gateway of that name, or null (refunds use it).
    PaymentGateway* Gateway(const std::string& name) const {
        auto it = gateways_.find(name);
        return it == gateways_.end() ? nullptr : it->second.get();
    }
    const TopUpOptions& options() const { return opts_; }

    // Errors: invalid_payment_method, amount_too_low, amount_too_high, unsupported_gateway,
    // <gateway>_initiation_error (the intent is then FAILED).
    Result<PaymentIntent> CreateIntent(int64_t user_id, Money amount, const std::string& method_id);
    // caller_user_id 0: an unauthenticated caller (a gateway redirect). A signed-in caller may
    // only verify their own intents. Errors: validation_error (unknown intent, expired, FAILED),
    // payment_pending, payment_verification_failed, gateway errors (e.g. esewa_invalid_signature,
    // khalti_amount_mismatch: the intent becomes FAILED), <gateway>_*_error (503, retry).
    Result<VerifyResult> Verify(const std::string& intent_id, int64_t caller_user_id,
                                const std::optional<CallbackData>& callback);
    // Errors: intent_not_found, invalid_intent_status.
    Result<PaymentIntent> Cancel(int64_t user_id, const std::string& intent_id);
    Result<std::optional<std::string>> IntentIdByReference(const std::string& gateway,
                                                           const std::string& reference);

    struct WebhookOutcome {
        std::string event_id, type;
        bool duplicate = false;
        std::optional<std::string> intent_id;
    };
    // Stripe: signature checked (stripe_invalid_signature / stripe_stale_signature), event id
    // deduplicated, payment_intent.* events verify the matching intent.
    Result<WebhookOutcome> HandleStripeWebhook(const std::string& raw_body,
                                               const std::string& signature_header);

    struct ReconcileReport {
        int checked = 0, completed = 0, expired = 0, failed = 0, errors = 0;
    };
    Result<ReconcileReport> Reconcile(int limit = 200);

private:
    PaymentOrder OrderOf(const PaymentIntent& p) const;
    Result<PaymentIntent> Load(const std::string& id);
    Result<VerifyResult> Settle(const PaymentIntent& p, const Confirmation& conf);
    Result<VerifyResult> AlreadyVerified(const PaymentIntent& p);
    // What a non-completed gateway answer means for the intent; always an error.
    Error Unsettled(const PaymentIntent& p, const Confirmation& conf);

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    Ledger& ledger_;
    GatewaySet gateways_;
    TopUpOptions opts_;
};

constexpr const char* kPaymentsReconcileJob = "payments_reconcile";
void RegisterPaymentsJobs(jobs::Registry& registry, std::vector<jobs::PeriodicJob>& periodic,
                          TopUpService& topups);

}  // namespace ps::money
