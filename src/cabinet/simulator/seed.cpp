#include "cabinet/simulator/seed.hpp"

#include <cmath>
#include <cstdio>

namespace ps::cabinet::sim {

std::string SimImei(int n) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "86%013d", n);
    return buf;
}

std::vector<StationSpec> KathmanduFleet(int count, int first) {
    std::vector<StationSpec> out;
    const double pi = std::acos(-1.0);
    for (int n = first; n < first + count; ++n) {
        int i = n - 1;
        double r = 15.0 * std::sqrt((i + 0.5) / 1000.0);
        double t = i * pi * (3.0 - std::sqrt(5.0));
        StationSpec s;
        s.imei = SimImei(n);
        char buf[64];
        std::snprintf(buf, sizeof buf, "SIM%06d", n);
        s.serial = buf;
        std::snprintf(buf, sizeof buf, "Kathmandu Sim Station %04d", n);
        s.name = buf;
        s.latitude = std::round((27.7172 + r * std::cos(t) / 111.32) * 1e6) / 1e6;
        s.longitude = std::round((85.3240 + r * std::sin(t) / (111.32 * std::cos(27.7172 * pi / 180))) * 1e6) / 1e6;
        for (int k = 1; k <= s.slots; ++k)
            if ((n + k) % 3 != 0) s.banks.emplace_back(k, static_cast<uint32_t>(50000000 + n * 100 + k));
        out.push_back(std::move(s));
    }
    return out;
}

Result<std::string> SeedStation(db::Database& db, const Clock& clock, Random& random,
                                const StationSpec& s) {
    return db.Transact([&](db::Connection& tx) -> Result<std::string> {
        ASSIGN_OR_RETURN(auto existing, tx.QueryOne("SELECT id FROM stations WHERE imei = ?", {s.imei}));
        if (existing) return existing->Str(0);
        Micros now = clock.Now();
        std::string id = random.Uuid();
        RETURN_IF_ERROR(tx.Exec(
            "INSERT INTO stations (id, serial_number, imei, station_name, latitude, longitude, "
            "address, total_slots, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
            "'Kathmandu', ?, ?, ?, ?)",
            {id, s.serial, s.imei, s.name, s.latitude, s.longitude, s.slots, s.status, now, now}));
        for (int k = 1; k <= s.slots; ++k) {
            std::optional<std::string> bank_id;
            for (const auto& [slot, sn] : s.banks) {
                if (slot != k) continue;
                bank_id = random.Uuid();
                RETURN_IF_ERROR(tx.Exec(
                    "INSERT INTO power_banks (id, serial_number, status, battery_level, "
                    "current_station_id, current_slot, created_at, updated_at) VALUES "
                    "(?, ?, 'AVAILABLE', ?, ?, ?, ?, ?)",
                    {*bank_id, std::to_string(sn), s.battery, id, k, now, now}));
            }
            RETURN_IF_ERROR(tx.Exec(
                "INSERT INTO station_slots (id, station_id, slot_number, status, battery_level, "
                "power_bank_id, last_updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
                {random.Uuid(), id, k, bank_id ? "OCCUPIED" : "AVAILABLE", bank_id ? s.battery : 0,
                 bank_id, now}));
        }
        return id;
    });
}

Result<std::vector<SimSlot>> LoadSlots(db::Database& db, const std::string& imei, int slots) {
    std::vector<SimSlot> out(static_cast<size_t>(slots));
    ASSIGN_OR_RETURN(auto rows, db.Read([&](db::Connection& c) {
        return c.Query(
            "SELECT b.current_slot, b.serial_number, b.battery_level FROM power_banks b JOIN "
            "stations s ON s.id = b.current_station_id WHERE s.imei = ?", {imei});
    }));
    for (const auto& r : rows) {
        int64_t slot = r.Int(0);
        char* end = nullptr;
        std::string sn = r.Str(1);
        unsigned long v = std::strtoul(sn.c_str(), &end, 10);
        if (slot < 1 || slot > slots || !end || *end || v == 0 || v > UINT32_MAX) continue;
        out[static_cast<size_t>(slot - 1)] = {static_cast<uint32_t>(v), static_cast<int>(r.Int(2))};
    }
    return out;
}

}  // namespace ps::cabinet::sim
