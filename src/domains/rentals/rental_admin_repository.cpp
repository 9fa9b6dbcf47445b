// Packages as staff see them and late-fee configurations (rental_admin_repository.hpp).
#include "domains/rentals/rental_admin_repository.hpp"
#include "core/json_text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>

#include "domains/rentals/rental_repository.hpp"

namespace ps::rentals::repo {

namespace json = boost::json;

json::object ParseObject(const std::string& text) {
    json::error_code ec;
    auto v = json::parse(text, ec);
    return !ec && v.is_object() ? v.as_object() : json::object{};
}

namespace {

struct PackageExtras {
    json::object metadata;
    Micros created_at = 0, updated_at = 0;
};

Result<std::map<std::string, PackageExtras>> Extras(db::Connection& c, const std::string& where,
                                                    const db::Params& params) {
    ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, package_metadata, created_at, updated_at "
                                        "FROM rental_packages " +
                                            where,
                                        params));
    std::map<std::string, PackageExtras> out;
    for (const auto& r : rows) out[r.Str(0)] = {ParseObject(r.Str(1)), r.Int(2), r.Int(3)};
    return out;
}

AdminPackage WithExtras(Package p, const std::map<std::string, PackageExtras>& extras) {
    AdminPackage a{std::move(p), {}, 0, 0};
    if (auto it = extras.find(a.p.id); it != extras.end()) {
        a.metadata = it->second.metadata;
        a.created_at = it->second.created_at;
        a.updated_at = it->second.updated_at;
    }
    return a;
}

db::Params PackageValues(const AdminPackage& a) {
    const Package& p = a.p;
    return {p.name,          p.description,  p.duration_minutes, p.price.paisa,
            p.package_type,  p.payment_model, p.is_active,       json::serialize(a.metadata),
            a.updated_at,    p.id};
}

constexpr const char* kLateFeeCols =
    "id, name, fee_type, multiplier, flat_rate_per_hour, grace_period_minutes, max_daily_rate, "
    "is_active, applicable_package_types, metadata, created_at, updated_at";

LateFeeConfig LateFeeFrom(const db::Row& r) {
    LateFeeConfig l;
    l.id = r.Str(0);
    l.name = r.Str(1);
    l.fee_type = r.Str(2);
    l.multiplier_centi = r.Int(3);
    l.flat_rate_per_hour = Money{r.Int(4)};
    l.grace_period_minutes = static_cast<int>(r.Int(5));
    l.max_daily_rate = Money{r.Int(6)};
    l.is_active = r.Bool(7);
    l.applicable_package_types = ParseStringList(r.Str(8));
    l.metadata = ParseObject(r.Str(9));
    l.created_at = r.Int(10);
    l.updated_at = r.Int(11);
    return l;
}

db::Params LateFeeValues(const LateFeeConfig& l) {
    return {l.name,
            l.fee_type,
            l.multiplier_centi,
            l.flat_rate_per_hour.paisa,
            l.grace_period_minutes,
            l.max_daily_rate.paisa,
            l.is_active,
            StringListJson(l.applicable_package_types),
            json::serialize(l.metadata),
            l.updated_at,
            l.id};
}

std::string LateFeeWhere(const LateFeeFilter& f, db::Params& params) {
    std::string w = "WHERE 1 = 1 ";
    if (f.fee_type) {
        w += "AND fee_type = ? ";
        params.emplace_back(*f.fee_type);
    }
    if (f.is_active) {
        w += "AND is_active = ? ";
        params.emplace_back(*f.is_active);
    }
    if (f.search) {
        w += "AND LOWER(name) LIKE ? ESCAPE '!' ";
        params.emplace_back(db::ContainsPattern(*f.search));
    }
    return w;
}

Result<std::vector<LateFeeConfig>> LateFeeRows(Result<db::Rows> rows) {
    if (!rows.ok()) return std::move(rows).error();
    std::vector<LateFeeConfig> out;
    for (const auto& r : *rows) out.push_back(LateFeeFrom(r));
    return out;
}

Result<bool> NameTaken(db::Connection& c, const char* table, const std::string& name,
                       const std::string& except_id) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(std::string("SELECT 1 FROM ") + table +
                                              " WHERE LOWER(name) = LOWER(?) AND id <> ?",
                                          {name, except_id}));
    return row.has_value();
}

}  // namespace

Result<std::vector<AdminPackage>> ListAdminPackages(db::Connection& c) {
    ASSIGN_OR_RETURN(auto packages, ListPackages(c, false));
    ASSIGN_OR_RETURN(auto extras, Extras(c, "", {}));
    std::vector<AdminPackage> out;
    for (auto& p : packages) out.push_back(WithExtras(std::move(p), extras));
    return out;
}

Result<std::optional<AdminPackage>> FindAdminPackage(db::Connection& c, const std::string& id) {
    ASSIGN_OR_RETURN(auto p, FindPackage(c, id));
    if (!p) return std::optional<AdminPackage>{};
    ASSIGN_OR_RETURN(auto extras, Extras(c, "WHERE id = ?", {id}));
    return std::optional<AdminPackage>{WithExtras(std::move(*p), extras)};
}

