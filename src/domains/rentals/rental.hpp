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
    // the package's terms when the rental started
    std::string payment_model = "PREPAID", package_type = "HOURLY";
    int package_minutes = 0;
    Money package_price;
    std::optional<Micros> verify_requested_at, reminder_sent_at, billing_paused_at, flagged_at,
        lost_at;
    int extension_count = 0;
    Money penalty_amount, usage_amount;
    // joined for display
    std::string station_name, package_name;
    std::optional<std::string> return_station_name;

    bool Open() const { return status == "ACTIVE" || status == "OVERDUE"; }
    // The end of billable time for a return at `at` (staff may have paused billing earlier).
    Micros BilledUntil(Micros at) const {
        return billing_paused_at && *billing_paused_at < at ? *billing_paused_at : at;
    }
};

// Configurable rules (defaults as SPEC §3.4). Late fees are configured by staff (late_fee.hpp).
struct RentalOptions {
    bool require_profile = true;
    bool require_kyc = true;
    int min_battery = 20;
    Micros cancel_window = 5 * kMinute;
    Money postpaid_minimum{5000};    // wallet needed to start a POSTPAID rental
    int max_extensions = 3;
    Micros reminder_before = 15 * kMinute;
    Micros lost_after = 24 * kHour;  // past due: LOST, the buy-out penalty levied
    Money lost_penalty{500000};
    Micros flag_after = 48 * kHour;  // open this long: flagged for staff
    Micros verify_retry = 30 * kSecond;  // an unanswered verification check_all is asked again
    int64_t completion_points = 5;
    int64_t timely_points = 5;
};

// What a POSTPAID rental costs for `used` time: every started minute at the package's price per
// minute, rounded up to the paisa.
Money PostpaidCharge(Money package_price, int package_minutes, Micros used);

}  // namespace ps::rentals
