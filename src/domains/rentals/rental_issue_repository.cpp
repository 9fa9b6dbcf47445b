// Rental issues, GPS points and the user's usage statistics (rental_admin_repository.hpp).
#include <boost/json/serialize.hpp>

#include "domains/money/ledger.hpp"
#include "core/json_text.hpp"
#include "domains/rentals/rental_admin_repository.hpp"

namespace ps::rentals::repo {

namespace {

constexpr const char* kIssueSelect =
    "SELECT i.id, i.rental_id, i.user_id, i.issue_type, i.description, i.images, i.status, "
    "i.notes, i.reported_at, i.resolved_at, i.updated_at, r.rental_code, r.status, "
    "r.started_at, r.ended_at, r.power_bank_serial, st.station_name, st.serial_number, "
    "rs.station_name, u.username, u.email, u.phone_number FROM rental_issues i "
    "JOIN rentals r ON r.id = i.rental_id LEFT JOIN stations st ON st.id = r.station_id "
    "LEFT JOIN stations rs ON rs.id = r.return_station_id LEFT JOIN users u ON u.id = i.user_id ";

RentalIssueView IssueFrom(const db::Row& r) {
    RentalIssueView v;
    RentalIssue& i = v.issue;
    i.id = r.Str(0);
    i.rental_id = r.Str(1);
    i.user_id = r.Int(2);
    i.issue_type = r.Str(3);
    i.description = r.Str(4);
    i.images = ParseStringList(r.Str(5));
    i.status = r.Str(6);
    i.notes = r.OptStr(7);
    i.reported_at = r.Int(8);
    i.resolved_at = r.OptInt(9);
    i.updated_at = r.Int(10);
    v.rental_code = r.Str(11);
    v.rental_status = r.Str(12);
    v.started_at = r.OptInt(13);
    v.ended_at = r.OptInt(14);
    v.power_bank_serial = r.OptStr(15);
    v.station_name = r.Str(16);
    v.station_serial = r.Str(17);
    v.return_station_name = r.OptStr(18);
    v.username = r.Str(19);
    v.email = r.OptStr(20);
    v.phone_number = r.OptStr(21);
    return v;
}

std::string IssueWhere(const RentalIssueFilter& f, db::Params& params) {
    std::string w = "WHERE 1 = 1 ";
    if (f.status) {
        w += "AND i.status = ? ";
        params.emplace_back(*f.status);
    }
    if (f.issue_type) {
        w += "AND i.issue_type = ? ";
        params.emplace_back(*f.issue_type);
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
        w += "AND (LOWER(r.rental_code) LIKE ? ESCAPE '!' OR LOWER(i.description) LIKE ? "
             "ESCAPE '!' OR LOWER(COALESCE(u.username, '')) LIKE ? ESCAPE '!' OR "
             "LOWER(COALESCE(u.email, '')) LIKE ? ESCAPE '!') ";
        for (int k = 0; k < 4; ++k) params.emplace_back(p);
    }
    return w;
}

Result<int64_t> Count(db::Connection& c, std::string_view sql, const db::Params& params) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(sql, params));
    return row ? row->Int(0) : 0;
}

}  // namespace

Status InsertRentalIssue(db::Connection& c, const RentalIssue& i) {
    RETURN_IF_ERROR(c.Exec(
        "INSERT INTO rental_issues (id, rental_id, user_id, issue_type, description, images, "
        "status, notes, reported_at, resolved_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {i.id, i.rental_id, i.user_id, i.issue_type, i.description, StringListJson(i.images),
         i.status, i.notes, i.reported_at, i.resolved_at, i.updated_at}));
    return Ok{};
}

Status UpdateRentalIssue(db::Connection& c, const RentalIssue& i) {
    RETURN_IF_ERROR(c.Exec("UPDATE rental_issues SET status = ?, notes = ?, resolved_at = ?, "
                           "updated_at = ? WHERE id = ?",
                           {i.status, i.notes, i.resolved_at, i.updated_at, i.id}));
    return Ok{};
}

Status DeleteRentalIssue(db::Connection& c, const std::string& id) {
    RETURN_IF_ERROR(c.Exec("DELETE FROM rental_issues WHERE id = ?", {id}));
    return Ok{};
}

Result<std::optional<RentalIssueView>> FindRentalIssue(db::Connection& c, const std::string& id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string(kIssueSelect) + "WHERE i.id = ?", {id}));
    if (!row) return std::optional<RentalIssueView>{};
    return std::optional<RentalIssueView>{IssueFrom(*row)};
}

