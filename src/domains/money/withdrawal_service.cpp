#include "domains/money/withdrawal_service.hpp"

#include <boost/json.hpp>
#include <ctime>

#include "core/log.hpp"
#include "core/time_format.hpp"
#include "domains/admin/audit.hpp"
#include "domains/money/withdrawal_service_store.hpp"

namespace ps::money {

namespace json = boost::json;

namespace {

auto Log() {
    static auto l = Logger("payments");
    return l;
}

// A Nepal mobile number (98/97 + 8 digits, optionally +977 / 977) as its 10 digits.
std::optional<std::string> NepalMobile(std::string s) {
    if (s.rfind("+977", 0) == 0)
        s = s.substr(4);
    else if (s.size() == 13 && s.rfind("977", 0) == 0)
        s = s.substr(3);
    if (s.size() != 10 || (s.rfind("98", 0) != 0 && s.rfind("97", 0) != 0)) return std::nullopt;
    for (char c : s)
        if (c < '0' || c > '9') return std::nullopt;
    return s;
}

Result<json::object> AccountDetails(const WithdrawalRequest& r) {
    if (r.method == "esewa" || r.method == "khalti") {
        std::string name = r.method == "esewa" ? "Esewa" : "Khalti";
        if (!r.phone_number || r.phone_number->empty())
            return FailedPrecondition("missing_phone_number",
                                      "Phone number is required for " + name + " withdrawal");
        auto phone = NepalMobile(*r.phone_number);
        if (!phone)
            return FailedPrecondition(
                "invalid_phone_format",
                "Enter a valid Nepal mobile number (98XXXXXXXX or 97XXXXXXXX)");
        return json::object{{"method", r.method}, {"phone_number", *phone}};
    }
    std::string missing;
    auto need = [&](const std::optional<std::string>& v, const char* name) {
        if (!v || v->empty()) missing += (missing.empty() ? "" : ", ") + std::string(name);
    };
    need(r.bank_name, "bank_name");
    need(r.account_number, "account_number");
    need(r.account_holder_name, "account_holder_name");
    if (!missing.empty())
        return FailedPrecondition("missing_bank_details",
                                  "The following bank details are required: " + missing);
    return json::object{{"method", "bank"},
                        {"bank_name", *r.bank_name},
                        {"account_number", *r.account_number},
                        {"account_holder_name", *r.account_holder_name}};
}

std::string NewReference(Micros now, Random& random) {
    std::string date = FormatDate(now);
    std::erase(date, '-');
    static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::string out = "WD" + date;
    for (int i = 0; i < 8; ++i) out += kAlphabet[random.Uniform(32)];
    return out;
}

Counterparty ReturnToWallet(const Withdrawal& w, const std::string& why) {
    return {SystemAccount(AccountKind::kWithdrawalsPayable),
            "withdrawal_return",
            "REFUND",
            "WITHDRAWAL",
            "Withdrawal " + w.internal_reference + " " + why + ": amount returned",
            json::object{{"withdrawal_id", w.id}}};
}

TransferSpec Payout(const Withdrawal& w) {
    TransferSpec t{"withdrawal:" + w.id + ":payout",
                   "withdrawal_payout",
                   w.user_id,
                   "WITHDRAWAL",
                   "Withdrawal " + w.internal_reference + " paid out via " + w.method,
                   json::object{{"withdrawal_id", w.id}}};
    t.entries = {{SystemAccount(AccountKind::kWithdrawalsPayable), -w.amount.paisa},
                 {GatewayClearing(w.method), w.net_amount.paisa},
                 {SystemAccount(AccountKind::kWithdrawalFees), w.processing_fee.paisa}};
    return t;
}

}  // namespace

Money WithdrawalFee(Money amount, const WithdrawalRules& rules) {
    return Money{(amount.paisa * rules.fee_basis_points + 5000) / 10000} + rules.fee_flat;
}

std::pair<Micros, Micros> DayAndMonthStart(Micros now, int offset_minutes) {
    Micros offset = offset_minutes * kMinute;
    Micros local = now + offset;
    Micros day = local - ((local % kDay) + kDay) % kDay;
    std::time_t secs = static_cast<std::time_t>(day / kSecond);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    tm.tm_mday = 1;
    Micros month = static_cast<Micros>(timegm(&tm)) * kSecond;
    return {day - offset, month - offset};
}

WithdrawalService::WithdrawalService(db::Database& db, const Clock& clock, Random& random,
                                     Ledger& ledger, WithdrawalRules rules)
    : db_(db), clock_(clock), random_(random), ledger_(ledger), rules_(rules) {}

Result<Withdrawal> WithdrawalService::Request(int64_t user_id, const WithdrawalRequest& req) {
    if (!rules_.enabled)
        return FailedPrecondition("withdrawals_disabled", "Withdrawals are currently disabled");
    if (req.method != "esewa" && req.method != "khalti" && req.method != "bank")
        return FailedPrecondition("invalid_withdrawal_method", "Invalid withdrawal method");
    if (req.amount < rules_.minimum)
        return FailedPrecondition("amount_below_minimum", "Minimum withdrawal amount is NPR " +
                                                              FormatDecimal(rules_.minimum));
    ASSIGN_OR_RETURN(json::object details, AccountDetails(req));
    Micros now = clock_.Now();
    Withdrawal w;
    w.id = random_.Uuid();
    w.internal_reference = NewReference(now, random_);
    w.user_id = user_id;
    w.amount = req.amount;
    w.processing_fee = WithdrawalFee(req.amount, rules_);
    w.net_amount = req.amount - w.processing_fee;
    w.method = req.method;
    w.account_details = std::move(details);
    w.status = "REQUESTED";
    w.requested_at = now;
    auto [day, month] = DayAndMonthStart(now, DisplayOffsetMinutes());
    // READ COMMITTED: every decision below (a replayed request key, the daily and monthly caps,
    // the balance) is taken with the user's wallet row locked first, so a user's withdrawals
    // run one after the other and each sees the ones before it.
    auto done = db_.Transact([&](db::Connection& c) -> Result<Withdrawal> {
        ASSIGN_OR_RETURN(auto spendable, Ledger::LockSpendable(c, user_id));
        if (req.request_key) {
            ASSIGN_OR_RETURN(auto first,
                             withdrawals::FindByRequestKey(c, user_id, *req.request_key));
            if (first) return *first;
        }
        ASSIGN_OR_RETURN(Money today, withdrawals::RequestedSince(c, user_id, day));
        if (today + w.amount > rules_.daily_limit)
            return FailedPrecondition(
                "daily_limit_exceeded",
                "Daily withdrawal limit of " + FormatDisplay(rules_.daily_limit) + " exceeded");
        ASSIGN_OR_RETURN(Money this_month, withdrawals::RequestedSince(c, user_id, month));
        if (this_month + w.amount > rules_.monthly_limit)
            return FailedPrecondition(
                "monthly_limit_exceeded",
                "Monthly withdrawal limit of " + FormatDisplay(rules_.monthly_limit) + " exceeded");
        Money wallet = spendable.first;
        if (wallet < w.amount)
            return FailedPrecondition(
                "insufficient_balance",
                "Insufficient wallet balance. Available: NPR " + FormatDecimal(wallet),
                {{"shortfall", FormatDecimal(w.amount - wallet)}, {"unit", "NPR"}});
        RETURN_IF_ERROR(withdrawals::Insert(c, w, req.request_key));
        ASSIGN_OR_RETURN(auto t, ledger_.Debit(c, user_id, w.amount, Counterparty::Withdrawal(w.id),
                                               "withdrawal:" + w.id));
        (void)t;
        ASSIGN_OR_RETURN(auto stored, withdrawals::Find(c, w.id));
        return stored ? *stored : w;
    }, db::Isolation::kReadCommitted);
    if (done.ok() && done->id == w.id)
        Log()->info("withdrawal requested id={} ref={} user_id={} amount={}", w.id,
                    w.internal_reference, user_id, FormatDecimal(w.amount));
    return done;
}

Result<std::vector<Withdrawal>> WithdrawalService::ListMine(int64_t user_id, http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<std::vector<Withdrawal>> {
        withdrawals::Filter f{user_id, std::nullopt};
        ASSIGN_OR_RETURN(int64_t total, withdrawals::Count(c, f));
        page.SetTotal(total);
        return withdrawals::List(c, f, page.page_size, page.Offset());
    });
}

