// points/history and points/summary (money_routes.hpp): views over the user's points account.
#include <cstdlib>

#include "core/time_format.hpp"
#include "core/json_text.hpp"
#include "domains/money/money_routes.hpp"
#include "http/envelope.hpp"
#include "http/pagination.hpp"

namespace ps::money {

namespace json = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {


Response History(MoneyRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    repo::PointsFilter f;
    ASSIGN_OR_RESPOND(f.type, QueryChoice(req, "transaction_type", {"EARNED", "SPENT", "ADJUSTMENT"}));
    if (!f.type) {  // `type` is accepted as an alias
        ASSIGN_OR_RESPOND(f.type, QueryChoice(req, "type", {"EARNED", "SPENT", "ADJUSTMENT"}));
    }
    ASSIGN_OR_RESPOND(f.source, QueryChoice(req, "source",
                                            {"SIGNUP", "REFERRAL_INVITER", "REFERRAL_INVITEE",
                                             "TOPUP", "RENTAL_COMPLETE", "TIMELY_RETURN", "COUPON",
                                             "RENTAL_PAYMENT", "ADMIN_ADJUSTMENT", "ACHIEVEMENT",
                                             "REFUND", "PROFILE"}));
    ASSIGN_OR_RESPOND(f.dates, ParseDateRange(req));
    ASSIGN_OR_RESPOND(auto rows, d.wallet.PointsHistory(req.principal->user_id, f, page));
    json::array results;
    for (const auto& p : rows) {
        int64_t n = std::llabs(p.points);
        std::string formatted(p.points > 0 ? "+" : "-");
        formatted += std::to_string(n) + " points";
        results.emplace_back(json::object{
            {"id", std::to_string(p.id)},
            {"transaction_type", p.type},
            {"source", p.source},
            {"points", n},
            {"description", p.description},
            {"created_at", FormatDt(p.created_at)},
            {"formatted_points", formatted}});
    }
    return http::Success("Points history retrieved successfully",
                         json::object{{"results", std::move(results)}, {"pagination", page.Json()}});
}

Response Summary(MoneyRouteDeps& d, Request& req) {
    int64_t uid = req.principal->user_id;
    ASSIGN_OR_RESPOND(auto s, d.wallet.PointsSummary(uid));
    ReferralStats refs;
    if (d.referrals) {
        ASSIGN_OR_RESPOND(refs, d.referrals(uid));
    }
    return http::Success(
        "Points summary retrieved successfully",
        json::object{{"current_points", s.current},
                     {"total_points_earned", s.earned},
                     {"total_points_spent", s.spent},
                     {"points_from_signup", s.from_signup},
                     {"points_from_referrals", s.from_referrals},
                     {"points_from_topups", s.from_topups},
                     {"points_from_rentals", s.from_rentals},
                     {"points_from_timely_returns", s.from_timely_returns},
                     {"points_from_coupons", s.from_coupons},
                     {"recent_transactions_count", s.recent_count},
                     {"total_referrals_sent", refs.sent},
                     {"successful_referrals", refs.successful},
                     {"pending_referrals", refs.pending},
                     {"referral_points_earned", s.from_referrals},
                     {"points_value", FormatDecimal(Money{s.current * kPaisaPerPoint})},
                     {"last_earned_date", OptDt(s.last_earned)},
                     {"last_spent_date", OptDt(s.last_spent)}});
}

}  // namespace

void RegisterPointsRoutes(http::Router& r, MoneyRouteDeps d) {
    auto bind = [&](auto fn) { return [d, fn](Request& req) mutable { return fn(d, req); }; };
    r.Add("GET", "/api/points/history", Auth::kUser, bind(History));
    r.Add("GET", "/api/points/summary", Auth::kUser, bind(Summary));
}

}  // namespace ps::money
