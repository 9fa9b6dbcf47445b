// Rental types and the pure pricing rules (no I/O). Statuses and the lifecycle are described in
// migrations/0007_rentals.sql; the service (rental_service.hpp) drives them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/money.hpp"

namespace ps::rentals {

struct Package {
    std::string id, name, description;
    int duration_minutes = 0;
    Money price;
    std::string package_type, payment_model;
    bool is_active = true;
};

struct Rental {
    std::string id, rental_code;
    int64_t user_id = 0;
    std::string station_id;
    std::optional<std::string> return_station_id;
    std::optional<int> slot_number;
    std::string package_id;
    std::optional<std::string> power_bank_id, power_bank_serial;
    std::string status, payment_status;
    std::optional<Micros> started_at, ended_at;
    Micros due_at = 0;
    Money amount_paid, overdue_amount;
    bool is_returned_on_time = false, timely_return_bonus_awarded = false;
    std::optional<std::string> eject_command_id, end_reason;
    Micros created_at = 0, updated_at = 0;
    // joined for display
    std::string station_name, package_name;
    std::optional<std::string> return_station_name;
    int package_minutes = 0;
    Money package_price;
};

// Configurable rules (defaults as SPEC §3.4).
struct RentalOptions {
    bool require_profile = true;
    bool require_kyc = true;
    int min_battery = 20;
    // Late fee: for every started hour past due (after the grace), late_multiplier x the
    // package's hourly rate (price / hours of the package); at most daily_cap per started day
    // overdue. Returns within the grace cost nothing.
    int late_multiplier = 2;
    Micros late_grace = 15 * kMinute;
    Money late_daily_cap{100000};
    int64_t completion_points = 5;
    int64_t timely_points = 5;
};

// The late fee of a return at `returned_at` for a rental due at `due_at`.
Money LateFee(const RentalOptions& o, Money package_price, int package_minutes, Micros due_at,
              Micros returned_at);

}  // namespace ps::rentals
