// The admin user and KYC lists (staff_repository.hpp).
#include "domains/admin/staff_repository.hpp"
#include "domains/identity/user_repository.hpp"

namespace ps::admin::staff_repo {

namespace {

constexpr const char* kUserSelect =
    "SELECT u.id, u.username, u.email, u.phone_number, u.profile_picture, u.status, "
    "u.social_provider, u.referral_code, u.is_staff, u.is_superuser, u.date_joined, "
    "u.last_login, p.id, p.full_name, p.date_of_birth, p.address, p.avatar_url, p.created_at, "
    "p.updated_at, k.status FROM users u LEFT JOIN user_profiles p ON p.user_id = u.id "
    "LEFT JOIN kyc_submissions k ON k.user_id = u.id ";

UserRow ToUserRow(const db::Row& r) {
    UserRow row;
    row.user = identity::users::UserFromRow(r);
    if (!r.IsNull(12))
        row.profile = identity::Profile{r.Str(12),    r.OptStr(13), r.OptStr(14), r.OptStr(15),
                                        r.OptStr(16), r.Int(17),    r.Int(18)};
    if (!r.IsNull(19)) row.kyc_status = r.Str(19);
    return row;
}

std::string UserWhere(const UserFilter& f, db::Params& params) {
    std::string where = "WHERE 1 = 1 ";
    if (f.status) {
        where += "AND u.status = ? ";
        params.emplace_back(*f.status);
    }
    if (f.search) {
        where +=
            "AND (LOWER(u.username) LIKE ? ESCAPE '!' OR LOWER(u.email) LIKE ? ESCAPE '!' "
            "OR u.phone_number LIKE ? ESCAPE '!') ";
        std::string pattern = db::ContainsPattern(*f.search);
        for (int i = 0; i < 3; ++i) params.emplace_back(pattern);
    }
    return where;
}

constexpr const char* kKycSelect =
    "SELECT k.id, k.user_id, k.document_type, k.document_number, k.document_front_url, "
    "k.document_back_url, k.status, k.rejection_reason, k.verified_at, k.verified_by, "
    "k.created_at, k.updated_at, u.username, u.email, u.phone_number, v.username "
    "FROM kyc_submissions k JOIN users u ON u.id = k.user_id "
    "LEFT JOIN users v ON v.id = k.verified_by ";

KycRow ToKycRow(const db::Row& r) {
    KycRow row;
    row.kyc = identity::users::KycFromRow(r);
    row.username = r.Str(12);
    row.email = r.OptStr(13);
    row.phone_number = r.OptStr(14);
    row.verified_by_username = r.OptStr(15);
    return row;
}

}  // namespace

Result<int64_t> CountUsers(db::Connection& c, const UserFilter& f) {
    db::Params params;
    std::string where = UserWhere(f, params);
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COUNT(*) FROM users u " + where, params));
    return row ? row->Int(0) : 0;
}

Result<std::vector<UserRow>> ListUsers(db::Connection& c, const UserFilter& f, int64_t limit,
                                       int64_t offset) {
    db::Params params;
    std::string sql = kUserSelect + UserWhere(f, params) +
                      "ORDER BY u.date_joined DESC, u.id DESC LIMIT ? OFFSET ?";
    params.emplace_back(limit);
    params.emplace_back(offset);
    ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
    std::vector<UserRow> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(ToUserRow(r));
    return out;
}

Result<std::optional<UserRow>> FindUser(db::Connection& c, int64_t id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string(kUserSelect) + "WHERE u.id = ?", {id}));
    if (!row) return std::optional<UserRow>{};
    return std::optional<UserRow>{ToUserRow(*row)};
}

Result<int64_t> CountKyc(db::Connection& c, const std::optional<std::string>& status) {
    ASSIGN_OR_RETURN(auto row, status ? c.QueryOne("SELECT COUNT(*) FROM kyc_submissions "
                                                   "WHERE status = ?",
                                                   {*status})
                                      : c.QueryOne("SELECT COUNT(*) FROM kyc_submissions"));
    return row ? row->Int(0) : 0;
}

Result<std::vector<KycRow>> ListKyc(db::Connection& c, const std::optional<std::string>& status,
                                    int64_t limit, int64_t offset) {
    constexpr const char* kOrder = "ORDER BY k.created_at DESC, k.id LIMIT ? OFFSET ?";
    auto rows = status ? c.Query(std::string(kKycSelect) + "WHERE k.status = ? " + kOrder,
                                 {*status, limit, offset})
                       : c.Query(std::string(kKycSelect) + kOrder, {limit, offset});
    if (!rows.ok()) return std::move(rows).error();
    std::vector<KycRow> out;
    out.reserve(rows->size());
    for (const auto& r : *rows) out.push_back(ToKycRow(r));
    return out;
}

}  // namespace ps::admin::staff_repo
