#include "domains/stations/fleet_seed.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include "core/log.hpp"

namespace ps::stations {

namespace {

constexpr int kBatch = 100;  // stations per multi-row statement
constexpr double kPi = 3.14159265358979323846;

// The double nearest to v written with 6 decimals (what a decimal(10,6) column would give).
double Round6(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    return std::strtod(buf, nullptr);
}

std::string Format(const char* fmt, long long v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

// "INSERT INTO table (cols) VALUES (row)..." with `rows` copies of `row`.
std::string MultiInsert(const char* head, const char* row, size_t rows) {
    std::string sql = head;
    for (size_t i = 0; i < rows; ++i) {
        sql += i ? ", " : " VALUES ";
        sql += row;
    }
    return sql;
}

Status InsertBatch(db::Connection& c, Random& random, int first, int last, Micros now) {
    db::Params st, banks, slots;
    size_t n_st = 0, n_banks = 0, n_slots = 0;
    for (int n = first; n <= last; ++n) {
        std::string id = random.Uuid();
        FleetPoint p = FleetPosition(n);
        std::string address = "Ward " + std::to_string(n % 32 + 1) + ", Kathmandu";
        for (db::Param v : {db::Param(id), db::Param(FleetSerial(n)), db::Param(FleetImei(n)),
                            db::Param(FleetName(n)), db::Param(p.latitude), db::Param(p.longitude),
                            db::Param(address)})
            st.push_back(std::move(v));
        ++n_st;
        for (int k = 1; k <= kFleetSlots; ++k) {
            std::optional<std::string> bank_id;
            int battery = 0;
            if (FleetSlotOccupied(n, k)) {
                bank_id = random.Uuid();
                battery = FleetBankBattery(n, k);
                for (db::Param v : {db::Param(*bank_id), db::Param(FleetBankSerial(n, k)),
                                    db::Param(battery), db::Param(id), db::Param(k)})
                    banks.push_back(std::move(v));
                ++n_banks;
            }
            for (db::Param v : {db::Param(random.Uuid()), db::Param(id), db::Param(k),
                                db::Param(bank_id ? "OCCUPIED" : "AVAILABLE"), db::Param(battery),
                                db::Param(bank_id)})
                slots.push_back(std::move(v));
            ++n_slots;
        }
    }
    std::string t = std::to_string(now);
    std::string st_row =
        "(?, ?, ?, ?, ?, ?, ?, 8, 'ONLINE', 0, 0, '{}', " + t + ", " + t + ", " + t + ")";
    RETURN_IF_ERROR(c.Exec(MultiInsert("INSERT INTO stations (id, serial_number, imei, "
                                       "station_name, latitude, longitude, address, total_slots, "
                                       "status, is_maintenance, is_deleted, hardware_info, "
                                       "last_heartbeat, created_at, updated_at)",
                                       st_row.c_str(), n_st),
                           st));
    std::string bank_row =
        "(?, ?, 'PB-5000', 5000, 'AVAILABLE', ?, ?, ?, " + t + ", " + t + ", " + t + ")";
    if (n_banks)
        RETURN_IF_ERROR(c.Exec(MultiInsert("INSERT INTO power_banks (id, serial_number, model, "
                                           "capacity_mah, status, battery_level, "
                                           "current_station_id, current_slot, last_seen_at, "
                                           "created_at, updated_at)",
                                           bank_row.c_str(), n_banks),
                               banks));
    std::string slot_row = "(?, ?, ?, ?, ?, ?, " + t + ")";
    RETURN_IF_ERROR(c.Exec(MultiInsert("INSERT INTO station_slots (id, station_id, slot_number, "
                                       "status, battery_level, power_bank_id, last_updated)",
                                       slot_row.c_str(), n_slots),
                           slots));
    return Ok{};
}

}  // namespace

FleetPoint FleetPosition(int n) {
    double i = n - 1;
    double r = 15.0 * std::sqrt((i + 0.5) / 1000.0);
    double t = i * kPi * (3.0 - std::sqrt(5.0));
    double lat = kFleetCenterLat + r * std::cos(t) / 111.32;
    double lng =
        kFleetCenterLng + r * std::sin(t) / (111.32 * std::cos(kFleetCenterLat * kPi / 180.0));
    return {Round6(lat), Round6(lng)};
}

std::string FleetSerial(int n) { return Format("SN%06lld", n); }
std::string FleetImei(int n) { return Format("86%013lld", n); }
std::string FleetName(int n) { return Format("Kathmandu Station %04lld", n); }
bool FleetSlotOccupied(int n, int k) { return (n + k) % 3 == 0; }
std::string FleetBankSerial(int n, int k) { return std::to_string(10000000LL + 100LL * n + k); }
int FleetBankBattery(int n, int k) { return 80 + (n * 7 + k * 3) % 21; }

Status SeedBenchFleet(db::Database& db, const Clock& clock, Random& random, int stations) {
    if (stations < 1 || stations > 99999)
        return InvalidArgument("invalid_fleet", "stations must be within 1..99999");
    auto seeded = db.Transact([&](db::Connection& c) -> Result<bool> {
        ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT 1 FROM stations WHERE serial_number = ?",
                                              {FleetSerial(1)}));
        if (row) return false;
        Micros now = clock.Now();
        for (int first = 1; first <= stations; first += kBatch)
            RETURN_IF_ERROR(
                InsertBatch(c, random, first, std::min(stations, first + kBatch - 1), now));
        return true;
    });
    if (!seeded.ok()) return std::move(seeded).error();
    if (*seeded) Logger("stations")->info("bench fleet seeded stations={}", stations);
    return Ok{};
}

}  // namespace ps::stations
