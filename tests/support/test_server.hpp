// The real server, in-process, on 127.0.0.1 port 0, over a fresh test database (test_db.hpp),
// and a real HTTP client (libcurl) to talk to it. Integration tests use these.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/wiring.hpp"
#include "core/clock.hpp"
#include "http/server.hpp"
#include "support/test_db.hpp"

namespace ps::test {

struct HttpReply {
    long status = 0;
    std::string body;
    std::string content_type;
    boost::json::value json;  // null when the body is not JSON
    const boost::json::value& data() const { return json.at("data"); }
    std::string ErrorCode() const;  // error.code, or ""
};

struct Part {
    std::string name, value, filename, content_type;  // filename set -> a file part
};

class HttpClient {
public:
    explicit HttpClient(std::string base_url) : base_(std::move(base_url)) {}
    HttpReply Send(const std::string& method, const std::string& path, const std::string& body = "",
                   const std::string& content_type = "", const std::string& token = "",
                   const std::vector<std::string>& headers = {}) const;
    HttpReply Get(const std::string& path, const std::string& token = "") const;
    HttpReply Delete(const std::string& path, const std::string& token = "") const;
    HttpReply Json(const std::string& method, const std::string& path,
                   const boost::json::value& body, const std::string& token = "") const;
    HttpReply Multipart(const std::string& method, const std::string& path,
                        const std::vector<Part>& parts, const std::string& token = "") const;
    const std::string& base() const { return base_; }

private:
    std::string base_;
};

struct ServerOptions {
    bool fake_clock = false;
    std::function<void(app::Config&)> configure;
    std::function<void(http::Router&)> extra_routes;  // test-only routes, added before start
    size_t body_limit = 0;                              // 0 -> the config's
};

class TestServer {
public:
    explicit TestServer(ServerOptions opts = {});
    ~TestServer();
    HttpClient& client() { return *client_; }
    app::App& app() { return *app_; }
    db::Database& db() { return *app_->db; }
    FakeClock* fake_clock() { return fake_clock_.get(); }
    const std::string& data_dir() const { return data_dir_; }
    const std::string& db_url() const { return db_.url; }
    http::Server& server() { return *server_; }
    uint16_t port() const { return port_; }

    // The last OTP code the development outbox holds for `to`, or "".
    std::string LastOtp(const std::string& to) const;
    // Full OTP sign-up through the API; returns {access, refresh} of the new user.
    std::pair<std::string, std::string> SignUp(const std::string& identifier,
                                               const std::string& username);
    // Creates a staff account and signs it in through admin/login; returns the access token.
    std::string StaffToken(const std::string& email, const std::string& role = "super_admin");

private:
    TestDatabase db_;
    std::string data_dir_;
    std::unique_ptr<FakeClock> fake_clock_;
    std::unique_ptr<app::App> app_;
    std::unique_ptr<http::Server> server_;
    std::unique_ptr<HttpClient> client_;
    uint16_t port_ = 0;
};

}  // namespace ps::test
