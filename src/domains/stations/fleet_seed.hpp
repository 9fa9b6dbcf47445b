// The benchmark fleet (shared/bench-fleet.md), used by `make run`, the benchmarks and tests:
// stations n = 1..N on a Vogel spiral filling a 15 km disc around (27.7172, 85.3240), named
// "Kathmandu Station 0001", serial SN000001, IMEI 860000000000001, address "Ward {n%32+1},
// Kathmandu", ONLINE, 8 slots; slot k is OCCUPIED by a power bank (battery 80..100) when
// (n+k) % 3 == 0, else AVAILABLE and empty.
#pragma once

#include <string>

#include "core/clock.hpp"
#include "db/database.hpp"

namespace ps::stations {

inline constexpr double kFleetCenterLat = 27.7172;
inline constexpr double kFleetCenterLng = 85.3240;
inline constexpr int kFleetSlots = 8;

struct FleetPoint {
    double latitude = 0, longitude = 0;  // rounded to 6 decimals
};
// The position of station n (1-based). The spiral is that of the 1000-station fleet whatever
// the count seeded, so station n is always at the same place (a smaller fleet is its core).
FleetPoint FleetPosition(int n);
std::string FleetSerial(int n);  // "SN000001"
std::string FleetImei(int n);    // "860000000000001"
std::string FleetName(int n);    // "Kathmandu Station 0001"
bool FleetSlotOccupied(int n, int k);
// The bank in slot k of station n: serial 10000000 + 100 n + k (a decimal u32, as the cabinet
// protocol reports it), battery 80..100 (deterministic).
std::string FleetBankSerial(int n, int k);
int FleetBankBattery(int n, int k);

// Inserts stations 1..stations (with slots and banks) in one transaction, a few multi-row
// statements per 100 stations. Does nothing if SN000001 already exists.
Status SeedBenchFleet(db::Database& db, const Clock& clock, Random& random, int stations);

}  // namespace ps::stations
