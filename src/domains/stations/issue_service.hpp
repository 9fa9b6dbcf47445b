// Station issue reports: users report (one report of a type per station per 24 h) and read their
// own; staff list, read, triage (status, priority, assignment to an active staff member, notes)
// and delete them. Every staff write is audited in its transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/admin/staff.hpp"
#include "domains/stations/issue_repository.hpp"
#include "domains/stations/station.hpp"
#include "http/pagination.hpp"

namespace ps::stations {

inline constexpr Micros kDuplicateReportWindow = 24 * kHour;
inline constexpr int64_t kMaxIssueList = 1000;  // staff list: no pagination, newest first

class IssueService {
public:
    IssueService(db::Database& db, const Clock& clock, Random& random);

    struct Report {
        std::string issue_type, description;
        std::vector<std::string> images;
    };
    // Errors: station_not_found (404), duplicate_issue_report, validation_error.
    Result<IssueView> ReportIssue(int64_t user_id, const std::string& serial_number,
                                  const Report& r);
    Result<std::vector<IssueView>> MyReports(int64_t user_id, http::Page& page);

    Result<std::vector<IssueView>> List(const repo::IssueFilter& f);
    // Errors: station_issue_not_found (404).
    Result<IssueView> Get(const std::string& id);
    struct Change {
        std::optional<std::string> status, priority, notes;
        // absent: unchanged; empty inner: unassign; else an admin profile id.
        std::optional<std::optional<std::string>> assigned_to_profile;
    };
    // Errors: station_issue_not_found, validation_error (assignee not an active staff
    // member), permission_denied.
    Result<IssueView> Update(const admin::Actor& actor, const std::string& id, const Change& ch);
    Status Delete(const admin::Actor& actor, const std::string& id);

private:
    db::Database& db_;
    const Clock& clock_;
    Random& random_;
};

}  // namespace ps::stations
