#include "core/time_format.hpp"
#include "core/json_text.hpp"
#include "domains/identity/auth_routes.hpp"
#include "http/envelope.hpp"
#include "http/fields.hpp"

namespace ps::identity {

namespace json = boost::json;
using http::Auth;
using http::Fields;
using http::Request;
using http::Response;

namespace {


Response Me(IdentityServices& s, Request& req) {
    int64_t uid = req.principal->user_id;
    ASSIGN_OR_RESPOND(auto user, s.accounts.FindUser(uid));
    ASSIGN_OR_RESPOND(auto profile, s.profiles.GetProfile(uid));
    ASSIGN_OR_RESPOND(auto kyc, s.profiles.GetKyc(uid));
    ASSIGN_OR_RESPOND(auto bal, s.balances(uid));
    json::object p{{"full_name", profile ? OptJson(profile->full_name) : nullptr},
                   {"date_of_birth", profile ? OptJson(profile->date_of_birth) : nullptr},
                   {"address", profile ? OptJson(profile->address) : nullptr},
                   {"avatar_url", profile ? OptJson(profile->avatar_url) : nullptr},
                   {"completed", profile && profile->Complete()}};
    std::string kyc_status = kyc ? kyc->status : "NOT_SUBMITTED";
    json::object k{{"document_number", kyc ? json::value(kyc->document_number) : nullptr},
                   {"document_front_url", kyc ? json::value(kyc->document_front_url) : nullptr},
                   {"document_back_url", kyc ? OptJson(kyc->document_back_url) : nullptr},
                   {"document_type", kyc ? json::value(kyc->document_type) : nullptr},
                   {"status", kyc_status},
                   {"verified_at", kyc && kyc->verified_at ? json::value(FormatDtZ(*kyc->verified_at)) : nullptr},
                   {"rejection_reason", kyc ? OptJson(kyc->rejection_reason) : nullptr},
                   {"verified", kyc_status == "APPROVED"}};
    json::array reasons;
    if (user.status != "ACTIVE") reasons.emplace_back("Account not active");
    if (bal.has_dues) reasons.emplace_back("Pending dues");
    if (s.require_profile && !(profile && profile->Complete())) reasons.emplace_back("Complete profile");
    if (s.require_kyc && kyc_status != "APPROVED") reasons.emplace_back("Verify KYC");
    json::object o{{"id", std::to_string(user.id)},
                   {"username", user.username},
                   {"email", OptJson(user.email)},
                   {"phone_number", OptJson(user.phone_number)},
                   {"profile_picture", OptJson(user.profile_picture)},
                   {"referral_code", user.referral_code},
                   {"status", user.status},
                   {"social_provider", user.social_provider},
                   {"date_joined", FormatDt(user.date_joined)},
                   {"profile", std::move(p)},
                   {"kyc", std::move(k)},
                   {"wallet", {{"balance", FormatDecimal(bal.wallet)},
                               {"total_topup", FormatDecimal(bal.total_topup)},
                               {"currency", "NPR"}}},
                   {"points", {{"current", bal.points}, {"total_earned", bal.points_earned}}},
                   {"rental_eligibility", {{"can_rent", reasons.empty()}, {"reasons", reasons}}}};
    return http::Success("User data retrieved successfully", std::move(o));
}

// A nullable string field for PUT/PATCH: absent -> nullopt; null -> {nullopt}; string -> value.
std::optional<std::optional<std::string>> Nullable(Fields& f, const json::object& o,
                                                   std::string_view key, size_t max) {
    auto it = o.find(key);
    if (it == o.end()) return std::nullopt;
    if (it->value().is_null() || (it->value().is_string() && it->value().as_string().empty()))
        return std::optional<std::string>{};
    auto v = f.Str(key, false, max);
    if (!v) return std::nullopt;
    return std::optional<std::string>{*v};
}

Response UpdateProfile(IdentityServices& s, Request& req, bool replace) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    ProfileUpdate u;
    u.full_name = Nullable(f, body.fields, "full_name", 255);
    u.date_of_birth = Nullable(f, body.fields, "date_of_birth", 10);
    u.address = Nullable(f, body.fields, "address", 255);
    u.avatar_url = Nullable(f, body.fields, "avatar_url", 200);
    if (u.date_of_birth && *u.date_of_birth) {
        auto d = ParseDate(**u.date_of_birth);
        if (!d) f.AddError("date_of_birth", "Date has wrong format. Use YYYY-MM-DD.");
        else if (*d > s.clock.Now()) f.AddError("date_of_birth", "Date of birth cannot be in the future.");
    }
    f.OnlyKnown({"full_name", "date_of_birth", "address", "avatar_url"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto p, s.profiles.UpdateProfile(req.principal->user_id, u, replace));
    return http::Success("Profile updated successfully", ProfileJson(p));
}

Response SubmitKyc(IdentityServices& s, Request& req, bool create) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    KycSubmission k;
    k.document_type = f.Str("document_type", false, 50);
    k.document_number = f.Str("document_number", create, 100);
    k.document_front_url = f.Str("document_front_url", create, 200);
    k.document_back_url = Nullable(f, body.fields, "document_back_url", 200);
    if (k.document_front_url && !http::LooksLikeUrl(*k.document_front_url))
        f.AddError("document_front_url", "Enter a valid URL.");
    if (k.document_back_url && *k.document_back_url && !http::LooksLikeUrl(**k.document_back_url))
        f.AddError("document_back_url", "Enter a valid URL.");
    f.OnlyKnown({"document_type", "document_number", "document_front_url", "document_back_url"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto saved, s.profiles.SubmitKyc(req.principal->user_id, k, create));
    return http::Success(create ? "KYC documents submitted successfully" : "KYC documents updated successfully",
                         KycJson(saved), create ? 201 : 200);
}

Response KycStatus(IdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto kyc, s.profiles.GetKyc(req.principal->user_id));
    json::object o{{"status", kyc ? kyc->status : "NOT_SUBMITTED"},
                   {"submitted_at", kyc ? json::value(FormatDtZ(kyc->created_at)) : nullptr},
                   {"verified_at", kyc && kyc->verified_at ? json::value(FormatDtZ(*kyc->verified_at)) : nullptr},
                   {"rejection_reason", kyc ? OptJson(kyc->rejection_reason) : nullptr}};
    return http::Success("KYC status retrieved successfully", std::move(o));
}

}  // namespace

void RegisterProfileRoutes(http::Router& r, IdentityServices s) {
    auto bind = [&](auto fn) { return [s, fn](Request& req) mutable { return fn(s, req); }; };
    r.Add("GET", "/api/auth/me", Auth::kUser, bind(Me));
    r.Add("GET", "/api/users/profile", Auth::kUser, [s](Request& req) mutable {
        ASSIGN_OR_RESPOND(auto p, s.profiles.GetProfile(req.principal->user_id));
        return http::Success("Profile retrieved successfully", ProfileJson(p));
    });
    r.Add("PUT", "/api/users/profile", Auth::kUser,
          [s](Request& req) mutable { return UpdateProfile(s, req, true); });
    r.Add("PATCH", "/api/users/profile", Auth::kUser,
          [s](Request& req) mutable { return UpdateProfile(s, req, false); });
    r.Add("POST", "/api/users/kyc", Auth::kUser,
          [s](Request& req) mutable { return SubmitKyc(s, req, true); });
    r.Add("PATCH", "/api/users/kyc", Auth::kUser,
          [s](Request& req) mutable { return SubmitKyc(s, req, false); });
    r.Add("GET", "/api/users/kyc/status", Auth::kUser, bind(KycStatus));
}

}  // namespace ps::identity
