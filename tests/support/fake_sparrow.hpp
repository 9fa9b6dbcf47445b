// A local stand-in for Sparrow SMS's HTTP API (GET|POST /v2/sms/): a one-thread HTTP/1.1 server
// on 127.0.0.1 (port 0) that decodes the form body and query string, records every request and
// answers as Sparrow does — 200 {"count":n,"response_code":200,...} for a good token, 403
// {"response_code":1002,"response":"Invalid Token"} for a bad one, 1000 for a missing field.
// Tests can make it hang (read the request, never answer) or force a reply.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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
    ~FakeSparrow();
    FakeSparrow(const FakeSparrow&) = delete;
    FakeSparrow& operator=(const FakeSparrow&) = delete;

    int Port() const { return port_; }
    std::string Url() const;  // http://127.0.0.1:PORT/v2/sms/
    std::vector<Request> Requests() const;
    // While on, requests are recorded but never answered; the connection is held until the
    // client gives up (closes) or the server stops.
    void SetHang(bool hang);
    // Answer every request with this status and body instead of Sparrow's logic (0 clears).
    void ForceReply(int status, std::string body);

private:
    struct Reply {
        int status;
        std::string body;
    };
    void Run();
    void Serve(int fd);
    Reply Decide(const Request& request) const;
    void HoldUntilClosed(int fd) const;

    std::string valid_token_;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};  // written on shutdown; polled beside every socket
    int port_ = 0;
    mutable std::mutex mu_;
    std::vector<Request> requests_;
    bool hang_ = false;
    int forced_status_ = 0;
    std::string forced_body_;
    std::thread thread_;
};

}  // namespace ps::test
