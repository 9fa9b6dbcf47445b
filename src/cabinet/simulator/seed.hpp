// Stations for simulated cabinets: the in-process fleet registers N cabinets around Kathmandu
// (8 slots each, two thirds holding a bank) unless stations with those IMEIs exist, and starts
// each simulated cabinet with the slots the database records, so both agree from the start.
// Tests seed single stations the same way.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cabinet/simulator/sim_cabinet.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "db/database.hpp"

namespace ps::cabinet::sim {

struct StationSpec {
    std::string imei, serial, name;
    double latitude = 27.7172, longitude = 85.3240;
    int slots = 8;
    std::vector<std::pair<int, uint32_t>> banks;  // (slot, serial)
    int battery = 90;
    std::string status = "OFFLINE";
};

// Inserts the station, its slots and banks unless a station with that IMEI exists. Returns
// the station id either way.
Result<std::string> SeedStation(db::Database& db, const Clock& clock, Random& random,
                                const StationSpec& spec);

// IMEI of simulated cabinet n: 86 followed by n, zero-padded to 15 digits (as the bench fleet).
std::string SimImei(int n);
// n stations on a Vogel spiral within 15 km of Kathmandu's centre (shared/bench-fleet.md).
std::vector<StationSpec> KathmanduFleet(int count, int first = 1);

// The banks the database records in a station's slots, as the simulator holds them.
Result<std::vector<SimSlot>> LoadSlots(db::Database& db, const std::string& imei, int slots);

}  // namespace ps::cabinet::sim
