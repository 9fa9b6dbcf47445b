// A minimal HTTP/1.1 server on 127.0.0.1 (port 0) for fake gateways in tests: one thread, one
// connection at a time, Content-Length bodies (Expect: 100-continue honoured), Connection: close
// replies. It parses each request, records it, and asks a handler for the reply. A hang switch
// makes it read requests but never answer (the connection is held until the client gives up),
// which is how tests exercise client timeouts.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace ps::test {

// application/x-www-form-urlencoded (or a query string) decoded; a repeated name keeps the last.
std::map<std::string, std::string> DecodeForm(std::string_view text);

class LoopbackHttpServer {
public:
    struct Request {
        std::string method;
        std::string target;                          // path and query, as sent
        std::string path;                            // target without the query
        std::map<std::string, std::string> query;    // decoded query fields
        std::map<std::string, std::string> headers;  // names lowercased
        std::string body;
        std::string Header(const std::string& lowercase_name) const;
        std::map<std::string, std::string> Form() const { return DecodeForm(body); }
    };
    struct Response {
        int status = 200;
        std::string body;
        std::string content_type = "application/json";
        std::vector<std::pair<std::string, std::string>> headers;  // extra headers
    };
    // Runs on the server thread; guard shared state in the handler's owner.
    using Handler = std::function<Response(const Request&)>;

    explicit LoopbackHttpServer(Handler handler);
    ~LoopbackHttpServer();
    LoopbackHttpServer(const LoopbackHttpServer&) = delete;
    LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

    int Port() const { return port_; }
    std::string Origin() const;  // http://127.0.0.1:PORT
    std::vector<Request> Requests() const;
    void ClearRequests();
    // While on, requests are recorded but never answered.
    void SetHang(bool hang);

private:
    void Run();
    void Serve(int fd);
    bool ReadRequest(int fd, Request& request) const;
    void HoldUntilClosed(int fd) const;

    Handler handler_;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};  // written on shutdown; polled beside every socket
    int port_ = 0;
    mutable std::mutex mu_;
    std::vector<Request> requests_;
    bool hang_ = false;
    std::thread thread_;
};

}  // namespace ps::test
