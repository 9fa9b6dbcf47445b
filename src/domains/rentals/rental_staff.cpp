// RentalService: staff interventions (rental_service.hpp), each audited in its transaction.
#include "core/log.hpp"
#include "core/time_format.hpp"
#include "domains/admin/audit.hpp"
#include "domains/rentals/rental_service.hpp"

namespace ps::rentals {

namespace {

Status Audit(db::Connection& tx, const Clock& clock, Random& random,
             const RentalService::StaffAction& a, const Rental& r, const char* action,
             boost::json::object changes) {
    admin::AuditEntry e;
    e.admin_user_id = a.staff_user_id;
    e.action_type = action;
    e.target_model = "Rental";
    e.target_id = r.id;
    changes["reason"] = a.reason;
    e.changes = std::move(changes);
    e.description = std::string(action) + " " + r.rental_code + ": " + a.reason;
    e.ip_address = a.ip_address;
    e.user_agent = a.user_agent;
    return admin::RecordAudit(tx, clock, random, e);
}

bool Pausable(const Rental& r) {
    return r.status == "ACTIVE" || r.status == "OVERDUE" || r.status == "LOST";
}

}  // namespace

Result<Rental> RentalService::PauseBilling(const StaffAction& a, const std::string& rental_id) {
    return db_.Transact([&](db::Connection& tx) -> Result<Rental> {
        Micros now = clock_.Now();
        ASSIGN_OR_RETURN(auto r, repo::FindRental(tx, rental_id));
        if (!r) return NotFound("rental_not_found", "Rental not found");
        if (!Pausable(*r))
            return FailedPrecondition("invalid_rental_status",
                                      "Only active, overdue or lost rentals can be paused");
        if (r->billing_paused_at)
            return FailedPrecondition("billing_already_paused", "Billing is already paused");
        RETURN_IF_ERROR(tx.Exec("UPDATE rentals SET billing_paused_at = ?, updated_at = ? WHERE "
                                "id = ? AND billing_paused_at IS NULL",
                                {now, now, r->id}));
        RETURN_IF_ERROR(Audit(tx, clock_, random_, a, *r, "PAUSE_RENTAL_BILLING",
                              {{"billing_paused_at", FormatDt(now)}}));
        Logger("rentals")->info("rental billing paused rental_id={} staff={}", r->id,
                                a.staff_user_id);
        ASSIGN_OR_RETURN(auto out, repo::FindRental(tx, r->id));
        return *out;
    });
}

Result<Rental> RentalService::CloseByStaff(const StaffAction& a, const std::string& rental_id,
                                           std::optional<Micros> ended_at) {
    return db_.Transact([&](db::Connection& tx) -> Result<Rental> {
        Micros now = clock_.Now();
        ASSIGN_OR_RETURN(auto r, repo::FindRental(tx, rental_id));
        if (!r) return NotFound("rental_not_found", "Rental not found");
        if (!Pausable(*r))
            return FailedPrecondition("invalid_rental_status",
                                      "Only active, overdue or lost rentals can be closed");
        Micros at = ended_at.value_or(r->billing_paused_at.value_or(now));
        if (at > now || at < r->started_at.value_or(r->created_at))
            return FieldError("ended_at", "Must be between the rental's start and now");
        RETURN_IF_ERROR(Finish(tx, *r, at, std::nullopt, "closed_by_staff: " + a.reason));
        ASSIGN_OR_RETURN(auto out, repo::FindRental(tx, r->id));
        RETURN_IF_ERROR(Audit(tx, clock_, random_, a, *r, "CLOSE_RENTAL",
                              {{"ended_at", FormatDt(at)},
                               {"status", out->status},
                               {"payment_status", out->payment_status}}));
        Logger("rentals")->info("rental closed by staff rental_id={} staff={}", r->id,
                                a.staff_user_id);
        return *out;
    });
}

}  // namespace ps::rentals
