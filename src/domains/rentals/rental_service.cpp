#include "domains/rentals/rental_service.hpp"

#include <map>

#include "core/log.hpp"
#include "domains/rentals/rental_admin_repository.hpp"
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

Result<std::vector<Package>> RentalService::Packages() {
    return db_.Read([](db::Connection& c) { return repo::ListPackages(c, true); });
}

std::string RentalService::NewCode() {
    static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::string code;
    for (int i = 0; i < 8; ++i) code += kAlphabet[random_.Uniform(sizeof(kAlphabet) - 1)];
    return code;
}

Result<std::optional<Package>> RentalService::CheckEligibility(db::Connection& tx,
                                                               int64_t user_id,
                                                               const std::string& package_id) {
    auto refuse = [] {
        return FailedPrecondition("rental_prerequisites_not_met",
                                  "User does not meet rental requirements");
    };
    ASSIGN_OR_RETURN(auto st, repo::ReadStanding(tx, user_id, package_id));
    if (!st || st->status != "ACTIVE") return refuse();
    if (opts_.require_profile && !st->has_profile) return refuse();
    if (opts_.require_kyc && !st->kyc_approved) return refuse();
    // A second start racing this one meets the rentals_one_open_idx unique index at the insert.
    if (st->has_dues) return refuse();
    if (st->has_open_rental)
        return FailedPrecondition("active_rental_exists", "You already have an active rental");
    return std::move(st->package);
}

