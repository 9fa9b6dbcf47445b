// A local stand-in for Sparrow SMS's HTTP API (GET|POST /v2/sms/) on the shared loopback server
// (loopback_http.hpp): it decodes the form body and query string, records every request and
// answers as Sparrow does — 200 {"count":n,"response_code":200,...} for a good token, 403
// {"response_code":1002,"response":"Invalid Token"} for a bad one, 1000 for a missing field.
// Tests can make it hang (read the request, never answer) or force a reply.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/loopback_http.hpp"

namespace ps::test {

class FakeSparrow {
public:
    struct Request {
        std::string method;
        std::string target;                         // path and query as sent
        std::string content_type;                   // the Content-Type header, "" if none
        std::map<std::string, std::string> fields;  // decoded query and form fields
    };

    explicit FakeSparrow(std::string valid_token);

    int Port() const { return server_.Port(); }
    std::string Url() const { return server_.Origin() + "/v2/sms/"; }
    std::vector<Request> Requests() const;
    // While on, requests are recorded but never answered; the connection is held until the
    // client gives up (closes) or the server stops.
    void SetHang(bool hang) { server_.SetHang(hang); }
    // Answer every request with this status and body instead of Sparrow's logic (0 clears).
    void ForceReply(int status, std::string body);

private:
    static Request FromLoopback(const LoopbackHttpServer::Request& r);
    LoopbackHttpServer::Response Decide(const Request& request) const;

    std::string valid_token_;
    mutable std::mutex mu_;
    int forced_status_ = 0;
    std::string forced_body_;
    LoopbackHttpServer server_;  // last: stops before the state its handler reads
};

}  // namespace ps::test
