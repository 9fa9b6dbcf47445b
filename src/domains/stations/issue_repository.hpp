// SQL of station issue reports (users report, staff triage). Runs on the caller's connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "domains/stations/station.hpp"

namespace ps::stations::repo {

Status InsertIssue(db::Connection& c, const Issue& i);
// assigned_to, priority, status, notes, resolved_at, updated_at.
Status UpdateIssue(db::Connection& c, const Issue& i);
Status DeleteIssue(db::Connection& c, const std::string& id);
// Whether the user reported this type at this station at or after `since`.
Result<bool> HasRecentReport(db::Connection& c, const std::string& station_id, int64_t user_id,
                             const std::string& issue_type, Micros since);
Result<std::optional<IssueView>> FindIssue(db::Connection& c, const std::string& id);

struct IssueFilter {
    std::optional<std::string> status, priority, issue_type, station_id, station_sn, search;
    std::optional<int64_t> reported_by, assigned_to;
    std::optional<std::string> assigned_profile_id;  // an admin profile id
    std::optional<Micros> from, to;                  // reported_at within [from, to]
};
Result<int64_t> CountIssues(db::Connection& c, const IssueFilter& f);
// Newest first.
Result<std::vector<IssueView>> ListIssues(db::Connection& c, const IssueFilter& f, int64_t limit,
                                          int64_t offset);

}  // namespace ps::stations::repo
