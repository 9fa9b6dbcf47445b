#include "domains/money/payment_methods.hpp"

#include <boost/json.hpp>

#include "domains/admin/audit.hpp"

namespace ps::money {

namespace json = boost::json;

namespace {

constexpr const char* kColumns =
    "id, name, gateway, icon, is_active, configuration, min_amount, max_amount, "
    "supported_currencies, created_at, updated_at";

PaymentMethod FromRow(const db::Row& r) {
    PaymentMethod m;
    m.id = r.Str(0);
    m.name = r.Str(1);
    m.gateway = r.Str(2);
    m.icon = r.OptStr(3);
    m.is_active = r.Bool(4);
    json::error_code ec;
    auto cfg = json::parse(r.Str(5), ec);
    if (!ec && cfg.is_object()) m.configuration = cfg.as_object();
    m.min_amount = Money{r.Int(6)};
    if (auto mx = r.OptInt(7)) m.max_amount = Money{*mx};
    m.supported_currencies.clear();
    auto cur = json::parse(r.Str(8), ec);
    if (!ec && cur.is_array())
        for (const auto& v : cur.as_array())
            if (v.is_string()) m.supported_currencies.emplace_back(v.as_string());
    m.created_at = r.Int(9);
    m.updated_at = r.Int(10);
    return m;
}

std::string CurrenciesText(const std::vector<std::string>& c) {
    json::array a;
    for (const auto& s : c) a.emplace_back(s);
    return json::serialize(a);
}

db::Params ValuesOf(const PaymentMethod& m) {
    return {m.name,
            m.gateway,
            m.icon,
            m.is_active,
            json::serialize(m.configuration),
            m.min_amount.paisa,
            m.max_amount ? db::Param(m.max_amount->paisa) : db::Param(nullptr),
            CurrenciesText(m.supported_currencies),
            m.updated_at,
            m.id};
}

Result<std::vector<PaymentMethod>> Rows(Result<db::Rows> rows) {
    if (!rows.ok()) return std::move(rows).error();
    std::vector<PaymentMethod> out;
    for (const auto& r : *rows) out.push_back(FromRow(r));
    return out;
}

Status Validate(const PaymentMethod& m) {
    if (!KnownGateway(m.gateway))
        return FieldError("gateway", "\"" + m.gateway + "\" is not a valid choice.");
    if (m.min_amount.paisa < 1)
        return FieldError("min_amount", "Ensure this value is at least 0.01.");
    if (m.max_amount && *m.max_amount < m.min_amount)
        return FieldError("max_amount", "Maximum amount cannot be less than the minimum amount.");
    return Ok{};
}

void Apply(PaymentMethod& m, const PaymentMethodChange& c) {
    if (c.name) m.name = *c.name;
    if (c.gateway) m.gateway = *c.gateway;
    if (c.icon) m.icon = c.icon->empty() ? std::nullopt : c.icon;
    if (c.is_active) m.is_active = *c.is_active;
    if (c.configuration) m.configuration = *c.configuration;
    if (c.min_amount) m.min_amount = *c.min_amount;
    if (c.max_amount) m.max_amount = *c.max_amount;
    if (c.supported_currencies) m.supported_currencies = *c.supported_currencies;
}

Status NameFree(db::Connection& c, const PaymentMethod& m) {
    ASSIGN_OR_RETURN(
        auto row,
        c.QueryOne("SELECT id FROM payment_methods WHERE name = ? AND id <> ?", {m.name, m.id}));
    if (row) return FieldError("name", "payment method with this name already exists.");
    return Ok{};
}

Status CanManage(const admin::Actor& actor) {
    if (!admin::PermissionsFor(actor.role).manage_finances)
        return FailedPrecondition("permission_denied", "You may not manage payment methods.");
    return Ok{};
}

}  // namespace

bool KnownGateway(std::string_view g) {
    return g == "khalti" || g == "esewa" || g == "stripe" || g == "demo";
}

namespace pm {

Result<std::optional<PaymentMethod>> Find(db::Connection& c, const std::string& id) {
    ASSIGN_OR_RETURN(
        auto row,
        c.QueryOne(std::string("SELECT ") + kColumns + " FROM payment_methods WHERE id = ?", {id}));
    if (!row) return std::optional<PaymentMethod>{};
    return std::optional<PaymentMethod>{FromRow(*row)};
}

Result<std::vector<PaymentMethod>> ListActive(db::Connection& c) {
    return Rows(c.Query(std::string("SELECT ") + kColumns +
                        " FROM payment_methods WHERE is_active = 1 ORDER BY name"));
}

Result<int64_t> Count(db::Connection& c) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COUNT(*) FROM payment_methods"));
    return row ? row->Int(0) : 0;
}

Result<std::vector<PaymentMethod>> List(db::Connection& c, int64_t limit, int64_t offset) {
    return Rows(c.Query(std::string("SELECT ") + kColumns +
                            " FROM payment_methods ORDER BY created_at DESC, name LIMIT ? OFFSET ?",
                        {limit, offset}));
}

Status Insert(db::Connection& c, const PaymentMethod& m) {
    db::Params p = ValuesOf(m);
    p.push_back(m.created_at);
    auto done = c.Exec(
        "INSERT INTO payment_methods (name, gateway, icon, is_active, configuration, min_amount, "
        "max_amount, supported_currencies, updated_at, id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        p);
    if (done.ok()) return Ok{};
    if (done.error().slug == "unique_violation")
        return FieldError("name", "payment method with this name already exists.");
    return std::move(done).error();
}

Status Update(db::Connection& c, const PaymentMethod& m) {
    RETURN_IF_ERROR(
        c.Exec("UPDATE payment_methods SET name = ?, gateway = ?, icon = ?, is_active = ?, "
               "configuration = ?, min_amount = ?, max_amount = ?, supported_currencies = ?, "
               "updated_at = ? WHERE id = ?",
               ValuesOf(m)));
    return Ok{};
}

Result<int64_t> Delete(db::Connection& c, const std::string& id) {
    return c.Exec("DELETE FROM payment_methods WHERE id = ?", {id});
}

}  // namespace pm

PaymentMethodService::PaymentMethodService(db::Database& db, const Clock& clock, Random& random)
    : db_(db), clock_(clock), random_(random) {}

Result<std::vector<PaymentMethod>> PaymentMethodService::Active() {
    return db_.Read([](db::Connection& c) { return pm::ListActive(c); });
}

Result<std::vector<PaymentMethod>> PaymentMethodService::List(http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<std::vector<PaymentMethod>> {
        ASSIGN_OR_RETURN(int64_t total, pm::Count(c));
        page.SetTotal(total);
        return pm::List(c, page.page_size, page.Offset());
    });
}

