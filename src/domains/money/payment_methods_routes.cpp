// payments/methods (public) and admin/payment-methods CRUD (payments_routes.hpp).
#include <boost/json.hpp>

#include "core/time_format.hpp"
#include "domains/admin/admin_routes.hpp"
#include "domains/money/payments_routes.hpp"
#include "http/envelope.hpp"
#include "http/fields.hpp"

namespace ps::money {

namespace json = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

constexpr Money kMaxLimit{1'000'000'000};  // NPR 10 million

json::value MaxAmount(const PaymentMethod& m) {
    return m.max_amount ? json::value(FormatDecimal(*m.max_amount)) : json::value(nullptr);
}

json::object AdminMethodJson(const PaymentMethod& m) {
    json::array currencies;
    for (const auto& c : m.supported_currencies) currencies.emplace_back(c);
    return {{"id", m.id},
            {"name", m.name},
            {"gateway", m.gateway},
            {"icon", m.icon ? json::value(*m.icon) : json::value(nullptr)},
            {"is_active", m.is_active},
            {"configuration", m.configuration},
            {"min_amount", FormatDecimal(m.min_amount)},
            {"max_amount", MaxAmount(m)},
            {"supported_currencies", std::move(currencies)},
            {"created_at", FormatDt(m.created_at)},
            {"updated_at", FormatDt(m.updated_at)}};
}

Response PublicMethods(PaymentsDeps& d, Request&) {
    ASSIGN_OR_RESPOND(auto methods, d.methods.Active());
    json::array out;
    for (const auto& m : methods) {
        if (!d.topups.HasGateway(m.gateway)) continue;  // not configured on this server
        out.emplace_back(
            json::object{{"id", m.id},
                         {"name", m.name},
                         {"gateway", m.gateway},
                         {"is_active", m.is_active},
                         {"icon", m.icon ? json::value(*m.icon) : json::value(nullptr)},
                         {"min_amount", FormatDecimal(m.min_amount)},
                         {"max_amount", MaxAmount(m)}});
    }
    size_t count = out.size();
    return http::Success("Payment methods retrieved successfully",
                         json::object{{"payment_methods", std::move(out)}, {"count", count}});
}

// The fields of a create (creating = true) or a partial update, multipart or JSON.
Result<PaymentMethodChange> ParseChange(const json::object& body, bool creating) {
    http::Fields f(body);
    PaymentMethodChange c;
    auto given = [&](const char* key) {  // empty multipart values mean "absent"
        const auto* v = body.if_contains(key);
        return v && !v->is_null() && !(v->is_string() && v->as_string().empty());
    };
    if (creating || given("name")) c.name = f.Str("name", true, 100);
    if (creating || given("gateway"))
        c.gateway = f.Enum("gateway", true, {"khalti", "esewa", "stripe", "demo"});
    if (body.contains("icon")) c.icon = given("icon") ? f.Str("icon", false, 500) : std::string();
    if (given("is_active")) c.is_active = f.Bool("is_active", true);
    if (given("configuration")) c.configuration = f.Object("configuration", true);
    if (given("min_amount")) c.min_amount = f.Amount("min_amount", true, Money{1}, kMaxLimit);
    if (given("max_amount"))
        c.max_amount = std::optional<Money>(f.Amount("max_amount", true, Money{1}, kMaxLimit));
    else if (body.contains("max_amount") && !creating)
        c.max_amount = std::optional<Money>{};  // explicitly cleared
    if (given("supported_currencies"))
        c.supported_currencies = f.List("supported_currencies", true);
    f.OnlyKnown({"name", "gateway", "icon", "is_active", "configuration", "min_amount",
                 "max_amount", "supported_currencies"});
    RETURN_IF_ERROR(f.Finish());
    return c;
}

Response AdminList(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    ASSIGN_OR_RESPOND(auto methods, d.methods.List(page));
    json::array out;
    for (const auto& m : methods) out.emplace_back(AdminMethodJson(m));
    return http::Success(
        "Payment methods retrieved successfully",
        json::object{{"payment_methods", std::move(out)}, {"pagination", page.Json()}});
}

Response AdminCreate(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    ASSIGN_OR_RESPOND(auto change, ParseChange(body.fields, true));
    ASSIGN_OR_RESPOND(auto m, d.methods.Create(admin::ActorOf(req), change));
    return http::Success("Payment method created successfully", AdminMethodJson(m));
}

Response AdminGet(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto m, d.methods.Get(std::string(req.PathParam("method_id"))));
    return http::Success("Payment method retrieved successfully", AdminMethodJson(m));
}

Response AdminUpdate(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    ASSIGN_OR_RESPOND(auto change, ParseChange(body.fields, false));
    ASSIGN_OR_RESPOND(auto m, d.methods.Update(admin::ActorOf(req),
                                               std::string(req.PathParam("method_id")), change));
    return http::Success("Payment method updated successfully", AdminMethodJson(m));
}

Response AdminDelete(PaymentsDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(
        auto m, d.methods.Delete(admin::ActorOf(req), std::string(req.PathParam("method_id"))));
    return http::Success("Payment method deleted successfully",
                         json::object{{"id", m.id}, {"name", m.name}, {"deleted", true}});
}

}  // namespace

void RegisterPaymentMethodRoutes(http::Router& r, PaymentsDeps d) {
    auto bind = [&](auto fn) { return [d, fn](Request& req) mutable { return fn(d, req); }; };
    r.Add("GET", "/api/payments/methods", Auth::kNone, bind(PublicMethods));
    r.Add("GET", "/api/admin/payment-methods", Auth::kStaff, bind(AdminList));
    r.Add("POST", "/api/admin/payment-methods", Auth::kStaff, bind(AdminCreate));
    r.Add("GET", "/api/admin/payment-methods/{method_id}", Auth::kStaff, bind(AdminGet));
    r.Add("PATCH", "/api/admin/payment-methods/{method_id}", Auth::kStaff, bind(AdminUpdate));
    r.Add("DELETE", "/api/admin/payment-methods/{method_id}", Auth::kStaff, bind(AdminDelete));
}

}  // namespace ps::money
