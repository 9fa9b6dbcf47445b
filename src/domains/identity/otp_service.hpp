// One-time codes for sign-in and sign-up: 6 digits, valid 5 minutes, stored as HMAC-SHA256,
// limited per identifier, per IP and per device, at most N wrong tries per code. A verified
// code yields a verification token (10 minutes, single use, stored hashed) that auth/complete
// exchanges for an account and tokens.
#pragma once

#include <string>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/identity/sender.hpp"
#include "domains/identity/user.hpp"

namespace ps::identity {

struct OtpOptions {
    std::string secret;  // keys the code hashes
    Micros code_ttl = 5 * kMinute;
    Micros verification_ttl = 10 * kMinute;
    int per_identifier_hour = 5;
    int per_ip_hour = 30;
    int per_device_hour = 10;
    int max_attempts = 5;
};

class OtpService {
public:
    OtpService(db::Database& db, const Clock& clock, Random& random, MessageSender& sender,
               OtpOptions opts);

    struct Sent {
        Identifier identifier;
        std::string purpose;  // LOGIN | REGISTER
    };
    Result<Sent> Request(std::string_view raw_identifier, const std::string& ip,
                         const std::string& device_id);

    struct Verified {
        Identifier identifier;
        std::string purpose;
        std::string verification_token;
    };
    Result<Verified> Verify(std::string_view raw_identifier, std::string_view code,
                            const std::string& ip);

    // Consumes a verification token for this identifier, inside the caller's transaction.
    Status ConsumeVerification(db::Connection& tx, const Identifier& id, std::string_view token);

    const OtpOptions& options() const { return opts_; }

private:
    std::string CodeHash(const std::string& identifier, std::string_view code) const;

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    MessageSender& sender_;
    OtpOptions opts_;
};

}  // namespace ps::identity
