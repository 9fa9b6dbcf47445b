// Rental lifecycle (SPEC §3.4). Start is one transaction (eligibility, bank pick, PENDING_POPUP,
// prepaid charge or postpaid minimum, eject queued). The cabinet settles the eject:
// - a reply: ok -> ACTIVE with the bank actually ejected; a failure -> CANCELLED + refund;
// - no reply (timeout): never guessed. The rental stays PENDING_POPUP, a check_all is asked
//   (verify_requested_at) and its inventory decides: the bank left the cabinet -> ACTIVE, it is
//   still in its slot -> CANCELLED + refund. A late eject reply settles it too, whichever comes
//   first. The rentals_settle job re-asks unanswered checks and settles rentals whose eject
//   outcome was committed but whose event was lost in a crash (from the command row).
// The bank back at any station (return frame, inventory, bridge) -> COMPLETED at the earliest
// evidence time; charges (postpaid usage, late fee, lost buy-out) are posted under keys derived
// from the rental id ("rental:<id>:start|extend:<n>|usage|late|lost|refund...") and what the
// wallet cannot cover becomes a due (payment_status PENDING) that blocks new rentals until
// pay-due. Jobs: rentals_overdue (1 min: reminders 15 min before due, ACTIVE -> OVERDUE),
// rentals_late_fees (hourly accrual shown on open rentals), rentals_lost (LOST 24 h past due with
// the buy-out, flags rentals open over 48 h), rentals_settle (1 min). Every listener and job is
// idempotent: state changes are conditional UPDATEs on the expected status and every posting has
// its own key. Notices go through the notify job (notifications/notifier.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cabinet/module.hpp"
#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/money/ledger.hpp"
#include "domains/rentals/late_fee.hpp"
#include "domains/rentals/rental.hpp"
#include "domains/rentals/rental_repository.hpp"
#include "http/pagination.hpp"
#include "jobs/queue.hpp"

namespace ps::rentals {

inline constexpr const char* kOverdueJob = "rentals_overdue";
inline constexpr const char* kLateFeesJob = "rentals_late_fees";
inline constexpr const char* kLostJob = "rentals_lost";
inline constexpr const char* kSettleJob = "rentals_settle";

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
    // insufficient_balance (prepaid price, or the postpaid minimum).
    Result<Rental> Start(int64_t user_id, const std::string& station_sn,
                         const std::string& package_id);
    Result<std::optional<Rental>> Active(int64_t user_id);
    Result<std::vector<Rental>> History(int64_t user_id, const repo::HistoryFilter& f,
                                        http::Page& page);
    Result<bool> HasDues(int64_t user_id);

    // Prepaid extension of the user's ACTIVE rental by a PREPAID package (at most
    // max_extensions). Errors: rental_not_found (404), invalid_rental_status, rental_overdue,
    // extension_not_allowed (postpaid rental), validation_error (package_id),
    // max_extensions_reached, insufficient_balance (400).
    struct Extension {
        std::string id;
        int extended_minutes = 0;
        Money cost;
        Micros extended_at = 0;
        std::string package_name;
    };
    Result<Extension> Extend(int64_t user_id, const std::string& rental_id,
                             const std::string& package_id);

    // Settles the unpaid charges of a finished rental (points first, then wallet), all or
    // nothing. Errors: rental_not_found (404; also another user's rental), dues_already_paid,
    // insufficient_funds (400).
    struct DuePayment {
        std::string transaction_id, rental_id;
        Money amount;
        money::PaymentSplit split;
        std::string payment_status;
    };
    Result<DuePayment> PayDue(int64_t user_id, const std::string& rental_id);

    // The user's cancel of an ACTIVE rental within cancel_window of its start whose bank is back
    // in a slot of a station (never left, or put back): CANCELLED, every charge refunded.
    // Errors: rental_not_found (404; also another user's rental), invalid_rental_status,
    // cancellation_time_expired, powerbank_not_returned (400).
    Result<Rental> CancelByUser(int64_t user_id, const std::string& rental_id,
                                const std::string& reason);