Result<Withdrawal> WithdrawalService::GetMine(int64_t user_id, const std::string& id) {
    ASSIGN_OR_RETURN(Withdrawal w, Get(id));
    if (w.user_id != user_id)
        return FailedPrecondition("unauthorized_withdrawal",
                                  "You can only view your own withdrawals");
    return w;
}

Result<Withdrawal> WithdrawalService::Get(const std::string& id) {
    ASSIGN_OR_RETURN(auto w, db_.Read([&](db::Connection& c) { return withdrawals::Find(c, id); }));
    if (!w) return FailedPrecondition("withdrawal_not_found", "Withdrawal not found");
    return *w;
}

Result<std::vector<Withdrawal>> WithdrawalService::List(const std::optional<std::string>& status,
                                                        http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<std::vector<Withdrawal>> {
        withdrawals::Filter f{std::nullopt, status};
        ASSIGN_OR_RETURN(int64_t total, withdrawals::Count(c, f));
        page.SetTotal(total);
        return withdrawals::List(c, f, page.page_size, page.Offset());
    });
}

Result<Withdrawal> WithdrawalService::Cancel(int64_t user_id, const std::string& id,
                                             const std::string& reason) {
    return Close(id, user_id, nullptr, false, reason, std::nullopt);
}

Result<Withdrawal> WithdrawalService::Process(const admin::Actor& actor, const std::string& id,
                                              bool approve, const std::string& notes,
                                              const std::optional<std::string>& gateway_reference) {
    if (!admin::PermissionsFor(actor.role).manage_finances)
        return FailedPrecondition("permission_denied", "You may not manage finances.");
    return Close(id, 0, &actor, approve, notes, gateway_reference);
}

