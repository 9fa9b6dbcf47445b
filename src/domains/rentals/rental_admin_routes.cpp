// Staff rental packages and late-fee configurations (rental_admin_routes.hpp).
#include "domains/rentals/rental_admin_routes.hpp"

#include <boost/json.hpp>

#include "domains/admin/admin_routes.hpp"
#include "domains/stations/station_input.hpp"
#include "http/envelope.hpp"
#include "http/fields.hpp"

namespace ps::rentals {

namespace json = boost::json;
using http::Auth;
using http::Fields;
using http::Request;
using http::Response;

namespace {

constexpr Money kMaxPrice{10'000'000};      // NPR 100 000
constexpr Money kMaxDailyRate{100'000'000};  // NPR 1 000 000

Result<PackageChange> ParsePackage(const json::object& body, bool creating) {
    Fields f(body);
    PackageChange ch;
    auto want = [&](std::string_view key) { return creating || Given(body, key); };
    if (want("name")) ch.name = f.Str("name", true, 100);
    if (want("description")) ch.description = f.Str("description", true, 255);
    if (want("duration_minutes")) ch.duration_minutes = f.Int("duration_minutes", true, 1, 525600);
    if (want("price")) ch.price = f.Amount("price", true, Money{1}, kMaxPrice);
    if (want("package_type"))
        ch.package_type = f.Enum("package_type", true, {"HOURLY", "DAILY", "WEEKLY", "MONTHLY"});
    if (want("payment_model"))
        ch.payment_model = f.Enum("payment_model", true, {"PREPAID", "POSTPAID"});
    if (Given(body, "is_active")) ch.is_active = f.Bool("is_active", true);
    if (Given(body, "package_metadata")) ch.metadata = f.Object("package_metadata", true);
    f.OnlyKnown({"name", "description", "duration_minutes", "price", "package_type",
                 "payment_model", "is_active", "package_metadata"});
    RETURN_IF_ERROR(f.Finish());
    return ch;
}

Result<LateFeeChange> ParseLateFee(const json::object& body, bool creating) {
    Fields f(body);
    LateFeeChange ch;
    if (creating || Given(body, "name")) ch.name = f.Str("name", true, 100);
    if (creating || Given(body, "fee_type"))
        ch.fee_type = f.Enum("fee_type", true, {"MULTIPLIER", "FLAT_RATE", "COMPOUND"});
    if (Given(body, "multiplier")) {
        // 0.01x to 100x, kept in hundredths
        if (auto m = f.Amount("multiplier", true, Money{1}, Money{10000})) ch.multiplier_centi = m->paisa;
    }
    if (Given(body, "flat_rate_per_hour"))
        ch.flat_rate_per_hour = f.Amount("flat_rate_per_hour", true, Money{0}, kMaxPrice);
    if (Given(body, "grace_period_minutes"))
        ch.grace_period_minutes = f.Int("grace_period_minutes", true, 0, 1440);
    if (Given(body, "max_daily_rate"))
        ch.max_daily_rate = f.Amount("max_daily_rate", true, Money{0}, kMaxDailyRate);
    if (Given(body, "is_active")) ch.is_active = f.Bool("is_active", true);
    if (Given(body, "applicable_package_types"))
        ch.applicable_package_types = f.List("applicable_package_types", true);
    if (Given(body, "metadata")) ch.metadata = f.Object("metadata", true);
    f.OnlyKnown({"name", "fee_type", "multiplier", "flat_rate_per_hour", "grace_period_minutes",
                 "max_daily_rate", "is_active", "applicable_package_types", "metadata"});
    RETURN_IF_ERROR(f.Finish());
    return ch;
}

Response ListPackages(RentalCatalogAdmin& s, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    ASSIGN_OR_RESPOND(auto list, s.ListPackages(page));
    json::array out;
    for (const auto& a : list) out.emplace_back(AdminPackageJson(a));
    return http::Success(
        "Rental packages retrieved successfully",
        json::object{{"rental_packages", std::move(out)}, {"pagination", page.Json()}});
}

Response CreatePackage(RentalCatalogAdmin& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    ASSIGN_OR_RESPOND(auto ch, ParsePackage(body.fields, true));
    ASSIGN_OR_RESPOND(auto a, s.CreatePackage(admin::ActorOf(req), ch));
    return http::Success("Rental package created successfully", AdminPackageJson(a));
}

Response GetPackage(RentalCatalogAdmin& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, stations::UuidParam(req, "package_id"));
    ASSIGN_OR_RESPOND(auto a, s.GetPackage(id));
    return http::Success("Rental package retrieved successfully", AdminPackageJson(a));
}

Response UpdatePackage(RentalCatalogAdmin& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, stations::UuidParam(req, "package_id"));
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    ASSIGN_OR_RESPOND(auto ch, ParsePackage(body.fields, false));
    ASSIGN_OR_RESPOND(auto a, s.UpdatePackage(admin::ActorOf(req), id, ch));
    return http::Success("Rental package updated successfully", AdminPackageJson(a));
}