    // Staff views.
    Result<std::vector<repo::AdminRental>> AdminList(const repo::AdminFilter& f, http::Page& page);
    // Error rental_not_found (404).
    Result<repo::AdminRental> AdminGet(const std::string& id);

    // Staff interventions, audited. Pause: nothing accrues after now (late fee, postpaid
    // usage). Close: the rental ends at `ended_at` (default: the pause time, else now; not before
    // it started nor in the future) and is charged as a return then, without a return station.
    // Errors: rental_not_found (404), invalid_rental_status, billing_already_paused,
    // validation_error (ended_at).
    struct StaffAction {
        int64_t staff_user_id = 0;
        std::string reason, ip_address, user_agent;
    };
    Result<Rental> PauseBilling(const StaffAction& a, const std::string& rental_id);
    Result<Rental> CloseByStaff(const StaffAction& a, const std::string& rental_id,
                                std::optional<Micros> ended_at);

    struct Stats {
        int64_t total = 0, completed = 0, active = 0, cancelled = 0, timely = 0, late = 0;
        int64_t minutes_used = 0;
        Money spent;
        std::optional<std::string> favorite_station, favorite_package;
        std::optional<Micros> first_at, last_at;
    };
    Result<Stats> UserStats(int64_t user_id);

    // Cabinet events (also called by tests).
    void OnEject(const cabinet::EjectResult& e);
    void OnReturned(const cabinet::BankReturned& b);
    void OnStationChecked(const cabinet::StationChecked& c);

    // The jobs' work; each returns how many rentals it changed.
    Result<int64_t> MarkOverdue();   // and the due-soon reminders
    Result<int64_t> AccrueLateFees();
    Result<int64_t> MarkLost();      // and the 48 h flags
    Result<int64_t> Settle();

    // The late-fee configuration that applies to a package type now.
    Result<LateFeeConfig> LateFeeConfigFor(const std::string& package_type);

    const RentalOptions& options() const { return opts_; }

private:
    // READ COMMITTED: the cabinet events' handlers (OnEject, OnReturned, OnStationChecked) run
    // in it. Activate, CancelPending, BeginVerify and Finish decide from a rental read before and
    // act through an UPDATE guarded by the status it had (and check the changed row count), so
    // of racing handlers (the return frame and the HTTP return's check_all, a late reply and the
    // settle job) one changes the rental and the others do nothing; charges, refunds and points
    // are keyed in the ledger.
    // Refuses an ineligible user; else the package asked for, if it exists.
    Result<std::optional<Package>> CheckEligibility(db::Connection& tx, int64_t user_id,
                                                    const std::string& package_id);
    Status Activate(db::Connection& tx, const Rental& r, Micros at, const std::string& serial);
    Status CancelPending(db::Connection& tx, const Rental& r, const std::string& reason);
    Status BeginVerify(db::Connection& tx, const Rental& r);
    Result<bool> BankInStation(db::Connection& tx, const Rental& r);
    Status SettleFromCabinet(db::Connection& tx, const Rental& r, Micros at);
    // Ends an open or LOST rental at `at` (return evidence or staff close) and charges it.
    Status Finish(db::Connection& tx, const Rental& r, Micros at,
                  const std::optional<std::string>& return_station_id, const std::string& reason);
    // Charges every part (usage, late fee, buy-out) that has no posting yet, stopping at the
    // first the balance cannot cover, and sets payment_status. Returns what is left unpaid;
    // *paid (when given) gets what was charged now.
    Result<Money> ChargeParts(db::Connection& tx, const Rental& r,
                             std::vector<money::ChargeResult>* charged, Money* paid_now = nullptr);
    Status RefundAll(db::Connection& tx, const Rental& r, const std::string& why);
    Status NotifyUser(db::Connection& tx, const Rental& r, const std::string& slug,
                      boost::json::object vars);
    std::string NewCode();

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    money::Ledger& ledger_;
    cabinet::CabinetModule& cabinet_;
    RentalOptions opts_;
};

}  // namespace ps::rentals
