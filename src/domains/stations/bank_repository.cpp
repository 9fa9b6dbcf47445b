// Power bank rows, history, staff lists and fleet analytics (bank_repository.hpp).
#include "domains/stations/bank_repository.hpp"

#include <boost/json/serialize.hpp>

#include "domains/stations/repo_rows.hpp"

namespace ps::stations::repo {

namespace {

Result<std::optional<PowerBank>> FindBankBy(db::Connection& c, const char* column,
                                            const std::string& v) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string("SELECT ") + kBankCols +
                                              " FROM power_banks b WHERE b." + column + " = ?",
                                          {v}));
    if (!row) return std::optional<PowerBank>{};
    return std::optional<PowerBank>{ToBank(*row)};
}

// The bank columns, then station name/serial, slot id/status, rentals, returns.
const std::string& BankRowSelect() {
    static const std::string sql =
        std::string("SELECT ") + kBankCols +
        ", st.station_name, st.serial_number, s.id, s.status, "
        "(SELECT COUNT(*) FROM power_bank_history h WHERE h.power_bank_id = b.id AND "
        "h.event = 'EJECTED'), "
        "(SELECT COUNT(*) FROM power_bank_history h WHERE h.power_bank_id = b.id AND "
        "h.event = 'RETURNED') "
        "FROM power_banks b LEFT JOIN stations st ON st.id = b.current_station_id "
        "LEFT JOIN station_slots s ON s.station_id = b.current_station_id AND "
        "s.slot_number = b.current_slot ";
    return sql;
}

BankRow ToBankRow(const db::Row& r) {
    BankRow row;
    row.bank = ToBank(r);
    size_t at = kBankColCount;
    row.station_name = r.OptStr(at);
    row.station_serial = r.OptStr(at + 1);
    row.slot_id = r.OptStr(at + 2);
    row.slot_status = r.OptStr(at + 3);
    row.rental_count = r.Int(at + 4);
    row.return_count = r.Int(at + 5);
    return row;
}

std::string BankWhere(const BankFilter& f, db::Params& params) {
    std::string w = "WHERE 1 = 1 ";
    if (f.status) {
        w += "AND b.status = ? ";
        params.emplace_back(*f.status);
    }
    if (f.station_id) {
        w += "AND b.current_station_id = ? ";
        params.emplace_back(*f.station_id);
    }
    if (f.search) {
        w += "AND (LOWER(b.serial_number) LIKE ? ESCAPE '!' OR LOWER(b.model) LIKE ? ESCAPE '!') ";
        std::string p = db::ContainsPattern(*f.search);
        params.emplace_back(p);
        params.emplace_back(p);
    }
    return w;
}

}  // namespace

Result<std::optional<PowerBank>> FindBank(db::Connection& c, const std::string& id) {
    return FindBankBy(c, "id", id);
}
Result<std::optional<PowerBank>> FindBankBySerial(db::Connection& c, const std::string& serial) {
    return FindBankBy(c, "serial_number", serial);
}

Status InsertBank(db::Connection& c, const PowerBank& b) {
    RETURN_IF_ERROR(c.Exec(
        "INSERT INTO power_banks (id, serial_number, model, capacity_mah, status, battery_level, "
        "hardware_info, current_station_id, current_slot, total_cycles, last_seen_at, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {b.id, b.serial_number, b.model, b.capacity_mah, b.status, b.battery_level, b.hardware_info,
         b.current_station_id, b.current_slot, b.total_cycles, b.last_seen_at, b.created_at,
         b.updated_at}));
    return Ok{};
}

Status UpdateBank(db::Connection& c, const PowerBank& b) {
    RETURN_IF_ERROR(c.Defer(
        "UPDATE power_banks SET model = ?, capacity_mah = ?, status = ?, battery_level = ?, "
        "hardware_info = ?, current_station_id = ?, current_slot = ?, total_cycles = ?, "
        "last_seen_at = ?, updated_at = ? WHERE id = ?",
        {b.model, b.capacity_mah, b.status, b.battery_level, b.hardware_info, b.current_station_id,
         b.current_slot, b.total_cycles, b.last_seen_at, b.updated_at, b.id}));
    return Ok{};
}

Status AddHistory(db::Connection& c, const std::string& bank_id, std::string_view event,
                  const std::optional<std::string>& station_id, std::optional<int> slot_number,
                  const boost::json::object& detail, Micros now) {
    RETURN_IF_ERROR(c.Defer(
        "INSERT INTO power_bank_history (power_bank_id, event, station_id, slot_number, detail, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?)",
        {bank_id, event, station_id, slot_number, boost::json::serialize(detail), now}));
    return Ok{};
}

Result<int64_t> CountBanks(db::Connection& c, const BankFilter& f) {
    db::Params params;
    std::string sql = "SELECT COUNT(*) FROM power_banks b " + BankWhere(f, params);
    ASSIGN_OR_RETURN(auto row, c.QueryOne(sql, params));
    return row ? row->Int(0) : 0;
}

