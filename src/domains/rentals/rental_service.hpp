// Rental lifecycle (SPEC §3.4): start (one transaction: eligibility, bank pick, PENDING_POPUP,
// prepaid charge, eject queued), the cabinet's answers (eject ok -> ACTIVE; failed or timed
// out -> CANCELLED + refund; the bank back at any station -> COMPLETED with late fee and
// points), the overdue job, and the user's views. Listeners are idempotent: every state change
// is a conditional UPDATE on the expected status and every ledger posting has a key derived from
// the rental id. A late eject success after a timeout-cancel resumes the rental (Resume). Also the
// user's cancel and pay-due, the user's stats and the staff views. Not done yet: extend,
// POSTPAID, LOST, issues, location.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cabinet/module.hpp"
#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/money/ledger.hpp"
#include "domains/rentals/rental.hpp"
#include "domains/rentals/rental_repository.hpp"
#include "http/pagination.hpp"
#include "jobs/queue.hpp"

namespace ps::rentals {

inline constexpr const char* kOverdueJob = "rentals_overdue";

class RentalService {
public:
    RentalService(db::Database& db, const Clock& clock, Random& random, money::Ledger& ledger,
                  cabinet::CabinetModule& cabinet, RentalOptions opts);

    // Subscribes to the cabinet's events (call once, before the cabinet starts).
    void Listen();
    void RegisterJobs(jobs::Registry& registry, std::vector<jobs::PeriodicJob>& periodic);

    Result<std::vector<Package>> Packages();
    // Errors (400): validation_error (station_sn / package_id), rental_prerequisites_not_met,
    // active_rental_exists, station_offline, station_maintenance, no_power_bank_available,
    // insufficient_balance.
    Result<Rental> Start(int64_t user_id, const std::string& station_sn,
                         const std::string& package_id);
    Result<std::optional<Rental>> Active(int64_t user_id);
    Result<std::vector<Rental>> History(int64_t user_id, const repo::HistoryFilter& f,
                                        http::Page& page);
    Result<bool> HasDues(int64_t user_id);
    Result<int64_t> MarkOverdue();

    // Settles the unpaid dues of a COMPLETED rental (points first, then wallet; late-fee
    // revenue, transaction RENTAL_DUE). Errors: rental_not_found (404; also another user's
    // rental), dues_already_paid, insufficient_funds (400).
    struct DuePayment {
        std::string transaction_id, rental_id;
        Money amount;
        money::PaymentSplit split;
        std::string payment_status;
    };
    Result<DuePayment> PayDue(int64_t user_id, const std::string& rental_id);

    // The user's cancel of an ACTIVE rental within kCancelWindow of its start whose bank is back
    // in a slot of a station (never left, or put back): CANCELLED, the charge refunded.
    // Errors: rental_not_found (404; also another user's rental), invalid_rental_status,
    // cancellation_time_expired, powerbank_not_returned (400).
    static constexpr Micros kCancelWindow = 5 * kMinute;
    Result<Rental> CancelByUser(int64_t user_id, const std::string& rental_id,
                                const std::string& reason);

    // Staff views.
    Result<std::vector<repo::AdminRental>> AdminList(const repo::AdminFilter& f, http::Page& page);
    // Error rental_not_found (404).
    Result<repo::AdminRental> AdminGet(const std::string& id);

    struct Stats {
        int64_t total = 0, completed = 0, active = 0, cancelled = 0, timely = 0, late = 0;
        int64_t minutes_used = 0;
        Money spent;
        std::optional<std::string> favorite_station, favorite_package;
        std::optional<Micros> first_at, last_at;
    };
    Result<Stats> UserStats(int64_t user_id);

    void OnEject(const cabinet::EjectResult& e);
    void OnReturned(const cabinet::BankReturned& b);
    const RentalOptions& options() const { return opts_; }

private:
    Status CheckEligibility(db::Connection& tx, int64_t user_id);
    Status Activate(const cabinet::EjectResult& e);
    Status Cancel(const cabinet::EjectResult& e);
    Status Resume(db::Connection& tx, const Rental& r, const cabinet::EjectResult& e);
    Status Complete(const cabinet::BankReturned& b);
    std::string NewCode();

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    money::Ledger& ledger_;
    cabinet::CabinetModule& cabinet_;
    RentalOptions opts_;
};

}  // namespace ps::rentals
