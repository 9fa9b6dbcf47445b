// RentalService: what the cabinet's events and the periodic jobs do to rentals, and how a
// finished rental is charged (rental_service.hpp).
#include <algorithm>
#include <boost/json.hpp>

#include "core/log.hpp"
#include "core/time_format.hpp"
#include "domains/notifications/notifier.hpp"
#include "domains/rentals/rental_admin_repository.hpp"
#include "domains/rentals/rental_service.hpp"
#include "domains/stations/bank_repository.hpp"
#include "domains/stations/inventory_repository.hpp"

namespace ps::rentals {

namespace json = boost::json;

namespace {

auto Log() {
    static auto l = Logger("rentals");
    return l;
}

std::string Key(const Rental& r, std::string_view part) {
    return "rental:" + r.id + ":" + std::string(part);
}

}  // namespace

void RentalService::Listen() {
    auto& ev = cabinet_.events();
    ev.OnEjectResult([this](const cabinet::EjectResult& e) { OnEject(e); });
    ev.OnBankReturned([this](const cabinet::BankReturned& b) { OnReturned(b); });
    ev.OnStationChecked([this](const cabinet::StationChecked& c) { OnStationChecked(c); });
}

void RentalService::RegisterJobs(jobs::Registry& registry,
                                 std::vector<jobs::PeriodicJob>& periodic) {
    auto job = [&](const char* name, Micros period, Result<int64_t> (RentalService::*run)()) {
        registry.Register(name, [this, name, run](const jobs::Job&) -> Status {
            ASSIGN_OR_RETURN(int64_t n, (this->*run)());
            if (n > 0) Log()->info("rentals job={} changed={}", name, n);
            return Ok{};
        });
        periodic.push_back({name, period});
    };
    job(kOverdueJob, kMinute, &RentalService::MarkOverdue);
    job(kLateFeesJob, kHour, &RentalService::AccrueLateFees);
    job(kLostJob, 5 * kMinute, &RentalService::MarkLost);
    job(kSettleJob, kMinute, &RentalService::Settle);
}

Status RentalService::NotifyUser(db::Connection& tx, const Rental& r, const std::string& slug,
                                 json::object vars) {
    vars["rental_id"] = r.id;
    vars["rental_code"] = r.rental_code;
    std::string dedup = Key(r, slug);
    if (slug == "rental_due_soon") dedup += ":" + std::to_string(r.due_at);
    return notifications::Notify(tx, clock_, r.user_id, slug, vars, dedup);
}

// ---- the eject's outcome ----

void RentalService::OnEject(const cabinet::EjectResult& e) {
    if (e.rental_id.empty()) return;
    auto st = db_.Transact([&](db::Connection& tx) -> Status {
        ASSIGN_OR_RETURN(auto r, repo::FindRental(tx, e.rental_id));
        if (!r || r->status != "PENDING_POPUP") {
            if (r && e.late)
                Log()->warn("late eject reply for a settled rental rental_id={} status={} ok={}",
                            r->id, r->status, e.ok);
            return Ok{};
        }
        if (e.ok) return Activate(tx, *r, e.at ? e.at : clock_.Now(), e.serial);
        if (e.timed_out) return BeginVerify(tx, *r);
        return CancelPending(tx, *r, "eject_failed: " + e.reason);
    }, db::Isolation::kReadCommitted);  // see "READ COMMITTED" in rental_service.hpp
    if (!st.ok())
        Log()->error("rental eject handling failed rental_id={} command_id={} error={}",
                     e.rental_id, e.command_id, st.error().message);
    if (e.timed_out) cabinet_.dispatcher().Wake(e.station_id);
}

Status RentalService::Activate(db::Connection& tx, const Rental& r, Micros at,
                               const std::string& serial) {
    ASSIGN_OR_RETURN(int64_t n,
                     tx.Exec("UPDATE rentals SET status = 'ACTIVE', started_at = ?, due_at = ?, "
                             "updated_at = ? WHERE id = ? AND status = 'PENDING_POPUP'",
                             {at, at + r.package_minutes * kMinute, clock_.Now(), r.id}));
    if (n == 0) return Ok{};
    std::string bank_serial = r.power_bank_serial.value_or("");
    if (!serial.empty() && serial != bank_serial) {
        // the cabinet ejected another bank than the one asked for: the rental follows it
        ASSIGN_OR_RETURN(auto bank, stations::repo::FindBankBySerial(tx, serial));
        if (bank) {
            RETURN_IF_ERROR(tx.Defer(
                "UPDATE rentals SET power_bank_id = ?, power_bank_serial = ? WHERE id = ?",
                {bank->id, serial, r.id}));
            bank_serial = serial;
        }
    }
    RETURN_IF_ERROR(
        stations::repo::SetBankStatus(tx, bank_serial, "RENTED", {"AVAILABLE"}, clock_.Now()));
    Log()->info("rental active rental_id={} serial={}", r.id, bank_serial);
    return NotifyUser(tx, r, "rental_started",
                      {{"due_at", FormatDt(at + r.package_minutes * kMinute)}});
}

Status RentalService::CancelPending(db::Connection& tx, const Rental& r,
                                    const std::string& reason) {
    Micros now = clock_.Now();
    ASSIGN_OR_RETURN(int64_t n,
                     tx.Exec("UPDATE rentals SET status = 'CANCELLED', ended_at = ?, "
                             "end_reason = ?, updated_at = ? WHERE id = ? AND status = "
                             "'PENDING_POPUP'",
                             {now, reason, now, r.id}));
    if (n == 0) return Ok{};
    RETURN_IF_ERROR(RefundAll(tx, r, "eject failed"));
    Log()->info("rental cancelled rental_id={} reason={}", r.id, reason);
    return NotifyUser(tx, r, "rental_cancelled", {{"reason", reason}});
}

Status RentalService::RefundAll(db::Connection& tx, const Rental& r, const std::string& why) {
    std::vector<std::string> keys{Key(r, "start")};
    for (int i = 1; i <= r.extension_count; ++i) keys.push_back(Key(r, "extend:" + std::to_string(i)));
    bool refunded = false;
    for (const auto& key : keys) {
        ASSIGN_OR_RETURN(auto charge, money::Ledger::FindByKey(tx, key));
        if (!charge) continue;
        money::RefundSpec rs;
        rs.original_key = key;
        rs.key = key == keys.front() ? Key(r, "refund") : key + ":refund";
        rs.description = "Refund of rental " + r.rental_code + " (" + why + ")";
        auto refund = ledger_.Refund(tx, rs);
        if (!refund.ok() && refund.error().slug != "already_refunded")
            return std::move(refund).error();
        refunded = true;
    }
    if (!refunded) return Ok{};
    return tx.Exec("UPDATE rentals SET payment_status = 'REFUNDED' WHERE id = ?", {r.id});
}

// No reply to the eject: ask the cabinet what it holds (a check_all after the pacing delay).
Status RentalService::BeginVerify(db::Connection& tx, const Rental& r) {
    ASSIGN_OR_RETURN(int64_t n,
                     tx.Exec("UPDATE rentals SET verify_requested_at = ?, updated_at = ? WHERE "
                             "id = ? AND status = 'PENDING_POPUP' AND verify_requested_at IS NULL",
                             {clock_.Now(), clock_.Now(), r.id}));
    if (n == 0) return Ok{};
    ASSIGN_OR_RETURN(auto cmd, cabinet_.commands().EnsureCheckAll(
                                   tx, r.station_id, "verify eject of rental " + r.rental_code));
    Log()->warn("eject unanswered, asking the cabinet rental_id={} check_all={}", r.id, cmd);
    return Ok{};
}

Result<bool> RentalService::BankInStation(db::Connection& tx, const Rental& r) {
    if (!r.power_bank_id) return false;
    ASSIGN_OR_RETURN(auto bank, stations::repo::FindBank(tx, *r.power_bank_id));
    return bank && bank->current_station_id == r.station_id;
}

// The cabinet's inventory (after a reply or a check_all) decides: the bank left -> ACTIVE from
// the time the eject was sent; it is still in the cabinet -> cancelled and refunded.
Status RentalService::SettleFromCabinet(db::Connection& tx, const Rental& r, Micros at) {
    ASSIGN_OR_RETURN(bool inside, BankInStation(tx, r));
    if (inside) return CancelPending(tx, r, "eject_failed: the bank is still in the cabinet");
    return Activate(tx, r, at, "");
}

void RentalService::OnStationChecked(const cabinet::StationChecked& c) {
    auto st = db_.Transact([&](db::Connection& tx) -> Status {
        ASSIGN_OR_RETURN(auto pending, repo::ListVerifying(tx, c.station_id, c.at));
        for (const auto& r : pending) {
            Micros sent = r.created_at;
            if (r.eject_command_id) {
                ASSIGN_OR_RETURN(auto cmd, tx.QueryOne("SELECT sent_at FROM cabinet_commands "
                                                       "WHERE id = ?",
                                                       {*r.eject_command_id}));
                if (cmd && cmd->OptInt(0)) sent = *cmd->OptInt(0);
            }
            RETURN_IF_ERROR(SettleFromCabinet(tx, r, sent));
        }
        return Ok{};
    }, db::Isolation::kReadCommitted);
    if (!st.ok())
        Log()->error("rental verification failed station_id={} error={}", c.station_id,
                     st.error().message);
}

Result<int64_t> RentalService::Settle() {
    Micros now = clock_.Now();
    ASSIGN_OR_RETURN(auto rows,
                     db_.Read([&](db::Connection& c) { return repo::ListUnsettled(c, now); }));
    int64_t changed = 0;
    bool wake = false;
    for (const auto& u : rows) {
        auto st = db_.Transact([&](db::Connection& tx) -> Status {
            ASSIGN_OR_RETURN(auto r, repo::FindRental(tx, u.rental_id));
            if (!r || r->status != "PENDING_POPUP") return Ok{};
            bool timed_out = u.command_status == "TIMED_OUT";
            // a verification asked for recently is still in its time
            if (timed_out && r->verify_requested_at &&
                *r->verify_requested_at > now - opts_.verify_retry)
                return Ok{};
            ++changed;
            if (u.command_status == "REPLIED" || u.command_status == "LATE_REPLY")
                return SettleFromCabinet(tx, *r, u.command_at);
            if (!timed_out) return CancelPending(tx, *r, "eject_failed: not sent");
            wake = true;
            if (!r->verify_requested_at) return BeginVerify(tx, *r);
            return Status(cabinet_.commands().EnsureCheckAll(
                tx, r->station_id, "verify eject of rental " + r->rental_code));
        });
        if (!st.ok())
            Log()->error("rental settle failed rental_id={} error={}", u.rental_id,
                         st.error().message);
    }
    if (wake) cabinet_.dispatcher().Wake();
    return changed;
}

// ---- the return ----

void RentalService::OnReturned(const cabinet::BankReturned& b) {
    if (b.serial.empty()) return;
    auto st = db_.Transact([&](db::Connection& tx) -> Status {
        Micros at = b.at ? b.at : clock_.Now();
        ASSIGN_OR_RETURN(auto r, repo::FindOpenRentalOfBank(tx, b.serial, at));
        if (!r) return Ok{};
        return Finish(tx, *r, at, b.station_id, "returned");
    }, db::Isolation::kReadCommitted);
    if (!st.ok())
        Log()->error("rental return handling failed serial={} station_id={} error={}", b.serial,
                     b.station_id, st.error().message);
}

Status RentalService::Finish(db::Connection& tx, const Rental& seen, Micros at,
                             const std::optional<std::string>& return_station_id,
                             const std::string& reason) {
    // READ COMMITTED: lock the rental and price it from its current row (an extension or a
    // late-fee accrual may have committed since `seen` was read). The status-guarded UPDATE
    // below makes one of racing finishes (return frame, inventory, staff close) the one.
    ASSIGN_OR_RETURN(auto current, repo::LockRental(tx, seen.id));
    if (!current) return Ok{};
    const Rental& r = *current;
    Micros now = clock_.Now();
    Micros started = r.started_at.value_or(r.created_at);
    Micros due = r.started_at ? r.due_at : started + r.package_minutes * kMinute;
    Micros billed = std::max(started, r.BilledUntil(at));
    bool found = r.status == "LOST";
    bool on_time = at <= due;
    ASSIGN_OR_RETURN(auto cfg, repo::ActiveLateFeeConfig(tx, r.package_type));
    Money fee = LateFee(cfg, r.package_price, r.package_minutes, due, billed);
    // a lost bank that comes back: the buy-out is given back, less the late fee (never more
    // than the buy-out itself)
    if (found) fee = std::min(fee, r.penalty_amount);
    Money usage = r.payment_model == "POSTPAID"
                      ? PostpaidCharge(r.package_price, r.package_minutes, billed - started)
                      : Money{0};
    // the bonus flag is set with the completion: the points are awarded below in this same
    // transaction, which commits both or neither
    bool timely_bonus = on_time && opts_.timely_points > 0;
    ASSIGN_OR_RETURN(
        int64_t n,
        tx.Exec("UPDATE rentals SET status = 'COMPLETED', started_at = ?, due_at = ?, "
                "ended_at = ?, return_station_id = ?, is_returned_on_time = ?, "
                "overdue_amount = ?, usage_amount = ?, penalty_amount = ?, end_reason = ?, "
                "timely_return_bonus_awarded = CASE WHEN ? = 1 THEN 1 ELSE "
                "timely_return_bonus_awarded END, updated_at = ? WHERE id = ? AND status IN "
                "('PENDING_POPUP', 'ACTIVE', 'OVERDUE', 'LOST')",
                {started, due, at, return_station_id, on_time, fee.paisa, usage.paisa,
                 found ? int64_t{0} : r.penalty_amount.paisa, reason, int64_t{timely_bonus ? 1 : 0}, now, r.id}));
    if (n == 0) return Ok{};
    if (found) {
        ASSIGN_OR_RETURN(auto penalty, money::Ledger::FindByKey(tx, Key(r, "lost")));
        if (penalty) {
            money::RefundSpec rs;
            rs.original_key = Key(r, "lost");
            rs.key = Key(r, "lost:refund");
            rs.description = "Buy-out of rental " + r.rental_code + " refunded (bank found)";
            auto refund = ledger_.Refund(tx, rs);
            if (!refund.ok() && refund.error().slug != "already_refunded")
                return std::move(refund).error();
        }
    }
    RETURN_IF_ERROR(stations::repo::SetBankStatus(tx, r.power_bank_serial.value_or(""),
                                                  "AVAILABLE", {"RENTED", "LOST"}, now));
    // The row as the UPDATE above left it (it is locked): what ChargeParts reads of it.
    Rental fresh = r;
    fresh.status = "COMPLETED";
    fresh.started_at = started;
    fresh.due_at = due;
    fresh.ended_at = at;
    fresh.return_station_id = return_station_id;
    fresh.is_returned_on_time = on_time;
    fresh.overdue_amount = fee;
    fresh.usage_amount = usage;
    fresh.penalty_amount = found ? Money{0} : r.penalty_amount;
    fresh.end_reason = reason;
    fresh.timely_return_bonus_awarded = fresh.timely_return_bonus_awarded || timely_bonus;
    fresh.updated_at = now;
    Money paid_now;
    ASSIGN_OR_RETURN(Money unpaid, ChargeParts(tx, fresh, nullptr, &paid_now));
    if (!found && opts_.completion_points > 0)
        RETURN_IF_ERROR(ledger_.AwardPoints(tx, r.user_id, opts_.completion_points,
                                            "RENTAL_COMPLETE", Key(r, "points:complete"),
                                            "Rental " + r.rental_code + " completed"));
    if (timely_bonus) {
        RETURN_IF_ERROR(ledger_.AwardPoints(tx, r.user_id, opts_.timely_points, "TIMELY_RETURN",
                                            Key(r, "points:timely"),
                                            "Rental " + r.rental_code + " returned on time"));
    }
    Log()->info("rental completed rental_id={} station_id={} reason={} usage={} late_fee={} "
                "unpaid={}",
                r.id, return_station_id.value_or(""), reason, FormatDecimal(usage),
                FormatDecimal(fee), FormatDecimal(unpaid));
    if (found) RETURN_IF_ERROR(NotifyUser(tx, r, "rental_found", {{"amount", FormatDecimal(fee)}}));
    if (unpaid.paisa > 0)
        return NotifyUser(tx, r, "rental_payment_due", {{"amount", FormatDecimal(unpaid)}});
    return NotifyUser(tx, r, "rental_completed",
                      {{"amount", FormatDecimal(r.amount_paid + paid_now)}});
}

Result<Money> RentalService::ChargeParts(db::Connection& tx, const Rental& r,
                                         std::vector<money::ChargeResult>* charged,
                                         Money* paid_now) {
    struct Part {
        Money amount;
        const char* key;
        money::AccountKind revenue;
        const char* type;
        const char* what;
    };
    const Part parts[] = {
        {r.usage_amount, "usage", money::AccountKind::kRentalRevenue, "RENTAL", "Usage"},
        {r.overdue_amount, "late", money::AccountKind::kLateFees, "RENTAL_DUE", "Late fee"},
        {r.penalty_amount, "lost", money::AccountKind::kPenalties, "FINE", "Lost buy-out"},
    };
    Money unpaid, paid;
    for (const auto& p : parts) {
        if (p.amount.paisa <= 0) continue;
        ASSIGN_OR_RETURN(auto posted, money::Ledger::FindByKey(tx, Key(r, p.key)));
        if (posted) continue;
        if (unpaid.paisa > 0) {  // an earlier part is unpaid: this one waits too
            unpaid = unpaid + p.amount;
            continue;
        }
        money::ChargeSpec cs;
        cs.user_id = r.user_id;
        cs.total = p.amount;
        cs.key = Key(r, p.key);
        cs.description = std::string(p.what) + " of rental " + r.rental_code;
        cs.revenue = p.revenue;
        cs.transaction_type = p.type;
        cs.metadata = {{"rental_id", r.id}, {"rental_code", r.rental_code}};
        auto c = ledger_.Charge(tx, cs);
        if (!c.ok()) {
            if (c.error().slug != "insufficient_balance") return std::move(c).error();
            unpaid = p.amount;
            continue;
        }
        paid = paid + p.amount;
        if (charged) charged->push_back(std::move(*c));
    }
    RETURN_IF_ERROR(tx.Defer("UPDATE rentals SET amount_paid = amount_paid + ?, payment_status = "
                             "CASE WHEN ? > 0 THEN 'PENDING' WHEN payment_status = 'REFUNDED' "
                             "THEN payment_status ELSE 'PAID' END, updated_at = ? WHERE id = ?",
                             {paid.paisa, unpaid.paisa, clock_.Now(), r.id}));
    if (paid_now) *paid_now = paid;
    return unpaid;
}

// ---- jobs ----

Result<int64_t> RentalService::MarkOverdue() {
    return db_.Transact([&](db::Connection& tx) -> Result<int64_t> {
        Micros now = clock_.Now();
        int64_t changed = 0;
        ASSIGN_OR_RETURN(auto soon,
                         repo::ListWhere(tx,
                                         "WHERE r.status = 'ACTIVE' AND r.reminder_sent_at IS "
                                         "NULL AND r.due_at > ? AND r.due_at <= ? LIMIT 500",
                                         {now, now + opts_.reminder_before}));
        for (const auto& r : soon) {
            ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE rentals SET reminder_sent_at = ? WHERE "
                                                "id = ? AND reminder_sent_at IS NULL",
                                                {now, r.id}));
            if (n == 0) continue;
            ++changed;
            RETURN_IF_ERROR(NotifyUser(tx, r, "rental_due_soon",
                                       {{"minutes", (r.due_at - now + kMinute - 1) / kMinute}}));
        }
        ASSIGN_OR_RETURN(auto late, repo::ListWhere(tx,
                                                    "WHERE r.status = 'ACTIVE' AND r.due_at < ? "
                                                    "LIMIT 500",
                                                    {now}));
        for (const auto& r : late) {
            ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE rentals SET status = 'OVERDUE', "
                                                "updated_at = ? WHERE id = ? AND status = 'ACTIVE'",
                                                {now, r.id}));
            if (n == 0) continue;
            ++changed;
            RETURN_IF_ERROR(NotifyUser(tx, r, "rental_overdue", {}));
        }
        return changed;
    });
}

