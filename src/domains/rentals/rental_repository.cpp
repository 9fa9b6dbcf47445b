#include "domains/rentals/rental_repository.hpp"

namespace ps::rentals::repo {

namespace {

constexpr const char* kPackageCols =
    "p.id, p.name, p.description, p.duration_minutes, p.price, p.package_type, p.payment_model, "
    "p.is_active";

// From the row's columns k.. (kPackageCols).
Package PackageFrom(const db::Row& r, int k = 0) {
    Package p;
    p.id = r.Str(k);
    p.name = r.Str(k + 1);
    p.description = r.Str(k + 2);
    p.duration_minutes = static_cast<int>(r.Int(k + 3));
    p.price = Money{r.Int(k + 4)};
    p.package_type = r.Str(k + 5);
    p.payment_model = r.Str(k + 6);
    p.is_active = r.Bool(k + 7);
    return p;
}

constexpr const char* kRentalSelect =
    "SELECT r.id, r.rental_code, r.user_id, r.station_id, r.return_station_id, r.slot_number, "
    "r.package_id, r.power_bank_id, r.power_bank_serial, r.status, r.payment_status, "
    "r.started_at, r.ended_at, r.due_at, r.amount_paid, r.overdue_amount, "
    "r.is_returned_on_time, r.timely_return_bonus_awarded, r.eject_command_id, r.end_reason, "
    "r.created_at, r.updated_at, s.station_name, p.name, rs.station_name, r.package_minutes, "
    "r.package_price, r.payment_model, r.package_type, r.verify_requested_at, "
    "r.reminder_sent_at, r.billing_paused_at, r.flagged_at, r.lost_at, r.extension_count, "
    "r.penalty_amount, r.usage_amount FROM rentals r JOIN stations s ON s.id = r.station_id "
    "JOIN rental_packages p ON p.id = r.package_id "
    "LEFT JOIN stations rs ON rs.id = r.return_station_id ";
constexpr int kRentalColumns = 37;
// Conditions on rentals r: open (the user's one open rental), and closed with dues unpaid.
constexpr const char* kOpen = "status IN ('PENDING_POPUP', 'ACTIVE', 'OVERDUE')";
constexpr const char* kDue = "status IN ('COMPLETED', 'LOST') AND r.payment_status = 'PENDING'";

Rental RentalFrom(const db::Row& row) {
    Rental r;
    r.id = row.Str(0);
    r.rental_code = row.Str(1);
    r.user_id = row.Int(2);
    r.station_id = row.Str(3);
    r.return_station_id = row.OptStr(4);
    if (auto n = row.OptInt(5)) r.slot_number = static_cast<int>(*n);
    r.package_id = row.Str(6);
    r.power_bank_id = row.OptStr(7);
    r.power_bank_serial = row.OptStr(8);
    r.status = row.Str(9);
    r.payment_status = row.Str(10);
    r.started_at = row.OptInt(11);
    r.ended_at = row.OptInt(12);
    r.due_at = row.Int(13);
    r.amount_paid = Money{row.Int(14)};
    r.overdue_amount = Money{row.Int(15)};
    r.is_returned_on_time = row.Bool(16);
    r.timely_return_bonus_awarded = row.Bool(17);
    r.eject_command_id = row.OptStr(18);
    r.end_reason = row.OptStr(19);
    r.created_at = row.Int(20);
    r.updated_at = row.Int(21);
    r.station_name = row.Str(22);
    r.package_name = row.Str(23);
    r.return_station_name = row.OptStr(24);
    r.package_minutes = static_cast<int>(row.Int(25));
    r.package_price = Money{row.Int(26)};
    r.payment_model = row.Str(27);
    r.package_type = row.Str(28);
    r.verify_requested_at = row.OptInt(29);
    r.reminder_sent_at = row.OptInt(30);
    r.billing_paused_at = row.OptInt(31);
    r.flagged_at = row.OptInt(32);
    r.lost_at = row.OptInt(33);
    r.extension_count = static_cast<int>(row.Int(34));
    r.penalty_amount = Money{row.Int(35)};
    r.usage_amount = Money{row.Int(36)};
    return r;
}

std::vector<Rental> RentalsFrom(const std::vector<db::Row>& rows) {
    std::vector<Rental> out;
    for (const auto& r : rows) out.push_back(RentalFrom(r));
    return out;
}

Result<std::optional<Rental>> One(db::Connection& c, const std::string& where,
                                  const db::Params& p) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string(kRentalSelect) + where, p));
    if (!row) return std::optional<Rental>{};
    return std::optional<Rental>{RentalFrom(*row)};
}

