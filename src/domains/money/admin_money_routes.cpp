// admin/users/{user_id}/add-balance and admin/transactions (money_routes.hpp).
#include <charconv>

#include "core/time_format.hpp"
#include "domains/admin/admin_routes.hpp"
#include "domains/money/idempotency.hpp"
#include "domains/money/money_routes.hpp"
#include "http/envelope.hpp"
#include "http/fields.hpp"
#include "http/pagination.hpp"

namespace ps::money {

namespace json = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

Result<int64_t> IntParam(std::string_view s, std::string_view field) {
    int64_t id = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), id);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || id < 1)
        return FieldError(field, "A valid integer is required.");
    return id;
}

Response AddBalance(MoneyRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(int64_t user_id, IntParam(req.PathParam("user_id"), "user_id"));
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    http::Fields f(body.fields);
    auto amount = f.Amount("amount", true, Money{1}, kMaxStaffCredit);
    auto reason = f.Str("reason", true, 255);
    f.OnlyKnown({"amount", "reason"});
    RESPOND_IF_ERROR(f.Finish());
    admin::Actor actor = admin::ActorOf(req);
    // With an Idempotency-Key the ledger key derives from its claim, so even a re-run after a
    // lost response credits once; without one, every request is a new credit.
    auto claim = IdempotencyClaimOf(req);
    std::string key = "admin-add-balance:" + (claim ? "claim:" + *claim : "req:" + d.random.Uuid());
    ASSIGN_OR_RESPOND(auto added, d.wallet.AddBalance(actor, user_id, *amount, *reason, key));
    return http::Success("Balance added successfully",
                         json::object{{"old_balance", AsNumber(added.old_balance)},
                                      {"new_balance", AsNumber(added.new_balance)},
                                      {"amount_added", AsNumber(added.amount)},
                                      {"transaction_id", added.transaction_id}});
}

json::object AdminRowJson(const repo::AdminTxnRow& t) {
    json::object o{{"source", t.source},
                   {"id", std::to_string(t.id)},
                   {"transaction_id", t.transaction_id},
                   {"user", {{"id", std::to_string(t.user_id)},
                             {"username", t.username},
                             {"email", t.email ? json::value(*t.email) : nullptr}}},
                   {"type", t.type},
                   {"status", t.status},
                   {"created_at", FormatDtZ(t.created_at)},
                   {"description", t.description}};
    if (t.source == "points") {
        o["points"] = t.amount;
        o["points_source"] = t.points_source;
    } else {
        o["amount"] = AsNumber(Money{t.amount});
    }
    if (t.balance_before) {
        if (t.source == "points") {
            o["balance_before"] = *t.balance_before;
            o["balance_after"] = *t.balance_after;
        } else {
            o["balance_before"] = AsNumber(Money{*t.balance_before});
            o["balance_after"] = AsNumber(Money{*t.balance_after});
        }
    }
    return o;
}

Response AdminTransactions(MoneyRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    repo::AdminTxnFilter f;
    ASSIGN_OR_RESPOND(auto source, QueryChoice(req, "source", {"all", "payment", "wallet", "points"}));
    f.source = source.value_or("all");
    ASSIGN_OR_RESPOND(f.status, QueryChoice(req, "status", {"PENDING", "SUCCESS", "FAILED",
                                                             "REFUNDED", "COMPLETED"}));
    if (auto q = req.QueryParam("search"); q && !q->empty()) f.search = q->substr(0, 100);
    if (auto u = req.QueryParam("user_id"); u && !u->empty()) {
        ASSIGN_OR_RESPOND(int64_t uid, IntParam(*u, "user_id"));
        f.user_id = uid;
    }
    ASSIGN_OR_RESPOND(f.dates, ParseDateRange(req));
    ASSIGN_OR_RESPOND(auto rows, d.wallet.AdminTransactions(f, page));
    json::array results;
    for (const auto& t : rows) results.emplace_back(AdminRowJson(t));
    return http::Success("Transactions retrieved successfully",
                         json::object{{"results", std::move(results)}, {"pagination", page.Json()}});
}

}  // namespace

void RegisterAdminMoneyRoutes(http::Router& r, MoneyRouteDeps d) {
    auto bind = [&](auto fn) { return [d, fn](Request& req) mutable { return fn(d, req); }; };
    r.Add("POST", "/api/admin/users/{user_id}/add-balance", Auth::kStaff,
          Idempotent(d.db, d.clock, bind(AddBalance), IdempotentWork::kDatabaseOnly,
                     db::Isolation::kReadCommitted));
    r.Add("GET", "/api/admin/transactions", Auth::kStaff, bind(AdminTransactions));
}

}  // namespace ps::money
