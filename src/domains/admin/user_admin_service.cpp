#include "domains/admin/user_admin_service.hpp"
#include "domains/identity/token_service.hpp"

#include "core/log.hpp"
#include "domains/admin/audit.hpp"
#include "domains/identity/user_repository.hpp"

namespace ps::admin {

namespace {
auto Log() {
    static auto l = Logger("admin");
    return l;
}
}  // namespace

UserAdminService::UserAdminService(db::Database& db, const Clock& clock, Random& random)
    : db_(db), clock_(clock), random_(random) {}

Result<std::vector<UserRow>> UserAdminService::ListUsers(const staff_repo::UserFilter& f,
                                                         http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<std::vector<UserRow>> {
        ASSIGN_OR_RETURN(int64_t total, staff_repo::CountUsers(c, f));
        page.SetTotal(total);
        return staff_repo::ListUsers(c, f, page.page_size, page.Offset());
    });
}

Result<UserRow> UserAdminService::GetUser(int64_t user_id) {
    return db_.Read([&](db::Connection& c) -> Result<UserRow> {
        ASSIGN_OR_RETURN(auto row, staff_repo::FindUser(c, user_id));
        if (!row) return NotFound("user_not_found", "User not found");
        return *row;
    });
}

Result<identity::User> UserAdminService::SetUserStatus(const Actor& actor, int64_t user_id,
                                                       const std::string& status,
                                                       const std::string& reason) {
    if (!PermissionsFor(actor.role).manage_users)
        return FailedPrecondition("permission_denied", "You may not manage users.");
    if (status != "ACTIVE" && status != "BANNED" && status != "INACTIVE")
        return FieldError("status", "\"" + status + "\" is not a valid choice.");
    if (user_id == actor.user_id)
        return FailedPrecondition("cannot_change_own_status",
                                  "You cannot change the status of your own account.");
    auto changed = db_.Transact([&](db::Connection& c) -> Result<identity::User> {
        ASSIGN_OR_RETURN(auto user, identity::users::Find(c, user_id));
        if (!user) return NotFound("user_not_found", "User not found");
        if (user->is_staff && !PermissionsFor(actor.role).manage_admins)
            return FailedPrecondition(
                "permission_denied",
                "Only a super admin can change the status of a staff account.");
        Micros now = clock_.Now();
        std::string old_status = user->status;
        RETURN_IF_ERROR(identity::users::SetStatus(c, user->id, status, now));
        if (status != "ACTIVE") RETURN_IF_ERROR(identity::TokenService::RevokeAllForUser(c, user->id, now));
        RETURN_IF_ERROR(RecordAudit(
            c, clock_, random_,
            AuditEntry{actor.user_id,
                       "UPDATE_USER_STATUS",
                       "User",
                       std::to_string(user->id),
                       {{"old_status", old_status}, {"new_status", status}, {"reason", reason}},
                       "Updated user status from " + old_status + " to " + status,
                       actor.ip_address,
                       actor.user_agent}));
        user->status = status;
        return *user;
    });
    if (changed.ok())
        Log()->info("user status changed user_id={} status={} by={}", user_id, status,
                    actor.user_id);
    return changed;
}

Result<std::vector<KycRow>> UserAdminService::ListKyc(const std::optional<std::string>& status,
                                                      http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<std::vector<KycRow>> {
        ASSIGN_OR_RETURN(int64_t total, staff_repo::CountKyc(c, status));
        page.SetTotal(total);
        return staff_repo::ListKyc(c, status, page.page_size, page.Offset());
    });
}

Result<UserAdminService::KycDecision> UserAdminService::DecideKyc(
    const Actor& actor, const std::string& kyc_id, const std::string& status,
    const std::optional<std::string>& rejection_reason) {
    if (!PermissionsFor(actor.role).manage_users)
        return FailedPrecondition("permission_denied", "You may not review KYC submissions.");
    if (status != "APPROVED" && status != "REJECTED")
        return FieldError("status", "\"" + status + "\" is not a valid choice.");
    if (status == "REJECTED" && (!rejection_reason || rejection_reason->empty()))
        return FieldError("rejection_reason", "Rejection reason is required when rejecting KYC.");
    auto decided = db_.Transact([&](db::Connection& c) -> Result<KycDecision> {
        ASSIGN_OR_RETURN(auto kyc, identity::users::FindKycById(c, kyc_id));
        if (!kyc) return NotFound("kyc_not_found", "KYC submission not found");
        ASSIGN_OR_RETURN(auto owner, identity::users::Find(c, kyc->user_id));
        ASSIGN_OR_RETURN(auto reviewer, identity::users::Find(c, actor.user_id));
        Micros now = clock_.Now();
        KycDecision d{kyc->id, owner ? owner->username : "", kyc->status, status,
                      reviewer ? reviewer->username : ""};
        kyc->status = status;
        kyc->verified_by = actor.user_id;
        kyc->verified_at = status == "APPROVED" ? std::optional<Micros>(now) : std::nullopt;
        kyc->rejection_reason = status == "REJECTED" ? rejection_reason : std::nullopt;
        kyc->updated_at = now;
        RETURN_IF_ERROR(identity::users::SaveKyc(c, *kyc));
        boost::json::object changes{{"old_status", d.old_status},
                                    {"new_status", status},
                                    {"user_id", std::to_string(kyc->user_id)}};
        if (kyc->rejection_reason) changes["rejection_reason"] = *kyc->rejection_reason;
        RETURN_IF_ERROR(RecordAudit(
            c, clock_, random_,
            AuditEntry{actor.user_id, "UPDATE_KYC_STATUS", "UserKYC", kyc->id, std::move(changes),
                       "KYC of " + d.username + " changed from " + d.old_status + " to " + status,
                       actor.ip_address, actor.user_agent}));
        return d;
    });
    if (decided.ok())
        Log()->info("kyc decided kyc_id={} status={} by={}", kyc_id, status, actor.user_id);
    return decided;
}

Result<std::vector<ActionLog>> UserAdminService::RecentActions() {
    return db_.Read([&](db::Connection& c) { return staff_repo::RecentActionLogs(c, 100); });
}

}  // namespace ps::admin
