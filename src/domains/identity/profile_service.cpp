#include "domains/identity/profile_service.hpp"

#include "core/log.hpp"
#include "domains/identity/user_repository.hpp"

namespace ps::identity {

ProfileService::ProfileService(db::Database& db, const Clock& clock, Random& random)
    : db_(db), clock_(clock), random_(random) {}

Result<std::optional<Profile>> ProfileService::GetProfile(int64_t user_id) {
    return db_.Read([&](db::Connection& c) { return users::FindProfile(c, user_id); });
}

Result<Profile> ProfileService::UpdateProfile(int64_t user_id, const ProfileUpdate& u,
                                              bool replace) {
    return db_.Transact([&](db::Connection& c) -> Result<Profile> {
        Micros now = clock_.Now();
        ASSIGN_OR_RETURN(auto existing, users::FindProfile(c, user_id));
        Profile p = existing ? *existing : Profile{random_.Uuid(), {}, {}, {}, {}, now, now};
        auto apply = [&](const std::optional<std::optional<std::string>>& in,
                         std::optional<std::string>& field) {
            if (in) field = *in;
            else if (replace) field.reset();
        };
        apply(u.full_name, p.full_name);
        apply(u.date_of_birth, p.date_of_birth);
        apply(u.address, p.address);
        apply(u.avatar_url, p.avatar_url);
        p.updated_at = now;
        RETURN_IF_ERROR(users::SaveProfile(c, user_id, p));
        return p;
    });
}

Result<std::optional<Kyc>> ProfileService::GetKyc(int64_t user_id) {
    return db_.Read([&](db::Connection& c) { return users::FindKyc(c, user_id); });
}

Result<Kyc> ProfileService::SubmitKyc(int64_t user_id, const KycSubmission& s, bool create) {
    return db_.Transact([&](db::Connection& c) -> Result<Kyc> {
        Micros now = clock_.Now();
        ASSIGN_OR_RETURN(auto existing, users::FindKyc(c, user_id));
        if (!create && !existing)
            return NotFound("kyc_not_found", "No KYC submission to update. Submit one first.");
        if (existing && existing->status == "APPROVED")
            return FailedPrecondition("kyc_already_approved", "KYC is already approved.");
        Kyc k = existing ? *existing : Kyc{};
        if (!existing) {
            k.id = random_.Uuid();
            k.user_id = user_id;
            k.created_at = now;
        }
        if (s.document_type) k.document_type = *s.document_type;
        if (s.document_number) k.document_number = *s.document_number;
        if (s.document_front_url) k.document_front_url = *s.document_front_url;
        if (s.document_back_url) k.document_back_url = *s.document_back_url;
        k.status = "PENDING";
        k.rejection_reason.reset();
        k.verified_at.reset();
        k.verified_by.reset();
        k.updated_at = now;
        RETURN_IF_ERROR(users::SaveKyc(c, k));
        return k;
    });
}

}  // namespace ps::identity
