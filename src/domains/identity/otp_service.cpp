#include "domains/identity/otp_service.hpp"

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "db/rate_limit.hpp"
#include "domains/identity/user_repository.hpp"

namespace ps::identity {

namespace {
auto Log() {
    static auto l = Logger("identity");
    return l;
}
}  // namespace

OtpService::OtpService(db::Database& db, const Clock& clock, Random& random, MessageSender& sender,
                       OtpOptions opts)
    : db_(db), clock_(clock), random_(random), sender_(sender), opts_(std::move(opts)) {}

std::string OtpService::CodeHash(const std::string& identifier, std::string_view code) const {
    return HexEncode(HmacSha256(opts_.secret, "otp:" + identifier + ":" + std::string(code)));
}

Result<OtpService::Sent> OtpService::Request(std::string_view raw, const std::string& ip,
                                             const std::string& device_id) {
    ASSIGN_OR_RETURN(Identifier id, ParseIdentifier(raw));
    Micros now = clock_.Now();
    RETURN_IF_ERROR(db_.Transact([&](db::Connection& c) -> Status {
        RETURN_IF_ERROR(db::ConsumeRateLimit(c, "otp:id:" + id.value, opts_.per_identifier_hour, kHour, now));
        RETURN_IF_ERROR(db::ConsumeRateLimit(c, "otp:ip:" + ip, opts_.per_ip_hour, kHour, now));
        if (!device_id.empty())
            RETURN_IF_ERROR(db::ConsumeRateLimit(c, "otp:dev:" + device_id, opts_.per_device_hour, kHour, now));
        return Ok{};
    }));
    std::string code = random_.Digits(6);
    ASSIGN_OR_RETURN(std::string purpose, db_.Transact([&](db::Connection& c) -> Result<std::string> {
        ASSIGN_OR_RETURN(auto user, users::FindByIdentifier(c, id));
        std::string p = user ? "LOGIN" : "REGISTER";
        RETURN_IF_ERROR(c.Exec(
            "INSERT INTO otp_codes (identifier, purpose, code_hash, attempts, expires_at, "
            "created_at) VALUES (?, ?, ?, 0, ?, ?) ON CONFLICT (identifier) DO UPDATE SET "
            "purpose = excluded.purpose, code_hash = excluded.code_hash, attempts = 0, "
            "expires_at = excluded.expires_at, created_at = excluded.created_at",
            {id.value, p, CodeHash(id.value, code), now + opts_.code_ttl, now}));
        return p;
    }));
    std::string text = "Your PowerShare verification code is " + code + ". It expires in " +
                       std::to_string(opts_.code_ttl / kMinute) + " minutes.";
    Status sent = sender_.Send(id.is_email ? Channel::kEmail : Channel::kSms, id.value,
                               "Your PowerShare verification code", text);
    if (!sent.ok()) {
        Log()->error("otp send failed to={} error={}", MaskIdentifier(id.value), sent.error().message);
        return Unavailable("otp_send_failed", "Unable to send OTP. Please try again.");
    }
    Log()->info("otp sent to={} purpose={}", MaskIdentifier(id.value), purpose);
    return Sent{id, purpose};
}

Result<OtpService::Verified> OtpService::Verify(std::string_view raw, std::string_view code,
                                                const std::string& ip) {
    ASSIGN_OR_RETURN(Identifier id, ParseIdentifier(raw));
    if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string_view::npos)
        return FieldError("otp", "Ensure this field has 6 digits.");
    Micros now = clock_.Now();
    RETURN_IF_ERROR(db_.Transact([&](db::Connection& c) -> Status {
        return db::ConsumeRateLimit(c, "otpv:ip:" + ip, opts_.per_ip_hour * opts_.max_attempts, kHour, now);
    }));
    // A wrong code must count even though the answer is an error: the outcome is committed.
    struct Outcome {
        std::optional<Error> error;
        Verified ok;
    };
    ASSIGN_OR_RETURN(Outcome out, db_.Transact([&](db::Connection& c) -> Result<Outcome> {
        Outcome o;
        ASSIGN_OR_RETURN(auto row, c.QueryOne(
            "SELECT purpose, code_hash, attempts, expires_at FROM otp_codes WHERE identifier = ?",
            {id.value}));
        if (!row || row->Int(3) <= now) {
            o.error = FailedPrecondition("otp_expired", "OTP has expired. Please request a new one.");
            return o;
        }
        if (row->Int(2) >= opts_.max_attempts) {
            o.error = Error{ErrorCode::kResourceExhausted, "otp_attempts_exceeded",
                            "Too many wrong attempts. Please request a new OTP."};
            return o;
        }
        if (!ConstantTimeEquals(row->Str(1), CodeHash(id.value, code))) {
            RETURN_IF_ERROR(c.Exec("UPDATE otp_codes SET attempts = attempts + 1 WHERE identifier = ?",
                                   {id.value}));
            o.error = FailedPrecondition("invalid_otp", "The OTP you entered is incorrect. Please try again.");
            return o;
        }
        RETURN_IF_ERROR(c.Exec("DELETE FROM otp_codes WHERE identifier = ?", {id.value}));
        o.ok = {id, row->Str(0), random_.Uuid()};
        RETURN_IF_ERROR(c.Exec(
            "INSERT INTO verification_tokens (token_hash, identifier, purpose, expires_at) "
            "VALUES (?, ?, ?, ?)",
            {HexEncode(Sha256(o.ok.verification_token)), id.value, o.ok.purpose,
             now + opts_.verification_ttl}));
        return o;
    }));
    if (out.error) {
        Log()->info("otp verify refused to={} reason={}", MaskIdentifier(id.value), out.error->slug);
        return *out.error;
    }
    return out.ok;
}

Status OtpService::ConsumeVerification(db::Connection& tx, const Identifier& id,
                                       std::string_view token) {
    Micros now = clock_.Now();
    std::string hash = HexEncode(Sha256(token));
    ASSIGN_OR_RETURN(auto row, tx.QueryOne(
        "SELECT identifier, expires_at, used_at FROM verification_tokens WHERE token_hash = ?",
        {hash}));
    if (!row || !row->IsNull(2) || row->Int(1) <= now)
        return FailedPrecondition("verification_token_expired",
                                  "Verification session has expired. Please start over.");
    if (row->Str(0) != id.value)
        return FailedPrecondition("identifier_mismatch",
                                  "The identifier does not match the verified one.");
    RETURN_IF_ERROR(tx.Exec("UPDATE verification_tokens SET used_at = ? WHERE token_hash = ?",
                            {now, hash}));
    return Ok{};
}

}  // namespace ps::identity
