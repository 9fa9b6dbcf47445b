#include "domains/rentals/rental_routes.hpp"
#include "core/json_text.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "core/time_format.hpp"
#include "domains/money/idempotency.hpp"
#include "http/envelope.hpp"
#include "http/fields.hpp"
#include "http/pagination.hpp"

namespace ps::rentals {

namespace json = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {


std::string Duration(Micros d) {
    int64_t m = d / kMinute;
    if (m >= 60) return std::to_string(m / 60) + "h " + std::to_string(m % 60) + "m";
    return std::to_string(m) + "m";
}

// The reference calls PENDING_POPUP "PENDING".
std::string StatusOut(const std::string& s) { return s == "PENDING_POPUP" ? "PENDING" : s; }

std::string StatusDisplay(const std::string& s) {
    if (s == "PENDING_POPUP") return "Pending";
    if (s.empty()) return s;
    std::string out = s.substr(0, 1);
    for (size_t i = 1; i < s.size(); ++i) out += static_cast<char>(std::tolower(s[i]));
    return out;
}

json::object Detail(const Rental& r, const LateFeeConfig& fees, Micros now) {
    bool open = r.Open();
    Micros end = r.ended_at.value_or(now);
    bool overdue = (open && now > r.due_at) || r.status == "OVERDUE";
    int64_t minutes_overdue = end > r.due_at && r.started_at ? (end - r.due_at) / kMinute : 0;
    Micros billed = r.BilledUntil(now);
    Money current = open ? LateFee(fees, r.package_price, r.package_minutes, r.due_at, billed)
                         : r.overdue_amount;
    Money usage = r.usage_amount;
    if (open && r.payment_model == "POSTPAID" && r.started_at)
        usage = PostpaidCharge(r.package_price, r.package_minutes, billed - *r.started_at);
    Money base = r.payment_model == "POSTPAID" ? usage : r.amount_paid;
    Money estimated = base + current + r.penalty_amount;
    json::value remaining = nullptr;
    if (open)
        remaining =
            overdue ? json::value("Overdue") : json::value(Duration(r.due_at - now) + " remaining");
    json::object d{{"id", r.id},
                   {"rental_code", r.rental_code},
                   {"status", StatusOut(r.status)},
                   {"payment_status", r.payment_status},
                   {"started_at", OptDt(r.started_at)},
                   {"ended_at", OptDt(r.ended_at)},
                   {"due_at", FormatDt(r.due_at)},
                   {"created_at", FormatDt(r.created_at)},
                   {"updated_at", FormatDt(r.updated_at)},
                   {"amount_paid", FormatDecimal(r.amount_paid)},
                   {"overdue_amount", FormatDecimal(r.overdue_amount)},
                   {"formatted_amount_paid", FormatDisplay(r.amount_paid)},
                   {"formatted_overdue_amount", FormatDisplay(r.overdue_amount)},
                   {"current_overdue_amount", FormatDecimal(current)},
                   {"estimated_total_cost", FormatDecimal(estimated)},
                   {"minutes_overdue", minutes_overdue},
                   {"formatted_current_overdue", FormatDisplay(current)},
                   {"formatted_estimated_total", FormatDisplay(estimated)},
                   {"station_name", r.station_name},
                   {"package_name", r.package_name},
                   {"duration_used", r.started_at ? json::value(Duration(end - *r.started_at))
                                                  : json::value("Not started")},
                   {"time_remaining", remaining},
                   {"is_overdue", overdue},
                   {"is_returned_on_time", r.is_returned_on_time},
                   {"timely_return_bonus_awarded", r.timely_return_bonus_awarded},
                   {"payment_model", r.payment_model},
                   {"extensions_count", r.extension_count},
                   {"usage_amount", FormatDecimal(usage)},
                   {"penalty_amount", FormatDecimal(r.penalty_amount)},
                   {"billing_paused", r.billing_paused_at.has_value()}};
    if (r.return_station_name) d["return_station_name"] = *r.return_station_name;
    if (r.power_bank_serial) d["power_bank_serial"] = *r.power_bank_serial;
    return d;
}

// A rental as the user sees it, with the late fee it would cost now.
Response DetailReply(RentalRouteDeps& d, std::string_view message, const Rental& r,
                     int status = 200) {
    LateFeeConfig fees = DefaultLateFeeConfig();
    if (r.Open()) {
        ASSIGN_OR_RESPOND(fees, d.rentals.LateFeeConfigFor(r.package_type));
    }
    return http::Success(std::string(message), Detail(r, fees, d.clock.Now()), status);
}

json::object PackageJson(const Package& p) {
    return {{"id", p.id},
            {"name", p.name},
            {"description", p.description},
            {"duration_minutes", p.duration_minutes},
            {"price", FormatDecimal(p.price)},
            {"package_type", p.package_type},
            {"payment_model", p.payment_model},
            {"is_active", p.is_active},
            {"formatted_price", FormatDisplay(p.price)},
            {"payment_model_display",
             p.payment_model == "PREPAID" ? "Pay Before Use" : "Pay After Use"}};
}

Response Packages(RentalRouteDeps& d, Request&) {
    ASSIGN_OR_RESPOND(auto pkgs, d.rentals.Packages());
    json::array results;
    for (const auto& p : pkgs) results.emplace_back(PackageJson(p));
    http::Page page;
    page.page_size = std::max<int64_t>(20, static_cast<int64_t>(pkgs.size()));
    page.SetTotal(static_cast<int64_t>(pkgs.size()));
    return http::Success(
        "Packages retrieved successfully",
        json::object{{"results", std::move(results)}, {"pagination", page.Json()}});
}

Response Start(RentalRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    http::Fields f(body.fields);
    auto sn = f.Str("station_sn", true, 64);
    auto pkg = f.Str("package_id", true, 64);
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto r, d.rentals.Start(req.principal->user_id, *sn, *pkg));
    return DetailReply(d, "Rental started successfully", r, 201);
}

Response Extend(RentalRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    http::Fields f(body.fields);
    auto pkg = f.Str("package_id", true, 64);
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto e, d.rentals.Extend(req.principal->user_id,
                                               std::string(req.PathParam("rental_id")), *pkg));
    return http::Success("Rental extended successfully",
                         json::object{{"id", e.id},
                                      {"extended_minutes", e.extended_minutes},
                                      {"extension_cost", FormatDecimal(e.cost)},
                                      {"extended_at", FormatDt(e.extended_at)},
                                      {"package_name", e.package_name},
                                      {"formatted_extension_cost", FormatDisplay(e.cost)}});
}

