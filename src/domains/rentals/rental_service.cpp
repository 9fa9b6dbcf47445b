#include "domains/rentals/rental_service.hpp"

#include <map>

#include "core/log.hpp"
#include "domains/stations/inventory_repository.hpp"

namespace ps::rentals {

namespace {

auto Log() {
    static auto l = Logger("rentals");
    return l;
}

bool IsSlug(const Error& e, std::string_view slug) { return e.slug == slug; }

}  // namespace

RentalService::RentalService(db::Database& db, const Clock& clock, Random& random,
                             money::Ledger& ledger, cabinet::CabinetModule& cabinet,
                             RentalOptions opts)
    : db_(db),
      clock_(clock),
      random_(random),
      ledger_(ledger),
      cabinet_(cabinet),
      opts_(std::move(opts)) {}

void RentalService::Listen() {
    cabinet_.events().OnEjectResult([this](const cabinet::EjectResult& e) { OnEject(e); });
    cabinet_.events().OnBankReturned([this](const cabinet::BankReturned& b) { OnReturned(b); });
}

void RentalService::RegisterJobs(jobs::Registry& registry,
                                 std::vector<jobs::PeriodicJob>& periodic) {
    registry.Register(kOverdueJob, [this](const jobs::Job&) -> Status {
        ASSIGN_OR_RETURN(int64_t n, MarkOverdue());
        if (n > 0) Log()->info("rentals overdue count={}", n);
        return Ok{};
    });
    periodic.push_back({kOverdueJob, kMinute});
}

Result<std::vector<Package>> RentalService::Packages() {
    return db_.Read([](db::Connection& c) { return repo::ListPackages(c, true); });
}

std::string RentalService::NewCode() {
    static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::string code;
    for (int i = 0; i < 8; ++i) code += kAlphabet[random_.Uniform(sizeof(kAlphabet) - 1)];
    return code;
}

Status RentalService::CheckEligibility(db::Connection& tx, int64_t user_id) {
    auto refuse = [] {
        return FailedPrecondition("rental_prerequisites_not_met",
                                  "User does not meet rental requirements");
    };
    ASSIGN_OR_RETURN(auto user, tx.QueryOne("SELECT status FROM users WHERE id = ?", {user_id}));
    if (!user || user->Str(0) != "ACTIVE") return refuse();
    if (opts_.require_profile) {
        ASSIGN_OR_RETURN(auto p, tx.QueryOne("SELECT 1 FROM user_profiles WHERE user_id = ? AND "
                                             "full_name IS NOT NULL AND date_of_birth IS NOT "
                                             "NULL AND address IS NOT NULL",
                                             {user_id}));
        if (!p) return refuse();
    }
    if (opts_.require_kyc) {
        ASSIGN_OR_RETURN(auto k, tx.QueryOne("SELECT 1 FROM kyc_submissions WHERE user_id = ? "
                                             "AND status = 'APPROVED'",
                                             {user_id}));
        if (!k) return refuse();
    }
    ASSIGN_OR_RETURN(bool dues, repo::HasDues(tx, user_id));
    if (dues) return refuse();
    ASSIGN_OR_RETURN(auto open, repo::FindOpenRental(tx, user_id));
    if (open)
        return FailedPrecondition("active_rental_exists", "You already have an active rental");
    return Ok{};
}

Result<Rental> RentalService::Start(int64_t user_id, const std::string& station_sn,
                                    const std::string& package_id) {
    auto out = db_.Transact([&](db::Connection& tx) -> Result<Rental> {
        Micros now = clock_.Now();
        RETURN_IF_ERROR(CheckEligibility(tx, user_id));
        ASSIGN_OR_RETURN(auto st, tx.QueryOne("SELECT id, status, is_maintenance FROM stations "
                                              "WHERE serial_number = ? AND is_deleted = 0",
                                              {station_sn}));
        if (!st) return FieldError("station_sn", "Station not found");
        std::string station_id = st->Str(0);
        if (st->Bool(2) || st->Str(1) == "MAINTENANCE")
            return FailedPrecondition("station_maintenance", "Station is under maintenance");
        if (st->Str(1) != "ONLINE")
            return FailedPrecondition("station_offline", "Station is not online");
        ASSIGN_OR_RETURN(auto pkg, repo::FindPackage(tx, package_id));
        if (!pkg || !pkg->is_active)
            return FieldError("package_id", "Package not found or inactive");
        auto none = [] {
            return FailedPrecondition("no_power_bank_available",
                                      "No power bank available at this station");
        };
        ASSIGN_OR_RETURN(auto pick,
                         stations::repo::PickRentableBank(tx, station_id, opts_.min_battery));
        if (!pick) return none();
        ASSIGN_OR_RETURN(bool taken, repo::BankHasPendingRental(tx, pick->bank.id));
        if (taken) return none();

        Rental r;
        r.id = random_.Uuid();
        r.rental_code = NewCode();
        r.user_id = user_id;
        r.station_id = station_id;
        r.slot_number = pick->slot.slot_number;
        r.package_id = pkg->id;
        r.power_bank_id = pick->bank.id;
        r.power_bank_serial = pick->bank.serial_number;
        r.status = "PENDING_POPUP";
        r.payment_status = pkg->payment_model == "PREPAID" ? "PAID" : "PENDING";
        r.due_at = now + pkg->duration_minutes * kMinute;
        r.amount_paid = pkg->payment_model == "PREPAID" ? pkg->price : Money{0};
        r.created_at = r.updated_at = now;
        auto ins = repo::InsertRental(tx, r);
        if (!ins.ok()) {
            if (IsSlug(ins.error(), "unique_violation"))
                return FailedPrecondition("active_rental_exists",
                                          "You already have an active rental");
            return std::move(ins).error();
        }
        if (pkg->payment_model == "PREPAID") {
            money::ChargeSpec cs;
            cs.user_id = user_id;
            cs.total = pkg->price;
            cs.key = "rental:" + r.id + ":start";
            cs.description = "Rental " + r.rental_code + " (" + pkg->name + ")";
            cs.metadata = {{"rental_id", r.id}, {"rental_code", r.rental_code}};
            RETURN_IF_ERROR(ledger_.Charge(tx, cs));
        }
        auto cmd = cabinet_.RequestEject(tx, station_id,
                                         cabinet::EjectTarget::Serial(*r.power_bank_serial), r.id);
        if (!cmd.ok()) {
            if (IsSlug(cmd.error(), "eject_in_progress") ||
                IsSlug(cmd.error(), "powerbank_not_in_station") ||
                IsSlug(cmd.error(), "slot_empty"))
                return none();
            return std::move(cmd).error();
        }
        RETURN_IF_ERROR(
            tx.Exec("UPDATE rentals SET eject_command_id = ? WHERE id = ?", {*cmd, r.id}));
        ASSIGN_OR_RETURN(auto full, repo::FindRental(tx, r.id));
        if (!full) return Internal("rental vanished");
        return *full;
    });
    if (out.ok()) {
        Log()->info("rental started rental_id={} user_id={} station_id={} serial={}", out->id,
                    user_id, out->station_id, out->power_bank_serial.value_or(""));
        cabinet_.dispatcher().Wake();
    }
    return out;
}

Result<std::optional<Rental>> RentalService::Active(int64_t user_id) {
    return db_.Read([&](db::Connection& c) { return repo::FindOpenRental(c, user_id); });
}

Result<std::vector<Rental>> RentalService::History(int64_t user_id, const repo::HistoryFilter& f,
                                                   http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<std::vector<Rental>> {
        ASSIGN_OR_RETURN(int64_t total, repo::CountHistory(c, user_id, f));
        page.SetTotal(total);
        return repo::ListHistory(c, user_id, f, page.page_size, page.Offset());
    });
}

