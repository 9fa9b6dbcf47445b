// A local stand-in for Khalti ePayment (KPG-2) on 127.0.0.1: POST /api/v2/epayment/initiate/,
// POST /api/v2/epayment/lookup/ and POST /api/merchant-transaction/{id}/refund/, answering as
// Khalti documents — "Authorization: Key <secret>" or 401, validation_error 400s (amount at least
// 1000 paisa), lookup 200 for Completed/Pending/Initiated/Refunded and 400 for Expired and
// "User canceled", 404 for an unknown pidx. Tests set each payment's state and amount, make the
// server hang, and read the recorded requests.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "support/loopback_http.hpp"

namespace ps::test {

class FakeKhalti {
public:
    using Request = LoopbackHttpServer::Request;
    using Response = LoopbackHttpServer::Response;
    struct Payment {
        std::string pidx, purchase_order_id, status = "Initiated", transaction_id;
        int64_t amount = 0;        // as initiated, paisa
        int64_t total_amount = 0;  // what lookup reports (tests may tamper with it)
        int64_t refunded = 0;
    };

    explicit FakeKhalti(std::string secret_key);

    std::string BaseUrl() const;  // http://127.0.0.1:PORT/api/v2/
    std::vector<Request> Requests() const { return server_.Requests(); }
    void SetHang(bool hang) { server_.SetHang(hang); }

    // "Completed", "Pending", "Initiated", "Expired", "User canceled", "Refunded", ...; a
    // Completed payment gets a transaction_id.
    void SetStatus(const std::string& pidx, const std::string& status);
    void SetTotalAmount(const std::string& pidx, int64_t paisa);
    std::optional<Payment> Find(const std::string& pidx) const;
    std::string LastPidx() const;

private:
    Response Handle(const Request& request);
    Response Initiate(const Request& request);
    Response Lookup(const Request& request);
    Response Refund(const std::string& transaction_id, const Request& request);

    std::string secret_key_;
    mutable std::mutex mu_;
    std::map<std::string, Payment> payments_;  // by pidx
    std::string last_pidx_;
    int next_id_ = 0;
    LoopbackHttpServer server_;  // last: it stops before the state it serves goes away
};

}  // namespace ps::test
