// The few station facts the cabinet link reads and writes (tables of migration 0002): find by
// IMEI / serial / id, auto-registration, liveness, broker credentials. The stations catalogue
// (src/domains/stations) owns everything else about a station.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cabinet/codec.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "db/database.hpp"

namespace ps::cabinet {

struct CabinetStation {
    std::string id, imei, serial_number, name, status;
    bool maintenance = false;
    int total_slots = 0;
    std::vector<int> layout;  // holes per board (stations.board_layout), empty = infer
    std::optional<Micros> last_heartbeat;
};

// lock: take the station's row lock (PostgreSQL `FOR NO KEY UPDATE`, which excludes the other
// lockers and `FOR UPDATE`; SQLite's writer is alone anyway) in the same statement, for callers
// that would otherwise lock and then read it.
Result<std::optional<CabinetStation>> FindStationByImei(db::Connection& c, std::string_view imei,
                                                        bool lock = false);
Result<std::optional<CabinetStation>> FindStationBySerial(db::Connection& c, std::string_view sn,
                                                          bool lock = false);
Result<std::optional<CabinetStation>> FindStationById(db::Connection& c, std::string_view id,
                                                      bool lock = false);

// Creates a placeholder station for an unknown IMEI (config cabinet_auto_register): serial =
// IMEI, name "Cabinet <imei>", no location, slots learned from its first inventory.
Result<CabinetStation> AutoRegisterStation(db::Connection& c, const Clock& clock, Random& random,
                                           std::string_view imei);

// Any message from the cabinet: last_heartbeat = now, OFFLINE -> ONLINE unless in maintenance.
Status TouchLiveness(db::Connection& c, std::string_view station_id, Micros now);
// The same for a station read under its row lock (FindStationBy*(..., lock = true)), writing
// only when it changes something that matters: OFFLINE -> ONLINE, or last_heartbeat older than
// kLivenessResolution. A busy cabinet sends several frames a second; rewriting its row for each
// was the costliest statement of a rental cycle, and the silence that marks a cabinet offline is
// counted in minutes (cabinet_offline_after_s).
inline constexpr Micros kLivenessResolution = 5 * kSecond;
Status RefreshLiveness(db::Connection& c, const CabinetStation& s, Micros now);
// Both for a station known by id: its row lock, then RefreshLiveness from the locked row.
Status LockAndRefreshLiveness(db::Connection& c, std::string_view station_id, Micros now);
// ONLINE stations silent since before now - silence become OFFLINE; returns how many.
Result<int64_t> MarkSilentStationsOffline(db::Connection& c, Micros now, Micros silence);
// The bridge's status push: ONLINE | OFFLINE (MAINTENANCE stays until staff lifts it).
Status SetStationStatus(db::Connection& c, std::string_view station_id, std::string_view status,
                        Micros now);
// Grows total_slots to at least `slots` (auto-registered stations start at 0).
Status EnsureSlotCount(db::Connection& c, std::string_view station_id, int slots, Micros now);

Status SetMqttCredentials(db::Connection& c, std::string_view station_id,
                          std::string_view username, std::string_view password_hash, Micros now);
struct MqttAccount {
    std::string imei, username, password_hash;
};
Result<std::vector<MqttAccount>> ListMqttAccounts(db::Connection& c);

// What decoding may know about this station (board layout override, slot count).
DecodeOptions DecodeOptionsFor(const CabinetStation& s, bool verify_checksum = true);

}  // namespace ps::cabinet
