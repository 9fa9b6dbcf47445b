// The fake Khalti ePayment API: Khalti's request checks and reply shapes over LoopbackHttpServer.
#include "support/fake_khalti.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace ps::test {

namespace {

namespace json = boost::json;

constexpr std::string_view kRefundPrefix = "/api/merchant-transaction/";
constexpr std::string_view kRefundSuffix = "/refund/";

LoopbackHttpServer::Response Reply(int status, const json::object& body) {
    return {status, json::serialize(body)};
}

LoopbackHttpServer::Response ValidationError(const std::string& field, const std::string& msg) {
    return Reply(400, {{field, json::array{json::string(msg)}}, {"error_key", "validation_error"}});
}

std::optional<json::object> ParseObject(const std::string& body) {
    boost::system::error_code ec;
    json::value value = json::parse(body, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return value.get_object();
}

json::object LookupBody(const FakeKhalti::Payment& p) {
    json::value txn =
        p.transaction_id.empty() ? json::value(nullptr) : json::value(p.transaction_id);
    return {{"pidx", p.pidx},     {"total_amount", p.total_amount},
            {"status", p.status}, {"transaction_id", txn},
            {"fee", 0},           {"refunded", p.refunded > 0}};
}

}  // namespace

FakeKhalti::FakeKhalti(std::string secret_key)
    : secret_key_(std::move(secret_key)),
      server_([this](const Request& request) { return Handle(request); }) {}

std::string FakeKhalti::BaseUrl() const { return server_.Origin() + "/api/v2/"; }

void FakeKhalti::SetStatus(const std::string& pidx, const std::string& status) {
    std::lock_guard lock(mu_);
    Payment& payment = payments_.at(pidx);
    payment.status = status;
    if (status == "Completed" && payment.transaction_id.empty()) {
        payment.transaction_id = "TXN" + std::to_string(++next_id_);
    }
}

void FakeKhalti::SetTotalAmount(const std::string& pidx, int64_t paisa) {
    std::lock_guard lock(mu_);
    payments_.at(pidx).total_amount = paisa;
}

std::optional<FakeKhalti::Payment> FakeKhalti::Find(const std::string& pidx) const {
    std::lock_guard lock(mu_);
    auto it = payments_.find(pidx);
    if (it == payments_.end()) return std::nullopt;
    return it->second;
}

std::string FakeKhalti::LastPidx() const {
    std::lock_guard lock(mu_);
    return last_pidx_;
}

FakeKhalti::Response FakeKhalti::Handle(const Request& request) {
    if (request.Header("authorization") != "Key " + secret_key_) {
        return Reply(401, {{"detail", "Invalid token."}, {"status_code", 401}});
    }
    if (request.method != "POST") return Reply(405, {{"detail", "Method not allowed."}});
    if (request.path == "/api/v2/epayment/initiate/") return Initiate(request);
    if (request.path == "/api/v2/epayment/lookup/") return Lookup(request);
    const std::string& path = request.path;
    if (path.rfind(kRefundPrefix, 0) == 0 &&
        path.size() > kRefundPrefix.size() + kRefundSuffix.size() &&
        path.compare(path.size() - kRefundSuffix.size(), kRefundSuffix.size(), kRefundSuffix) ==
            0) {
        std::string txn = path.substr(kRefundPrefix.size(),
                                      path.size() - kRefundPrefix.size() - kRefundSuffix.size());
        return Refund(txn, request);
    }
    return Reply(404, {{"detail", "Not found."}});
}

FakeKhalti::Response FakeKhalti::Initiate(const Request& request) {
    std::optional<json::object> body = ParseObject(request.body);
    if (!body)
        return Reply(400, {{"detail", "JSON parse error"}, {"error_key", "validation_error"}});
    for (const char* field :
         {"return_url", "website_url", "amount", "purchase_order_id", "purchase_order_name"}) {
        const json::value* value = body->if_contains(field);
        if (value == nullptr || (value->is_string() && value->get_string().empty())) {
            return ValidationError(field, "This field is required.");
        }
    }
    const json::value& amount = body->at("amount");
    if (!amount.is_int64() || amount.get_int64() < 1000) {
        return ValidationError("amount",
                               "Amount should be greater than Rs. 10, that is 1000 paisa.");
    }
    std::lock_guard lock(mu_);
    Payment payment;
    payment.pidx = "pidx" + std::to_string(++next_id_);
    const json::value& order_id = body->at("purchase_order_id");
    payment.purchase_order_id =
        order_id.is_string() ? std::string(order_id.get_string()) : json::serialize(order_id);
    payment.amount = payment.total_amount = amount.get_int64();
    payments_[payment.pidx] = payment;
    last_pidx_ = payment.pidx;
    return Reply(200, {{"pidx", payment.pidx},
                       {"payment_url", "https://test-pay.khalti.com/?pidx=" + payment.pidx},
                       {"expires_at", "2030-01-01T12:00:00+05:45"},
                       {"expires_in", 1800}});
}

FakeKhalti::Response FakeKhalti::Lookup(const Request& request) {
    std::optional<json::object> body = ParseObject(request.body);
    const json::value* pidx = body ? body->if_contains("pidx") : nullptr;
    if (pidx == nullptr || !pidx->is_string())
        return ValidationError("pidx", "This field is required.");
    std::lock_guard lock(mu_);
    auto it = payments_.find(std::string(pidx->get_string()));
    if (it == payments_.end()) {
        return Reply(404, {{"detail", "Not found."}, {"error_key", "validation_error"}});
    }
    const Payment& p = it->second;
    bool final_failure = p.status == "Expired" || p.status == "User canceled";
    return Reply(final_failure ? 400 : 200, LookupBody(p));
}

FakeKhalti::Response FakeKhalti::Refund(const std::string& transaction_id, const Request& request) {
    std::optional<json::object> body =
        request.body.empty() ? json::object{} : ParseObject(request.body);
    if (!body)
        return Reply(400, {{"detail", "JSON parse error"}, {"error_key", "validation_error"}});
    std::lock_guard lock(mu_);
    for (auto& [pidx, p] : payments_) {
        if (p.transaction_id != transaction_id) continue;
        if (p.status != "Completed" && p.status != "Partially Refunded") break;
        int64_t left = p.total_amount - p.refunded;
        const json::value* amount = body->if_contains("amount");
        int64_t want = amount != nullptr && amount->is_int64() ? amount->get_int64() : left;
        if (want <= 0 || want > left) {
            return Reply(400, {{"detail", "Refund amount exceeds the refundable amount."},
                               {"error_key", "validation_error"}});
        }
        p.refunded += want;
        p.status = p.refunded == p.total_amount ? "Refunded" : "Partially Refunded";
        return Reply(200, {{"detail", "Transaction refund successful."}});
    }
    return Reply(400, {{"detail", "Transaction not found or not refundable."},
                       {"error_key", "validation_error"}});
}

}  // namespace ps::test