Result<PaymentMethod> PaymentMethodService::Get(const std::string& id) {
    ASSIGN_OR_RETURN(auto m, db_.Read([&](db::Connection& c) { return pm::Find(c, id); }));
    if (!m) return NotFound("payment_method_not_found", "Payment method not found");
    return *m;
}

Status PaymentMethodService::Audit(db::Connection& tx, const admin::Actor& actor,
                                   const std::string& action, const PaymentMethod& m,
                                   const std::string& description) {
    json::object changes{{"name", m.name},
                         {"gateway", m.gateway},
                         {"is_active", m.is_active},
                         {"min_amount", FormatDecimal(m.min_amount)},
                         {"max_amount", m.max_amount ? json::value(FormatDecimal(*m.max_amount))
                                                     : json::value(nullptr)}};
    return admin::RecordAudit(tx, clock_, random_,
                              {actor.user_id, action, "PaymentMethod", m.id, std::move(changes),
                               description, actor.ip_address, actor.user_agent});
}

Result<PaymentMethod> PaymentMethodService::Create(const admin::Actor& actor,
                                                   const PaymentMethodChange& c) {
    RETURN_IF_ERROR(CanManage(actor));
    PaymentMethod m;
    m.id = random_.Uuid();
    m.created_at = m.updated_at = clock_.Now();
    Apply(m, c);
    RETURN_IF_ERROR(Validate(m));
    return db_.Transact([&](db::Connection& tx) -> Result<PaymentMethod> {
        RETURN_IF_ERROR(NameFree(tx, m));
        RETURN_IF_ERROR(pm::Insert(tx, m));
        RETURN_IF_ERROR(
            Audit(tx, actor, "CREATE_PAYMENT_METHOD", m, "Created payment method " + m.name));
        return m;
    });
}

Result<PaymentMethod> PaymentMethodService::Update(const admin::Actor& actor, const std::string& id,
                                                   const PaymentMethodChange& c) {
    RETURN_IF_ERROR(CanManage(actor));
    return db_.Transact([&](db::Connection& tx) -> Result<PaymentMethod> {
        ASSIGN_OR_RETURN(auto found, pm::Find(tx, id));
        if (!found) return NotFound("payment_method_not_found", "Payment method not found");
        PaymentMethod m = *found;
        Apply(m, c);
        m.updated_at = clock_.Now();
        RETURN_IF_ERROR(Validate(m));
        RETURN_IF_ERROR(NameFree(tx, m));
        RETURN_IF_ERROR(pm::Update(tx, m));
        RETURN_IF_ERROR(
            Audit(tx, actor, "UPDATE_PAYMENT_METHOD", m, "Updated payment method " + m.name));
        return m;
    });
}

Result<PaymentMethod> PaymentMethodService::Delete(const admin::Actor& actor,
                                                   const std::string& id) {
    RETURN_IF_ERROR(CanManage(actor));
    return db_.Transact([&](db::Connection& tx) -> Result<PaymentMethod> {
        ASSIGN_OR_RETURN(auto found, pm::Find(tx, id));
        if (!found) return NotFound("payment_method_not_found", "Payment method not found");
        RETURN_IF_ERROR(pm::Delete(tx, id));
        RETURN_IF_ERROR(Audit(tx, actor, "DELETE_PAYMENT_METHOD", *found,
                              "Deleted payment method " + found->name));
        return *found;
    });
}

Status SeedDemoPaymentMethod(db::Database& db, const Clock& clock, Random& random) {
    Micros now = clock.Now();
    std::string id = random.Uuid();
    return db.Transact([&](db::Connection& c) -> Status {
        RETURN_IF_ERROR(c.Exec(
            "INSERT INTO payment_methods (id, name, gateway, is_active, configuration, min_amount, "
            "max_amount, supported_currencies, created_at, updated_at) VALUES (?, 'Demo', 'demo', "
            "1, '{}', 1000, 10000000, '[\"NPR\"]', ?, ?) ON CONFLICT (name) DO NOTHING",
            {id, now, now}));
        return Ok{};
    });
}

}  // namespace ps::money
