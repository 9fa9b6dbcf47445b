#include "domains/stations/issue_service.hpp"
#include "http/fields.hpp"

#include "core/log.hpp"
#include "domains/admin/audit.hpp"
#include "domains/admin/staff_repository.hpp"
#include "domains/stations/station_repository.hpp"

namespace ps::stations {

namespace {

auto Log() {
    static auto l = Logger("stations");
    return l;
}

Status ValidateReport(const IssueService::Report& r) {
    if (!IsIssueType(r.issue_type))
        return FieldError("issue_type", "\"" + r.issue_type + "\" is not a valid choice.");
    if (r.description.size() < 10)
        return FieldError("description", "Description must be at least 10 characters long.");
    if (r.description.size() > 255)
        return FieldError("description", "Ensure this field has no more than 255 characters.");
    if (r.images.size() > 10)
        return FieldError("images", "Ensure this field has no more than 10 elements.");
    for (const auto& url : r.images)
        if (!http::LooksLikeUrl(url) || url.size() > 500)
            return FieldError("images", "Enter a valid URL.");
    return Ok{};
}

Status Authorise(const admin::Actor& actor) {
    if (!admin::PermissionsFor(actor.role).manage_stations)
        return FailedPrecondition("permission_denied", "You may not manage stations.");
    return Ok{};
}

}  // namespace

IssueService::IssueService(db::Database& db, const Clock& clock, Random& random)
    : db_(db), clock_(clock), random_(random) {}

Result<IssueView> IssueService::ReportIssue(int64_t user_id, const std::string& serial_number,
                                            const Report& r) {
    RETURN_IF_ERROR(ValidateReport(r));
    return db_.Transact([&](db::Connection& c) -> Result<IssueView> {
        ASSIGN_OR_RETURN(auto station, repo::FindStationBySerial(c, serial_number));
        if (!station) return NotFound("station_not_found", "Station not found");
        Micros now = clock_.Now();
        ASSIGN_OR_RETURN(bool dup, repo::HasRecentReport(c, station->id, user_id, r.issue_type,
                                                         now - kDuplicateReportWindow));
        if (dup)
            return FailedPrecondition("duplicate_issue_report",
                                      "You have already reported this issue for this station "
                                      "in the last 24 hours");
        Issue i;
        i.id = random_.Uuid();
        i.station_id = station->id;
        i.reported_by = user_id;
        i.issue_type = r.issue_type;
        i.description = r.description;
        i.images = r.images;
        i.reported_at = i.updated_at = now;
        RETURN_IF_ERROR(repo::InsertIssue(c, i));
        ASSIGN_OR_RETURN(auto view, repo::FindIssue(c, i.id));
        if (!view) return Internal("issue vanished after insert");
        return *view;
    });
}

Result<std::vector<IssueView>> IssueService::MyReports(int64_t user_id, http::Page& page) {
    repo::IssueFilter f;
    f.reported_by = user_id;
    return db_.Read([&](db::Connection& c) -> Result<std::vector<IssueView>> {
        ASSIGN_OR_RETURN(int64_t total, repo::CountIssues(c, f));
        page.SetTotal(total);
        return repo::ListIssues(c, f, page.page_size, page.Offset());
    });
}

Result<std::vector<IssueView>> IssueService::List(const repo::IssueFilter& f) {
    return db_.Read([&](db::Connection& c) { return repo::ListIssues(c, f, kMaxIssueList, 0); });
}

Result<IssueView> IssueService::Get(const std::string& id) {
    return db_.Read([&](db::Connection& c) -> Result<IssueView> {
        ASSIGN_OR_RETURN(auto v, repo::FindIssue(c, id));
        if (!v) return NotFound("station_issue_not_found", "Station issue not found");
        return *v;
    });
}

Result<IssueView> IssueService::Update(const admin::Actor& actor, const std::string& id,
                                       const Change& ch) {
    RETURN_IF_ERROR(Authorise(actor));
    if (ch.status && !IsIssueStatus(*ch.status))
        return FieldError("status", "\"" + *ch.status + "\" is not a valid choice.");
    if (ch.priority && !IsIssuePriority(*ch.priority))
        return FieldError("priority", "\"" + *ch.priority + "\" is not a valid choice.");
    return db_.Transact([&](db::Connection& c) -> Result<IssueView> {
        ASSIGN_OR_RETURN(auto v, repo::FindIssue(c, id));
        if (!v) return NotFound("station_issue_not_found", "Station issue not found");
        Issue i = v->issue;
        boost::json::object changes;
        if (ch.assigned_to_profile) {
            std::optional<int64_t> assignee;
            if (*ch.assigned_to_profile) {
                ASSIGN_OR_RETURN(auto p,
                                 admin::staff_repo::FindProfile(c, **ch.assigned_to_profile));
                if (!p || !p->is_active)
                    return FieldError("assigned_to_id", "Assignee must be an active staff member.");
                assignee = p->user_id;
            }
            changes["assigned_to"] = assignee ? boost::json::value(*assignee) : nullptr;
            i.assigned_to = assignee;
        }
        Micros now = clock_.Now();
        if (ch.status && *ch.status != i.status) {
            changes["status"] = {{"old", i.status}, {"new", *ch.status}};
            i.status = *ch.status;
            i.resolved_at = i.status == "RESOLVED" ? std::optional<Micros>(now) : std::nullopt;
        }
        if (ch.priority && *ch.priority != i.priority) {
            changes["priority"] = {{"old", i.priority}, {"new", *ch.priority}};
            i.priority = *ch.priority;
        }
        if (ch.notes) {
            changes["notes"] = *ch.notes;
            i.notes = *ch.notes;
        }
        i.updated_at = now;
        RETURN_IF_ERROR(repo::UpdateIssue(c, i));
        RETURN_IF_ERROR(admin::RecordAudit(
            c, clock_, random_,
            {actor.user_id, "UPDATE_STATION_ISSUE", "StationIssue", i.id, std::move(changes),
             "Updated issue " + i.issue_type + " at " + v->station_name, actor.ip_address,
             actor.user_agent}));
        ASSIGN_OR_RETURN(auto out, repo::FindIssue(c, id));
        if (!out) return Internal("issue vanished after update");
        return *out;
    });
}

Status IssueService::Delete(const admin::Actor& actor, const std::string& id) {
    RETURN_IF_ERROR(Authorise(actor));
    auto done = db_.Transact([&](db::Connection& c) -> Status {
        ASSIGN_OR_RETURN(auto v, repo::FindIssue(c, id));
        if (!v) return NotFound("station_issue_not_found", "Station issue not found");
        RETURN_IF_ERROR(repo::DeleteIssue(c, id));
        return admin::RecordAudit(
            c, clock_, random_,
            {actor.user_id,
             "DELETE_STATION_ISSUE",
             "StationIssue",
             id,
             {{"issue_type", v->issue.issue_type}, {"station", v->station_serial}},
             "Deleted issue " + v->issue.issue_type + " at " + v->station_name,
             actor.ip_address,
             actor.user_agent});
    });
    if (done.ok()) Log()->info("station issue deleted issue_id={} by={}", id, actor.user_id);
    return done;
}

}  // namespace ps::stations
