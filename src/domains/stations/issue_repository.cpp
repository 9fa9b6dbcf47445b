// Station issue reports (issue_repository.hpp).
#include "domains/stations/issue_repository.hpp"
#include "core/json_text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "domains/stations/repo_rows.hpp"

namespace ps::stations::repo {

namespace json = boost::json;

namespace {

constexpr const char* kIssueSelect =
    "SELECT i.id, i.station_id, i.reported_by, i.assigned_to, i.issue_type, i.description, "
    "i.images, i.priority, i.status, i.notes, i.reported_at, i.resolved_at, i.updated_at, "
    "st.station_name, st.serial_number, st.address, st.status, r.username, r.email, "
    "r.phone_number, a.username, a.email FROM station_issues i JOIN stations st ON "
    "st.id = i.station_id LEFT JOIN users r ON r.id = i.reported_by LEFT JOIN users a ON "
    "a.id = i.assigned_to ";

IssueView ToView(const db::Row& r) {
    IssueView v;
    Issue& i = v.issue;
    i.id = r.Str(0);
    i.station_id = r.Str(1);
    i.reported_by = r.OptInt(2);
    i.assigned_to = r.OptInt(3);
    i.issue_type = r.Str(4);
    i.description = r.Str(5);
    i.images = ParseStringList(r.Str(6));
    i.priority = r.Str(7);
    i.status = r.Str(8);
    i.notes = r.OptStr(9);
    i.reported_at = r.Int(10);
    i.resolved_at = r.OptInt(11);
    i.updated_at = r.Int(12);
    v.station_name = r.Str(13);
    v.station_serial = r.Str(14);
    v.station_address = r.Str(15);
    v.station_status = r.Str(16);
    v.reporter_username = r.OptStr(17);
    v.reporter_email = r.OptStr(18);
    v.reporter_phone = r.OptStr(19);
    v.assignee_username = r.OptStr(20);
    v.assignee_email = r.OptStr(21);
    return v;
}

std::string IssueWhere(const IssueFilter& f, db::Params& params) {
    std::string w = "WHERE 1 = 1 ";
    auto eq = [&](const std::optional<std::string>& v, const char* col) {
        if (!v) return;
        w += std::string("AND ") + col + " = ? ";
        params.emplace_back(*v);
    };
    eq(f.status, "i.status");
    eq(f.priority, "i.priority");
    eq(f.issue_type, "i.issue_type");
    eq(f.station_id, "i.station_id");
    eq(f.station_sn, "st.serial_number");
    if (f.reported_by) {
        w += "AND i.reported_by = ? ";
        params.emplace_back(*f.reported_by);
    }
    if (f.assigned_to) {
        w += "AND i.assigned_to = ? ";
        params.emplace_back(*f.assigned_to);
    }
    if (f.assigned_profile_id) {
        w += "AND i.assigned_to = (SELECT p.user_id FROM admin_profiles p WHERE p.id = ?) ";
        params.emplace_back(*f.assigned_profile_id);
    }
    if (f.from) {
        w += "AND i.reported_at >= ? ";
        params.emplace_back(*f.from);
    }
    if (f.to) {
        w += "AND i.reported_at <= ? ";
        params.emplace_back(*f.to);
    }
    if (f.search) {
        std::string p = db::ContainsPattern(*f.search);
        w += "AND (LOWER(i.description) LIKE ? ESCAPE '!' OR LOWER(st.station_name) LIKE ? "
             "ESCAPE '!' OR LOWER(COALESCE(r.username, '')) LIKE ? ESCAPE '!') ";
        for (int k = 0; k < 3; ++k) params.emplace_back(p);
    }
    return w;
}

}  // namespace

Status InsertIssue(db::Connection& c, const Issue& i) {
    RETURN_IF_ERROR(c.Exec(
        "INSERT INTO station_issues (id, station_id, reported_by, assigned_to, issue_type, "
        "description, images, priority, status, notes, reported_at, resolved_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {i.id, i.station_id, i.reported_by, i.assigned_to, i.issue_type, i.description,
         StringListJson(i.images), i.priority, i.status, i.notes, i.reported_at, i.resolved_at,
         i.updated_at}));
    return Ok{};
}

Status UpdateIssue(db::Connection& c, const Issue& i) {
    RETURN_IF_ERROR(
        c.Exec("UPDATE station_issues SET assigned_to = ?, priority = ?, status = ?, "
               "notes = ?, resolved_at = ?, updated_at = ? WHERE id = ?",
               {i.assigned_to, i.priority, i.status, i.notes, i.resolved_at, i.updated_at, i.id}));
    return Ok{};
}

Status DeleteIssue(db::Connection& c, const std::string& id) {
    RETURN_IF_ERROR(c.Exec("DELETE FROM station_issues WHERE id = ?", {id}));
    return Ok{};
}

Result<bool> HasRecentReport(db::Connection& c, const std::string& station_id, int64_t user_id,
                             const std::string& issue_type, Micros since) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT 1 FROM station_issues WHERE reported_by = ? AND "
                                          "station_id = ? AND issue_type = ? AND reported_at >= ?",
                                          {user_id, station_id, issue_type, since}));
    return row.has_value();
}

Result<std::optional<IssueView>> FindIssue(db::Connection& c, const std::string& id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string(kIssueSelect) + "WHERE i.id = ?", {id}));
    if (!row) return std::optional<IssueView>{};
    return std::optional<IssueView>{ToView(*row)};
}

Result<int64_t> CountIssues(db::Connection& c, const IssueFilter& f) {
    db::Params params;
    std::string sql =
        "SELECT COUNT(*) FROM station_issues i JOIN stations st ON st.id = "
        "i.station_id LEFT JOIN users r ON r.id = i.reported_by " +
        IssueWhere(f, params);
    ASSIGN_OR_RETURN(auto row, c.QueryOne(sql, params));
    return row ? row->Int(0) : 0;
}

Result<std::vector<IssueView>> ListIssues(db::Connection& c, const IssueFilter& f, int64_t limit,
                                          int64_t offset) {
    db::Params params;
    std::string sql =
        kIssueSelect + IssueWhere(f, params) + "ORDER BY i.reported_at DESC, i.id LIMIT ? OFFSET ?";
    params.emplace_back(limit);
    params.emplace_back(offset);
    ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
    std::vector<IssueView> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(ToView(r));
    return out;
}

}  // namespace ps::stations::repo