Result<bool> PackageNameTaken(db::Connection& c, const std::string& name,
                              const std::string& except_id) {
    return NameTaken(c, "rental_packages", name, except_id);
}

Status InsertPackage(db::Connection& c, const AdminPackage& a) {
    db::Params p = PackageValues(a);
    p.push_back(a.created_at);
    RETURN_IF_ERROR(c.Exec(
        "INSERT INTO rental_packages (name, description, duration_minutes, price, package_type, "
        "payment_model, is_active, package_metadata, updated_at, id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        p));
    return Ok{};
}

Status UpdatePackage(db::Connection& c, const AdminPackage& a) {
    RETURN_IF_ERROR(c.Exec(
        "UPDATE rental_packages SET name = ?, description = ?, duration_minutes = ?, price = ?, "
        "package_type = ?, payment_model = ?, is_active = ?, package_metadata = ?, "
        "updated_at = ? WHERE id = ?",
        PackageValues(a)));
    return Ok{};
}

Status DeletePackage(db::Connection& c, const std::string& id) {
    RETURN_IF_ERROR(c.Exec("DELETE FROM rental_packages WHERE id = ?", {id}));
    return Ok{};
}

Result<int64_t> PackageUseCount(db::Connection& c, const std::string& id) {
    ASSIGN_OR_RETURN(auto row,
                     c.QueryOne("SELECT (SELECT COUNT(*) FROM rentals WHERE package_id = ?) + "
                                "(SELECT COUNT(*) FROM rental_extensions WHERE package_id = ?)",
                                {id, id}));
    return row ? row->Int(0) : 0;
}

Result<int64_t> CountLateFeeConfigs(db::Connection& c, const LateFeeFilter& f) {
    db::Params params;
    std::string where = LateFeeWhere(f, params);
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COUNT(*) FROM late_fee_configs " + where, params));
    return row ? row->Int(0) : 0;
}

Result<std::vector<LateFeeConfig>> ListLateFeeConfigs(db::Connection& c, const LateFeeFilter& f,
                                                      int64_t limit, int64_t offset) {
    db::Params params;
    std::string where = LateFeeWhere(f, params);
    params.emplace_back(limit);
    params.emplace_back(offset);
    return LateFeeRows(c.Query(std::string("SELECT ") + kLateFeeCols + " FROM late_fee_configs " +
                                   where + "ORDER BY is_active DESC, created_at DESC, id LIMIT ? "
                                           "OFFSET ?",
                               params));
}

Result<std::optional<LateFeeConfig>> FindLateFeeConfig(db::Connection& c, const std::string& id) {
    ASSIGN_OR_RETURN(auto rows,
                     LateFeeRows(c.Query(std::string("SELECT ") + kLateFeeCols +
                                             " FROM late_fee_configs WHERE id = ?",
                                         {id})));
    if (rows.empty()) return std::optional<LateFeeConfig>{};
    return std::optional<LateFeeConfig>{std::move(rows.front())};
}

Result<bool> LateFeeNameTaken(db::Connection& c, const std::string& name,
                              const std::string& except_id) {
    return NameTaken(c, "late_fee_configs", name, except_id);
}

Status InsertLateFeeConfig(db::Connection& c, const LateFeeConfig& l) {
    db::Params p = LateFeeValues(l);
    p.push_back(l.created_at);
    RETURN_IF_ERROR(c.Exec(
        "INSERT INTO late_fee_configs (name, fee_type, multiplier, flat_rate_per_hour, "
        "grace_period_minutes, max_daily_rate, is_active, applicable_package_types, metadata, "
        "updated_at, id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        p));
    return Ok{};
}

Status UpdateLateFeeConfig(db::Connection& c, const LateFeeConfig& l) {
    RETURN_IF_ERROR(c.Exec(
        "UPDATE late_fee_configs SET name = ?, fee_type = ?, multiplier = ?, "
        "flat_rate_per_hour = ?, grace_period_minutes = ?, max_daily_rate = ?, is_active = ?, "
        "applicable_package_types = ?, metadata = ?, updated_at = ? WHERE id = ?",
        LateFeeValues(l)));
    return Ok{};
}

Status DeleteLateFeeConfig(db::Connection& c, const std::string& id) {
    RETURN_IF_ERROR(c.Exec("DELETE FROM late_fee_configs WHERE id = ?", {id}));
    return Ok{};
}

Result<std::vector<LateFeeConfig>> ActiveLateFeeConfigs(db::Connection& c) {
    return LateFeeRows(c.Query(std::string("SELECT ") + kLateFeeCols +
                               " FROM late_fee_configs WHERE is_active = 1 ORDER BY "
                               "created_at, id"));
}

Result<LateFeeConfig> ActiveLateFeeConfig(db::Connection& c, const std::string& package_type) {
    ASSIGN_OR_RETURN(auto active, ActiveLateFeeConfigs(c));
    return PickLateFeeConfig(active, package_type);
}

}  // namespace ps::rentals::repo
