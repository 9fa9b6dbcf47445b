// A local stand-in for eSewa ePay v2 on 127.0.0.1. POST /api/epay/main/v2/form takes the signed
// form as eSewa does (every field present, total = the sum of the four amounts, signature over
// signed_field_names with the merchant secret, transaction_uuid never reused) and plays a payer
// who pays at once: the payment becomes COMPLETE and the reply is a 302 to
// success_url?data=<base64 JSON>. GET /api/epay/transaction/status/ answers the status check
// ({product_code, transaction_uuid, total_amount, status, ref_id}; NOT_FOUND when nothing
// matches). Tests set states, tamper with the reported amount, and hang the server.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "support/loopback_http.hpp"

namespace ps::test {

class FakeEsewa {
public:
    using Request = LoopbackHttpServer::Request;
    using Response = LoopbackHttpServer::Response;
    struct Payment {
        std::string uuid, product_code, total_amount;  // total_amount exactly as posted
        std::string success_url, status = "COMPLETE", ref_id;
        std::optional<double> reported_total;  // what the status check says, when tampered
    };

    FakeEsewa(std::string product_code, std::string secret_key);

    std::string FormUrl() const;    // http://127.0.0.1:PORT/api/epay/main/v2/form
    std::string StatusUrl() const;  // http://127.0.0.1:PORT/api/epay/transaction/status/
    std::vector<Request> Requests() const { return server_.Requests(); }
    void SetHang(bool hang) { server_.SetHang(hang); }

    // The `data` eSewa appends to success_url for this payment, signed with the secret over
    // transaction_code,status,total_amount,transaction_uuid,product_code,signed_field_names.
    // `total_literal` is total_amount's JSON text (default: the posted string, quoted), e.g.
    // "\"1,000.0\"" or 1000.0; the signature covers its text without quotes.
    std::string CallbackData(const std::string& uuid, const std::string& total_literal = "") const;
    void SetStatus(const std::string& uuid, const std::string& status);
    void SetReportedTotal(const std::string& uuid, double rupees);
    std::optional<Payment> Find(const std::string& uuid) const;

private:
    Response Handle(const Request& request);
    Response SubmitForm(const Request& request);
    Response StatusCheck(const Request& request) const;
    std::string Sign(const std::string& message) const;

    std::string product_code_, secret_key_;
    mutable std::mutex mu_;
    std::map<std::string, Payment> payments_;  // by transaction_uuid
    int next_ref_ = 0;
    LoopbackHttpServer server_;  // last: it stops before the state it serves goes away
};

}  // namespace ps::test