Result<int64_t> RentalService::AccrueLateFees() {
    return db_.Transact([&](db::Connection& tx) -> Result<int64_t> {
        Micros now = clock_.Now();
        ASSIGN_OR_RETURN(auto open, repo::ListWhere(tx, "WHERE r.status = 'OVERDUE'", {}));
        ASSIGN_OR_RETURN(auto configs, repo::ActiveLateFeeConfigs(tx));
        int64_t changed = 0;
        for (const auto& r : open) {
            Money fee = LateFee(PickLateFeeConfig(configs, r.package_type), r.package_price,
                                r.package_minutes, r.due_at, r.BilledUntil(now));
            if (fee == r.overdue_amount) continue;
            RETURN_IF_ERROR(tx.Exec("UPDATE rentals SET overdue_amount = ?, updated_at = ? WHERE "
                                    "id = ? AND status = 'OVERDUE'",
                                    {fee.paisa, now, r.id}));
            ++changed;
        }
        return changed;
    });
}

Result<int64_t> RentalService::MarkLost() {
    Micros now = clock_.Now();
    ASSIGN_OR_RETURN(auto lost, db_.Read([&](db::Connection& c) {
        return repo::ListWhere(c,
                               "WHERE r.status = 'OVERDUE' AND r.due_at < ? AND "
                               "r.billing_paused_at IS NULL LIMIT 500",
                               {now - opts_.lost_after});
    }));
    int64_t changed = 0;
    for (const auto& r : lost) {
        auto st = db_.Transact([&](db::Connection& tx) -> Status {
            ASSIGN_OR_RETURN(int64_t n,
                             tx.Exec("UPDATE rentals SET status = 'LOST', lost_at = ?, "
                                     "penalty_amount = ?, overdue_amount = 0, updated_at = ? "
                                     "WHERE id = ? AND status = 'OVERDUE'",
                                     {now, opts_.lost_penalty.paisa, now, r.id}));
            if (n == 0) return Ok{};
            ++changed;
            RETURN_IF_ERROR(stations::repo::SetBankStatus(tx, r.power_bank_serial.value_or(""),
                                                          "LOST", {}, now));
            ASSIGN_OR_RETURN(auto fresh, repo::FindRental(tx, r.id));
            ASSIGN_OR_RETURN(Money unpaid, ChargeParts(tx, *fresh, nullptr));
            Log()->warn("rental lost rental_id={} serial={} penalty={} unpaid={}", r.id,
                        r.power_bank_serial.value_or(""), FormatDecimal(opts_.lost_penalty),
                        FormatDecimal(unpaid));
            return NotifyUser(tx, r, "rental_lost", {{"amount", FormatDecimal(opts_.lost_penalty)}});
        });
        if (!st.ok())
            Log()->error("marking rental lost failed rental_id={} error={}", r.id,
                         st.error().message);
    }
    auto flagged = db_.Transact([&](db::Connection& tx) {
        return tx.Exec("UPDATE rentals SET flagged_at = ? WHERE status IN ('ACTIVE', 'OVERDUE') "
                       "AND flagged_at IS NULL AND started_at < ?",
                       {now, now - opts_.flag_after});
    });
    if (!flagged.ok()) return std::move(flagged).error();
    if (*flagged > 0) Log()->warn("rentals open longer than 48 h flagged count={}", *flagged);
    return changed + *flagged;
}

}  // namespace ps::rentals
