#include "domains/identity/auth_routes.hpp"

#include "core/time_format.hpp"
#include "http/envelope.hpp"
#include "http/fields.hpp"

namespace ps::identity {

namespace json = boost::json;
using http::Auth;
using http::Fields;
using http::Request;
using http::Response;

namespace {

json::object TokensJson(const TokenPair& t) { return {{"access", t.access}, {"refresh", t.refresh}}; }

Response OtpRequest(IdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    auto identifier = f.Str("identifier", true, 254);
    f.OnlyKnown({"identifier"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto sent, s.otp.Request(*identifier, req.ClientIp(),
                                               std::string(req.Header("x-device-id"))));
    std::string lower = sent.purpose == "LOGIN" ? "login" : "register";
    return http::Success("OTP sent successfully",
                         json::object{{"message", "OTP sent successfully for " + lower},
                                      {"purpose", sent.purpose},
                                      {"expires_in_minutes", s.otp.options().code_ttl / kMinute},
                                      {"identifier", sent.identifier.value}});
}

Response OtpVerify(IdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    auto identifier = f.Str("identifier", true, 254);
    auto otp = f.Str("otp", true, 6, 6);
    f.OnlyKnown({"identifier", "otp"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto v, s.otp.Verify(*identifier, *otp, req.ClientIp()));
    return http::Success("OTP verified successfully",
                         json::object{{"verification_token", v.verification_token},
                                      {"message", "OTP verified successfully"},
                                      {"purpose", v.purpose},
                                      {"identifier", v.identifier.value},
                                      {"expires_in_minutes", s.otp.options().verification_ttl / kMinute}});
}

Response Complete(IdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    auto identifier = f.Str("identifier", true, 254);
    auto token = f.Str("verification_token", true, 64);
    auto username = f.Str("username", false, 150);
    auto referral = f.Str("referral_code", false, 32);
    f.OnlyKnown({"identifier", "verification_token", "username", "referral_code"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto done, s.accounts.Complete(*identifier, *token, username, referral));
    return http::Success("Authentication completed successfully",
                         json::object{{"message", done.registered ? "Registration successful" : "Login successful"},
                                      {"user", UserBriefJson(done.user)},
                                      {"tokens", TokensJson(done.tokens)}});
}

Response Refresh(IdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    auto refresh = f.Str("refresh", true, 4096);
    f.OnlyKnown({"refresh"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto rot, s.accounts.Refresh(*refresh));
    ASSIGN_OR_RESPOND(auto user, s.accounts.FindUser(rot.user_id));
    json::object u = UserBriefJson(user);
    u.erase("phone_number");
    return http::Success("Token refreshed successfully",
                         json::object{{"access", rot.tokens.access},
                                      {"refresh", rot.tokens.refresh},
                                      {"user", std::move(u)},
                                      {"expires_in", 3600},
                                      {"token_type", "Bearer"}});
}

Response Logout(IdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    auto refresh = f.Str("refresh_token", true, 4096);
    f.OnlyKnown({"refresh_token"});
    RESPOND_IF_ERROR(f.Finish());
    RESPOND_IF_ERROR(s.tokens.Revoke(*refresh, req.principal->user_id));
    return http::Success("Logout successful",
                         json::object{{"message", "Logout successful"},
                                      {"user_id", std::to_string(req.principal->user_id)},
                                      {"logged_out_at", FormatDtU(s.clock.Now())}});
}

Response DeviceRoute(IdentityServices& s, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    identity::Device d;
    auto device_id = f.Str("device_id", true, 255);
    auto fcm = f.Str("fcm_token", true, 4096);
    auto type = f.Enum("device_type", true, {"ANDROID", "IOS", "WEB"});
    d.device_name = f.Str("device_name", false, 255);
    d.app_version = f.Str("app_version", false, 50);
    d.os_version = f.Str("os_version", false, 50);
    d.is_active = f.Bool("is_active", false).value_or(true);
    f.OnlyKnown({"device_id", "fcm_token", "device_type", "device_name", "app_version",
                 "os_version", "is_active"});
    RESPOND_IF_ERROR(f.Finish());
    d.device_id = *device_id;
    d.fcm_token = *fcm;
    d.device_type = *type;
    ASSIGN_OR_RESPOND(auto saved, s.accounts.RegisterDevice(req.principal->user_id, std::move(d)));
    return http::Success("Device registered successfully", DeviceJson(saved));
}

}  // namespace

void RegisterAuthRoutes(http::Router& r, IdentityServices s) {
    auto bind = [&](auto fn) { return [s, fn](Request& req) mutable { return fn(s, req); }; };
    r.Add("POST", "/api/auth/otp/request", Auth::kNone, bind(OtpRequest));
    r.Add("POST", "/api/auth/otp/verify", Auth::kNone, bind(OtpVerify));
    r.Add("POST", "/api/auth/complete", Auth::kNone, bind(Complete));
    r.Add("POST", "/api/auth/refresh", Auth::kNone, bind(Refresh));
    r.Add("POST", "/api/auth/logout", Auth::kUser, bind(Logout));
    r.Add("POST", "/api/auth/device", Auth::kUser, bind(DeviceRoute));
    r.Add("DELETE", "/api/auth/account", Auth::kUser, [s](Request& req) mutable {
        RESPOND_IF_ERROR(s.accounts.DeleteAccount(req.principal->user_id));
        return http::Success("Account deleted successfully",
                             json::object{{"message", "Account deleted successfully"}});
    });
}

}  // namespace ps::identity
