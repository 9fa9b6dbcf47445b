// Station rows, slots, detail parts and favorites (station_repository.hpp).
#include "domains/stations/station_repository.hpp"

#include <algorithm>
#include <cctype>

#include "domains/stations/repo_rows.hpp"

namespace ps::stations::repo {

Station ToStation(const db::Row& r, size_t at) {
    Station s;
    s.id = r.Str(at + 0);
    s.serial_number = r.Str(at + 1);
    s.imei = r.Str(at + 2);
    s.station_name = r.Str(at + 3);
    s.latitude = r.Double(at + 4);
    s.longitude = r.Double(at + 5);
    s.address = r.Str(at + 6);
    s.landmark = r.OptStr(at + 7);
    s.description = r.OptStr(at + 8);
    s.opening_time = r.OptStr(at + 9);
    s.closing_time = r.OptStr(at + 10);
    s.total_slots = static_cast<int>(r.Int(at + 11));
    s.status = r.Str(at + 12);
    s.is_maintenance = r.Bool(at + 13);
    s.is_deleted = r.Bool(at + 14);
    s.hardware_info = r.Str(at + 15);
    s.last_heartbeat = r.OptInt(at + 16);
    s.created_at = r.Int(at + 17);
    s.updated_at = r.Int(at + 18);
    return s;
}

PowerBank ToBank(const db::Row& r, size_t at) {
    PowerBank b;
    b.id = r.Str(at + 0);
    b.serial_number = r.Str(at + 1);
    b.model = r.Str(at + 2);
    b.capacity_mah = static_cast<int>(r.Int(at + 3));
    b.status = r.Str(at + 4);
    b.battery_level = static_cast<int>(r.Int(at + 5));
    b.hardware_info = r.Str(at + 6);
    b.current_station_id = r.OptStr(at + 7);
    if (auto slot = r.OptInt(at + 8)) b.current_slot = static_cast<int>(*slot);
    b.total_cycles = static_cast<int>(r.Int(at + 9));
    b.last_seen_at = r.OptInt(at + 10);
    b.created_at = r.Int(at + 11);
    b.updated_at = r.Int(at + 12);
    return b;
}

Status QueryIn(db::Connection& c, std::string_view head, std::string_view tail,
               const db::Params& before, const std::vector<std::string>& ids,
               const std::function<void(const db::Row&)>& each) {
    constexpr size_t kSizes[] = {8, 64, 256};
    for (size_t done = 0; done < ids.size();) {
        size_t left = ids.size() - done, size = kSizes[2];
        for (size_t s : kSizes)
            if (s >= left) {
                size = s;
                break;
            }
        std::string sql(head);
        sql += "(";
        db::Params params = before;
        for (size_t i = 0; i < size; ++i) {
            sql += i ? ", ?" : "?";
            if (done + i < ids.size())
                params.emplace_back(ids[done + i]);
            else
                params.emplace_back(nullptr);
        }
        sql += ")";
        sql += tail;
        ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
        for (const auto& r : rows) each(r);
        done += std::min(size, left);
    }
    return Ok{};
}

namespace {

Result<std::optional<Station>> FindBy(db::Connection& c, const char* column,
                                      const std::string& value, bool include_deleted) {
    std::string sql = std::string("SELECT ") + kStationCols + " FROM stations st WHERE st." +
                      column + " = ?" + (include_deleted ? "" : " AND st.is_deleted = 0");
    ASSIGN_OR_RETURN(auto row, c.QueryOne(sql, {value}));
    if (!row) return std::optional<Station>{};
    return std::optional<Station>{ToStation(*row)};
}

}  // namespace

Result<std::optional<Station>> FindStationById(db::Connection& c, const std::string& id,
                                               bool include_deleted) {
    return FindBy(c, "id", id, include_deleted);
}
Result<std::optional<Station>> FindStationBySerial(db::Connection& c, const std::string& sn,
                                                   bool include_deleted) {
    return FindBy(c, "serial_number", sn, include_deleted);
}
Result<std::optional<Station>> FindStationByImei(db::Connection& c, const std::string& imei,
                                                 bool include_deleted) {
    return FindBy(c, "imei", imei, include_deleted);
}

Status InsertStation(db::Connection& c, const Station& s) {
    RETURN_IF_ERROR(
        c.Exec("INSERT INTO stations (id, serial_number, imei, station_name, latitude, longitude, "
               "address, landmark, description, opening_time, closing_time, total_slots, status, "
               "is_maintenance, is_deleted, hardware_info, last_heartbeat, created_at, updated_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {s.id, s.serial_number, s.imei, s.station_name, s.latitude, s.longitude, s.address,
                s.landmark, s.description, s.opening_time, s.closing_time, s.total_slots, s.status,
                s.is_maintenance, s.is_deleted, s.hardware_info, s.last_heartbeat, s.created_at,
                s.updated_at}));
    return Ok{};
}

Status UpdateStation(db::Connection& c, const Station& s) {
    RETURN_IF_ERROR(c.Exec(
        "UPDATE stations SET station_name = ?, latitude = ?, longitude = ?, address = ?, "
        "landmark = ?, description = ?, opening_time = ?, closing_time = ?, total_slots = ?, "
        "status = ?, is_maintenance = ?, is_deleted = ?, hardware_info = ?, last_heartbeat = ?, "
        "updated_at = ? WHERE id = ?",
        {s.station_name, s.latitude, s.longitude, s.address, s.landmark, s.description,
         s.opening_time, s.closing_time, s.total_slots, s.status, s.is_maintenance, s.is_deleted,
         s.hardware_info, s.last_heartbeat, s.updated_at, s.id}));
    return Ok{};
}

