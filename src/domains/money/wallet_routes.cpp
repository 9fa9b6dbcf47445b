// users/wallet, payments/wallet/balance, payments/transactions, payments/calculate-options
// (money_routes.hpp), plus the helpers the money routes share.
#include <cstdlib>

#include "core/time_format.hpp"
#include "domains/money/money_routes.hpp"
#include "http/envelope.hpp"
#include "http/fields.hpp"
#include "http/pagination.hpp"

namespace ps::money {

namespace json = boost::json;
using http::Auth;
using http::Request;
using http::Response;

Result<repo::DateRange> ParseDateRange(const Request& req) {
    auto parse = [&](const char* key, bool end) -> Result<std::optional<Micros>> {
        auto v = req.QueryParam(key);
        if (!v || v->empty()) return std::optional<Micros>{};
        if (v->size() == 10) {  // a calendar day in the display time zone
            auto day = ParseDate(*v);
            if (!day) return FieldError(key, "Date has wrong format. Use YYYY-MM-DD.");
            Micros local = *day - DisplayOffsetMinutes() * kMinute;
            return std::optional<Micros>{end ? local + kDay : local};
        }
        auto t = ParseDateTime(*v);
        if (!t) return FieldError(key, "Datetime has wrong format. Use YYYY-MM-DD or ISO 8601.");
        return std::optional<Micros>{end ? *t + 1 : *t};
    };
    repo::DateRange d;
    ASSIGN_OR_RETURN(d.from, parse("start_date", false));
    ASSIGN_OR_RETURN(d.to, parse("end_date", true));
    if (d.from && d.to && *d.from >= *d.to)
        return FieldError("non_field_errors", "start_date cannot be after end_date");
    return d;
}

Result<std::optional<std::string>> QueryChoice(const Request& req, std::string_view key,
                                               std::initializer_list<std::string_view> allowed) {
    auto v = req.QueryParam(key);
    if (!v || v->empty()) return std::optional<std::string>{};
    for (auto a : allowed)
        if (*v == a) return std::optional<std::string>{*v};
    return FieldError(key, "\"" + *v + "\" is not a valid choice.");
}

namespace {

json::object MovementJson(const repo::Movement& m) {
    Money amount{std::llabs(m.amount)}, after{m.balance_after}, before{m.balance_after - m.amount};
    std::string type = m.transfer_kind == "adjustment" ? "ADJUSTMENT" : m.amount > 0 ? "CREDIT" : "DEBIT";
    return {{"id", std::to_string(m.entry_id)},
            {"transaction_type", type},
            {"amount", FormatDecimal(amount)},
            {"balance_before", FormatDecimal(before)},
            {"balance_after", FormatDecimal(after)},
            {"description", m.description},
            {"created_at", FormatDt(m.created_at)},
            {"formatted_amount", FormatDisplay(amount)},
            {"formatted_balance_before", FormatDisplay(before)},
            {"formatted_balance_after", FormatDisplay(after)}};
}

Response UsersWallet(MoneyRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto w, d.wallet.Wallet(req.principal->user_id));
    return http::Success(
        "Wallet information retrieved successfully",
        json::object{{"balance", FormatDecimal(w.balances.wallet)},
                     {"currency", "NPR"},
                     {"last_updated", FormatDtZ(w.last_movement.value_or(d.clock.Now()))},
                     {"points", {{"current_points", w.balances.points},
                                 {"total_points", w.balances.points_earned}}}});
}

Response WalletBalance(MoneyRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto w, d.wallet.Wallet(req.principal->user_id, 5));
    json::array recent;
    for (const auto& m : w.recent) recent.emplace_back(MovementJson(m));
    return http::Success(
        "Wallet balance retrieved successfully",
        json::object{{"balance", AsNumber(w.balances.wallet)},
                     {"currency", "NPR"},
                     {"formatted_balance", FormatDisplay(w.balances.wallet)},
                     {"is_active", true},
                     {"recent_transactions", std::move(recent)},
                     {"last_updated", FormatDtZ(w.last_movement.value_or(d.clock.Now()))}});
}

