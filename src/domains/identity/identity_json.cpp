#include "domains/identity/identity_json.hpp"
#include "core/json_text.hpp"

#include "core/time_format.hpp"

namespace ps::identity {

namespace json = boost::json;

namespace {
}  // namespace

json::object UserBriefJson(const User& u) {
    json::object o{{"id", std::to_string(u.id)}, {"username", u.username}};
    if (u.email) o["email"] = *u.email;
    if (u.phone_number) o["phone_number"] = *u.phone_number;
    o["is_active"] = u.status == "ACTIVE";
    return o;
}

json::object ProfileJson(const std::optional<Profile>& p) {
    if (!p)
        return {{"id", nullptr},         {"full_name", nullptr},  {"date_of_birth", nullptr},
                {"address", nullptr},    {"avatar_url", nullptr}, {"is_profile_complete", false},
                {"created_at", nullptr}, {"updated_at", nullptr}};
    return {{"id", p->id},
            {"full_name", OptJson(p->full_name)},
            {"date_of_birth", OptJson(p->date_of_birth)},
            {"address", OptJson(p->address)},
            {"avatar_url", OptJson(p->avatar_url)},
            {"is_profile_complete", p->Complete()},
            {"created_at", FormatDt(p->created_at)},
            {"updated_at", FormatDt(p->updated_at)}};
}

json::object KycJson(const Kyc& k) {
    return {{"id", k.id},
            {"document_type", k.document_type},
            {"document_number", k.document_number},
            {"document_front_url", k.document_front_url},
            {"document_back_url", OptJson(k.document_back_url)},
            {"status", k.status},
            {"verified_at", OptDt(k.verified_at)},
            {"rejection_reason", OptJson(k.rejection_reason)},
            {"created_at", FormatDt(k.created_at)},
            {"updated_at", FormatDt(k.updated_at)}};
}

json::object DeviceJson(const Device& d) {
    return {{"id", d.id},
            {"device_id", d.device_id},
            {"fcm_token", d.fcm_token},
            {"device_type", d.device_type},
            {"device_name", OptJson(d.device_name)},
            {"app_version", OptJson(d.app_version)},
            {"os_version", OptJson(d.os_version)},
            {"is_active", d.is_active},
            {"last_used", FormatDt(d.last_used)}};
}

json::object AdminUserJson(const User& u, const std::optional<Profile>& p,
                           const std::string& kyc_status) {
    json::object profile{{"full_name", p ? OptJson(p->full_name) : nullptr},
                         {"date_of_birth", p ? OptJson(p->date_of_birth) : nullptr},
                         {"address", p ? OptJson(p->address) : nullptr},
                         {"is_profile_complete", p && p->Complete()}};
    return {{"id", u.id},
            {"email", OptJson(u.email)},
            {"phone_number", OptJson(u.phone_number)},
            {"username", u.username},
            {"profile_picture", OptJson(u.profile_picture)},
            {"referral_code", u.referral_code},
            {"status", u.status},
            {"is_active", u.status == "ACTIVE"},
            {"date_joined", FormatDt(u.date_joined)},
            {"last_login", OptDt(u.last_login)},
            {"profile_complete", p && p->Complete()},
            {"kyc_status", kyc_status},
            {"profile", std::move(profile)},
            {"social_provider", u.social_provider}};
}

}  // namespace ps::identity