std::string HistoryWhere(const HistoryFilter& f, db::Params& p) {
    std::string w = "WHERE r.user_id = ? ";
    if (f.status) {
        w += "AND r.status = ? ";
        p.emplace_back(*f.status);
    }
    if (f.payment_status) {
        w += "AND r.payment_status = ? ";
        p.emplace_back(*f.payment_status);
    }
    if (f.station_id) {
        w += "AND r.station_id = ? ";
        p.emplace_back(*f.station_id);
    }
    return w;
}

std::string AdminSelect() {
    std::string sel = kRentalSelect;
    auto from = sel.find(" FROM rentals r ");
    sel.insert(from,
               ", u.username, u.email, u.phone_number, pb.model, s.serial_number, s.address, "
               "rs.serial_number, rs.address");
    return sel +
           "LEFT JOIN users u ON u.id = r.user_id "
           "LEFT JOIN power_banks pb ON pb.id = r.power_bank_id ";
}

AdminRental AdminFrom(const db::Row& row) {
    AdminRental a;
    a.r = RentalFrom(row);
    constexpr int k = kRentalColumns;
    a.username = row.OptStr(k).value_or("");
    a.email = row.OptStr(k + 1);
    a.phone_number = row.OptStr(k + 2);
    a.bank_model = row.OptStr(k + 3);
    a.station_serial = row.Str(k + 4);
    a.station_address = row.Str(k + 5);
    a.return_station_serial = row.OptStr(k + 6);
    a.return_station_address = row.OptStr(k + 7);
    return a;
}

std::string AdminWhere(const AdminFilter& f, db::Params& p) {
    std::string w = "WHERE 1 = 1 ";
    if (f.status) {
        w += "AND r.status = ? ";
        p.emplace_back(*f.status);
    }
    if (f.payment_status) {
        w += "AND r.payment_status = ? ";
        p.emplace_back(*f.payment_status);
    }
    if (f.station_id) {
        w += "AND r.station_id = ? ";
        p.emplace_back(*f.station_id);
    }
    if (f.user_id) {
        w += "AND r.user_id = ? ";
        p.emplace_back(*f.user_id);
    }
    if (f.flagged) w += *f.flagged ? "AND r.flagged_at IS NOT NULL " : "AND r.flagged_at IS NULL ";
    if (f.search) {
        w += "AND (LOWER(r.rental_code) LIKE ? ESCAPE '!' OR LOWER(u.username) LIKE ? ESCAPE '!' "
             "OR LOWER(u.email) LIKE ? ESCAPE '!' OR u.phone_number LIKE ? ESCAPE '!' "
             "OR r.power_bank_serial LIKE ? ESCAPE '!') ";
        std::string pat = db::ContainsPattern(*f.search);
        for (int i = 0; i < 5; ++i) p.emplace_back(pat);
    }
    return w;
}

}  // namespace

Result<int64_t> CountAdmin(db::Connection& c, const AdminFilter& f) {
    db::Params p;
    std::string w = AdminWhere(f, p);
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COUNT(*) FROM rentals r LEFT JOIN users u ON "
                                          "u.id = r.user_id " +
                                              w,
                                          p));
    return row ? row->Int(0) : 0;
}