Result<bool> RentalService::HasDues(int64_t user_id) {
    return db_.Read([&](db::Connection& c) { return repo::HasDues(c, user_id); });
}

Result<int64_t> RentalService::MarkOverdue() {
    return db_.Transact([&](db::Connection& c) { return repo::MarkOverdue(c, clock_.Now()); });
}

Result<RentalService::DuePayment> RentalService::PayDue(int64_t user_id,
                                                        const std::string& rental_id) {
    return db_.Transact([&](db::Connection& tx) -> Result<DuePayment> {
        ASSIGN_OR_RETURN(auto r, repo::FindRental(tx, rental_id));
        if (!r || r->user_id != user_id) return NotFound("rental_not_found", "Rental not found");
        if (r->payment_status != "PENDING" || r->overdue_amount.paisa <= 0)
            return FailedPrecondition("dues_already_paid", "Rental dues are already paid");
        money::ChargeSpec cs;
        cs.user_id = user_id;
        cs.total = r->overdue_amount;
        cs.key = "rental:" + r->id + ":due";
        cs.description = "Dues of rental " + r->rental_code;
        cs.revenue = money::AccountKind::kLateFees;
        cs.transaction_type = "RENTAL_DUE";
        cs.metadata = {{"rental_id", r->id}, {"rental_code", r->rental_code}};
        auto charged = ledger_.Charge(tx, cs);
        if (!charged.ok()) {
            if (!IsSlug(charged.error(), "insufficient_balance")) return std::move(charged).error();
            std::string need = FormatDecimal(r->overdue_amount);
            if (auto it = charged.error().context.find("shortfall");
                it != charged.error().context.end() && it->value().is_string())
                need = std::string(it->value().as_string());
            return FailedPrecondition(
                "insufficient_funds",
                "Insufficient balance to pay dues. Need NPR " + need + " more.",
                charged.error().context);
        }
        RETURN_IF_ERROR(
            tx.Exec("UPDATE rentals SET payment_status = 'PAID', amount_paid = "
                    "amount_paid + ?, updated_at = ? WHERE id = ? AND "
                    "payment_status = 'PENDING'",
                    {r->overdue_amount.paisa, clock_.Now(), r->id}));
        DuePayment out;
        out.transaction_id = charged->transfer.transaction_id.value_or("");
        out.rental_id = r->id;
        out.amount = r->overdue_amount;
        out.split = charged->split;
        out.payment_status = "PAID";
        Log()->info("rental dues paid rental_id={} amount={}", r->id,
                    FormatDecimal(r->overdue_amount));
        return out;
    });
}

