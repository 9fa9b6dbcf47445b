// SQL for users, profiles, KYC submissions and devices. Every function runs on the caller's
// connection (inside the caller's transaction when it has one).
#pragma once

#include <optional>
#include <vector>

#include "db/database.hpp"
#include "domains/identity/user.hpp"

namespace ps::identity::users {

// Reads the 12 user columns (id, username, email, phone_number, profile_picture, status,
// social_provider, referral_code, is_staff, is_superuser, date_joined, last_login) from `first`.
User UserFromRow(const db::Row& r, size_t first = 0);
Result<std::optional<User>> Find(db::Connection& c, int64_t id);
Result<std::optional<User>> FindByIdentifier(db::Connection& c, const Identifier& id);
Result<std::optional<User>> FindByEmail(db::Connection& c, const std::string& email);
Result<std::optional<int64_t>> FindIdByReferralCode(db::Connection& c, const std::string& code);
Result<bool> UsernameTaken(db::Connection& c, const std::string& username);
// Inserts and returns the new id (unique_violation on a taken username/email/phone).
Result<int64_t> Insert(db::Connection& c, const User& u, std::optional<int64_t> referred_by,
                       const std::optional<std::string>& password_hash);
Status SetLastLogin(db::Connection& c, int64_t id, Micros at);
Status SetStatus(db::Connection& c, int64_t id, const std::string& status, Micros at);
Result<std::optional<std::string>> PasswordHash(db::Connection& c, int64_t id);
Status SetPasswordHash(db::Connection& c, int64_t id, const std::string& hash, Micros at);
Status Delete(db::Connection& c, int64_t id);

Result<std::optional<Profile>> FindProfile(db::Connection& c, int64_t user_id);
Status SaveProfile(db::Connection& c, int64_t user_id, const Profile& p);

// Reads the 12 KYC columns (id, user_id, document_type, document_number, document_front_url,
// document_back_url, status, rejection_reason, verified_at, verified_by, created_at,
// updated_at) starting at column `first`, for queries that join more.
Kyc KycFromRow(const db::Row& r, size_t first = 0);
Result<std::optional<Kyc>> FindKyc(db::Connection& c, int64_t user_id);
Result<std::optional<Kyc>> FindKycById(db::Connection& c, const std::string& id);
Status SaveKyc(db::Connection& c, const Kyc& k);  // insert or update by user_id

}  // namespace ps::identity::users