Result<std::vector<BankRow>> ListBanks(db::Connection& c, const BankFilter& f, int64_t limit,
                                       int64_t offset) {
    db::Params params;
    std::string sql = BankRowSelect() + BankWhere(f, params) +
                      "ORDER BY CASE b.status WHEN 'RENTED' THEN 0 WHEN 'MAINTENANCE' THEN 1 "
                      "WHEN 'DAMAGED' THEN 2 WHEN 'LOST' THEN 3 WHEN 'AVAILABLE' THEN 4 ELSE 5 "
                      "END, b.serial_number LIMIT ? OFFSET ?";
    params.emplace_back(limit);
    params.emplace_back(offset);
    ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
    std::vector<BankRow> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(ToBankRow(r));
    return out;
}

Result<std::optional<BankRow>> FindBankRow(db::Connection& c, const std::string& id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(BankRowSelect() + "WHERE b.id = ?", {id}));
    if (!row) return std::optional<BankRow>{};
    return std::optional<BankRow>{ToBankRow(*row)};
}

Result<int64_t> CountHistory(db::Connection& c, const std::string& bank_id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COUNT(*) FROM power_bank_history WHERE "
                                          "power_bank_id = ?",
                                          {bank_id}));
    return row ? row->Int(0) : 0;
}

Result<std::vector<HistoryEntry>> ListHistory(db::Connection& c, const std::string& bank_id,
                                              int64_t limit, int64_t offset) {
    ASSIGN_OR_RETURN(auto rows,
                     c.Query("SELECT h.id, h.event, h.station_id, st.station_name, "
                             "st.serial_number, h.slot_number, h.detail, h.created_at FROM "
                             "power_bank_history h LEFT JOIN stations st ON st.id = h.station_id "
                             "WHERE h.power_bank_id = ? ORDER BY h.created_at DESC, h.id DESC "
                             "LIMIT ? OFFSET ?",
                             {bank_id, limit, offset}));
    std::vector<HistoryEntry> out;
    for (const auto& r : rows) {
        HistoryEntry e{r.Int(0),    r.Str(1),     r.OptStr(2), r.OptStr(3),
                       r.OptStr(4), std::nullopt, r.Str(6),    r.Int(7)};
        if (auto n = r.OptInt(5)) e.slot_number = static_cast<int>(*n);
        out.push_back(std::move(e));
    }
    return out;
}

Result<FleetStats> ComputeFleetStats(db::Connection& c, int min_battery) {
    FleetStats s;
    ASSIGN_OR_RETURN(auto counts, c.Query("SELECT status, COUNT(*), SUM(battery_level) FROM "
                                          "power_banks GROUP BY status"));
    double battery_sum = 0;
    for (const auto& r : counts) {
        std::string st = r.Str(0);
        int64_t n = r.Int(1);
        s.total += n;
        battery_sum += r.Double(2);
        if (st == "AVAILABLE")
            s.available = n;
        else if (st == "RENTED")
            s.rented = n;
        else if (st == "MAINTENANCE")
            s.maintenance = n;
        else if (st == "DAMAGED")
            s.damaged = n;
        else if (st == "LOST")
            s.lost = n;
    }
    s.avg_battery = s.total ? battery_sum / static_cast<double>(s.total) : 0;
    ASSIGN_OR_RETURN(auto attention,
                     c.QueryOne("SELECT COUNT(*) FROM power_banks WHERE status IN ('DAMAGED', "
                                "'MAINTENANCE') OR battery_level < ?",
                                {min_battery}));
    s.needs_attention = attention ? attention->Int(0) : 0;
    ASSIGN_OR_RETURN(auto rentals, c.QueryOne("SELECT COUNT(*) FROM power_bank_history WHERE "
                                              "event = 'EJECTED'"));
    s.total_rentals = rentals ? rentals->Int(0) : 0;
    ASSIGN_OR_RETURN(auto top,
                     c.Query("SELECT b.serial_number, b.model, b.status, COUNT(h.id) AS n FROM "
                             "power_banks b JOIN power_bank_history h ON h.power_bank_id = b.id "
                             "AND h.event = 'EJECTED' GROUP BY b.id, b.serial_number, b.model, "
                             "b.status ORDER BY n DESC, b.serial_number LIMIT 10"));
    for (const auto& r : top) s.top.push_back({r.Str(0), r.Str(1), r.Str(2), r.Int(3)});
    ASSIGN_OR_RETURN(auto dist,
                     c.Query("SELECT st.station_name, COUNT(*) AS n FROM power_banks b JOIN "
                             "stations st ON st.id = b.current_station_id GROUP BY st.id, "
                             "st.station_name ORDER BY n DESC, st.station_name LIMIT 10"));
    for (const auto& r : dist) s.by_station.emplace_back(r.Str(0), r.Int(1));
    return s;
}

}  // namespace ps::stations::repo