Response Transactions(MoneyRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    repo::TxnFilter f;
    ASSIGN_OR_RESPOND(f.status, QueryChoice(req, "status", {"PENDING", "SUCCESS", "FAILED", "REFUNDED"}));
    ASSIGN_OR_RESPOND(f.dates, ParseDateRange(req));
    ASSIGN_OR_RESPOND(auto rows, d.wallet.Transactions(req.principal->user_id, f, page));
    json::array results;
    for (const auto& t : rows)
        results.emplace_back(json::object{{"id", std::to_string(t.id)},
                                          {"transaction_id", t.transaction_id},
                                          {"transaction_type", t.transaction_type},
                                          {"amount", FormatDecimal(t.amount)},
                                          {"status", t.status},
                                          {"created_at", FormatDt(t.created_at)}});
    return http::Success("Transactions retrieved successfully",
                         json::object{{"results", std::move(results)}, {"pagination", page.Json()}});
}

// The amount calculate-options prices: our `amount` extension, else the package or rental.
Result<Money> AmountToPrice(MoneyRouteDeps& d, Request& req, http::Fields& f,
                            const json::object& body, const std::string& scenario) {
    auto given = [&](const char* key) {  // absent, null and "" all mean "not given"
        const auto* v = body.if_contains(key);
        return v && !v->is_null() && !(v->is_string() && v->as_string().empty());
    };
    auto amount = given("amount") ? f.Amount("amount", true, Money{1}, Money{100'000'000})
                                  : std::nullopt;
    auto package_id = given("package_id") ? f.Str("package_id", true, 64) : std::nullopt;
    auto rental_id = given("rental_id") ? f.Str("rental_id", true, 64) : std::nullopt;
    RETURN_IF_ERROR(f.Finish());
    if (amount) return *amount;
    if (scenario == "pre_payment") {
        if (!package_id)
            return FailedPrecondition("package_required",
                                      "Package ID required for pre-payment calculation");
        if (!d.package_price) return FailedPrecondition("package_not_found", "Rental package not found");
        return d.package_price(*package_id);
    }
    if (!rental_id)
        return FailedPrecondition("rental_required", "Rental ID required for post-payment calculation");
    if (!d.rental_due) return FailedPrecondition("rental_not_found", "Rental not found");
    return d.rental_due(req.principal->user_id, *rental_id);
}

Response CalculateOptions(MoneyRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    http::Fields f(body.fields);
    auto scenario = f.Enum("scenario", true, {"pre_payment", "post_payment"});
    f.OnlyKnown({"scenario", "package_id", "rental_id", "amount"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(Money total, AmountToPrice(d, req, f, body.fields, *scenario));
    ASSIGN_OR_RESPOND(auto o, d.wallet.CalculateOptions(req.principal->user_id, total));
    const auto& s = o.split;
    json::value suggested = nullptr;
    if (!s.sufficient) suggested = AsNumber(SuggestedTopup(s.shortfall));
    json::object breakdown{
        {"points_used", s.points_used},
        {"points_amount", AsNumber(s.points_amount)},
        {"wallet_used", AsNumber(s.wallet_used)},
        {"remaining_balance", {{"points", o.balances.points - s.points_used},
                               {"wallet", AsNumber(o.balances.wallet - s.wallet_used)}}}};
    return http::Success(
        "Payment options calculated successfully",
        json::object{{"scenario", *scenario},
                     {"total_amount", AsNumber(total)},
                     {"user_balances", {{"points", o.balances.points},
                                        {"wallet", AsNumber(o.balances.wallet)},
                                        {"points_to_npr_rate", 10.0}}},
                     {"payment_breakdown", std::move(breakdown)},
                     {"is_sufficient", s.sufficient},
                     {"shortfall", AsNumber(s.shortfall)},
                     {"suggested_topup", suggested},
                     {"wallet_topup_note", "If insufficient funds, use "
                                           "/api/payments/wallet/topup-intent to add money to wallet"}});
}

}  // namespace

void RegisterWalletRoutes(http::Router& r, MoneyRouteDeps d) {
    auto bind = [&](auto fn) { return [d, fn](Request& req) mutable { return fn(d, req); }; };
    r.Add("GET", "/api/users/wallet", Auth::kUser, bind(UsersWallet));
    r.Add("GET", "/api/payments/wallet/balance", Auth::kUser, bind(WalletBalance));
    r.Add("GET", "/api/payments/transactions", Auth::kUser, bind(Transactions));
    r.Add("POST", "/api/payments/calculate-options", Auth::kUser, bind(CalculateOptions));
}

void RegisterMoneyRoutes(http::Router& r, MoneyRouteDeps d) {
    RegisterWalletRoutes(r, d);
    RegisterPointsRoutes(r, d);
    RegisterAdminMoneyRoutes(r, d);
}

}  // namespace ps::money
