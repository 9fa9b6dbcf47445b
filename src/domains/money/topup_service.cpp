#include "domains/money/topup_service.hpp"

#include <set>

#include "core/log.hpp"
#include "domains/money/gateways/http_client.hpp"
#include "domains/money/payment_methods.hpp"

namespace ps::money {

namespace {

auto Log() {
    static auto l = Logger("payments");
    return l;
}

Error InvalidIntent() { return FieldError("intent_id", "Invalid payment intent"); }
Error Expired() { return FieldError("intent_id", "Payment intent has expired"); }

bool EndsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

TopUpService::TopUpService(db::Database& db, const Clock& clock, Random& random, Ledger& ledger,
                           GatewaySet gateways, TopUpOptions opts)
    : db_(db),
      clock_(clock),
      random_(random),
      ledger_(ledger),
      gateways_(std::move(gateways)),
      opts_(std::move(opts)) {
    while (!opts_.public_base_url.empty() && opts_.public_base_url.back() == '/')
        opts_.public_base_url.pop_back();
    while (!opts_.frontend_url.empty() && opts_.frontend_url.back() == '/')
        opts_.frontend_url.pop_back();
}

PaymentOrder TopUpService::OrderOf(const PaymentIntent& p) const {
    PaymentOrder o;
    o.intent_id = p.id;
    o.amount = p.amount;
    o.purchase_name = "PowerShare wallet top-up";
    const std::string api = opts_.public_base_url + "/api/payments/";
    if (p.gateway == "khalti") o.return_url = api + "khalti/callback";
    if (p.gateway == "esewa") {
        o.return_url = api + "esewa/success";
        o.failure_url = api + "esewa/failure?intent_id=" + PercentEncode(p.id);
    }
    if (p.gateway == "stripe")
        o.return_url = opts_.frontend_url + "/payment-status?provider=stripe&intent_id=" + p.id;
    return o;
}

Result<PaymentIntent> TopUpService::Load(const std::string& id) {
    if (id.empty() || id.size() > 64) return InvalidIntent();
    ASSIGN_OR_RETURN(auto p, db_.Read([&](db::Connection& c) { return intents::Find(c, id); }));
    if (!p) return InvalidIntent();
    return *p;
}

Result<PaymentIntent> TopUpService::CreateIntent(int64_t user_id, Money amount,
                                                 const std::string& method_id) {
    ASSIGN_OR_RETURN(auto method,
                     db_.Read([&](db::Connection& c) { return pm::Find(c, method_id); }));
    if (!method || !method->is_active)
        return FailedPrecondition("invalid_payment_method", "Invalid or inactive payment method");
    if (amount < method->min_amount)
        return FailedPrecondition("amount_too_low",
                                  "Minimum amount is " + FormatDecimal(method->min_amount));
    if (method->max_amount && amount > *method->max_amount)
        return FailedPrecondition("amount_too_high",
                                  "Maximum amount is " + FormatDecimal(*method->max_amount));
    auto gw = gateways_.find(method->gateway);
    if (gw == gateways_.end())
        return FailedPrecondition("unsupported_gateway",
                                  "Payment gateway " + method->gateway + " is not available");
    PaymentIntent p;
    p.id = random_.Uuid();
    p.user_id = user_id;
    p.payment_method_id = method->id;
    p.gateway = method->gateway;
    p.amount = amount;
    p.created_at = p.updated_at = clock_.Now();
    p.expires_at = p.created_at + opts_.intent_ttl;
    RETURN_IF_ERROR(db_.Transact([&](db::Connection& c) { return intents::Insert(c, p); }));
    auto checkout = gw->second->Initiate(OrderOf(p));  // outside any transaction
    Micros now = clock_.Now();
    if (!checkout.ok()) {
        Log()->warn("topup initiate failed intent_id={} gateway={} error={}", p.id, p.gateway,
                    checkout.error().slug);
        auto marked = db_.Transact([&](db::Connection& c) {
            return intents::Transition(c, p.id, {"PENDING"}, "FAILED", checkout.error().slug, now);
        });
        if (!marked.ok()) Log()->error("topup intent not marked failed intent_id={}", p.id);
        return checkout.error();
    }
    RETURN_IF_ERROR(db_.Transact(
        [&](db::Connection& c) { return intents::SaveCheckout(c, p.id, *checkout, now); }));
    p.gateway_reference = checkout->gateway_reference;
    p.gateway_url = checkout->gateway_url;
    p.redirect_method = checkout->redirect_method;
    p.form_fields = checkout->form_fields;
    p.extra = checkout->extra;
    Log()->info("topup intent created intent_id={} user_id={} gateway={} amount={}", p.id, user_id,
                p.gateway, FormatDecimal(amount));
    return p;
}

Result<VerifyResult> TopUpService::AlreadyVerified(const PaymentIntent& p) {
    ASSIGN_OR_RETURN(
        auto b, db_.Read([&](db::Connection& c) { return Ledger::ReadBalances(c, p.user_id); }));
    return VerifyResult{
        p.id, p.gateway, p.transaction_id.value_or(""), p.user_id, p.amount, b.wallet, 0, true};
}

Result<VerifyResult> TopUpService::Verify(const std::string& intent_id, int64_t caller,
                                          const std::optional<CallbackData>& callback) {
    ASSIGN_OR_RETURN(PaymentIntent p, Load(intent_id));
    if (caller != 0 && p.user_id != caller) return InvalidIntent();
    if (p.status == "COMPLETED") return AlreadyVerified(p);
    if (p.status == "FAILED")
        return FieldError("intent_id", "Payment intent status is FAILED, cannot verify");
    auto gw = gateways_.find(p.gateway);
    if (gw == gateways_.end())
        return FailedPrecondition("unsupported_gateway",
                                  "Payment gateway " + p.gateway + " is not available");
    if (!p.gateway_reference)  // never reached the gateway (or the initiation is under way)
        return Unsettled(p, Confirmation{PaymentState::kPending});
    auto conf = gw->second->Confirm(OrderOf(p), *p.gateway_reference, callback);
    if (!conf.ok()) {
        const Error& e = conf.error();
        if (e.code == ErrorCode::kFailedPrecondition && EndsWith(e.slug, "_amount_mismatch")) {
            Micros now = clock_.Now();
            auto marked = db_.Transact([&](db::Connection& c) {
                return intents::Transition(c, p.id, {"PENDING", "EXPIRED", "CANCELLED"}, "FAILED",
                                           std::string("amount_mismatch"), now);
            }, db::Isolation::kReadCommitted);  // one guarded UPDATE
            if (!marked.ok()) Log()->error("topup intent not marked failed intent_id={}", p.id);
        }
        return conf.error();
    }
    if (conf->state == PaymentState::kCompleted) return Settle(p, *conf);
    return Unsettled(p, *conf);
}

Error TopUpService::Unsettled(const PaymentIntent& p, const Confirmation& conf) {
    Micros now = clock_.Now();
    std::string to;
    Error err = FailedPrecondition("payment_pending",
                                   "The payment is not completed yet. Please try again shortly.");
    switch (conf.state) {
        case PaymentState::kPending:
        case PaymentState::kExpired:  // e.g. eSewa NOT_FOUND: not final before our own expiry
            if (p.status == "EXPIRED" || (p.status == "PENDING" && now >= p.expires_at)) {
                to = "EXPIRED";
                err = Expired();
            } else if (p.status == "CANCELLED") {
                err = FieldError("intent_id", "Payment intent status is CANCELLED, cannot verify");
            }
            break;
        case PaymentState::kCanceled:
            to = "CANCELLED";
            err = FailedPrecondition("payment_verification_failed",
                                     "The payment was cancelled at " + p.gateway);
            break;
        default:  // kFailed, kRefunded
            to = "FAILED";
            err = FailedPrecondition("payment_verification_failed",
                                     "The payment was not completed at " + p.gateway);
    }
    if (!to.empty() && to != p.status) {
        auto moved = db_.Transact([&](db::Connection& c) {
            return intents::Transition(c, p.id, {"PENDING"}, to, "gateway:" + to, now);
        }, db::Isolation::kReadCommitted);  // one guarded UPDATE
        if (!moved.ok())
            Log()->error("topup intent not moved intent_id={} to={}", p.id, to);
        else if (*moved)
            Log()->info("topup intent {} intent_id={}", to, p.id);
    }
    return err;
}

Result<VerifyResult> TopUpService::Settle(const PaymentIntent& p, const Confirmation& conf) {
    Micros now = clock_.Now();
    // READ COMMITTED. The one decision, "not settled yet", is the guarded UPDATE (Transition:
    // WHERE status IN (...)), which locks the intent: a racing settle of the same intent waits,
    // then finds it COMPLETED and answers "already verified". The ledger keys ("topup:"+id,
    // "topup-points:"+id) would replay besides: the wallet is never credited twice.
    auto done = db_.Transact([&](db::Connection& c) -> Result<VerifyResult> {
        ASSIGN_OR_RETURN(bool moved,
                         intents::Transition(c, p.id, {"PENDING", "EXPIRED", "CANCELLED"},
                                             "COMPLETED", std::nullopt, now));
        if (!moved) {  // someone else settled it (or it failed) since we loaded it
            ASSIGN_OR_RETURN(auto cur, intents::Find(c, p.id));
            if (!cur || cur->status != "COMPLETED")
                return FieldError("intent_id", "Payment intent status is " +
                                                   (cur ? cur->status : std::string("unknown")) +
                                                   ", cannot verify");
            ASSIGN_OR_RETURN(auto b, Ledger::ReadBalances(c, p.user_id));
            return VerifyResult{p.id,      p.gateway, cur->transaction_id.value_or(""),
                                p.user_id, p.amount,  b.wallet,
                                0,         true};
        }
        ASSIGN_OR_RETURN(
            auto t, ledger_.Credit(c, p.user_id, p.amount, Counterparty::TopUp(p.gateway, p.id),
                                   "topup:" + p.id));
        int64_t points = p.amount.paisa / 10000 * opts_.points_per_100_npr;
        if (points > 0) {
            ASSIGN_OR_RETURN(auto award, ledger_.AwardPoints(
                                             c, p.user_id, points, "TOPUP", "topup-points:" + p.id,
                                             "Top-up reward for NPR " + FormatDecimal(p.amount)));
            (void)award;
        }
        std::string txn = t.transaction_id.value_or("");
        RETURN_IF_ERROR(intents::MarkCompleted(c, p.id, conf.transaction_id, txn, now));
        // The wallet after the credit is the credit's own balance_after (ReadBalances would also
        // sum the user's whole history for totals this answer does not show).
        Money wallet{-1};
        for (const auto& e : t.entries)
            if (!t.replayed && e.account == UserWallet(p.user_id)) wallet = Money{e.balance_after};
        if (wallet.paisa < 0) {
            ASSIGN_OR_RETURN(auto b, Ledger::ReadBalances(c, p.user_id));
            wallet = b.wallet;
        }
        return VerifyResult{p.id, p.gateway, txn, p.user_id, p.amount, wallet, points, false};
    }, db::Isolation::kReadCommitted);
    if (done.ok() && !done->already_verified)
        Log()->info("topup credited intent_id={} user_id={} gateway={} amount={} txn={}", p.id,
                    p.user_id, p.gateway, FormatDecimal(p.amount), done->transaction_id);
    return done;
}

Result<PaymentIntent> TopUpService::Cancel(int64_t user_id, const std::string& intent_id) {
    Micros now = clock_.Now();
    // READ COMMITTED: the guarded UPDATE decides (PENDING only), racing a settle of the intent.
    return db_.Transact([&](db::Connection& c) -> Result<PaymentIntent> {
        ASSIGN_OR_RETURN(auto p, intents::Find(c, intent_id));
        if (!p || p->user_id != user_id)
            return FailedPrecondition("intent_not_found", "Payment intent not found");
        ASSIGN_OR_RETURN(bool moved, intents::Transition(c, p->id, {"PENDING"}, "CANCELLED",
                                                         std::string("user_cancelled"), now));
        if (!moved) {  // it moved since Find: name the status it has now
            ASSIGN_OR_RETURN(auto cur, intents::Find(c, intent_id));
            return FailedPrecondition("invalid_intent_status",
                                      "Cannot cancel a payment intent with status " +
                                          (cur ? cur->status : p->status));
        }
        p->status = "CANCELLED";
        return *p;
    }, db::Isolation::kReadCommitted);
}

Result<std::optional<std::string>> TopUpService::IntentIdByReference(const std::string& gateway,
                                                                     const std::string& reference) {
    return db_.Read(
        [&](db::Connection& c) { return intents::IdByReference(c, gateway, reference); });
}

Result<TopUpService::ReconcileReport> TopUpService::Reconcile(int limit) {
    Micros now = clock_.Now();
    ASSIGN_OR_RETURN(auto pending, db_.Read([&](db::Connection& c) {
        return intents::Pending(c, now - kMinute, limit);
    }));
    ReconcileReport r;
    std::set<std::string> down;  // gateways that failed to answer in this run: skip them
    for (const auto& p : pending) {
        if (down.count(p.gateway)) continue;
        ++r.checked;
        auto v = Verify(p.id, 0, std::nullopt);
        if (v.ok()) {
            r.completed += v->already_verified ? 0 : 1;
            continue;
        }
        if (v.error().code == ErrorCode::kUnavailable) {
            ++r.errors;
            down.insert(p.gateway);
            continue;
        }
        ASSIGN_OR_RETURN(auto cur,
                         db_.Read([&](db::Connection& c) { return intents::Find(c, p.id); }));
        if (cur && cur->status == "EXPIRED") ++r.expired;
        if (cur && (cur->status == "FAILED" || cur->status == "CANCELLED")) ++r.failed;
    }
    return r;
}

void RegisterPaymentsJobs(jobs::Registry& registry, std::vector<jobs::PeriodicJob>& periodic,
                          TopUpService& topups) {
    registry.Register(kPaymentsReconcileJob, [&topups](const jobs::Job&) -> Status {
        ASSIGN_OR_RETURN(auto r, topups.Reconcile());
        if (r.checked > 0)
            Log()->info("payments reconcile checked={} completed={} expired={} failed={} errors={}",
                        r.checked, r.completed, r.expired, r.failed, r.errors);
        return Ok{};
    });
    periodic.push_back({kPaymentsReconcileJob, 5 * kMinute});
}

}  // namespace ps::money
