// Station lists with live counts, and favorites lists (station_repository.hpp).
#include <unordered_map>

#include "domains/stations/repo_rows.hpp"
#include "domains/stations/station_repository.hpp"

namespace ps::stations::repo {

namespace {

// The station columns, then 6 counts and the favorite flag. Binds min_battery, then user_id.
const std::string& SummarySelect() {
    static const std::string sql =
        std::string("SELECT ") + kStationCols +
        ", (SELECT COUNT(*) FROM station_slots s JOIN power_banks b ON b.id = s.power_bank_id "
        "WHERE s.station_id = st.id AND s.status = 'OCCUPIED' AND b.status = 'AVAILABLE' "
        "AND b.battery_level >= ?), "
        "(SELECT COUNT(*) FROM station_slots s WHERE s.station_id = st.id AND "
        "s.status = 'AVAILABLE' AND s.power_bank_id IS NULL), "
        "(SELECT COUNT(*) FROM station_slots s WHERE s.station_id = st.id AND "
        "s.status = 'AVAILABLE'), "
        "(SELECT COUNT(*) FROM station_slots s WHERE s.station_id = st.id AND "
        "s.status = 'OCCUPIED'), "
        "(SELECT COUNT(*) FROM power_banks b WHERE b.current_station_id = st.id), "
        "(SELECT COUNT(*) FROM power_banks b WHERE b.current_station_id = st.id AND "
        "b.status = 'AVAILABLE'), "
        "CASE WHEN EXISTS (SELECT 1 FROM station_favorites f WHERE f.user_id = ? AND "
        "f.station_id = st.id) THEN 1 ELSE 0 END "
        "FROM stations st ";
    return sql;
}

StationSummary ToSummary(const db::Row& r) {
    StationSummary s;
    s.station = ToStation(r);
    size_t at = kStationColCount;
    LiveCounts& n = s.counts;
    n.rentable = static_cast<int>(r.Int(at));
    n.free_slots = static_cast<int>(r.Int(at + 1));
    n.available_slots = static_cast<int>(r.Int(at + 2));
    n.occupied_slots = static_cast<int>(r.Int(at + 3));
    n.total_powerbanks = static_cast<int>(r.Int(at + 4));
    n.available_powerbanks = static_cast<int>(r.Int(at + 5));
    s.is_favorite = r.Bool(at + 6);
    return s;
}

std::string Where(const StationFilter& f, db::Params& params) {
    std::string w = "WHERE st.is_deleted = 0 ";
    if (f.public_only) w += "AND st.is_maintenance = 0 AND st.status IN ('ONLINE', 'OFFLINE') ";
    if (f.status) {
        w += "AND st.status = ? ";
        params.emplace_back(*f.status);
    }
    if (f.is_maintenance) {
        w += "AND st.is_maintenance = ? ";
        params.emplace_back(*f.is_maintenance);
    }
    if (f.search) {
        std::string p = db::ContainsPattern(*f.search);
        w +=
            "AND (LOWER(st.station_name) LIKE ? ESCAPE '!' OR LOWER(st.address) LIKE ? ESCAPE '!' ";
        params.emplace_back(p);
        params.emplace_back(p);
        if (f.admin_search)
            w += "OR LOWER(st.serial_number) LIKE ? ESCAPE '!') ";
        else
            w += "OR LOWER(COALESCE(st.landmark, '')) LIKE ? ESCAPE '!') ";
        params.emplace_back(p);
    }
    if (f.box) {
        w += "AND st.latitude BETWEEN ? AND ? AND st.longitude BETWEEN ? AND ? ";
        params.emplace_back(f.box->min_lat);
        params.emplace_back(f.box->max_lat);
        params.emplace_back(f.box->min_lng);
        params.emplace_back(f.box->max_lng);
    }
    return w;
}

}  // namespace

Result<int64_t> CountStations(db::Connection& c, const StationFilter& f) {
    db::Params params;
    std::string sql = "SELECT COUNT(*) FROM stations st " + Where(f, params);
    ASSIGN_OR_RETURN(auto row, c.QueryOne(sql, params));
    return row ? row->Int(0) : 0;
}

Result<std::vector<StationSummary>> LoadSummaries(db::Connection& c,
                                                  const std::vector<std::string>& ids,
                                                  const ListContext& ctx) {
    std::unordered_map<std::string, StationSummary> found;
    RETURN_IF_ERROR(QueryIn(c, SummarySelect() + "WHERE st.id IN ", "",
                            {ctx.min_battery, ctx.user_id}, ids, [&](const db::Row& r) {
                                auto s = ToSummary(r);
                                found.emplace(s.station.id, std::move(s));
                            }));
    std::vector<StationSummary> out;
    out.reserve(found.size());
    for (const auto& id : ids) {
        auto it = found.find(id);
        if (it != found.end()) out.push_back(std::move(it->second));
    }
    return out;
}

Result<std::vector<StationSummary>> ListStations(db::Connection& c, const StationFilter& f,
                                                 const ListContext& ctx, Order order, int64_t limit,
                                                 int64_t offset) {
    db::Params params;
    std::string sql = "SELECT st.id FROM stations st " + Where(f, params);
    sql += order == Order::kName ? "ORDER BY st.station_name, st.serial_number "
                                 : "ORDER BY st.created_at DESC, st.serial_number ";
    if (limit >= 0) {
        sql += "LIMIT ? OFFSET ?";
        params.emplace_back(limit);
        params.emplace_back(offset);
    }
    ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
    std::vector<std::string> ids;
    ids.reserve(rows.size());
    for (const auto& r : rows) ids.push_back(r.Str(0));
    return LoadSummaries(c, ids, ctx);
}

Result<std::vector<Candidate>> ListCandidates(db::Connection& c, const StationFilter& f) {
    db::Params params;
    std::string sql =
        "SELECT st.id, st.serial_number, st.station_name, st.latitude, st.longitude "
        "FROM stations st " +
        Where(f, params);
    ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
    std::vector<Candidate> out;
    out.reserve(rows.size());
    for (const auto& r : rows)
        out.push_back({r.Str(0), r.Str(1), r.Str(2), r.Double(3), r.Double(4)});
    return out;
}

Result<std::optional<StationSummary>> FindSummary(db::Connection& c, const std::string& sn,
                                                  const ListContext& ctx) {
    ASSIGN_OR_RETURN(
        auto row, c.QueryOne(SummarySelect() + "WHERE st.serial_number = ? AND st.is_deleted = 0",
                             {ctx.min_battery, ctx.user_id, sn}));
    if (!row) return std::optional<StationSummary>{};
    return std::optional<StationSummary>{ToSummary(*row)};
}

Result<int64_t> CountFavorites(db::Connection& c, int64_t user_id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COUNT(*) FROM station_favorites f JOIN stations "
                                          "st ON st.id = f.station_id WHERE f.user_id = ? AND "
                                          "st.is_deleted = 0",
                                          {user_id}));
    return row ? row->Int(0) : 0;
}

Result<std::vector<StationSummary>> ListFavorites(db::Connection& c, const ListContext& ctx,
                                                  int64_t limit, int64_t offset) {
    ASSIGN_OR_RETURN(auto rows,
                     c.Query("SELECT st.id FROM station_favorites f JOIN stations st ON "
                             "st.id = f.station_id WHERE f.user_id = ? AND st.is_deleted = 0 "
                             "ORDER BY f.created_at DESC, st.serial_number LIMIT ? OFFSET ?",
                             {ctx.user_id, limit, offset}));
    std::vector<std::string> ids;
    for (const auto& r : rows) ids.push_back(r.Str(0));
    return LoadSummaries(c, ids, ctx);
}

}  // namespace ps::stations::repo