Result<Rental> RentalService::CancelByUser(int64_t user_id, const std::string& rental_id,
                                           const std::string& reason) {
    return db_.Transact([&](db::Connection& tx) -> Result<Rental> {
        Micros now = clock_.Now();
        ASSIGN_OR_RETURN(auto r, repo::FindRental(tx, rental_id));
        if (!r || r->user_id != user_id) return NotFound("rental_not_found", "Rental not found");
        if (r->status != "ACTIVE")
            return FailedPrecondition("invalid_rental_status",
                                      "Only active rentals can be cancelled");
        if (now - r->started_at.value_or(r->created_at) > kCancelWindow)
            return FailedPrecondition("cancellation_time_expired",
                                      "Rental can only be cancelled within 5 minutes of start");
        std::optional<db::Row> slot;
        if (r->power_bank_id) {
            ASSIGN_OR_RETURN(slot, tx.QueryOne("SELECT station_id FROM station_slots WHERE "
                                               "power_bank_id = ? AND status = 'OCCUPIED'",
                                               {*r->power_bank_id}));
        }
        if (!slot)
            return FailedPrecondition("powerbank_not_returned",
                                      "Power bank must be returned to a station before "
                                      "cancelling");
        std::string end_reason = "user_cancelled";
        if (!reason.empty()) end_reason += ": " + reason;
        ASSIGN_OR_RETURN(int64_t n,
                         tx.Exec("UPDATE rentals SET status = 'CANCELLED', ended_at = ?, "
                                 "end_reason = ?, return_station_id = ?, updated_at = ? "
                                 "WHERE id = ? AND status = 'ACTIVE'",
                                 {now, end_reason, slot->Str(0), now, r->id}));
        if (n == 0)
            return FailedPrecondition("invalid_rental_status",
                                      "Only active rentals can be cancelled");
        RETURN_IF_ERROR(
            tx.Exec("UPDATE power_banks SET status = 'AVAILABLE', updated_at = ? "
                    "WHERE id = ? AND status = 'RENTED'",
                    {now, *r->power_bank_id}));
        // the start charge, and the charge of a resumed rental (its start charge was refunded)
        bool refunded = false;
        for (const char* which : {"start", "resume"}) {
            std::string key = "rental:" + r->id + ":" + which;
            ASSIGN_OR_RETURN(auto charge, money::Ledger::FindByKey(tx, key));
            if (!charge) continue;
            money::RefundSpec rs;
            rs.original_key = key;
            rs.key =
                std::string(which) == "start" ? "rental:" + r->id + ":refund" : key + ":refund";
            rs.description = "Refund of rental " + r->rental_code + " (cancelled)";
            auto refund = ledger_.Refund(tx, rs);
            if (!refund.ok() && !IsSlug(refund.error(), "already_refunded"))
                return std::move(refund).error();
            refunded = true;
        }
        if (refunded)
            RETURN_IF_ERROR(
                tx.Exec("UPDATE rentals SET payment_status = 'REFUNDED' WHERE id = ?", {r->id}));
        Log()->info("rental cancelled by user rental_id={}", r->id);
        ASSIGN_OR_RETURN(auto full, repo::FindRental(tx, r->id));
        if (!full) return Internal("rental vanished");
        return *full;
    });
}

