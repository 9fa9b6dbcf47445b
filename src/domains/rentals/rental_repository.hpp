// SQL of rentals and packages (migration 0007), on the caller's connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "domains/rentals/rental.hpp"

namespace ps::rentals::repo {

Result<std::vector<Package>> ListPackages(db::Connection& c, bool active_only);
Result<std::optional<Package>> FindPackage(db::Connection& c, const std::string& id);

// false (nothing inserted) when the bank is in another open rental.
Result<bool> InsertRental(db::Connection& c, const Rental& r);
Result<std::optional<Rental>> FindRental(db::Connection& c, const std::string& id);
// FindRental that also takes the rental's row lock (PostgreSQL; SQLite's writer is alone).
Result<std::optional<Rental>> LockRental(db::Connection& c, const std::string& id);
// PENDING_POPUP, ACTIVE or OVERDUE.
Result<std::optional<Rental>> FindOpenRental(db::Connection& c, int64_t user_id);
// The open rental holding (or waiting for) the bank with `serial`, created at or before `at`.
Result<std::optional<Rental>> FindOpenRentalOfBank(db::Connection& c, const std::string& serial,
                                                   Micros at);
// COMPLETED rentals with an unpaid late fee.
Result<bool> HasDues(db::Connection& c, int64_t user_id);
// What decides whether a user may start a rental with a package, read in one statement;
// nullopt: no such user.
struct Standing {
    std::string status;  // users.status
    bool has_profile = false, kyc_approved = false, has_open_rental = false, has_dues = false;
    std::optional<Package> package;  // the package asked for, if it exists
};
Result<std::optional<Standing>> ReadStanding(db::Connection& c, int64_t user_id,
                                             const std::string& package_id);

struct HistoryFilter {
    std::optional<std::string> status, payment_status, station_id;
};
Result<int64_t> CountHistory(db::Connection& c, int64_t user_id, const HistoryFilter& f);
Result<std::vector<Rental>> ListHistory(db::Connection& c, int64_t user_id, const HistoryFilter& f,
                                        int64_t limit, int64_t offset);

// Staff views: a rental with its user, stations and bank.
struct AdminRental {
    Rental r;
    std::string username;
    std::optional<std::string> email, phone_number, bank_model;
    std::string station_serial, station_address;
    std::optional<std::string> return_station_serial, return_station_address;
    int64_t issues_count = 0;  // detail only
};
struct AdminFilter {
    std::optional<std::string> status, payment_status, station_id, search;
    std::optional<int64_t> user_id;
    std::optional<bool> flagged;
};
Result<int64_t> CountAdmin(db::Connection& c, const AdminFilter& f);
Result<std::vector<AdminRental>> ListAdmin(db::Connection& c, const AdminFilter& f, int64_t limit,
                                           int64_t offset);
Result<std::optional<AdminRental>> FindAdmin(db::Connection& c, const std::string& id);

// ACTIVE rentals past due become OVERDUE; returns how many.
Result<int64_t> MarkOverdue(db::Connection& c, Micros now);

// PENDING_POPUP rentals at a station whose eject outcome is being verified by a check_all asked
// at or before `asked_before`.
Result<std::vector<Rental>> ListVerifying(db::Connection& c, const std::string& station_id,
                                          Micros asked_before);

// PENDING_POPUP rentals created before `created_before` whose eject command is no longer queued
// or in flight (its outcome may have been lost in a crash): the command's status and time.
struct Unsettled {
    std::string rental_id, command_status;
    Micros command_at = 0;
    std::optional<Micros> verify_requested_at;
};
Result<std::vector<Unsettled>> ListUnsettled(db::Connection& c, Micros created_before);

// Rentals by a WHERE clause on `r` (the jobs' selections).
Result<std::vector<Rental>> ListWhere(db::Connection& c, const std::string& where,
                                      const db::Params& p);

}  // namespace ps::rentals::repo