Status InsertSlots(db::Connection& c, Random& random, const std::string& station_id, int first,
                   int last, Micros now) {
    for (int n = first; n <= last; ++n)
        RETURN_IF_ERROR(
            c.Exec("INSERT INTO station_slots (id, station_id, slot_number, status, battery_level, "
                   "last_updated) VALUES (?, ?, ?, 'AVAILABLE', 0, ?)",
                   {random.Uuid(), station_id, n, now}));
    return Ok{};
}

// ---- detail parts -----------------------------------------------------------------------------

Result<std::vector<Slot>> SlotsOf(db::Connection& c, const std::string& station_id) {
    ASSIGN_OR_RETURN(
        auto rows,
        c.Query(std::string("SELECT s.id, s.station_id, s.slot_number, s.status, s.battery_level, "
                            "s.power_bank_id, s.current_rental_id, s.last_updated, ") +
                    kBankCols +
                    " FROM station_slots s LEFT JOIN power_banks b ON b.id = s.power_bank_id "
                    "WHERE s.station_id = ? ORDER BY s.slot_number",
                {station_id}));
    std::vector<Slot> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
        Slot s;
        s.id = r.Str(0);
        s.station_id = r.Str(1);
        s.slot_number = static_cast<int>(r.Int(2));
        s.status = r.Str(3);
        s.battery_level = static_cast<int>(r.Int(4));
        s.power_bank_id = r.OptStr(5);
        s.current_rental_id = r.OptStr(6);
        s.last_updated = r.Int(7);
        if (!r.IsNull(8)) s.bank = ToBank(r, 8);
        out.push_back(std::move(s));
    }
    return out;
}

Result<std::vector<PowerBank>> BanksAt(db::Connection& c, const std::string& station_id) {
    ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kBankCols +
                                            " FROM power_banks b WHERE b.current_station_id = ? "
                                            "ORDER BY b.current_slot, b.serial_number",
                                        {station_id}));
    std::vector<PowerBank> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(ToBank(r));
    return out;
}

namespace {
constexpr const char* kMediaSelect =
    "SELECT m.id, m.station_id, m.media_upload_id, m.media_type, m.title, m.description, "
    "COALESCE(m.media_url, u.file_url), u.file_type, m.is_primary, m.created_at "
    "FROM station_media m LEFT JOIN media_uploads u ON u.id = m.media_upload_id ";

Media ToMedia(const db::Row& r) {
    Media m;
    m.id = r.Str(0);
    m.station_id = r.Str(1);
    m.media_upload_id = r.OptStr(2);
    m.media_type = r.Str(3);
    m.title = r.OptStr(4);
    m.description = r.OptStr(5);
    m.url = r.OptStr(6);
    m.file_type = r.OptStr(7);
    m.is_primary = r.Bool(8);
    m.created_at = r.Int(9);
    return m;
}

}  // namespace

Result<std::vector<Media>> MediaOf(db::Connection& c, const std::string& station_id) {
    ASSIGN_OR_RETURN(
        auto rows,
        c.Query(std::string(kMediaSelect) +
                    "WHERE m.station_id = ? ORDER BY m.is_primary DESC, m.created_at, m.id",
                {station_id}));
    std::vector<Media> out;
    for (const auto& r : rows) out.push_back(ToMedia(r));
    return out;
}

Status AttachMedia(db::Connection& c, std::vector<StationSummary>& list) {
    if (list.empty()) return Ok{};
    std::vector<std::string> ids;
    ids.reserve(list.size());
    for (const auto& s : list) ids.push_back(s.station.id);
    std::vector<Media> all;
    RETURN_IF_ERROR(QueryIn(c, std::string(kMediaSelect) + "WHERE m.station_id IN ",
                            " ORDER BY m.is_primary DESC, m.created_at, m.id", {}, ids,
                            [&](const db::Row& r) { all.push_back(ToMedia(r)); }));
    for (auto& s : list)
        for (const auto& m : all)
            if (m.station_id == s.station.id) s.media.push_back(m);
    return Ok{};
}

Status AttachAmenityNames(db::Connection& c, std::vector<StationSummary>& list) {
    if (list.empty()) return Ok{};
    std::vector<std::string> ids;
    for (const auto& s : list) ids.push_back(s.station.id);
    std::vector<std::pair<std::string, std::string>> pairs;
    RETURN_IF_ERROR(
        QueryIn(c,
                "SELECT sa.station_id, a.name FROM station_amenities sa JOIN amenities a ON "
                "a.id = sa.amenity_id WHERE a.is_active = 1 AND sa.station_id IN ",
                " ORDER BY a.name", {}, ids,
                [&](const db::Row& r) { pairs.emplace_back(r.Str(0), r.Str(1)); }));
    for (auto& s : list)
        for (const auto& [sid, name] : pairs)
            if (sid == s.station.id) s.amenity_names.push_back(name);
    return Ok{};
}

// ---- favorites ----------------------------------------------------------------------------

Result<bool> IsFavorite(db::Connection& c, int64_t user_id, const std::string& station_id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT 1 FROM station_favorites WHERE user_id = ? AND "
                                          "station_id = ?",
                                          {user_id, station_id}));
    return row.has_value();
}

Status AddFavorite(db::Connection& c, int64_t user_id, const std::string& station_id, Micros now) {
    RETURN_IF_ERROR(
        c.Exec("INSERT INTO station_favorites (user_id, station_id, created_at) VALUES (?, ?, ?)",
               {user_id, station_id, now}));
    return Ok{};
}

Status RemoveFavorite(db::Connection& c, int64_t user_id, const std::string& station_id) {
    RETURN_IF_ERROR(c.Exec("DELETE FROM station_favorites WHERE user_id = ? AND station_id = ?",
                           {user_id, station_id}));
    return Ok{};
}

}  // namespace ps::stations::repo