Result<std::vector<repo::AdminRental>> RentalService::AdminList(const repo::AdminFilter& f,
                                                                http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<std::vector<repo::AdminRental>> {
        ASSIGN_OR_RETURN(int64_t total, repo::CountAdmin(c, f));
        page.SetTotal(total);
        return repo::ListAdmin(c, f, page.page_size, page.Offset());
    });
}

Result<repo::AdminRental> RentalService::AdminGet(const std::string& id) {
    return db_.Read([&](db::Connection& c) -> Result<repo::AdminRental> {
        ASSIGN_OR_RETURN(auto a, repo::FindAdmin(c, id));
        if (!a) return NotFound("rental_not_found", "Rental not found");
        return *a;
    });
}

Result<RentalService::Stats> RentalService::UserStats(int64_t user_id) {
    return db_.Read([&](db::Connection& c) -> Result<Stats> {
        ASSIGN_OR_RETURN(auto rows, repo::ListHistory(c, user_id, {}, 1000000, 0));
        Stats s;
        std::map<std::string, int64_t> stations, packages;
        for (const auto& r : rows) {
            ++s.total;
            if (r.status == "COMPLETED") {
                ++s.completed;
                ++(r.is_returned_on_time ? s.timely : s.late);
                if (r.started_at && r.ended_at && *r.ended_at > *r.started_at)
                    s.minutes_used += (*r.ended_at - *r.started_at) / kMinute;
            } else if (r.status == "CANCELLED") {
                ++s.cancelled;
            } else if (r.status == "ACTIVE" || r.status == "OVERDUE" ||
                       r.status == "PENDING_POPUP") {
                ++s.active;
            }
            if (r.payment_status != "REFUNDED") s.spent = s.spent + r.amount_paid;
            ++stations[r.station_name];
            ++packages[r.package_name];
            if (!s.first_at || r.created_at < *s.first_at) s.first_at = r.created_at;
            if (!s.last_at || r.created_at > *s.last_at) s.last_at = r.created_at;
        }
        auto top = [](const std::map<std::string, int64_t>& m) -> std::optional<std::string> {
            std::optional<std::string> best;
            int64_t n = 0;
            for (const auto& [k, v] : m)
                if (v > n) best = k, n = v;
            return best;
        };
        s.favorite_station = top(stations);
        s.favorite_package = top(packages);
        return s;
    });
}

void RentalService::OnEject(const cabinet::EjectResult& e) {
    if (e.rental_id.empty()) return;
    Status st = e.ok ? Activate(e) : Cancel(e);
    if (!st.ok())
        Log()->error("rental eject handling failed rental_id={} command_id={} error={}",
                     e.rental_id, e.command_id, st.error().message);
}