Result<Withdrawal> WithdrawalService::Close(const std::string& id, int64_t user_id,
                                            const admin::Actor* actor, bool approve,
                                            const std::string& notes,
                                            const std::optional<std::string>& gateway_reference) {
    Micros now = clock_.Now();
    std::string to = approve ? "COMPLETED" : actor ? "REJECTED" : "CANCELLED";
    // READ COMMITTED: the status check is repeated by the guarded UPDATE (withdrawals::Close,
    // WHERE status = 'REQUESTED'), so of two racing closes one moves it and the other fails;
    // the ledger keys are unique besides.
    auto done = db_.Transact([&](db::Connection& c) -> Result<Withdrawal> {
        ASSIGN_OR_RETURN(auto found, withdrawals::Find(c, id));
        if (!found) return FailedPrecondition("withdrawal_not_found", "Withdrawal not found");
        const Withdrawal& w = *found;
        if (!actor && w.user_id != user_id)
            return FailedPrecondition("unauthorized_withdrawal",
                                      "You can only cancel your own withdrawals");
        if (w.status != "REQUESTED")
            return FailedPrecondition("invalid_withdrawal_status",
                                      "Only requested withdrawals can be " +
                                          std::string(actor ? "processed" : "cancelled") +
                                          " (status " + w.status + ")");
        std::optional<std::string> note = notes.empty() ? std::nullopt : std::optional(notes);
        ASSIGN_OR_RETURN(
            bool moved,
            withdrawals::Close(c, id, to, note, gateway_reference,
                               actor ? std::optional(actor->user_id) : std::nullopt, now));
        if (!moved)
            return FailedPrecondition("invalid_withdrawal_status", "Withdrawal just changed");
        if (approve) {
            ASSIGN_OR_RETURN(auto t, ledger_.Transfer(c, Payout(w)));
            (void)t;
        } else {
            ASSIGN_OR_RETURN(auto t,
                             ledger_.Credit(c, w.user_id, w.amount,
                                            ReturnToWallet(w, actor ? "rejected" : "cancelled"),
                                            "withdrawal:" + w.id + ":return"));
            (void)t;
        }
        if (actor)
            RETURN_IF_ERROR(admin::RecordAudit(
                c, clock_, random_,
                {actor->user_id, approve ? "APPROVE_WITHDRAWAL" : "REJECT_WITHDRAWAL", "Withdrawal",
                 w.id,
                 json::object{{"status", to},
                              {"amount", FormatDecimal(w.amount)},
                              {"internal_reference", w.internal_reference},
                              {"admin_notes", notes}},
                 std::string(approve ? "Approved" : "Rejected") + " withdrawal " +
                     w.internal_reference + " of NPR " + FormatDecimal(w.amount),
                 actor->ip_address, actor->user_agent}));
        ASSIGN_OR_RETURN(auto after, withdrawals::Find(c, id));
        return after ? *after : w;
    }, db::Isolation::kReadCommitted);
    if (done.ok()) Log()->info("withdrawal {} id={} ref={}", to, id, done->internal_reference);
    return done;
}

Result<WithdrawalAnalytics> WithdrawalService::Analytics() {
    auto [day, month] = DayAndMonthStart(clock_.Now(), DisplayOffsetMinutes());
    return db_.Read([&](db::Connection& c) { return withdrawals::Analytics(c, day, month); });
}

}  // namespace ps::money
