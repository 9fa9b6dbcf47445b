// Payment methods (table payment_methods, migration 0006): the ways a wallet can be topped up,
// each bound to one gateway (khalti | esewa | stripe | demo) with its amount limits. Users list
// the active ones (payments/methods); staff manage them (admin/payment-methods, audited, needs
// finance rights to change). Gateway secrets never live here: they come from the environment.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/money.hpp"
#include "db/database.hpp"
#include "domains/admin/staff.hpp"
#include "http/pagination.hpp"

namespace ps::money {

// The gateways a method may name.
bool KnownGateway(std::string_view gateway);

struct PaymentMethod {
    std::string id, name, gateway;
    std::optional<std::string> icon;
    bool is_active = true;
    boost::json::object configuration;
    Money min_amount{1000};
    std::optional<Money> max_amount;  // none: no upper limit
    std::vector<std::string> supported_currencies{"NPR"};
    Micros created_at = 0, updated_at = 0;
};

// A create (every field but name and gateway may be absent) or a partial update.
struct PaymentMethodChange {
    std::optional<std::string> name, gateway, icon;
    std::optional<bool> is_active;
    std::optional<boost::json::object> configuration;
    std::optional<Money> min_amount;
    std::optional<std::optional<Money>> max_amount;  // set to nullopt: clear the limit
    std::optional<std::vector<std::string>> supported_currencies;
};

namespace pm {  // SQL over payment_methods
Result<std::optional<PaymentMethod>> Find(db::Connection& c, const std::string& id);
Result<std::vector<PaymentMethod>> ListActive(db::Connection& c);
Result<int64_t> Count(db::Connection& c);
Result<std::vector<PaymentMethod>> List(db::Connection& c, int64_t limit, int64_t offset);
Status Insert(db::Connection& c, const PaymentMethod& m);
Status Update(db::Connection& c, const PaymentMethod& m);
Result<int64_t> Delete(db::Connection& c, const std::string& id);
}  // namespace pm

class PaymentMethodService {
public:
    PaymentMethodService(db::Database& db, const Clock& clock, Random& random);

    Result<std::vector<PaymentMethod>> Active();
    // Counts, clamps page to the last page, returns that page (newest first).
    Result<std::vector<PaymentMethod>> List(http::Page& page);
    // Errors: payment_method_not_found (404).
    Result<PaymentMethod> Get(const std::string& id);
    // Errors: permission_denied, validation_error (name taken, min > max, unknown gateway).
    Result<PaymentMethod> Create(const admin::Actor& actor, const PaymentMethodChange& c);
    Result<PaymentMethod> Update(const admin::Actor& actor, const std::string& id,
                                 const PaymentMethodChange& c);
    Result<PaymentMethod> Delete(const admin::Actor& actor, const std::string& id);

private:
    Status Audit(db::Connection& tx, const admin::Actor& actor, const std::string& action,
                 const PaymentMethod& m, const std::string& description);

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
};

// The "Demo" method (gateway demo, NPR 10-100000) for `make run`; does nothing if it exists.
Status SeedDemoPaymentMethod(db::Database& db, const Clock& clock, Random& random);

}  // namespace ps::money