Status RentalService::Activate(const cabinet::EjectResult& e) {
    return db_.Transact([&](db::Connection& tx) -> Status {
        ASSIGN_OR_RETURN(auto r, repo::FindRental(tx, e.rental_id));
        if (!r) return Ok{};
        if (r->status == "CANCELLED" && e.late && r->end_reason &&
            r->end_reason->starts_with("eject_failed: timeout"))
            return Resume(tx, *r, e);
        if (r->status != "PENDING_POPUP") return Ok{};
        Micros at = e.at ? e.at : clock_.Now();
        Micros due = at + r->package_minutes * kMinute;
        RETURN_IF_ERROR(
            tx.Exec("UPDATE rentals SET status = 'ACTIVE', started_at = ?, due_at = ?, "
                    "updated_at = ? WHERE id = ? AND status = 'PENDING_POPUP'",
                    {at, due, clock_.Now(), r->id}));
        Log()->info("rental active rental_id={} serial={}", r->id, e.serial);
        return Ok{};
    });
}

// The eject timed out (the rental was cancelled and refunded) but the cabinet says, late, that
// the bank did come out: the user holds it, so the rental runs after all and is charged again
// (key ":resume"); without the balance the price becomes a due (payment_status PENDING). If the
// user has meanwhile started another rental, staff must sort it out (logged).
Status RentalService::Resume(db::Connection& tx, const Rental& r, const cabinet::EjectResult& e) {
    ASSIGN_OR_RETURN(auto other, repo::FindOpenRental(tx, r.user_id));
    if (other) {
        Log()->error("late eject success but the user has another rental rental_id={} other={}",
                     r.id, other->id);
        return Ok{};
    }
    Micros at = e.at ? e.at : clock_.Now();
    ASSIGN_OR_RETURN(int64_t n,
                     tx.Exec("UPDATE rentals SET status = 'ACTIVE', started_at = ?, due_at = ?, "
                             "ended_at = NULL, end_reason = NULL, updated_at = ? WHERE id = ? "
                             "AND status = 'CANCELLED'",
                             {at, at + r.package_minutes * kMinute, clock_.Now(), r.id}));
    if (n == 0) return Ok{};
    ASSIGN_OR_RETURN(auto first, money::Ledger::FindByKey(tx, "rental:" + r.id + ":start"));
    if (first) {
        money::ChargeSpec cs;
        cs.user_id = r.user_id;
        cs.total = r.package_price;
        cs.key = "rental:" + r.id + ":resume";
        cs.description = "Rental " + r.rental_code + " (" + r.package_name + ")";
        cs.metadata = {{"rental_id", r.id}, {"rental_code", r.rental_code}};
        auto charged = ledger_.Charge(tx, cs);
        if (charged.ok()) {
            RETURN_IF_ERROR(
                tx.Exec("UPDATE rentals SET payment_status = 'PAID', amount_paid = ? "
                        "WHERE id = ?",
                        {r.package_price.paisa, r.id}));
        } else if (IsSlug(charged.error(), "insufficient_balance")) {
            RETURN_IF_ERROR(
                tx.Exec("UPDATE rentals SET payment_status = 'PENDING', amount_paid = 0, "
                        "overdue_amount = ? WHERE id = ?",
                        {r.package_price.paisa, r.id}));
        } else {
            return std::move(charged).error();
        }
    }
    Log()->warn("late eject success resumed a cancelled rental rental_id={} serial={}", r.id,
                e.serial);
    return Ok{};
}

Status RentalService::Cancel(const cabinet::EjectResult& e) {
    return db_.Transact([&](db::Connection& tx) -> Status {
        ASSIGN_OR_RETURN(auto r, repo::FindRental(tx, e.rental_id));
        if (!r || r->status != "PENDING_POPUP") return Ok{};
        ASSIGN_OR_RETURN(int64_t n,
                         tx.Exec("UPDATE rentals SET status = 'CANCELLED', ended_at = ?, "
                                 "end_reason = ?, updated_at = ? WHERE id = ? AND status = "
                                 "'PENDING_POPUP'",
                                 {clock_.Now(), "eject_failed: " + e.reason, clock_.Now(), r->id}));
        if (n == 0) return Ok{};
        ASSIGN_OR_RETURN(auto charge, money::Ledger::FindByKey(tx, "rental:" + r->id + ":start"));
        if (charge) {
            money::RefundSpec rs;
            rs.original_key = "rental:" + r->id + ":start";
            rs.key = "rental:" + r->id + ":refund";
            rs.description = "Refund of rental " + r->rental_code + " (eject failed)";
            auto refund = ledger_.Refund(tx, rs);
            if (!refund.ok() && !IsSlug(refund.error(), "already_refunded"))
                return std::move(refund).error();
            RETURN_IF_ERROR(
                tx.Exec("UPDATE rentals SET payment_status = 'REFUNDED' WHERE id = ?", {r->id}));
        }
        Log()->info("rental cancelled rental_id={} reason={}", r->id, e.reason);
        return Ok{};
    });
}