Response DeletePackage(RentalCatalogAdmin& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, stations::UuidParam(req, "package_id"));
    ASSIGN_OR_RESPOND(auto a, s.DeletePackage(admin::ActorOf(req), id));
    return http::Success("Rental package deleted successfully",
                         json::object{{"id", a.p.id}, {"name", a.p.name}, {"deleted", true}});
}

Response ListConfigs(RentalCatalogAdmin& s, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    repo::LateFeeFilter f;
    ASSIGN_OR_RESPOND(f.fee_type, stations::QueryEnum(req, "fee_type", IsLateFeeType));
    ASSIGN_OR_RESPOND(f.is_active, stations::QueryBool(req, "is_active"));
    ASSIGN_OR_RESPOND(f.search, stations::QuerySearch(req));
    ASSIGN_OR_RESPOND(auto p, s.ListConfigs(f, page));
    json::array out;
    for (const auto& l : p.configs) out.emplace_back(LateFeeConfigJson(l));
    return http::Success(
        "Late fee configurations retrieved successfully",
        json::object{{"configurations", std::move(out)},
                     {"summary", json::object{{"total_configurations", p.total},
                                              {"active_configurations", p.active},
                                              {"inactive_configurations", p.total - p.active}}},
                     {"pagination", page.Json()}});
}

Response CreateConfig(RentalCatalogAdmin& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    ASSIGN_OR_RESPOND(auto ch, ParseLateFee(body.fields, true));
    ASSIGN_OR_RESPOND(auto l, s.CreateConfig(admin::ActorOf(req), ch));
    return http::Success("Late fee configuration created successfully", LateFeeConfigJson(l), 201);
}

Response GetConfig(RentalCatalogAdmin& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, stations::UuidParam(req, "config_id"));
    ASSIGN_OR_RESPOND(auto l, s.GetConfig(id));
    return http::Success("Late fee configuration retrieved successfully", LateFeeConfigJson(l));
}

Response UpdateConfig(RentalCatalogAdmin& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, stations::UuidParam(req, "config_id"));
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    ASSIGN_OR_RESPOND(auto ch, ParseLateFee(body.fields, false));
    ASSIGN_OR_RESPOND(auto l, s.UpdateConfig(admin::ActorOf(req), id, ch));
    return http::Success("Late fee configuration updated successfully", LateFeeConfigJson(l));
}

Response DeleteConfig(RentalCatalogAdmin& s, Request& req) {
    ASSIGN_OR_RESPOND(auto id, stations::UuidParam(req, "config_id"));
    ASSIGN_OR_RESPOND(auto l, s.DeleteConfig(admin::ActorOf(req), id));
    return http::Success("Late fee configuration deleted successfully",
                         json::object{{"id", l.id}, {"name", l.name}, {"deleted", true}});
}

}  // namespace

bool Given(const json::object& body, std::string_view key) {
    const auto* v = body.if_contains(key);
    return v && !v->is_null() && !(v->is_string() && v->as_string().empty());
}

void RegisterRentalCatalogRoutes(http::Router& r, std::shared_ptr<RentalCatalogAdmin> s) {
    auto bind = [s](auto fn) { return [s, fn](Request& req) { return fn(*s, req); }; };
    r.Add("GET", "/api/admin/rental-packages", Auth::kStaff, bind(ListPackages));
    r.Add("POST", "/api/admin/rental-packages", Auth::kStaff, bind(CreatePackage));
    r.Add("GET", "/api/admin/rental-packages/{package_id}", Auth::kStaff, bind(GetPackage));
    r.Add("PATCH", "/api/admin/rental-packages/{package_id}", Auth::kStaff, bind(UpdatePackage));
    r.Add("DELETE", "/api/admin/rental-packages/{package_id}", Auth::kStaff, bind(DeletePackage));
    r.Add("GET", "/api/admin/late-fee-configs", Auth::kStaff, bind(ListConfigs));
    r.Add("POST", "/api/admin/late-fee-configs", Auth::kStaff, bind(CreateConfig));
    r.Add("GET", "/api/admin/late-fee-configs/{config_id}", Auth::kStaff, bind(GetConfig));
    r.Add("PUT", "/api/admin/late-fee-configs/{config_id}", Auth::kStaff, bind(UpdateConfig));
    r.Add("DELETE", "/api/admin/late-fee-configs/{config_id}", Auth::kStaff, bind(DeleteConfig));
}

void RegisterRentalAdminRoutes(http::Router& router, RentalAdminDeps d) {
    RegisterRentalCatalogRoutes(router,
                                std::make_shared<RentalCatalogAdmin>(d.db, d.clock, d.random));
    RegisterRentalIssueRoutes(router,
                              std::make_shared<RentalIssueService>(d.db, d.clock, d.random));
}

}  // namespace ps::rentals
