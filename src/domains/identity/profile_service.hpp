// Profiles and KYC: the user's own profile (complete when full name, date of birth and address
// are set) and KYC documents (PENDING; staff decide APPROVED | REJECTED in domains/admin;
// resubmission -> PENDING).
#pragma once

#include <optional>
#include <string>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/identity/user.hpp"

namespace ps::identity {

struct ProfileUpdate {
    // For each field: not present -> unchanged (PATCH) or cleared (PUT); present -> set.
    std::optional<std::optional<std::string>> full_name, date_of_birth, address, avatar_url;
};

struct KycSubmission {
    std::optional<std::string> document_type, document_number, document_front_url;
    std::optional<std::optional<std::string>> document_back_url;
};

class ProfileService {
public:
    ProfileService(db::Database& db, const Clock& clock, Random& random);

    Result<std::optional<Profile>> GetProfile(int64_t user_id);
    Result<Profile> UpdateProfile(int64_t user_id, const ProfileUpdate& u, bool replace);
    Result<std::optional<Kyc>> GetKyc(int64_t user_id);
    // create=true: POST (all required fields); false: PATCH of an existing submission.
    Result<Kyc> SubmitKyc(int64_t user_id, const KycSubmission& s, bool create);
private:
    db::Database& db_;
    const Clock& clock_;
    Random& random_;
};

}  // namespace ps::identity
