#include "domains/identity/user_repository.hpp"

namespace ps::identity::users {

namespace {

constexpr const char* kUserCols =
    "id, username, email, phone_number, profile_picture, status, social_provider, "
    "referral_code, is_staff, is_superuser, date_joined, last_login";

Result<std::optional<User>> FindWhere(db::Connection& c, const std::string& where,
                                      const db::Params& params) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string("SELECT ") + kUserCols +
                                              " FROM users WHERE " + where, params));
    if (!row) return std::optional<User>{};
    return std::optional<User>{UserFromRow(*row)};
}

constexpr const char* kKycCols =
    "id, user_id, document_type, document_number, document_front_url, document_back_url, "
    "status, rejection_reason, verified_at, verified_by, created_at, updated_at";

}  // namespace

User UserFromRow(const db::Row& r, size_t f) {
    User u;
    u.id = r.Int(f);
    u.username = r.Str(f + 1);
    u.email = r.OptStr(f + 2);
    u.phone_number = r.OptStr(f + 3);
    u.profile_picture = r.OptStr(f + 4);
    u.status = r.Str(f + 5);
    u.social_provider = r.Str(f + 6);
    u.referral_code = r.Str(f + 7);
    u.is_staff = r.Bool(f + 8);
    u.is_superuser = r.Bool(f + 9);
    u.date_joined = r.Int(f + 10);
    u.last_login = r.OptInt(f + 11);
    return u;
}

Result<std::optional<User>> Find(db::Connection& c, int64_t id) {
    return FindWhere(c, "id = ?", {id});
}

Result<std::optional<User>> FindByIdentifier(db::Connection& c, const Identifier& id) {
    return FindWhere(c, id.is_email ? "email = ?" : "phone_number = ?", {id.value});
}

Result<std::optional<User>> FindByEmail(db::Connection& c, const std::string& email) {
    return FindWhere(c, "email = ?", {email});
}

Result<std::optional<int64_t>> FindIdByReferralCode(db::Connection& c, const std::string& code) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT id FROM users WHERE referral_code = ?", {code}));
    if (!row) return std::optional<int64_t>{};
    return std::optional<int64_t>{row->Int(0)};
}

Result<bool> UsernameTaken(db::Connection& c, const std::string& username) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT 1 FROM users WHERE LOWER(username) = LOWER(?)",
                                          {username}));
    return row.has_value();
}

Result<int64_t> Insert(db::Connection& c, const User& u, std::optional<int64_t> referred_by,
                       const std::optional<std::string>& password_hash) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(
        "INSERT INTO users (username, email, phone_number, status, social_provider, "
        "referral_code, referred_by, is_staff, is_superuser, password_hash, date_joined, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {u.username, u.email, u.phone_number, u.status, u.social_provider, u.referral_code,
         referred_by, u.is_staff, u.is_superuser, password_hash, u.date_joined, u.date_joined}));
    return row->Int(0);
}

Status SetLastLogin(db::Connection& c, int64_t id, Micros at) {
    RETURN_IF_ERROR(c.Exec("UPDATE users SET last_login = ? WHERE id = ?", {at, id}));
    return Ok{};
}

Status SetStatus(db::Connection& c, int64_t id, const std::string& status, Micros at) {
    RETURN_IF_ERROR(c.Exec("UPDATE users SET status = ?, updated_at = ? WHERE id = ?",
                           {status, at, id}));
    return Ok{};
}

Result<std::optional<std::string>> PasswordHash(db::Connection& c, int64_t id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT password_hash FROM users WHERE id = ?", {id}));
    if (!row) return std::optional<std::string>{};
    return row->OptStr(0);
}

Status SetPasswordHash(db::Connection& c, int64_t id, const std::string& hash, Micros at) {
    RETURN_IF_ERROR(c.Exec("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                           {hash, at, id}));
    return Ok{};
}

Status Delete(db::Connection& c, int64_t id) {
    RETURN_IF_ERROR(c.Exec("DELETE FROM users WHERE id = ?", {id}));
    return Ok{};
}

Result<std::optional<Profile>> FindProfile(db::Connection& c, int64_t user_id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(
        "SELECT id, full_name, date_of_birth, address, avatar_url, created_at, updated_at "
        "FROM user_profiles WHERE user_id = ?", {user_id}));
    if (!row) return std::optional<Profile>{};
    Profile p{row->Str(0), row->OptStr(1), row->OptStr(2), row->OptStr(3), row->OptStr(4),
              row->Int(5), row->Int(6)};
    return std::optional<Profile>{std::move(p)};
}

Status SaveProfile(db::Connection& c, int64_t user_id, const Profile& p) {
    RETURN_IF_ERROR(c.Exec(
        "INSERT INTO user_profiles (id, user_id, full_name, date_of_birth, address, avatar_url, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE "
        "SET full_name = excluded.full_name, date_of_birth = excluded.date_of_birth, "
        "address = excluded.address, avatar_url = excluded.avatar_url, "
        "updated_at = excluded.updated_at",
        {p.id, user_id, p.full_name, p.date_of_birth, p.address, p.avatar_url, p.created_at,
         p.updated_at}));
    return Ok{};
}

Kyc KycFromRow(const db::Row& r, size_t f) {
    Kyc k;
    k.id = r.Str(f);
    k.user_id = r.Int(f + 1);
    k.document_type = r.Str(f + 2);
    k.document_number = r.Str(f + 3);
    k.document_front_url = r.Str(f + 4);
    k.document_back_url = r.OptStr(f + 5);
    k.status = r.Str(f + 6);
    k.rejection_reason = r.OptStr(f + 7);
    k.verified_at = r.OptInt(f + 8);
    k.verified_by = r.OptInt(f + 9);
    k.created_at = r.Int(f + 10);
    k.updated_at = r.Int(f + 11);
    return k;
}

Result<std::optional<Kyc>> FindKyc(db::Connection& c, int64_t user_id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string("SELECT ") + kKycCols +
                                              " FROM kyc_submissions WHERE user_id = ?", {user_id}));
    if (!row) return std::optional<Kyc>{};
    return std::optional<Kyc>{KycFromRow(*row)};
}

Result<std::optional<Kyc>> FindKycById(db::Connection& c, const std::string& id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string("SELECT ") + kKycCols +
                                              " FROM kyc_submissions WHERE id = ?", {id}));
    if (!row) return std::optional<Kyc>{};
    return std::optional<Kyc>{KycFromRow(*row)};
}

Status SaveKyc(db::Connection& c, const Kyc& k) {
    RETURN_IF_ERROR(c.Exec(
        "INSERT INTO kyc_submissions (id, user_id, document_type, document_number, "
        "document_front_url, document_back_url, status, rejection_reason, verified_at, "
        "verified_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET document_type = excluded.document_type, "
        "document_number = excluded.document_number, "
        "document_front_url = excluded.document_front_url, "
        "document_back_url = excluded.document_back_url, status = excluded.status, "
        "rejection_reason = excluded.rejection_reason, verified_at = excluded.verified_at, "
        "verified_by = excluded.verified_by, updated_at = excluded.updated_at",
        {k.id, k.user_id, k.document_type, k.document_number, k.document_front_url,
         k.document_back_url, k.status, k.rejection_reason, k.verified_at, k.verified_by,
         k.created_at, k.updated_at}));
    return Ok{};
}

}  // namespace ps::identity::users
