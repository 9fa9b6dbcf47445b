// SQL of power banks: rows, their history (power_bank_history: SEEN | MOVED | EJECTED | RETURNED
// | STATUS), and the staff lists and fleet analytics. Runs on the caller's connection.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "domains/stations/station.hpp"

namespace ps::stations::repo {

Result<std::optional<PowerBank>> FindBank(db::Connection& c, const std::string& id);
Result<std::optional<PowerBank>> FindBankBySerial(db::Connection& c, const std::string& serial);
Status InsertBank(db::Connection& c, const PowerBank& b);
// Writes every column but id, serial_number and created_at.
Status UpdateBank(db::Connection& c, const PowerBank& b);
Status AddHistory(db::Connection& c, const std::string& bank_id, std::string_view event,
                  const std::optional<std::string>& station_id, std::optional<int> slot_number,
                  const boost::json::object& detail, Micros now);

// A bank with where it is, for the staff views.
struct BankRow {
    PowerBank bank;
    std::optional<std::string> station_name, station_serial, slot_id, slot_status;
    int64_t rental_count = 0;  // EJECTED events: each is a rental
    int64_t return_count = 0;  // RETURNED events
};
struct BankFilter {
    std::optional<std::string> status, station_id, search;
};
Result<int64_t> CountBanks(db::Connection& c, const BankFilter& f);
// RENTED, MAINTENANCE, DAMAGED, LOST, then AVAILABLE; by serial within each.
Result<std::vector<BankRow>> ListBanks(db::Connection& c, const BankFilter& f, int64_t limit,
                                       int64_t offset);
Result<std::optional<BankRow>> FindBankRow(db::Connection& c, const std::string& id);

struct HistoryEntry {
    int64_t id = 0;
    std::string event;
    std::optional<std::string> station_id, station_name, station_serial;
    std::optional<int> slot_number;
    std::string detail = "{}";
    Micros created_at = 0;
};
Result<int64_t> CountHistory(db::Connection& c, const std::string& bank_id);
// Newest first.
Result<std::vector<HistoryEntry>> ListHistory(db::Connection& c, const std::string& bank_id,
                                              int64_t limit, int64_t offset);

struct FleetStats {
    int64_t total = 0, available = 0, rented = 0, maintenance = 0, damaged = 0, lost = 0;
    int64_t needs_attention = 0;  // DAMAGED, MAINTENANCE, or battery below the minimum
    double avg_battery = 0;
    int64_t total_rentals = 0;  // EJECTED events
    struct Top {
        std::string serial_number, model, status;
        int64_t rental_count = 0;
    };
    std::vector<Top> top;                                     // by rentals, 10 at most
    std::vector<std::pair<std::string, int64_t>> by_station;  // station name, banks; 10 at most
};
Result<FleetStats> ComputeFleetStats(db::Connection& c, int min_battery);

}  // namespace ps::stations::repo
