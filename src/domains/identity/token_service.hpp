// Access and refresh tokens. Access tokens are short-lived JWTs (users and staff have separate
// lifetimes); refresh tokens are JWTs recorded in refresh_tokens, rotated on every use, grouped
// in families: presenting a rotated (or revoked) refresh token revokes its whole family, and
// the access tokens issued in it. Logout revokes the family.
#pragma once

#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "db/database.hpp"

namespace ps::identity {

struct TokenOptions {
    std::string secret;
    std::string issuer = "PowerShare";
    Micros access_ttl = kHour;
    Micros staff_access_ttl = kDay;
    Micros refresh_ttl = 90 * kDay;
};

struct TokenPair {
    std::string access;
    std::string refresh;
};

struct Caller {
    int64_t user_id = 0;
    bool is_staff = false;
    std::string role;
    std::string family;
};

class TokenService {
public:
    TokenService(db::Database& db, const Clock& clock, Random& random, TokenOptions opts);

    // Starts a new family for user_id, inside the caller's transaction.
    Result<TokenPair> Issue(db::Connection& tx, int64_t user_id, bool staff);
    // Signature, type, expiry, issuer, then the account (exists, active) and family (not
    // revoked) in one query.
    Result<Caller> VerifyAccess(std::string_view token) const;

    struct Rotation {
        TokenPair tokens;
        int64_t user_id = 0;
    };
    Result<Rotation> Rotate(std::string_view refresh);
    // Revokes the family of this refresh token; it must belong to user_id.
    Status Revoke(std::string_view refresh, int64_t user_id);
    // Ends every session of a user (ban, staff removal, password reset), inside the caller's
    // transaction: all refresh families and the access tokens issued in them.
    static Status RevokeAllForUser(db::Connection& tx, int64_t user_id, Micros now);

private:
    struct RefreshClaims {
        std::string jti, family;
        int64_t user_id = 0;
    };
    Result<RefreshClaims> ParseRefresh(std::string_view token) const;
    Result<TokenPair> IssueInFamily(db::Connection& tx, int64_t user_id, bool staff,
                                    const std::string& family);
    static Status RevokeFamily(db::Connection& tx, const std::string& family, Micros now);

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    TokenOptions opts_;
};

}  // namespace ps::identity
