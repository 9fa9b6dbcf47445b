#include "cabinet/station_lookup.hpp"

#include <boost/json.hpp>

namespace ps::cabinet {

namespace {

constexpr std::string_view kSelect =
    "SELECT id, imei, serial_number, station_name, status, is_maintenance, total_slots, "
    "board_layout, last_heartbeat FROM stations WHERE is_deleted = 0 AND ";

std::vector<int> ParseLayout(const std::string& text) {
    std::vector<int> out;
    if (text.empty()) return out;
    boost::json::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (ec || !v.is_array()) return out;
    for (const auto& x : v.as_array()) {
        if (!x.is_int64() || x.as_int64() < 1 || x.as_int64() > 64) return {};
        out.push_back(static_cast<int>(x.as_int64()));
    }
    return out;
}

Result<std::optional<CabinetStation>> FindBy(db::Connection& c, std::string_view column,
                                             std::string_view value, bool lock = false) {
    std::string sql(kSelect);
    sql.append(column).append(" = ?");
    // NO KEY: the lock level an UPDATE of the row takes (as TouchLiveness did), so lockers take
    // turns while inserts that merely reference the station (foreign keys) do not wait.
    if (lock && c.backend() == db::Backend::kPostgres) sql += " FOR NO KEY UPDATE";
    ASSIGN_OR_RETURN(auto row, c.QueryOne(sql, {value}));
    if (!row) return std::optional<CabinetStation>{};
    CabinetStation s;
    s.id = row->Str(0);
    s.imei = row->Str(1);
    s.serial_number = row->Str(2);
    s.name = row->Str(3);
    s.status = row->Str(4);
    s.maintenance = row->Bool(5);
    s.total_slots = static_cast<int>(row->Int(6));
    s.layout = ParseLayout(row->Str(7));
    s.last_heartbeat = row->OptInt(8);
    return std::optional<CabinetStation>{std::move(s)};
}

}  // namespace

Result<std::optional<CabinetStation>> FindStationByImei(db::Connection& c, std::string_view imei,
                                                        bool lock) {
    return FindBy(c, "imei", imei, lock);
}
Result<std::optional<CabinetStation>> FindStationBySerial(db::Connection& c, std::string_view sn,
                                                          bool lock) {
    return FindBy(c, "serial_number", sn, lock);
}
Result<std::optional<CabinetStation>> FindStationById(db::Connection& c, std::string_view id,
                                                      bool lock) {
    return FindBy(c, "id", id, lock);
}

Result<CabinetStation> AutoRegisterStation(db::Connection& c, const Clock& clock, Random& random,
                                           std::string_view imei) {
    CabinetStation s;
    s.id = random.Uuid();
    s.imei = std::string(imei);
    s.serial_number = std::string(imei);
    s.name = "Cabinet " + s.imei;
    s.status = "OFFLINE";
    Micros now = clock.Now();
    RETURN_IF_ERROR(c.Exec(
        "INSERT INTO stations (id, serial_number, imei, station_name, latitude, longitude, "
        "total_slots, status, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0, 0, 'OFFLINE', ?, ?)",
        {s.id, s.serial_number, s.imei, s.name, now, now}));
    return s;
}

Status TouchLiveness(db::Connection& c, std::string_view station_id, Micros now) {
    return c.Exec(
        "UPDATE stations SET last_heartbeat = ?, status = CASE WHEN status = 'OFFLINE' AND "
        "is_maintenance = 0 THEN 'ONLINE' ELSE status END, updated_at = CASE WHEN status = "
        "'OFFLINE' AND is_maintenance = 0 THEN ? ELSE updated_at END WHERE id = ?",
        {now, now, station_id});
}

Status RefreshLiveness(db::Connection& c, const CabinetStation& s, Micros now) {
    bool wakes = s.status == "OFFLINE" && !s.maintenance;
    if (!wakes && s.last_heartbeat && *s.last_heartbeat > now - kLivenessResolution) return Ok{};
    return TouchLiveness(c, s.id, now);
}

Status LockAndRefreshLiveness(db::Connection& c, std::string_view station_id, Micros now) {
    ASSIGN_OR_RETURN(auto s, FindStationById(c, station_id, /*lock=*/true));
    if (!s) return Ok{};
    return RefreshLiveness(c, *s, now);
}

Result<int64_t> MarkSilentStationsOffline(db::Connection& c, Micros now, Micros silence) {
    return c.Exec(
        "UPDATE stations SET status = 'OFFLINE', updated_at = ? WHERE status = 'ONLINE' AND "
        "is_deleted = 0 AND (last_heartbeat IS NULL OR last_heartbeat < ?)",
        {now, now - silence});
}

Status SetStationStatus(db::Connection& c, std::string_view station_id, std::string_view status,
                        Micros now) {
    return c.Defer(
        "UPDATE stations SET status = CASE WHEN is_maintenance = 1 THEN 'MAINTENANCE' ELSE ? END, "
        "last_heartbeat = ?, updated_at = ? WHERE id = ?",
        {status, now, now, station_id});
}

Status EnsureSlotCount(db::Connection& c, std::string_view station_id, int slots, Micros now) {
    return c.Defer("UPDATE stations SET total_slots = ?, updated_at = ? WHERE id = ? AND total_slots < ?",
                   {slots, now, station_id, slots});
}

Status SetMqttCredentials(db::Connection& c, std::string_view station_id,
                          std::string_view username, std::string_view password_hash, Micros now) {
    return c.Exec(
        "UPDATE stations SET mqtt_username = ?, mqtt_password_hash = ?, updated_at = ? WHERE id = ?",
        {username, password_hash, now, station_id});
}

Result<std::vector<MqttAccount>> ListMqttAccounts(db::Connection& c) {
    ASSIGN_OR_RETURN(auto rows, c.Query(
        "SELECT imei, mqtt_username, mqtt_password_hash FROM stations WHERE is_deleted = 0 AND "
        "mqtt_username IS NOT NULL AND mqtt_password_hash IS NOT NULL ORDER BY imei"));
    std::vector<MqttAccount> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back({r.Str(0), r.Str(1), r.Str(2)});
    return out;
}

DecodeOptions DecodeOptionsFor(const CabinetStation& s, bool verify_checksum) {
    DecodeOptions o;
    o.verify_checksum = verify_checksum;
    o.layout = s.layout;
    o.slot_count = 0;  // the catalogue's count may lag the hardware; holes are 1-255
    return o;
}

}  // namespace ps::cabinet