Result<std::vector<AdminRental>> ListAdmin(db::Connection& c, const AdminFilter& f, int64_t limit,
                                           int64_t offset) {
    db::Params p;
    std::string w = AdminWhere(f, p);
    p.emplace_back(limit);
    p.emplace_back(offset);
    ASSIGN_OR_RETURN(
        auto rows,
        c.Query(AdminSelect() + w + "ORDER BY r.created_at DESC, r.id LIMIT ? OFFSET ?", p));
    std::vector<AdminRental> out;
    for (const auto& r : rows) out.push_back(AdminFrom(r));
    return out;
}

Result<std::optional<AdminRental>> FindAdmin(db::Connection& c, const std::string& id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(AdminSelect() + "WHERE r.id = ?", {id}));
    if (!row) return std::optional<AdminRental>{};
    return std::optional<AdminRental>{AdminFrom(*row)};
}

Result<std::vector<Package>> ListPackages(db::Connection& c, bool active_only) {
    ASSIGN_OR_RETURN(
        auto rows,
        c.Query(std::string("SELECT ") + kPackageCols + " FROM rental_packages p " +
                (active_only ? "WHERE is_active = 1 " : "") + "ORDER BY duration_minutes, id"));
    std::vector<Package> out;
    for (const auto& r : rows) out.push_back(PackageFrom(r));
    return out;
}

Result<std::optional<Package>> FindPackage(db::Connection& c, const std::string& id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string("SELECT ") + kPackageCols +
                                              " FROM rental_packages p WHERE p.id = ?",
                                          {id}));
    if (!row) return std::optional<Package>{};
    return std::optional<Package>{PackageFrom(*row)};
}

Result<bool> InsertRental(db::Connection& c, const Rental& r) {
    // Not when the bank is in another open rental: a bank goes out to one rental at a time.
    ASSIGN_OR_RETURN(int64_t n, c.Exec(
        "INSERT INTO rentals (id, rental_code, user_id, station_id, slot_number, package_id, "
        "power_bank_id, power_bank_serial, status, payment_status, due_at, amount_paid, "
        "created_at, updated_at, payment_model, package_type, package_minutes, package_price, "
        "eject_command_id) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE "
        "NOT EXISTS (SELECT 1 FROM rentals o WHERE o.power_bank_id = ? AND o.status IN "
        "('PENDING_POPUP', 'ACTIVE', 'OVERDUE'))",
        {r.id, r.rental_code, r.user_id, r.station_id, r.slot_number, r.package_id, r.power_bank_id,
         r.power_bank_serial, r.status, r.payment_status, r.due_at, r.amount_paid.paisa,
         r.created_at, r.updated_at, r.payment_model, r.package_type, r.package_minutes,
         r.package_price.paisa, r.eject_command_id, r.power_bank_id}));
    return n > 0;
}

Result<std::optional<Rental>> FindRental(db::Connection& c, const std::string& id) {
    return One(c, "WHERE r.id = ?", {id});
}

Result<std::optional<Rental>> LockRental(db::Connection& c, const std::string& id) {
    // OF r: the joined stations and package rows stay unlocked
    return One(c, std::string("WHERE r.id = ?") +
                      (c.backend() == db::Backend::kPostgres ? " FOR UPDATE OF r" : ""),
               {id});
}

Result<std::optional<Rental>> FindOpenRental(db::Connection& c, int64_t user_id) {
    return One(c, std::string("WHERE r.user_id = ? AND r.") + kOpen, {user_id});
}

Result<std::optional<Rental>> FindOpenRentalOfBank(db::Connection& c, const std::string& serial,
                                                   Micros at) {
    return One(c,
               "WHERE r.power_bank_serial = ? AND r.created_at <= ? AND r.status IN "
               "('PENDING_POPUP', 'ACTIVE', 'OVERDUE', 'LOST') ORDER BY r.created_at DESC LIMIT 1",
               {serial, at});
}

Result<bool> HasDues(db::Connection& c, int64_t user_id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string("SELECT 1 FROM rentals r WHERE r.user_id = ? "
                                                      "AND r.") + kDue,
                                          {user_id}));
    return row.has_value();
}

