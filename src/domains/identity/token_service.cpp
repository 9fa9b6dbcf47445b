#include "domains/identity/token_service.hpp"

#include <boost/json/object.hpp>

#include "domains/identity/jwt.hpp"

namespace ps::identity {

namespace json = boost::json;

namespace {
Error Invalid() { return Unauthenticated("token_not_valid", "Token is invalid or expired"); }

const json::string* StrClaim(const json::object& o, std::string_view k) {
    auto* v = o.if_contains(k);
    return v && v->is_string() ? &v->as_string() : nullptr;
}
int64_t IntClaim(const json::object& o, std::string_view k) {
    auto* v = o.if_contains(k);
    return v && v->is_int64() ? v->as_int64() : 0;
}
}  // namespace

TokenService::TokenService(db::Database& db, const Clock& clock, Random& random, TokenOptions opts)
    : db_(db), clock_(clock), random_(random), opts_(std::move(opts)) {}

Result<TokenPair> TokenService::Issue(db::Connection& tx, int64_t user_id, bool staff) {
    return IssueInFamily(tx, user_id, staff, random_.Token(16));
}

Result<TokenPair> TokenService::IssueInFamily(db::Connection& tx, int64_t user_id, bool staff,
                                              const std::string& family) {
    Micros now = clock_.Now();
    int64_t iat = now / kSecond;
    // Claim values are ASCII without '>', '?' or '~', so the payload never base64url-encodes
    // to '-' or '_' (the dashboard decodes it with atob).
    json::object access{{"token_type", "access"},
                        {"exp", iat + (staff ? opts_.staff_access_ttl : opts_.access_ttl) / kSecond},
                        {"iat", iat},
                        {"jti", random_.Uuid()},
                        {"user_id", user_id},
                        {"iss", opts_.issuer},
                        {"fam", family}};
    std::string jti = random_.Uuid();
    json::object refresh{{"token_type", "refresh"}, {"exp", iat + opts_.refresh_ttl / kSecond},
                         {"iat", iat}, {"jti", jti}, {"user_id", user_id},
                         {"iss", opts_.issuer}, {"fam", family}};
    RETURN_IF_ERROR(tx.Exec("INSERT INTO refresh_tokens (jti, family, user_id, expires_at, "
                            "created_at) VALUES (?, ?, ?, ?, ?)",
                            {jti, family, user_id, now + opts_.refresh_ttl, now}));
    return TokenPair{SignJwt(access, opts_.secret), SignJwt(refresh, opts_.secret)};
}

Result<Caller> TokenService::VerifyAccess(std::string_view token) const {
    ASSIGN_OR_RETURN(json::object c, VerifyJwt(token, opts_.secret));
    const json::string* type = StrClaim(c, "token_type");
    const json::string* iss = StrClaim(c, "iss");
    const json::string* fam = StrClaim(c, "fam");
    int64_t uid = IntClaim(c, "user_id");
    if (!type || *type != "access" || !iss || *iss != opts_.issuer || !fam || uid <= 0 ||
        IntClaim(c, "exp") * kSecond <= clock_.Now())
        return Invalid();
    std::string family(*fam);
    return db_.Read([&](db::Connection& conn) -> Result<Caller> {
        ASSIGN_OR_RETURN(auto row, conn.QueryOne(
            "SELECT u.status, u.is_staff, ap.role, ap.is_active, "
            "(SELECT COUNT(*) FROM revoked_families rf WHERE rf.family = ?) "
            "FROM users u LEFT JOIN admin_profiles ap ON ap.user_id = u.id WHERE u.id = ?",
            {family, uid}));
        if (!row || row->Str(0) != "ACTIVE" || row->Int(4) > 0) return Invalid();
        Caller caller{uid, row->Bool(1) && !row->IsNull(2) && row->Bool(3), "", family};
        if (caller.is_staff) caller.role = row->Str(2);
        return caller;
    });
}

Result<TokenService::RefreshClaims> TokenService::ParseRefresh(std::string_view token) const {
    ASSIGN_OR_RETURN(json::object c, VerifyJwt(token, opts_.secret));
    const json::string* type = StrClaim(c, "token_type");
    const json::string* jti = StrClaim(c, "jti");
    const json::string* fam = StrClaim(c, "fam");
    int64_t uid = IntClaim(c, "user_id");
    if (!type || *type != "refresh" || !jti || !fam || uid <= 0 ||
        IntClaim(c, "exp") * kSecond <= clock_.Now())
        return Invalid();
    return RefreshClaims{std::string(*jti), std::string(*fam), uid};
}

Status TokenService::RevokeFamily(db::Connection& tx, const std::string& family, Micros now) {
    RETURN_IF_ERROR(tx.Exec("UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND "
                            "revoked_at IS NULL", {now, family}));
    RETURN_IF_ERROR(tx.Exec("INSERT INTO revoked_families (family, revoked_at) VALUES (?, ?) "
                            "ON CONFLICT (family) DO NOTHING", {family, now}));
    return Ok{};
}

Status TokenService::RevokeAllForUser(db::Connection& tx, int64_t user_id, Micros now) {
    RETURN_IF_ERROR(tx.Exec(
        "INSERT INTO revoked_families (family, revoked_at) SELECT DISTINCT family, "
        "CAST(? AS BIGINT) FROM refresh_tokens WHERE user_id = ? AND revoked_at IS NULL "
        "ON CONFLICT (family) DO NOTHING", {now, user_id}));
    RETURN_IF_ERROR(tx.Exec(
        "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
        {now, user_id}));
    return Ok{};
}

Result<TokenService::Rotation> TokenService::Rotate(std::string_view refresh) {
    ASSIGN_OR_RETURN(RefreshClaims rc, ParseRefresh(refresh));
    // Reuse detection commits the revocation, so the outcome is returned, not an error.
    struct Outcome {
        bool reused = false;
        Rotation rotation;
    };
    ASSIGN_OR_RETURN(Outcome out, db_.Transact([&](db::Connection& tx) -> Result<Outcome> {
        Micros now = clock_.Now();
        ASSIGN_OR_RETURN(int64_t n, tx.Exec(
            "UPDATE refresh_tokens SET rotated_at = ? WHERE jti = ? AND user_id = ? AND "
            "rotated_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
            {now, rc.jti, rc.user_id, now}));
        Outcome o;
        if (n == 0) {
            RETURN_IF_ERROR(RevokeFamily(tx, rc.family, now));
            o.reused = true;
            return o;
        }
        ASSIGN_OR_RETURN(auto user, tx.QueryOne(
            "SELECT u.status, u.is_staff, ap.is_active FROM users u LEFT JOIN admin_profiles ap "
            "ON ap.user_id = u.id WHERE u.id = ?", {rc.user_id}));
        if (!user || user->Str(0) != "ACTIVE") return Invalid();
        bool staff = user->Bool(1) && !user->IsNull(2) && user->Bool(2);
        ASSIGN_OR_RETURN(o.rotation.tokens, IssueInFamily(tx, rc.user_id, staff, rc.family));
        o.rotation.user_id = rc.user_id;
        return o;
    }));
    if (out.reused) return Invalid();
    return std::move(out.rotation);
}

Status TokenService::Revoke(std::string_view refresh, int64_t user_id) {
    auto rc = ParseRefresh(refresh);
    if (!rc.ok())
        return FailedPrecondition("invalid_refresh_token",
                                  "Invalid refresh token. You may already be logged out.");
    if (rc->user_id != user_id)
        return FailedPrecondition("logout_failed", "This refresh token belongs to another account.");
    return db_.Transact([&](db::Connection& tx) -> Status {
        ASSIGN_OR_RETURN(auto row, tx.QueryOne(
            "SELECT revoked_at FROM refresh_tokens WHERE jti = ?", {rc->jti}));
        if (!row || !row->IsNull(0))
            return FailedPrecondition("invalid_refresh_token",
                                      "Invalid refresh token. You may already be logged out.");
        return RevokeFamily(tx, rc->family, clock_.Now());
    });
}

}  // namespace ps::identity