Response Active(RentalRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto r, d.rentals.Active(req.principal->user_id));
    if (!r) return http::SuccessNoData("No active rental");
    return DetailReply(d, "Active rental retrieved", *r);
}

Result<std::optional<std::string>> Choice(const Request& req, std::string_view key,
                                          std::initializer_list<std::string_view> allowed) {
    auto v = req.QueryParam(key);
    if (!v || v->empty()) return std::optional<std::string>{};
    for (auto a : allowed)
        if (*v == a) return v;
    return FieldError(key, "Select a valid choice.");
}

Response History(RentalRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    repo::HistoryFilter f;
    ASSIGN_OR_RESPOND(
        f.status, Choice(req, "status",
                         {"PENDING_POPUP", "ACTIVE", "COMPLETED", "CANCELLED", "OVERDUE", "LOST"}));
    if (f.status == std::optional<std::string>("PENDING")) f.status = "PENDING_POPUP";
    ASSIGN_OR_RESPOND(f.payment_status,
                      Choice(req, "payment_status", {"PENDING", "PAID", "FAILED", "REFUNDED"}));
    if (auto s = req.QueryParam("station_id"); s && !s->empty()) f.station_id = *s;
    ASSIGN_OR_RESPOND(auto rows, d.rentals.History(req.principal->user_id, f, page));
    json::array out;
    for (const auto& r : rows)
        out.emplace_back(json::object{{"id", r.id},
                                      {"rental_code", r.rental_code},
                                      {"status", StatusOut(r.status)},
                                      {"status_display", StatusDisplay(r.status)},
                                      {"payment_status", r.payment_status},
                                      {"started_at", OptDt(r.started_at)},
                                      {"ended_at", OptDt(r.ended_at)},
                                      {"station_name", r.station_name},
                                      {"package_name", r.package_name},
                                      {"formatted_amount", FormatDisplay(r.amount_paid)}});
    return http::Success("Rental history retrieved successfully",
                         json::object{{"rentals", std::move(out)}, {"pagination", page.Json()}});
}