// READ COMMITTED (it runs inside the Idempotent claim's transaction, which joins it): the
// station's row lock, taken first, makes starts at one station, the cabinet link's changes to
// its slots and banks, and anything queuing a command to it (CommandQueue) take turns, so the
// bank picked below is not picked by a concurrent start, its eject is not already queued, and
// it is still in its slot when the eject is queued. The unique indexes back it up: one open
// rental per user, one pending rental per bank. The ledger's charge is guarded on its own.
Result<Rental> RentalService::Start(int64_t user_id, const std::string& station_sn,
                                    const std::string& package_id) {
    auto out = db_.Transact([&](db::Connection& tx) -> Result<Rental> {
        Micros now = clock_.Now();
        ASSIGN_OR_RETURN(auto pkg, CheckEligibility(tx, user_id, package_id));
        ASSIGN_OR_RETURN(auto st, cabinet::FindStationBySerial(tx, station_sn, /*lock=*/true));
        if (!st) return FieldError("station_sn", "Station not found");
        std::string station_id = st->id;
        if (st->maintenance || st->status == "MAINTENANCE")
            return FailedPrecondition("station_maintenance", "Station is under maintenance");
        if (st->status != "ONLINE")
            return FailedPrecondition("station_offline", "Station is not online");
        if (!pkg || !pkg->is_active)
            return FieldError("package_id", "Package not found or inactive");
        auto none = [] {
            return FailedPrecondition("no_power_bank_available",
                                      "No power bank available at this station");
        };
        ASSIGN_OR_RETURN(auto pick,
                         stations::repo::PickRentableBank(tx, station_id, opts_.min_battery));
        if (!pick) return none();

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
        bool prepaid = pkg->payment_model == "PREPAID";
        r.payment_status = prepaid ? "PAID" : "PENDING";
        r.due_at = now + pkg->duration_minutes * kMinute;
        r.amount_paid = prepaid ? pkg->price : Money{0};
        r.created_at = r.updated_at = now;
        r.payment_model = pkg->payment_model;
        r.package_type = pkg->package_type;
        r.package_minutes = pkg->duration_minutes;
        r.package_price = pkg->price;
        r.station_name = st->name;
        r.package_name = pkg->name;
        if (!prepaid) {
            ASSIGN_OR_RETURN(auto bal, money::Ledger::ReadBalances(tx, user_id));
            if (bal.wallet < opts_.postpaid_minimum)
                return FailedPrecondition(
                    "insufficient_balance",
                    "Pay-as-you-go rentals need NPR " + FormatDecimal(opts_.postpaid_minimum) +
                        " in the wallet",
                    {{"shortfall", FormatDecimal(opts_.postpaid_minimum - bal.wallet)},
                     {"unit", "NPR"}});
        }
        // The eject is queued first, so the rental is inserted with its command in one go.
        auto cmd = cabinet_.RequestEject(tx, *st,
                                         cabinet::EjectTarget::Serial(*r.power_bank_serial), r.id);
        if (!cmd.ok()) {
            if (IsSlug(cmd.error(), "eject_in_progress") ||
                IsSlug(cmd.error(), "powerbank_not_in_station") ||
                IsSlug(cmd.error(), "slot_empty"))
                return none();
            return std::move(cmd).error();
        }
        r.eject_command_id = *cmd;
        auto ins = repo::InsertRental(tx, r);
        if (!ins.ok()) {
            if (IsSlug(ins.error(), "unique_violation"))
                return FailedPrecondition("active_rental_exists",
                                          "You already have an active rental");
            return std::move(ins).error();
        }
        if (!*ins) return none();  // the bank is still in another rental
        if (prepaid) {
            money::ChargeSpec cs;
            cs.user_id = user_id;
            cs.total = pkg->price;
            cs.key = "rental:" + r.id + ":start";
            cs.description = "Rental " + r.rental_code + " (" + pkg->name + ")";
            cs.metadata = {{"rental_id", r.id}, {"rental_code", r.rental_code}};
            RETURN_IF_ERROR(ledger_.Charge(tx, cs));
        }
        // the eject goes out now
        db_.AfterCommit([this, station = r.station_id] { cabinet_.dispatcher().Wake(station); });
        return r;  // as inserted: the columns it does not set hold their defaults
    }, db::Isolation::kReadCommitted);
    if (out.ok())
        Log()->info("rental started rental_id={} user_id={} station_id={} serial={}", out->id,
                    user_id, out->station_id, out->power_bank_serial.value_or(""));
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

Result<LateFeeConfig> RentalService::LateFeeConfigFor(const std::string& package_type) {
    return db_.Read([&](db::Connection& c) { return repo::ActiveLateFeeConfig(c, package_type); });
}

Result<bool> RentalService::HasDues(int64_t user_id) {
    return db_.Read([&](db::Connection& c) { return repo::HasDues(c, user_id); });
}

Result<RentalService::Extension> RentalService::Extend(int64_t user_id,
                                                       const std::string& rental_id,
                                                       const std::string& package_id) {
    return db_.Transact([&](db::Connection& tx) -> Result<Extension> {
        Micros now = clock_.Now();
        ASSIGN_OR_RETURN(auto r, repo::FindRental(tx, rental_id));
        if (!r || r->user_id != user_id) return NotFound("rental_not_found", "Rental not found");
        if (r->status == "OVERDUE" || (r->status == "ACTIVE" && now > r->due_at))
            return FailedPrecondition("rental_overdue",
                                      "Overdue rentals cannot be extended; return the power bank");
        if (r->status != "ACTIVE")
            return FailedPrecondition("invalid_rental_status", "Only active rentals can be extended");
        if (r->payment_model != "PREPAID")
            return FailedPrecondition("extension_not_allowed",
                                      "Pay-as-you-go rentals run until the return");
        ASSIGN_OR_RETURN(auto pkg, repo::FindPackage(tx, package_id));
        if (!pkg || !pkg->is_active || pkg->payment_model != "PREPAID")
            return FieldError("package_id", "Package not found or not available for extension");
        if (r->extension_count >= opts_.max_extensions)
            return FailedPrecondition("max_extensions_reached",
                                      "A rental can be extended at most " +
                                          std::to_string(opts_.max_extensions) + " times");
        int n = r->extension_count + 1;
        money::ChargeSpec cs;
        cs.user_id = user_id;
        cs.total = pkg->price;
        cs.key = "rental:" + r->id + ":extend:" + std::to_string(n);
        cs.description = "Extension of rental " + r->rental_code + " (" + pkg->name + ")";
        cs.metadata = {{"rental_id", r->id}, {"rental_code", r->rental_code}};
        auto charged = ledger_.Charge(tx, cs);
        if (!charged.ok()) {
            if (!IsSlug(charged.error(), "insufficient_balance")) return std::move(charged).error();
            std::string need = FormatDecimal(pkg->price);
            if (auto it = charged.error().context.find("shortfall");
                it != charged.error().context.end() && it->value().is_string())
                need = std::string(it->value().as_string());
            return FailedPrecondition("insufficient_balance",
                                      "Insufficient balance for extension. Need NPR " + need +
                                          " more.",
                                      charged.error().context);
        }
        ASSIGN_OR_RETURN(int64_t updated,
                         tx.Exec("UPDATE rentals SET due_at = due_at + ?, amount_paid = "
                                 "amount_paid + ?, extension_count = ?, reminder_sent_at = NULL, "
                                 "updated_at = ? WHERE id = ? AND status = 'ACTIVE' AND "
                                 "extension_count = ?",
                                 {pkg->duration_minutes * kMinute, pkg->price.paisa, n, now, r->id,
                                  r->extension_count}));
        if (updated == 0) return Conflict("request_in_progress", "The rental changed; try again");
        Extension e{random_.Uuid(), pkg->duration_minutes, pkg->price, now, pkg->name};
        RETURN_IF_ERROR(tx.Exec(
            "INSERT INTO rental_extensions (id, rental_id, package_id, extended_minutes, "
            "extension_cost, extended_at) VALUES (?, ?, ?, ?, ?, ?)",
            {e.id, r->id, pkg->id, e.extended_minutes, e.cost.paisa, now}));
        Log()->info("rental extended rental_id={} extension={} minutes={}", r->id, n,
                    e.extended_minutes);
        return e;
    });
}

Result<RentalService::DuePayment> RentalService::PayDue(int64_t user_id,
                                                        const std::string& rental_id) {
    return db_.Transact([&](db::Connection& tx) -> Result<DuePayment> {
        ASSIGN_OR_RETURN(auto r, repo::FindRental(tx, rental_id));
        if (!r || r->user_id != user_id) return NotFound("rental_not_found", "Rental not found");
        if (r->payment_status != "PENDING" || (r->status != "COMPLETED" && r->status != "LOST"))
            return FailedPrecondition("dues_already_paid", "Rental dues are already paid");
        std::vector<money::ChargeResult> charged;
        ASSIGN_OR_RETURN(Money unpaid, ChargeParts(tx, *r, &charged));
        if (unpaid.paisa > 0) {
            // all or nothing: the parts charged above roll back with this error
            ASSIGN_OR_RETURN(auto bal, money::Ledger::ReadBalances(tx, user_id));
            Money have = bal.wallet + Money{bal.points * money::kPaisaPerPoint};
            std::string need = FormatDecimal(unpaid - have);
            return FailedPrecondition(
                "insufficient_funds", "Insufficient balance to pay dues. Need NPR " + need + " more.",
                {{"shortfall", need}, {"unit", "NPR"}});
        }
        if (charged.empty())
            return FailedPrecondition("dues_already_paid", "Rental dues are already paid");
        DuePayment out;
        out.transaction_id = charged.front().transfer.transaction_id.value_or("");
        out.rental_id = r->id;
        for (const auto& c : charged) {
            out.amount = out.amount + c.split.points_amount + c.split.wallet_used;
            out.split.points_used += c.split.points_used;
            out.split.points_amount = out.split.points_amount + c.split.points_amount;
            out.split.wallet_used = out.split.wallet_used + c.split.wallet_used;
        }
        out.payment_status = "PAID";
        Log()->info("rental dues paid rental_id={} amount={}", r->id, FormatDecimal(out.amount));
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
        if (now - r->started_at.value_or(r->created_at) > opts_.cancel_window)
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
        RETURN_IF_ERROR(stations::repo::SetBankStatus(tx, r->power_bank_serial.value_or(""),
                                                      "AVAILABLE", {"RENTED"}, now));
        RETURN_IF_ERROR(RefundAll(tx, *r, "cancelled"));
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
        ASSIGN_OR_RETURN(a->issues_count, repo::CountIssuesOfRental(c, id));
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

}  // namespace ps::rentals
