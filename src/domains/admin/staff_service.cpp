#include "domains/admin/staff_service.hpp"
#include "domains/identity/token_service.hpp"

#include "core/log.hpp"
#include "db/rate_limit.hpp"
#include "domains/admin/audit.hpp"
#include "domains/admin/staff_repository.hpp"
#include "domains/identity/password.hpp"
#include "domains/identity/user_repository.hpp"

namespace ps::admin {

namespace json = boost::json;

namespace {

auto Log() {
    static auto l = Logger("admin");
    return l;
}

Error Denied(std::string msg) { return FailedPrecondition("permission_denied", std::move(msg)); }

AuditEntry Entry(const Actor& a, std::string action, std::string target_id, json::object changes,
                 std::string description) {
    return AuditEntry{
        a.user_id,          std::move(action),      "AdminProfile", std::move(target_id),
        std::move(changes), std::move(description), a.ip_address,   a.user_agent};
}

std::string Who(const AdminProfile& p) { return p.email ? *p.email : p.username; }

}  // namespace

StaffService::StaffService(db::Database& db, const Clock& clock, Random& random,
                           identity::AccountService& accounts, LoginLimits limits)
    : db_(db), clock_(clock), random_(random), accounts_(accounts), limits_(limits) {}

Result<identity::AccountService::StaffLogin> StaffService::Login(std::string_view email,
                                                                 std::string_view password,
                                                                 const std::string& ip) {
    std::string lower(email);
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const std::string buckets[] = {"admin_login:email:" + lower, "admin_login:ip:" + ip};
    Micros now = clock_.Now();
    ASSIGN_OR_RETURN(bool blocked, db_.Read([&](db::Connection& c) -> Result<bool> {
        for (const auto& b : buckets) {
            ASSIGN_OR_RETURN(int64_t n, db::RateLimitCount(c, b, limits_.window, now));
            if (n >= limits_.max_failures) return true;
        }
        return false;
    }));
    if (blocked) {
        int64_t retry = (limits_.window - now % limits_.window) / kSecond + 1;
        Log()->warn("staff login refused reason=too_many_failures ip={}", ip);
        return Error{
            ErrorCode::kResourceExhausted,
            "rate_limit_exceeded",
            "Too many failed login attempts. Try again in " + std::to_string(retry) + " seconds.",
            {{"retry_after_seconds", retry}}};
    }
    auto login = accounts_.LoginStaff(lower, password);
    if (!login.ok() && login.error().code == ErrorCode::kFailedPrecondition) {
        // Count the failure; ConsumeRateLimit's own refusal only means the limit is now reached.
        auto counted = db_.Transact([&](db::Connection& c) -> Status {
            for (const auto& b : buckets)
                (void)db::ConsumeRateLimit(c, b, limits_.max_failures, limits_.window, now);
            return Ok{};
        });
        if (!counted.ok()) return std::move(counted).error();
    }
    return login;
}

Result<AdminProfile> StaffService::LoadProfile(db::Connection& c, const std::string& id) {
    ASSIGN_OR_RETURN(auto p, staff_repo::FindProfile(c, id));
    if (!p) return NotFound("profile_not_found", "Admin profile not found");
    return *p;
}

Result<AdminProfile> StaffService::Me(const Actor& actor) {
    return db_.Read([&](db::Connection& c) -> Result<AdminProfile> {
        ASSIGN_OR_RETURN(auto p, staff_repo::FindProfileByUser(c, actor.user_id));
        if (!p) return NotFound("profile_not_found", "Admin profile not found");
        return *p;
    });
}

Result<std::vector<AdminProfile>> StaffService::ListProfiles() {
    return db_.Read([&](db::Connection& c) { return staff_repo::ListProfiles(c); });
}

Result<AdminProfile> StaffService::GetProfile(const std::string& id) {
    return db_.Read([&](db::Connection& c) { return LoadProfile(c, id); });
}

Result<AdminProfile> StaffService::CreateProfile(const Actor& actor, const NewProfile& np) {
    if (!PermissionsFor(actor.role).manage_admins)
        return Denied("Only a super admin can create admin profiles.");
    if (!ValidRole(np.role))
        return FieldError("role", "\"" + np.role + "\" is not a valid choice.");
    RETURN_IF_ERROR(identity::CheckPasswordPolicy(np.password));
    ASSIGN_OR_RETURN(std::string hash, identity::HashPassword(np.password, random_));
    auto created = db_.Transact([&](db::Connection& c) -> Result<AdminProfile> {
        ASSIGN_OR_RETURN(auto user, identity::users::Find(c, np.user_id));
        if (!user) return FailedPrecondition("user_not_found", "User not found");
        ASSIGN_OR_RETURN(auto existing, staff_repo::FindProfileByUser(c, np.user_id));
        if (existing)
            return FailedPrecondition("profile_exists",
                                      "Admin profile already exists for this user");
        if (!user->email)
            return FieldError("user", "This user has no email address to sign in with.");
        if (user->status != "ACTIVE")
            return FailedPrecondition("user_not_active", "Only an active user can become staff.");
        Micros now = clock_.Now();
        AdminProfile p;
        p.id = random_.Uuid();
        p.user_id = user->id;
        p.role = np.role;
        p.created_at = p.updated_at = now;
        RETURN_IF_ERROR(identity::users::SetPasswordHash(c, user->id, hash, now));
        RETURN_IF_ERROR(staff_repo::SetStaffFlags(c, user->id, true, p.IsSuperAdmin(), now));
        RETURN_IF_ERROR(staff_repo::InsertProfile(c, p, actor.user_id));
        RETURN_IF_ERROR(RecordAudit(c, clock_, random_,
                                    Entry(actor, "CREATE_ADMIN", p.id,
                                          {{"role", p.role},
                                           {"user_id", std::to_string(user->id)},
                                           {"user_email", *user->email}},
                                          "Created " + p.role + " profile for " + *user->email)));
        return LoadProfile(c, p.id);
    });
    if (created.ok())
        Log()->info("admin profile created profile_id={} user_id={} role={} by={}", created->id,
                    created->user_id, created->role, actor.user_id);
    return created;
}

Status StaffService::CheckProfileChange(const Actor& actor, const AdminProfile& target,
                                        const ProfileChange& c) {
    bool self = target.user_id == actor.user_id;
    if (!PermissionsFor(actor.role).manage_admins) {
        if (!self) return Denied("Only a super admin can change other admin profiles.");
        if (c.role || c.is_active)
            return Denied("Only a super admin can change roles or activation.");
        return Ok{};
    }
    if (self && c.role && *c.role != target.role)
        return FailedPrecondition("cannot_change_own_role", "Cannot change your own role");
    if (self && c.is_active && !*c.is_active)
        return FailedPrecondition("cannot_deactivate_self", "Cannot deactivate your own account");
    return Ok{};
}

Result<AdminProfile> StaffService::UpdateProfile(const Actor& actor, const std::string& id,
                                                 const ProfileChange& change) {
    if (change.role && !ValidRole(*change.role))
        return FieldError("role", "\"" + *change.role + "\" is not a valid choice.");
    std::optional<std::string> hash;
    if (change.new_password) {
        RETURN_IF_ERROR(identity::CheckPasswordPolicy(*change.new_password, "new_password"));
        // Refuse before paying for a hash the caller may not set.
        ASSIGN_OR_RETURN(AdminProfile before, GetProfile(id));
        RETURN_IF_ERROR(CheckProfileChange(actor, before, change));
        ASSIGN_OR_RETURN(hash, identity::HashPassword(*change.new_password, random_));
    }
    return db_.Transact([&](db::Connection& c) -> Result<AdminProfile> {
        ASSIGN_OR_RETURN(AdminProfile p, LoadProfile(c, id));
        RETURN_IF_ERROR(CheckProfileChange(actor, p, change));
        Micros now = clock_.Now();
        const std::string reason = change.reason;
        if (change.role && *change.role != p.role) {
            RETURN_IF_ERROR(RecordAudit(
                c, clock_, random_,
                Entry(actor, "UPDATE_ADMIN_ROLE", p.id,
                      {{"old_role", p.role},
                       {"new_role", *change.role},
                       {"user_email", Who(p)},
                       {"reason", reason}},
                      "Changed " + Who(p) + " role from " + p.role + " to " + *change.role)));
            p.role = *change.role;
            RETURN_IF_ERROR(staff_repo::SetStaffFlags(c, p.user_id, true, p.IsSuperAdmin(), now));
        }
        if (change.is_active && *change.is_active != p.is_active) {
            p.is_active = *change.is_active;
            std::string verb = p.is_active ? "Activated" : "Deactivated";
            RETURN_IF_ERROR(RecordAudit(
                c, clock_, random_,
                Entry(actor, p.is_active ? "ACTIVATE_ADMIN" : "DEACTIVATE_ADMIN", p.id,
                      {{"is_active", p.is_active}, {"user_email", Who(p)}, {"reason", reason}},
                      verb + " admin " + Who(p) + (reason.empty() ? "" : ". Reason: " + reason))));
        }
        if (hash) {
            RETURN_IF_ERROR(identity::users::SetPasswordHash(c, p.user_id, *hash, now));
            // A password reset by someone else ends the target's sessions.
            if (p.user_id != actor.user_id)
                RETURN_IF_ERROR(identity::TokenService::RevokeAllForUser(c, p.user_id, now));
            RETURN_IF_ERROR(
                RecordAudit(c, clock_, random_,
                            Entry(actor, "UPDATE_ADMIN_PASSWORD", p.id, {{"user_email", Who(p)}},
                                  "Password updated for " + Who(p))));
        }
        p.updated_at = now;
        RETURN_IF_ERROR(staff_repo::UpdateProfile(c, p));
        return LoadProfile(c, p.id);
    });
}

Status StaffService::DeleteProfile(const Actor& actor, const std::string& id) {
    if (!PermissionsFor(actor.role).manage_admins)
        return Denied("Only a super admin can delete admin profiles.");
    Status st = db_.Transact([&](db::Connection& c) -> Status {
        ASSIGN_OR_RETURN(AdminProfile p, LoadProfile(c, id));
        if (p.user_id == actor.user_id)
            return FailedPrecondition("cannot_delete_self", "Cannot delete your own profile");
        Micros now = clock_.Now();
        RETURN_IF_ERROR(staff_repo::DeleteProfile(c, p.id));
        RETURN_IF_ERROR(staff_repo::SetStaffFlags(c, p.user_id, false, false, now));
        RETURN_IF_ERROR(identity::TokenService::RevokeAllForUser(c, p.user_id, now));
        return RecordAudit(
            c, clock_, random_,
            Entry(
                actor, "DELETE_ADMIN", p.id,
                {{"role", p.role}, {"user_id", std::to_string(p.user_id)}, {"user_email", Who(p)}},
                "Deleted " + p.role + " profile of " + Who(p)));
    });
    if (st.ok()) Log()->info("admin profile deleted profile_id={} by={}", id, actor.user_id);
    return st;
}

}  // namespace ps::admin