double Num(Money m) { return static_cast<double>(m.paisa) / 100.0; }

Response PayDue(RentalRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(
        auto p, d.rentals.PayDue(req.principal->user_id, std::string(req.PathParam("rental_id"))));
    return http::Success("Rental dues settled successfully",
                         json::object{{"transaction_id", p.transaction_id},
                                      {"rental_id", p.rental_id},
                                      {"amount_paid", Num(p.amount)},
                                      {"payment_breakdown",
                                       json::object{{"points_used", p.split.points_used},
                                                    {"points_amount", Num(p.split.points_amount)},
                                                    {"wallet_used", Num(p.split.wallet_used)}}},
                                      {"payment_status", p.payment_status},
                                      {"account_unblocked", true}});
}

Response Cancel(RentalRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    http::Fields f(body.fields);
    auto reason = f.Str("reason", false, 500);
    RESPOND_IF_ERROR(f.Finish());
    std::string why = reason.value_or("");
    if (!why.empty() && why.size() < 5)
        return http::Failure(FieldError("reason", "Ensure this field has at least 5 characters."));
    ASSIGN_OR_RESPOND(auto r, d.rentals.CancelByUser(req.principal->user_id,
                                                     std::string(req.PathParam("rental_id")), why));
    return DetailReply(d, "Rental cancelled successfully", r);
}


Response AdminList(RentalRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto page, http::ParsePage(req));
    repo::AdminFilter f;
    ASSIGN_OR_RESPOND(f.status, Choice(req, "status",
                                       {"PENDING", "PENDING_POPUP", "ACTIVE", "COMPLETED",
                                        "CANCELLED", "OVERDUE", "LOST"}));
    if (f.status == std::optional<std::string>("PENDING")) f.status = "PENDING_POPUP";
    ASSIGN_OR_RESPOND(f.payment_status,
                      Choice(req, "payment_status", {"PENDING", "PAID", "FAILED", "REFUNDED"}));
    if (auto s = req.QueryParam("station_id"); s && !s->empty()) f.station_id = *s;
    if (auto u = req.QueryParam("user_id"); u && !u->empty()) {
        int64_t v = 0;
        auto [ptr, ec] = std::from_chars(u->data(), u->data() + u->size(), v);
        if (ec != std::errc() || ptr != u->data() + u->size())
            return http::Failure(FieldError("user_id", "Enter a whole number."));
        f.user_id = v;
    }
    if (auto s = req.QueryParam("search"); s && !s->empty()) f.search = s->substr(0, 100);
    ASSIGN_OR_RESPOND(auto flagged, Choice(req, "flagged", {"true", "false"}));
    if (flagged) f.flagged = *flagged == "true";
    ASSIGN_OR_RESPOND(auto rows, d.rentals.AdminList(f, page));
    json::array out;
    for (const auto& a : rows) {
        const auto& r = a.r;
        out.emplace_back(json::object{{"id", r.id},
                                      {"rental_code", r.rental_code},
                                      {"username", a.username},
                                      {"user_phone", OptJson(a.phone_number)},
                                      {"station_name", r.station_name},
                                      {"station_serial", a.station_serial},
                                      {"return_station_name", OptJson(r.return_station_name)},
                                      {"powerbank_serial", OptJson(r.power_bank_serial)},
                                      {"package_name", r.package_name},
                                      {"package_duration", r.package_minutes},
                                      {"started_at", OptDt(r.started_at)},
                                      {"due_at", FormatDt(r.due_at)},
                                      {"ended_at", OptDt(r.ended_at)},
                                      {"amount_paid", FormatDecimal(r.amount_paid)},
                                      {"overdue_amount", FormatDecimal(r.overdue_amount)},
                                      {"payment_status", r.payment_status},
                                      {"status", StatusOut(r.status)},
                                      {"is_returned_on_time", r.is_returned_on_time},
                                      {"payment_model", r.payment_model},
                                      {"is_flagged", r.flagged_at.has_value()},
                                      {"billing_paused", r.billing_paused_at.has_value()},
                                      {"created_at", FormatDt(r.created_at)}});
    }
    return http::Success("Rentals retrieved successfully",
                         json::object{{"results", std::move(out)}, {"pagination", page.Json()}});
}

