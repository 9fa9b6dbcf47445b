// Rental issues, GPS points and usage statistics (rental_admin_service.hpp).
#include "core/log.hpp"
#include "domains/admin/audit.hpp"
#include "domains/notifications/notifier.hpp"
#include "domains/rentals/rental_admin_service.hpp"
#include "domains/rentals/rental_repository.hpp"

namespace ps::rentals {

namespace json = boost::json;

namespace {

auto Log() {
    static auto l = Logger("rentals");
    return l;
}

Status CanTriage(const admin::Actor& actor) {
    if (!admin::PermissionsFor(actor.role).manage_users)
        return FailedPrecondition("permission_denied", "You may not manage rental issues.");
    return Ok{};
}

// The user's own rental, else rental_not_found (another user's rental is not revealed).
Result<Rental> OwnRental(db::Connection& c, int64_t user_id, const std::string& rental_id,
                         const char* message) {
    ASSIGN_OR_RETURN(auto r, repo::FindRental(c, rental_id));
    if (!r || r->user_id != user_id) return NotFound("rental_not_found", message);
    return *r;
}

Result<RentalIssueView> Reread(db::Connection& c, const std::string& id) {
    ASSIGN_OR_RETURN(auto v, repo::FindRentalIssue(c, id));
    if (!v) return NotFound("rental_issue_not_found", "Rental issue not found");
    return *v;
}

}  // namespace

RentalIssueService::RentalIssueService(db::Database& db, const Clock& clock, Random& random)
    : db_(db), clock_(clock), random_(random) {}

Result<RentalIssueView> RentalIssueService::ReportIssue(int64_t user_id,
                                                        const std::string& rental_id,
                                                        const Report& r) {
    return db_.Transact([&](db::Connection& tx) -> Result<RentalIssueView> {
        ASSIGN_OR_RETURN(auto rental, OwnRental(tx, user_id, rental_id, "Rental not found"));
        ASSIGN_OR_RETURN(bool open, repo::HasOpenRentalIssue(tx, rental.id, r.issue_type));
        if (open)
            return FailedPrecondition("duplicate_issue_report",
                                      "You have already reported this issue for this rental");
        RentalIssue i;
        i.id = random_.Uuid();
        i.rental_id = rental.id;
        i.user_id = user_id;
        i.issue_type = r.issue_type;
        i.description = r.description;
        i.images = r.images;
        i.reported_at = i.updated_at = clock_.Now();
        RETURN_IF_ERROR(repo::InsertRentalIssue(tx, i));
        // every active staff member hears of it (reference: rental issues notify all staff)
        ASSIGN_OR_RETURN(auto staff,
                         tx.Query("SELECT user_id FROM admin_profiles WHERE is_active = 1"));
        for (const auto& row : staff)
            RETURN_IF_ERROR(notifications::Notify(
                tx, clock_, row.Int(0), "rental_issue_reported",
                {{"rental_id", rental.id},
                 {"rental_code", rental.rental_code},
                 {"issue_id", i.id},
                 {"issue_type", i.issue_type}},
                "rental_issue:" + i.id + ":" + std::to_string(row.Int(0))));
        Log()->info("rental issue reported issue_id={} rental_id={} type={}", i.id, rental.id,
                    i.issue_type);
        return Reread(tx, i.id);
    });
}

Result<RentalLocation> RentalIssueService::AddLocation(int64_t user_id,
                                                       const std::string& rental_id, double lat,
                                                       double lng, double accuracy) {
    return db_.Transact([&](db::Connection& tx) -> Result<RentalLocation> {
        ASSIGN_OR_RETURN(auto rental,
                         OwnRental(tx, user_id, rental_id, "Active rental not found"));
        if (rental.status != "ACTIVE" && rental.status != "OVERDUE")
            return NotFound("rental_not_found", "Active rental not found");
        RentalLocation l{random_.Uuid(), rental.id, lat, lng, accuracy, clock_.Now()};
        RETURN_IF_ERROR(repo::InsertRentalLocation(tx, l));
        return l;
    });
}

Result<UsageStats> RentalIssueService::Usage(int64_t user_id) {
    return db_.Read([&](db::Connection& c) { return repo::ReadUsageStats(c, user_id); });
}

Result<std::vector<RentalIssueView>> RentalIssueService::List(const repo::RentalIssueFilter& f,
                                                              http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<std::vector<RentalIssueView>> {
        ASSIGN_OR_RETURN(int64_t total, repo::CountRentalIssues(c, f));
        page.SetTotal(total);
        return repo::ListRentalIssues(c, f, page.page_size, page.Offset());
    });
}

Result<RentalIssueView> RentalIssueService::Get(const std::string& id) {
    return db_.Read([&](db::Connection& c) { return Reread(c, id); });
}

Result<RentalIssueView> RentalIssueService::Update(const admin::Actor& actor,
                                                   const std::string& id, const Change& ch) {
    RETURN_IF_ERROR(CanTriage(actor));
    return db_.Transact([&](db::Connection& tx) -> Result<RentalIssueView> {
        ASSIGN_OR_RETURN(auto v, Reread(tx, id));
        RentalIssue i = v.issue;
        json::object changes;
        Micros now = clock_.Now();
        if (ch.status && *ch.status != i.status) {
            changes["status"] = {{"old", i.status}, {"new", *ch.status}};
            i.status = *ch.status;
            i.resolved_at = i.status == "RESOLVED" ? std::optional<Micros>(now) : std::nullopt;
        }
        if (ch.notes) {
            changes["notes"] = *ch.notes;
            i.notes = *ch.notes;
        }
        i.updated_at = now;
        RETURN_IF_ERROR(repo::UpdateRentalIssue(tx, i));
        RETURN_IF_ERROR(admin::RecordAudit(
            tx, clock_, random_,
            {actor.user_id, "UPDATE_RENTAL_ISSUE", "RentalIssue", id, std::move(changes),
             "Updated issue " + i.issue_type + " on rental " + v.rental_code, actor.ip_address,
             actor.user_agent}));
        return Reread(tx, id);
    });
}

Status RentalIssueService::Delete(const admin::Actor& actor, const std::string& id) {
    RETURN_IF_ERROR(CanTriage(actor));
    return db_.Transact([&](db::Connection& tx) -> Status {
        ASSIGN_OR_RETURN(auto v, Reread(tx, id));
        RETURN_IF_ERROR(repo::DeleteRentalIssue(tx, id));
        return admin::RecordAudit(
            tx, clock_, random_,
            {actor.user_id, "DELETE_RENTAL_ISSUE", "RentalIssue", id,
             json::object{{"issue_type", v.issue.issue_type},
                          {"rental_code", v.rental_code},
                          {"status", v.issue.status}},
             "Deleted issue " + v.issue.issue_type + " on rental " + v.rental_code,
             actor.ip_address, actor.user_agent});
    });
}

}  // namespace ps::rentals