Result<bool> HasOpenRentalIssue(db::Connection& c, const std::string& rental_id,
                                const std::string& issue_type) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT 1 FROM rental_issues WHERE rental_id = ? AND "
                                          "issue_type = ? AND status = 'REPORTED'",
                                          {rental_id, issue_type}));
    return row.has_value();
}

Result<int64_t> CountIssuesOfRental(db::Connection& c, const std::string& rental_id) {
    return Count(c, "SELECT COUNT(*) FROM rental_issues WHERE rental_id = ?", {rental_id});
}

Result<int64_t> CountRentalIssues(db::Connection& c, const RentalIssueFilter& f) {
    db::Params params;
    std::string where = IssueWhere(f, params);
    return Count(c,
                 "SELECT COUNT(*) FROM rental_issues i JOIN rentals r ON r.id = i.rental_id "
                 "LEFT JOIN users u ON u.id = i.user_id " +
                     where,
                 params);
}

Result<std::vector<RentalIssueView>> ListRentalIssues(db::Connection& c,
                                                      const RentalIssueFilter& f, int64_t limit,
                                                      int64_t offset) {
    db::Params params;
    std::string where = IssueWhere(f, params);
    params.emplace_back(limit);
    params.emplace_back(offset);
    ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kIssueSelect) + where +
                                            "ORDER BY i.reported_at DESC, i.id LIMIT ? OFFSET ?",
                                        params));
    std::vector<RentalIssueView> out;
    for (const auto& r : rows) out.push_back(IssueFrom(r));
    return out;
}

Status InsertRentalLocation(db::Connection& c, const RentalLocation& l) {
    RETURN_IF_ERROR(c.Exec("INSERT INTO rental_locations (id, rental_id, latitude, longitude, "
                           "accuracy, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                           {l.id, l.rental_id, l.latitude, l.longitude, l.accuracy,
                            l.recorded_at}));
    RETURN_IF_ERROR(c.Exec(
        "DELETE FROM rental_locations WHERE rental_id = ? AND id NOT IN (SELECT id FROM "
        "rental_locations WHERE rental_id = ? ORDER BY recorded_at DESC, id DESC LIMIT ?)",
        {l.rental_id, l.rental_id, kKeptLocations}));
    return Ok{};
}

Result<UsageStats> ReadUsageStats(db::Connection& c, int64_t user_id) {
    UsageStats s;
    ASSIGN_OR_RETURN(auto user,
                     c.QueryOne("SELECT date_joined, (SELECT COUNT(*) FROM users x WHERE "
                                "x.referred_by = users.id), (SELECT COUNT(*) FROM "
                                "station_favorites f WHERE f.user_id = users.id) FROM users "
                                "WHERE id = ?",
                                {user_id}));
    if (!user) return NotFound("user_not_found", "User not found");
    s.member_since = user->Int(0);
    s.total_referrals = user->Int(1);
    s.favorite_stations_count = user->Int(2);
    ASSIGN_OR_RETURN(
        auto rentals,
        c.QueryOne("SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'COMPLETED' AND "
                   "is_returned_on_time = 1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN "
                   "status = 'COMPLETED' AND is_returned_on_time = 0 THEN 1 ELSE 0 END), 0), "
                   "MAX(created_at) FROM rentals WHERE user_id = ?",
                   {user_id}));
    s.total_rentals = rentals->Int(0);
    s.timely_returns = rentals->Int(1);
    s.late_returns = rentals->Int(2);
    s.last_rental_at = rentals->OptInt(3);
    // What the user paid for rentals (charges: rental, dues, fines) less what was refunded.
    ASSIGN_OR_RETURN(
        auto spent,
        c.QueryOne("SELECT COALESCE(SUM(CASE WHEN t.kind = 'charge' THEN t.amount ELSE -t.amount "
                   "END), 0) FROM ledger_transfers t WHERE t.user_id = ? AND (t.kind = 'charge' "
                   "OR (t.kind = 'refund' AND t.reverses_id IN (SELECT o.id FROM "
                   "ledger_transfers o WHERE o.user_id = t.user_id AND o.kind = 'charge')))",
                   {user_id}));
    s.total_spent = Money{spent->Int(0)};
    ASSIGN_OR_RETURN(auto balances, money::Ledger::ReadBalances(c, user_id));
    s.total_points_earned = balances.points_earned;
    return s;
}

}  // namespace ps::rentals::repo