Response AdminGet(RentalRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto a, d.rentals.AdminGet(std::string(req.PathParam("rental_id"))));
    const auto& r = a.r;
    json::value ret = nullptr;
    if (r.return_station_id)
        ret = json::object{{"station_name", OptJson(r.return_station_name)},
                           {"serial_number", OptJson(a.return_station_serial)},
                           {"address", OptJson(a.return_station_address)}};
    json::value bank = nullptr;
    if (r.power_bank_serial)
        bank =
            json::object{{"serial_number", *r.power_bank_serial}, {"model", OptJson(a.bank_model)}};
    return http::Success(
        "Rental retrieved successfully",
        json::object{{"id", r.id},
                     {"rental_code", r.rental_code},
                     {"status", StatusOut(r.status)},
                     {"payment_status", r.payment_status},
                     {"started_at", OptDt(r.started_at)},
                     {"due_at", FormatDt(r.due_at)},
                     {"ended_at", OptDt(r.ended_at)},
                     {"amount_paid", FormatDecimal(r.amount_paid)},
                     {"overdue_amount", FormatDecimal(r.overdue_amount)},
                     {"extensions_count", r.extension_count},
                     {"payment_model", r.payment_model},
                     {"usage_amount", FormatDecimal(r.usage_amount)},
                     {"penalty_amount", FormatDecimal(r.penalty_amount)},
                     {"billing_paused_at", OptDt(r.billing_paused_at)},
                     {"flagged_at", OptDt(r.flagged_at)},
                     {"lost_at", OptDt(r.lost_at)},
                     {"issues_count", a.issues_count},
                     {"is_returned_on_time", r.is_returned_on_time},
                     {"timely_return_bonus_awarded", r.timely_return_bonus_awarded},
                     {"slot_number", r.slot_number ? json::value(*r.slot_number) : nullptr},
                     {"rental_metadata", json::object{{"end_reason", OptJson(r.end_reason)}}},
                     {"created_at", FormatDt(r.created_at)},
                     {"updated_at", FormatDt(r.updated_at)},
                     {"user", json::object{{"id", r.user_id},
                                           {"username", a.username},
                                           {"email", OptJson(a.email)},
                                           {"phone_number", OptJson(a.phone_number)}}},
                     {"station", json::object{{"station_name", r.station_name},
                                              {"serial_number", a.station_serial},
                                              {"address", a.station_address}}},
                     {"return_station", ret},
                     {"package", json::object{{"name", r.package_name},
                                              {"duration_minutes", r.package_minutes},
                                              {"price", FormatDecimal(r.package_price)}}},
                     {"powerbank", bank}});
}

// The staff's reason (5..500 characters) and, for close, ended_at (an ISO date-time).
Result<RentalService::StaffAction> StaffActionOf(const Request& req,
                                                 std::optional<Micros>* ended_at) {
    ASSIGN_OR_RETURN(auto body, req.ParsedBody());
    http::Fields f(body.fields);
    auto reason = f.Str("reason", true, 500, 5);
    std::optional<std::string> end;
    if (ended_at) end = f.Str("ended_at", false, 64);
    if (ended_at)
        f.OnlyKnown({"reason", "ended_at"});
    else
        f.OnlyKnown({"reason"});
    if (end) {
        *ended_at = ParseDateTime(*end);
        if (!*ended_at) f.AddError("ended_at", "Enter a valid date/time.");
    }
    RETURN_IF_ERROR(f.Finish());
    return RentalService::StaffAction{req.principal->user_id, *reason, req.ClientIp(),
                                      std::string(req.Header("user-agent"))};
}

Response AdminPause(RentalRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto a, StaffActionOf(req, nullptr));
    ASSIGN_OR_RESPOND(auto r, d.rentals.PauseBilling(a, std::string(req.PathParam("rental_id"))));
    return DetailReply(d, "Rental billing paused", r);
}

