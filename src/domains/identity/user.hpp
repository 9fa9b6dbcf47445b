// Identity types: users, profiles, KYC submissions, devices. No I/O here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace ps::identity {

struct User {
    int64_t id = 0;
    std::string username;
    std::optional<std::string> email, phone_number, profile_picture;
    std::string status = "ACTIVE";          // ACTIVE | BANNED | INACTIVE
    std::string social_provider = "EMAIL";  // EMAIL | PHONE | GOOGLE | APPLE
    std::string referral_code;
    bool is_staff = false, is_superuser = false;
    Micros date_joined = 0;
    std::optional<Micros> last_login;
};

struct Profile {
    std::string id;
    std::optional<std::string> full_name, date_of_birth, address, avatar_url;
    Micros created_at = 0, updated_at = 0;
    bool Complete() const { return full_name && date_of_birth && address; }
};

struct Kyc {
    std::string id;
    int64_t user_id = 0;
    std::string document_type = "CITIZENSHIP", document_number, document_front_url;
    std::optional<std::string> document_back_url, rejection_reason;
    std::string status = "PENDING";  // PENDING | APPROVED | REJECTED
    std::optional<Micros> verified_at;
    std::optional<int64_t> verified_by;
    Micros created_at = 0, updated_at = 0;
};

// An OTP identifier: a lowercase email, or a Nepal mobile number normalised to 10 digits
// (98/97 prefix; "+977"/"977" accepted and stripped).
struct Identifier {
    std::string value;
    bool is_email = false;
};
Result<Identifier> ParseIdentifier(std::string_view raw);
// 3..150 characters of letters, digits, '_', '.', '@', '+', '-' (Django's username rule).
bool ValidUsername(std::string_view s);

}  // namespace ps::identity