Result<std::optional<Standing>> ReadStanding(db::Connection& c, int64_t user_id,
                                             const std::string& package_id) {
    // One statement, so one snapshot: a rental closed and charged by one transaction is seen
    // closed with its charge, or open.
    ASSIGN_OR_RETURN(auto row, c.QueryOne(
        std::string("SELECT u.status, EXISTS (SELECT 1 FROM user_profiles up WHERE up.user_id = "
                    "u.id AND up.full_name IS NOT NULL AND up.date_of_birth IS NOT NULL AND "
                    "up.address IS NOT NULL), EXISTS (SELECT 1 FROM kyc_submissions k WHERE "
                    "k.user_id = u.id AND k.status = 'APPROVED'), EXISTS (SELECT 1 FROM rentals r "
                    "WHERE r.user_id = u.id AND r.") + kOpen + "), EXISTS (SELECT 1 FROM rentals r "
                    "WHERE r.user_id = u.id AND r." + kDue + "), " + kPackageCols +
            " FROM users u LEFT JOIN rental_packages p ON p.id = ? WHERE u.id = ?",
        {package_id, user_id}));
    if (!row) return std::optional<Standing>{};
    Standing s{row->Str(0), row->Bool(1), row->Bool(2), row->Bool(3), row->Bool(4), std::nullopt};
    if (!row->IsNull(5)) s.package = PackageFrom(*row, 5);
    return std::optional<Standing>{std::move(s)};
}

Result<int64_t> CountHistory(db::Connection& c, int64_t user_id, const HistoryFilter& f) {
    db::Params p{user_id};
    std::string w = HistoryWhere(f, p);
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COUNT(*) FROM rentals r " + w, p));
    return row ? row->Int(0) : 0;
}

Result<std::vector<Rental>> ListHistory(db::Connection& c, int64_t user_id, const HistoryFilter& f,
                                        int64_t limit, int64_t offset) {
    db::Params p{user_id};
    std::string w = HistoryWhere(f, p);
    p.emplace_back(limit);
    p.emplace_back(offset);
    ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kRentalSelect) + w +
                                            "ORDER BY r.created_at DESC, r.id LIMIT ? OFFSET ?",
                                        p));
    return RentalsFrom(rows);
}

Result<int64_t> MarkOverdue(db::Connection& c, Micros now) {
    return c.Exec(
        "UPDATE rentals SET status = 'OVERDUE', updated_at = ? WHERE status = 'ACTIVE' "
        "AND due_at < ?",
        {now, now});
}

Result<std::vector<Rental>> ListVerifying(db::Connection& c, const std::string& station_id,
                                          Micros asked_before) {
    ASSIGN_OR_RETURN(auto rows,
                     c.Query(std::string(kRentalSelect) +
                                 "WHERE r.station_id = ? AND r.status = 'PENDING_POPUP' AND "
                                 "r.verify_requested_at IS NOT NULL AND r.verify_requested_at <= ?",
                             {station_id, asked_before}));
    return RentalsFrom(rows);
}

Result<std::vector<Unsettled>> ListUnsettled(db::Connection& c, Micros created_before) {
    ASSIGN_OR_RETURN(
        auto rows,
        c.Query("SELECT r.id, cc.status, COALESCE(cc.replied_at, cc.sent_at, cc.created_at), "
                "r.verify_requested_at FROM rentals r LEFT JOIN cabinet_commands cc ON cc.id = "
                "r.eject_command_id WHERE r.status = 'PENDING_POPUP' AND r.created_at < ? "
                "AND (cc.id IS NULL OR cc.status NOT IN ('QUEUED', 'SENT'))",
                {created_before}));
    std::vector<Unsettled> out;
    for (const auto& r : rows)
        out.push_back({r.Str(0), r.OptStr(1).value_or(""), r.OptInt(2).value_or(0), r.OptInt(3)});
    return out;
}

Result<std::vector<Rental>> ListWhere(db::Connection& c, const std::string& where,
                                      const db::Params& p) {
    ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kRentalSelect) + where, p));
    return RentalsFrom(rows);
}

}  // namespace ps::rentals::repo