Response AdminClose(RentalRouteDeps& d, Request& req) {
    std::optional<Micros> ended_at;
    ASSIGN_OR_RESPOND(auto a, StaffActionOf(req, &ended_at));
    ASSIGN_OR_RESPOND(auto r, d.rentals.CloseByStaff(a, std::string(req.PathParam("rental_id")),
                                                     ended_at));
    return DetailReply(d, "Rental closed", r);
}

Response Stats(RentalRouteDeps& d, Request& req) {
    ASSIGN_OR_RESPOND(auto s, d.rentals.UserStats(req.principal->user_id));
    auto opt_str = [](const std::optional<std::string>& v) {
        return v ? json::value(*v) : json::value(nullptr);
    };
    double avg = s.completed ? std::round(static_cast<double>(s.minutes_used) * 10.0 /
                                          static_cast<double>(s.completed)) /
                                   10.0
                             : 0.0;
    double rate = s.completed ? std::round(static_cast<double>(s.timely) * 1000.0 /
                                           static_cast<double>(s.completed)) /
                                    10.0
                              : 0.0;
    return http::Success("Statistics retrieved successfully",
                         json::object{{"total_rentals", s.total},
                                      {"completed_rentals", s.completed},
                                      {"active_rentals", s.active},
                                      {"cancelled_rentals", s.cancelled},
                                      {"timely_returns", s.timely},
                                      {"late_returns", s.late},
                                      {"total_time_used", s.minutes_used},
                                      {"total_spent", FormatDecimal(s.spent)},
                                      {"average_rental_duration", avg},
                                      {"timely_return_rate", rate},
                                      {"favorite_station", opt_str(s.favorite_station)},
                                      {"favorite_package", opt_str(s.favorite_package)},
                                      {"last_rental_date", OptDt(s.last_at)},
                                      {"first_rental_date", OptDt(s.first_at)}});
}

}  // namespace

void RegisterRentalRoutes(http::Router& router, RentalRouteDeps deps) {
    auto d = std::make_shared<RentalRouteDeps>(deps);
    router.Add("GET", "/api/rentals/packages", Auth::kNone,
               [d](Request& r) { return Packages(*d, r); });
    // database work only (the eject is queued in the transaction and sent after it commits),
    // safe under READ COMMITTED (RentalService::Start)
    router.Add("POST", "/api/rentals/start", Auth::kUser,
               money::Idempotent(
                   d->db, d->clock, [d](Request& r) { return Start(*d, r); },
                   money::IdempotentWork::kDatabaseOnly, db::Isolation::kReadCommitted));
    router.Add("GET", "/api/rentals/active", Auth::kUser,
               [d](Request& r) { return Active(*d, r); });
    router.Add("GET", "/api/rentals/history", Auth::kUser,
               [d](Request& r) { return History(*d, r); });
    router.Add("GET", "/api/rentals/stats", Auth::kUser, [d](Request& r) { return Stats(*d, r); });
    router.Add("GET", "/api/admin/rentals", Auth::kStaff,
               [d](Request& r) { return AdminList(*d, r); });
    router.Add("GET", "/api/admin/rentals/{rental_id}", Auth::kStaff,
               [d](Request& r) { return AdminGet(*d, r); });
    router.Add("POST", "/api/rentals/{rental_id}/cancel", Auth::kUser,
               money::Idempotent(d->db, d->clock, [d](Request& r) { return Cancel(*d, r); }));
    router.Add("POST", "/api/rentals/{rental_id}/pay-due", Auth::kUser,
               money::Idempotent(d->db, d->clock, [d](Request& r) { return PayDue(*d, r); }));
    router.Add("POST", "/api/rentals/{rental_id}/extend", Auth::kUser,
               money::Idempotent(d->db, d->clock, [d](Request& r) { return Extend(*d, r); }));
    router.Add("POST", "/api/admin/rentals/{rental_id}/pause-billing", Auth::kStaff,
               money::Idempotent(d->db, d->clock, [d](Request& r) { return AdminPause(*d, r); }));
    router.Add("POST", "/api/admin/rentals/{rental_id}/close", Auth::kStaff,
               money::Idempotent(d->db, d->clock, [d](Request& r) { return AdminClose(*d, r); }));
}

}  // namespace ps::rentals
