// Rental packages and late-fee configurations, staff side (rental_admin_service.hpp).
#include "domains/rentals/rental_admin_service.hpp"

#include "core/time_format.hpp"
#include "domains/admin/audit.hpp"

namespace ps::rentals {

namespace json = boost::json;

namespace {

std::string Plural(int64_t n, const char* unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

json::array StringArray(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
}

Status CanManage(const admin::Actor& actor) {
    if (!admin::PermissionsFor(actor.role).manage_finances)
        return FailedPrecondition("permission_denied", "You may not manage rental pricing.");
    return Ok{};
}

template <typename T, typename U>
void Set(T& field, const std::optional<U>& v) {
    if (v) field = static_cast<T>(*v);
}

void Apply(AdminPackage& a, const PackageChange& ch) {
    Set(a.p.name, ch.name);
    Set(a.p.description, ch.description);
    Set(a.p.package_type, ch.package_type);
    Set(a.p.payment_model, ch.payment_model);
    Set(a.p.duration_minutes, ch.duration_minutes);
    Set(a.p.price, ch.price);
    Set(a.p.is_active, ch.is_active);
    Set(a.metadata, ch.metadata);
}

void Apply(LateFeeConfig& l, const LateFeeChange& ch) {
    Set(l.name, ch.name);
    Set(l.fee_type, ch.fee_type);
    Set(l.multiplier_centi, ch.multiplier_centi);
    Set(l.grace_period_minutes, ch.grace_period_minutes);
    Set(l.flat_rate_per_hour, ch.flat_rate_per_hour);
    Set(l.max_daily_rate, ch.max_daily_rate);
    Set(l.is_active, ch.is_active);
    Set(l.applicable_package_types, ch.applicable_package_types);
    Set(l.metadata, ch.metadata);
}

Status ValidatePackage(db::Connection& tx, const AdminPackage& a) {
    const Package& p = a.p;
    if (p.name.empty()) return FieldError("name", "This field is required.");
    if (p.description.empty()) return FieldError("description", "This field is required.");
    if (p.duration_minutes <= 0) return FieldError("duration_minutes", "This field is required.");
    if (p.package_type.empty()) return FieldError("package_type", "This field is required.");
    if (p.payment_model.empty()) return FieldError("payment_model", "This field is required.");
    if (p.price.paisa <= 0) return FieldError("price", "This field is required.");
    ASSIGN_OR_RETURN(bool taken, repo::PackageNameTaken(tx, p.name, p.id));
    if (taken) return FieldError("name", "rental package with this name already exists.");
    return Ok{};
}

Status ValidateConfig(const LateFeeConfig& l) {
    if (l.name.empty()) return FieldError("name", "This field is required.");
    if (!IsLateFeeType(l.fee_type)) return FieldError("fee_type", "This field is required.");
    bool by_rate = l.fee_type != "FLAT_RATE", flat = l.fee_type != "MULTIPLIER";
    if (by_rate && l.multiplier_centi <= 0)
        return FieldError("multiplier", "A multiplier above 0 is required for " + l.fee_type +
                                            " fees.");
    if (flat && l.flat_rate_per_hour.paisa <= 0)
        return FieldError("flat_rate_per_hour",
                          "A flat rate above 0 is required for " + l.fee_type + " fees.");
    for (size_t i = 0; i < l.applicable_package_types.size(); ++i) {
        const auto& t = l.applicable_package_types[i];
        if (!IsPackageType(t))
            return FieldError("applicable_package_types", "\"" + t + "\" is not a valid choice.");
        for (size_t j = 0; j < i; ++j)
            if (l.applicable_package_types[j] == t)
                return FieldError("applicable_package_types", "\"" + t + "\" is listed twice.");
    }
    return Ok{};
}

}  // namespace

std::string DurationDisplay(int64_t minutes) {
    if (minutes < 60) return Plural(minutes, "minute");
    if (minutes % (24 * 60) == 0) return Plural(minutes / (24 * 60), "day");
    if (minutes % 60 == 0) return Plural(minutes / 60, "hour");
    return std::to_string(minutes / 60) + "h " + std::to_string(minutes % 60) + "m";
}

json::object AdminPackageJson(const AdminPackage& a) {
    const Package& p = a.p;
    return {{"id", p.id},
            {"name", p.name},
            {"description", p.description},
            {"duration_minutes", p.duration_minutes},
            {"duration_display", DurationDisplay(p.duration_minutes)},
            {"price", FormatDecimal(p.price)},
            {"package_type", p.package_type},
            {"payment_model", p.payment_model},
            {"is_active", p.is_active},
            {"package_metadata", a.metadata},
            {"created_at", FormatDt(a.created_at)},
            {"updated_at", FormatDt(a.updated_at)}};
}

json::object LateFeeConfigJson(const LateFeeConfig& l) {
    return {{"id", l.id},
            {"name", l.name},
            {"fee_type", l.fee_type},
            {"multiplier", FormatDecimal(Money{l.multiplier_centi})},
            {"flat_rate_per_hour", FormatDecimal(l.flat_rate_per_hour)},
            {"grace_period_minutes", l.grace_period_minutes},
            {"max_daily_rate", FormatDecimal(l.max_daily_rate)},
            {"is_active", l.is_active},
            {"applicable_package_types", StringArray(l.applicable_package_types)},
            {"metadata", l.metadata},
            {"created_at", FormatDt(l.created_at)},
            {"updated_at", FormatDt(l.updated_at)}};
}

RentalCatalogAdmin::RentalCatalogAdmin(db::Database& db, const Clock& clock, Random& random)
    : db_(db), clock_(clock), random_(random) {}

Status RentalCatalogAdmin::Audit(db::Connection& tx, const admin::Actor& actor,
                                 std::string action, std::string model, const std::string& id,
                                 json::object changes, std::string description) {
    return admin::RecordAudit(tx, clock_, random_,
                              {actor.user_id, std::move(action), std::move(model), id,
                               std::move(changes), std::move(description), actor.ip_address,
                               actor.user_agent});
}

Result<std::vector<AdminPackage>> RentalCatalogAdmin::ListPackages(http::Page& page) {
    ASSIGN_OR_RETURN(auto all, db_.Read([](db::Connection& c) { return repo::ListAdminPackages(c); }));
    page.SetTotal(static_cast<int64_t>(all.size()));
    auto from = std::min<size_t>(all.size(), static_cast<size_t>(page.Offset()));
    auto to = std::min<size_t>(all.size(), from + static_cast<size_t>(page.page_size));
    return std::vector<AdminPackage>(all.begin() + static_cast<std::ptrdiff_t>(from),
                                     all.begin() + static_cast<std::ptrdiff_t>(to));
}

Result<AdminPackage> RentalCatalogAdmin::GetPackage(const std::string& id) {
    ASSIGN_OR_RETURN(auto a, db_.Read([&](db::Connection& c) { return repo::FindAdminPackage(c, id); }));
    if (!a) return NotFound("rental_package_not_found", "Rental package not found");
    return *a;
}

Result<AdminPackage> RentalCatalogAdmin::CreatePackage(const admin::Actor& actor,
                                                       const PackageChange& ch) {
    RETURN_IF_ERROR(CanManage(actor));
    AdminPackage a;
    a.p.id = random_.Uuid();
    a.p.payment_model = "PREPAID";
    a.created_at = a.updated_at = clock_.Now();
    Apply(a, ch);
    return db_.Transact([&](db::Connection& tx) -> Result<AdminPackage> {
        RETURN_IF_ERROR(ValidatePackage(tx, a));
        RETURN_IF_ERROR(repo::InsertPackage(tx, a));
        RETURN_IF_ERROR(Audit(tx, actor, "CREATE_RENTAL_PACKAGE", "RentalPackage", a.p.id,
                              {{"after", AdminPackageJson(a)}},
                              "Created rental package " + a.p.name));
        return a;
    });
}

Result<AdminPackage> RentalCatalogAdmin::UpdatePackage(const admin::Actor& actor,
                                                       const std::string& id,
                                                       const PackageChange& ch) {
    RETURN_IF_ERROR(CanManage(actor));
    return db_.Transact([&](db::Connection& tx) -> Result<AdminPackage> {
        ASSIGN_OR_RETURN(auto found, repo::FindAdminPackage(tx, id));
        if (!found) return NotFound("rental_package_not_found", "Rental package not found");
        AdminPackage a = *found;
        Apply(a, ch);
        a.updated_at = clock_.Now();
        RETURN_IF_ERROR(ValidatePackage(tx, a));
        RETURN_IF_ERROR(repo::UpdatePackage(tx, a));
        RETURN_IF_ERROR(Audit(tx, actor, "UPDATE_RENTAL_PACKAGE", "RentalPackage", id,
                              {{"before", AdminPackageJson(*found)}, {"after", AdminPackageJson(a)}},
                              "Updated rental package " + a.p.name));
        return a;
    });
}

Result<AdminPackage> RentalCatalogAdmin::DeletePackage(const admin::Actor& actor,
                                                       const std::string& id) {
    RETURN_IF_ERROR(CanManage(actor));
    return db_.Transact([&](db::Connection& tx) -> Result<AdminPackage> {
        ASSIGN_OR_RETURN(auto found, repo::FindAdminPackage(tx, id));
        if (!found) return NotFound("rental_package_not_found", "Rental package not found");
        ASSIGN_OR_RETURN(int64_t uses, repo::PackageUseCount(tx, id));
        if (uses > 0)
            return FailedPrecondition(
                "package_in_use",
                "This package has been rented " + std::to_string(uses) +
                    " times and cannot be deleted; deactivate it instead (is_active=false).",
                {{"rentals", uses}});
        RETURN_IF_ERROR(repo::DeletePackage(tx, id));
        RETURN_IF_ERROR(Audit(tx, actor, "DELETE_RENTAL_PACKAGE", "RentalPackage", id,
                              {{"before", AdminPackageJson(*found)}},
                              "Deleted rental package " + found->p.name));
        return *found;
    });
}

Result<RentalCatalogAdmin::ConfigPage> RentalCatalogAdmin::ListConfigs(
    const repo::LateFeeFilter& f, http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<ConfigPage> {
        ConfigPage out;
        ASSIGN_OR_RETURN(int64_t matching, repo::CountLateFeeConfigs(c, f));
        page.SetTotal(matching);
        ASSIGN_OR_RETURN(out.configs, repo::ListLateFeeConfigs(c, f, page.page_size, page.Offset()));
        ASSIGN_OR_RETURN(out.total, repo::CountLateFeeConfigs(c, {}));
        repo::LateFeeFilter active;
        active.is_active = true;
        ASSIGN_OR_RETURN(out.active, repo::CountLateFeeConfigs(c, active));
        return out;
    });
}

Result<LateFeeConfig> RentalCatalogAdmin::GetConfig(const std::string& id) {
    ASSIGN_OR_RETURN(auto l, db_.Read([&](db::Connection& c) { return repo::FindLateFeeConfig(c, id); }));
    if (!l) return NotFound("late_fee_config_not_found", "Late fee configuration not found");
    return *l;
}

// Validates, checks the name and the one-active-config rule, and writes (insert when new).
Status RentalCatalogAdmin::SaveConfig(db::Connection& tx, const LateFeeConfig& l) {
    RETURN_IF_ERROR(ValidateConfig(l));
    ASSIGN_OR_RETURN(bool taken, repo::LateFeeNameTaken(tx, l.name, l.id));
    if (taken) return FieldError("name", "late fee configuration with this name already exists.");
    if (l.is_active) {
        ASSIGN_OR_RETURN(auto active, repo::ActiveLateFeeConfigs(tx));
        for (const auto& other : active) {
            if (other.id == l.id) continue;
            auto overlap = LateFeeOverlap(l, other);
            if (!overlap) continue;
            std::string what = overlap->empty() ? "every package type" : *overlap + " packages";
            return FailedPrecondition(
                "late_fee_config_conflict",
                "The active configuration \"" + other.name + "\" already applies to " + what +
                    "; deactivate it first.",
                {{"conflicting_config_id", other.id}, {"package_type", *overlap}});
        }
    }
    ASSIGN_OR_RETURN(auto existing, repo::FindLateFeeConfig(tx, l.id));
    return existing ? repo::UpdateLateFeeConfig(tx, l) : repo::InsertLateFeeConfig(tx, l);
}

Result<LateFeeConfig> RentalCatalogAdmin::CreateConfig(const admin::Actor& actor,
                                                       const LateFeeChange& ch) {
    RETURN_IF_ERROR(CanManage(actor));
    LateFeeConfig l = DefaultLateFeeConfig();
    l.name.clear();
    l.fee_type.clear();
    l.id = random_.Uuid();
    l.created_at = l.updated_at = clock_.Now();
    Apply(l, ch);
    return db_.Transact([&](db::Connection& tx) -> Result<LateFeeConfig> {
        RETURN_IF_ERROR(SaveConfig(tx, l));
        RETURN_IF_ERROR(Audit(tx, actor, "CREATE_LATE_FEE_CONFIG", "LateFeeConfiguration", l.id,
                              {{"after", LateFeeConfigJson(l)}},
                              "Created late fee configuration " + l.name));
        return l;
    });
}

Result<LateFeeConfig> RentalCatalogAdmin::UpdateConfig(const admin::Actor& actor,
                                                       const std::string& id,
                                                       const LateFeeChange& ch) {
    RETURN_IF_ERROR(CanManage(actor));
    return db_.Transact([&](db::Connection& tx) -> Result<LateFeeConfig> {
        ASSIGN_OR_RETURN(auto found, repo::FindLateFeeConfig(tx, id));
        if (!found) return NotFound("late_fee_config_not_found", "Late fee configuration not found");
        LateFeeConfig l = *found;
        Apply(l, ch);
        l.updated_at = clock_.Now();
        RETURN_IF_ERROR(SaveConfig(tx, l));
        RETURN_IF_ERROR(Audit(tx, actor, "UPDATE_LATE_FEE_CONFIG", "LateFeeConfiguration", id,
                              {{"before", LateFeeConfigJson(*found)}, {"after", LateFeeConfigJson(l)}},
                              "Updated late fee configuration " + l.name));
        return l;
    });
}

Result<LateFeeConfig> RentalCatalogAdmin::DeleteConfig(const admin::Actor& actor,
                                                       const std::string& id) {
    RETURN_IF_ERROR(CanManage(actor));
    return db_.Transact([&](db::Connection& tx) -> Result<LateFeeConfig> {
        ASSIGN_OR_RETURN(auto found, repo::FindLateFeeConfig(tx, id));
        if (!found) return NotFound("late_fee_config_not_found", "Late fee configuration not found");
        RETURN_IF_ERROR(repo::DeleteLateFeeConfig(tx, id));
        RETURN_IF_ERROR(Audit(tx, actor, "DELETE_LATE_FEE_CONFIG", "LateFeeConfiguration", id,
                              {{"before", LateFeeConfigJson(*found)}},
                              "Deleted late fee configuration " + found->name));
        return *found;
    });
}

}  // namespace ps::rentals
