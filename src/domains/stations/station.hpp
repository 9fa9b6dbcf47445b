// Stations domain types: stations, slots, power banks, amenities, media, issue reports, the live
// counts the map shows, and the enum spellings of the reference API. No I/O here.
//
// A bank is *rentable* when it is AVAILABLE, sits in an OCCUPIED slot and its battery is at least
// the configured minimum (min_rentable_battery, default 20): that count is the API's
// `available_slots`. A *free slot* is an AVAILABLE slot with no bank: where a bank can be returned.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace ps::stations {

inline constexpr int kDefaultMinRentableBattery = 20;

struct Station {
    std::string id, serial_number, imei, station_name;
    double latitude = 0, longitude = 0;
    std::string address;
    std::optional<std::string> landmark, description, opening_time, closing_time;  // "HH:MM:SS"
    int total_slots = 0;
    std::string status = "OFFLINE";  // ONLINE | OFFLINE | MAINTENANCE
    bool is_maintenance = false, is_deleted = false;
    std::string hardware_info = "{}";  // a JSON object, as text
    std::optional<Micros> last_heartbeat;
    Micros created_at = 0, updated_at = 0;

    // What a non-staff caller may see: not deleted, not in maintenance, ONLINE or OFFLINE.
    bool PubliclyVisible() const {
        return !is_deleted && !is_maintenance && (status == "ONLINE" || status == "OFFLINE");
    }
};

struct LiveCounts {
    int rentable = 0;              // rentable banks (the API's available_slots)
    int free_slots = 0;            // AVAILABLE slots without a bank
    int available_slots = 0;       // slots in status AVAILABLE (the admin list's available_slots)
    int occupied_slots = 0;        // slots in status OCCUPIED
    int total_powerbanks = 0;      // banks whose current station is this one
    int available_powerbanks = 0;  // of those, status AVAILABLE
};

struct Media {
    std::string id, station_id;
    std::optional<std::string> media_upload_id;
    std::string media_type = "IMAGE";  // IMAGE | VIDEO | 360_VIEW | FLOOR_PLAN
    std::optional<std::string> title, description, url, file_type;
    bool is_primary = false;
    Micros created_at = 0;
};

struct PowerBank {
    std::string id, serial_number, model = "PB-5000";
    int capacity_mah = 5000;
    std::string status = "AVAILABLE";  // AVAILABLE | RENTED | MAINTENANCE | DAMAGED | LOST
    int battery_level = 100;
    std::string hardware_info = "{}";
    std::optional<std::string> current_station_id;
    std::optional<int> current_slot;
    int total_cycles = 0;
    std::optional<Micros> last_seen_at;
    Micros created_at = 0, updated_at = 0;
};

struct Slot {
    std::string id, station_id;
    int slot_number = 0;
    std::string status = "AVAILABLE";  // AVAILABLE | OCCUPIED | MAINTENANCE | ERROR
    int battery_level = 0;
    std::optional<std::string> power_bank_id, current_rental_id;
    Micros last_updated = 0;
    std::optional<PowerBank> bank;  // the bank in it, when loaded
};

struct Amenity {
    std::string id, name, icon, description;
    bool is_active = true;
    Micros created_at = 0, updated_at = 0;
    int64_t stations_count = 0;  // filled by the admin list
};

// One row of a station list: the station, its live counts, and what the caller sees of it.
struct StationSummary {
    Station station;
    LiveCounts counts;
    bool is_favorite = false;
    std::optional<double> distance_km;  // set when the caller gave coordinates
    std::vector<Media> media;
    std::vector<std::string> amenity_names;  // admin list only
};

struct StationDetail {
    StationSummary summary;
    std::vector<Slot> slots;  // ordered by slot number, banks attached
    std::vector<Amenity> amenities;
    std::vector<PowerBank> banks;  // banks located at the station
};

struct Issue {
    std::string id, station_id;
    std::optional<int64_t> reported_by, assigned_to;
    std::string issue_type, description;
    std::vector<std::string> images;
    std::string priority = "MEDIUM";  // LOW | MEDIUM | HIGH | CRITICAL
    std::string status = "REPORTED";  // REPORTED | ACKNOWLEDGED | IN_PROGRESS | RESOLVED
    std::optional<std::string> notes;
    Micros reported_at = 0;
    std::optional<Micros> resolved_at;
    Micros updated_at = 0;
};

// An issue with the names the lists show.
struct IssueView {
    Issue issue;
    std::string station_name, station_serial, station_address, station_status;
    std::optional<std::string> reporter_username, reporter_email, reporter_phone;
    std::optional<std::string> assignee_username, assignee_email;
};

bool IsStationStatus(std::string_view s);
bool IsSlotStatus(std::string_view s);
bool IsBankStatus(std::string_view s);
bool IsMediaType(std::string_view s);
bool IsIssueType(std::string_view s);
bool IsIssuePriority(std::string_view s);
bool IsIssueStatus(std::string_view s);
// 8-4-4-4-12 hex digits.
bool LooksLikeUuid(std::string_view s);
// "HH:MM" or "HH:MM:SS" -> "HH:MM:SS"; nullopt when malformed.
std::optional<std::string> NormalizeTime(std::string_view s);

}  // namespace ps::stations