void RentalService::OnReturned(const cabinet::BankReturned& b) {
    if (b.serial.empty()) return;
    Status st = Complete(b);
    if (!st.ok())
        Log()->error("rental return handling failed serial={} station_id={} error={}", b.serial,
                     b.station_id, st.error().message);
}

Status RentalService::Complete(const cabinet::BankReturned& b) {
    return db_.Transact([&](db::Connection& tx) -> Status {
        Micros at = b.at ? b.at : clock_.Now();
        ASSIGN_OR_RETURN(auto r, repo::FindOpenRentalOfBank(tx, b.serial, at));
        if (!r) return Ok{};
        Micros started = r->started_at.value_or(r->created_at);
        Micros due = r->started_at ? r->due_at : started + r->package_minutes * kMinute;
        bool on_time = at <= due;
        Money fee = LateFee(opts_, r->package_price, r->package_minutes, due, at);
        ASSIGN_OR_RETURN(
            int64_t n,
            tx.Exec("UPDATE rentals SET status = 'COMPLETED', started_at = ?, "
                    "due_at = ?, ended_at = ?, return_station_id = ?, "
                    "is_returned_on_time = ?, overdue_amount = overdue_amount + ?, updated_at = ? "
                    "WHERE id = ? AND status IN ('PENDING_POPUP', 'ACTIVE', "
                    "'OVERDUE')",
                    {started, due, at, b.station_id, on_time, fee.paisa, clock_.Now(), r->id}));
        if (n == 0) return Ok{};
        if (fee.paisa > 0) {
            money::ChargeSpec cs;
            cs.user_id = r->user_id;
            cs.total = fee;
            cs.key = "rental:" + r->id + ":late";
            cs.description = "Late fee of rental " + r->rental_code;
            cs.revenue = money::AccountKind::kLateFees;
            cs.transaction_type = "RENTAL_DUE";
            cs.metadata = {{"rental_id", r->id}};
            auto charged = ledger_.Charge(tx, cs);
            if (!charged.ok()) {
                if (!IsSlug(charged.error(), "insufficient_balance"))
                    return std::move(charged).error();
                // unpaid: dues block new rentals until paid
                RETURN_IF_ERROR(
                    tx.Exec("UPDATE rentals SET payment_status = 'PENDING' WHERE id = ?", {r->id}));
            } else {
                RETURN_IF_ERROR(
                    tx.Exec("UPDATE rentals SET amount_paid = amount_paid + ? WHERE id = ?",
                            {fee.paisa, r->id}));
            }
        }
        if (opts_.completion_points > 0)
            RETURN_IF_ERROR(ledger_.AwardPoints(
                tx, r->user_id, opts_.completion_points, "RENTAL_COMPLETE",
                "rental:" + r->id + ":points:complete", "Rental " + r->rental_code + " completed"));
        if (on_time && opts_.timely_points > 0) {
            RETURN_IF_ERROR(ledger_.AwardPoints(tx, r->user_id, opts_.timely_points,
                                                "TIMELY_RETURN",
                                                "rental:" + r->id + ":points:timely",
                                                "Rental " + r->rental_code + " returned on time"));
            RETURN_IF_ERROR(tx.Exec(
                "UPDATE rentals SET timely_return_bonus_awarded = 1 WHERE id = ?", {r->id}));
        }
        Log()->info("rental completed rental_id={} station_id={} late_fee={}", r->id, b.station_id,
                    FormatDecimal(fee));
        return Ok{};
    });
}

}  // namespace ps::rentals
