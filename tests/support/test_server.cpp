#include "support/test_server.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app/services.hpp"

namespace ps::test {

namespace json = boost::json;

std::string HttpReply::ErrorCode() const {
    if (!json.is_object()) return "";
    const auto* e = json.as_object().if_contains("error");
    if (!e || !e->is_object()) return "";
    const auto* c = e->as_object().if_contains("code");
    return c && c->is_string() ? std::string(c->as_string()) : "";
}

namespace {
size_t Collect(char* p, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(p, size * n);
    return size * n;
}
}  // namespace

HttpReply HttpClient::Send(const std::string& method, const std::string& path,
                           const std::string& body, const std::string& content_type,
                           const std::string& token, const std::vector<std::string>& headers) const {
    CURL* c = curl_easy_init();
    HttpReply r;
    std::string url = base_ + path;
    curl_slist* h = nullptr;
    if (!content_type.empty()) h = curl_slist_append(h, ("Content-Type: " + content_type).c_str());
    if (!token.empty()) h = curl_slist_append(h, ("Authorization: Bearer " + token).c_str());
    for (const auto& x : headers) h = curl_slist_append(h, x.c_str());
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method != "GET" && method != "DELETE" || !body.empty()) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(c);
    EXPECT_EQ(rc, CURLE_OK) << curl_easy_strerror(rc) << " " << method << " " << path;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    char* ct = nullptr;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    if (ct) r.content_type = ct;
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    json::error_code ec;
    r.json = json::parse(r.body, ec);
    if (ec) r.json = nullptr;
    return r;
}

HttpReply HttpClient::Get(const std::string& path, const std::string& token) const {
    return Send("GET", path, "", "", token);
}

HttpReply HttpClient::Delete(const std::string& path, const std::string& token) const {
    return Send("DELETE", path, "", "", token);
}

HttpReply HttpClient::Json(const std::string& method, const std::string& path,
                           const json::value& body, const std::string& token) const {
    return Send(method, path, json::serialize(body), "application/json", token);
}

HttpReply HttpClient::Multipart(const std::string& method, const std::string& path,
                                const std::vector<Part>& parts, const std::string& token) const {
    const std::string b = "----powershare-test-boundary";
    std::string body;
    for (const auto& p : parts) {
        body += "--" + b + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
        if (!p.filename.empty()) body += "; filename=\"" + p.filename + "\"";
        body += "\r\n";
        if (!p.content_type.empty()) body += "Content-Type: " + p.content_type + "\r\n";
        body += "\r\n" + p.value + "\r\n";
    }
    body += "--" + b + "--\r\n";
    return Send(method, path, body, "multipart/form-data; boundary=" + b, token);
}

TestServer::TestServer(ServerOptions opts) : db_(MakeTestDatabase()) {
    static std::atomic<int> seq{0};
    data_dir_ = (std::filesystem::temp_directory_path() / "powershare-tests" /
                 ("data_" + std::to_string(::getpid()) + "_" + std::to_string(++seq)))
                    .string();
    std::filesystem::remove_all(data_dir_);
    std::filesystem::create_directories(data_dir_);
    app::Config cfg;
    cfg.data_dir = data_dir_;
    cfg.database_url = db_.url;
    cfg.jwt_secret = "test-secret-0123456789abcdef0123456789abcdef";
    cfg.log_level = "warn";
    cfg.db_pool_size = 4;
    cfg.otp_requests_per_ip_hour = 1000;
    if (opts.configure) opts.configure(cfg);
    if (opts.fake_clock) fake_clock_ = std::make_unique<FakeClock>(SystemClock().Now());
    auto built = app::BuildApp(cfg, fake_clock_.get());
    if (!built.ok()) throw std::runtime_error("BuildApp: " + built.error().message);
    app_ = std::move(*built);
    http::ServerOptions so = app::HttpServerOptions(*app_);
    so.host = "127.0.0.1";
    so.port = 0;
    so.io_threads = 2;
    if (opts.body_limit) so.body_limit = opts.body_limit;
    if (opts.extra_routes) opts.extra_routes(*app_->router);
    server_ = std::make_unique<http::Server>(so, *app_->router);
    port_ = server_->Start();
    client_ = std::make_unique<HttpClient>("http://127.0.0.1:" + std::to_string(port_));
}

TestServer::~TestServer() {
    server_->Stop();
    server_.reset();
    app_.reset();
    std::filesystem::remove_all(data_dir_);
}

std::string TestServer::LastOtp(const std::string& to) const {
    std::ifstream in(data_dir_ + "/dev-outbox.jsonl");
    std::string line, code;
    while (std::getline(in, line)) {
        auto v = json::parse(line);
        if (v.at("to").as_string() != to) continue;
        std::string text(v.at("text").as_string());
        for (size_t i = 0; i + 6 <= text.size(); ++i) {
            bool digits = true;
            for (size_t k = i; k < i + 6; ++k) digits = digits && std::isdigit(static_cast<unsigned char>(text[k]));
            if (digits && (i + 6 == text.size() || !std::isdigit(static_cast<unsigned char>(text[i + 6])))) {
                code = text.substr(i, 6);
                break;
            }
        }
    }
    return code;
}

std::pair<std::string, std::string> TestServer::SignUp(const std::string& identifier,
                                                       const std::string& username) {
    auto r1 = client_->Json("POST", "/api/auth/otp/request", json::object{{"identifier", identifier}});
    EXPECT_EQ(r1.status, 200) << r1.body;
    std::string to(r1.data().at("identifier").as_string());
    auto r2 = client_->Json("POST", "/api/auth/otp/verify",
                            json::object{{"identifier", identifier}, {"otp", LastOtp(to)}});
    EXPECT_EQ(r2.status, 200) << r2.body;
    auto r3 = client_->Json("POST", "/api/auth/complete",
                            json::object{{"identifier", identifier},
                                         {"verification_token", r2.data().at("verification_token")},
                                         {"username", username}});
    EXPECT_EQ(r3.status, 200) << r3.body;
    const auto& t = r3.data().at("tokens");
    return {std::string(t.at("access").as_string()), std::string(t.at("refresh").as_string())};
}

std::string TestServer::StaffToken(const std::string& email, const std::string& role) {
    const std::string password = "staff-password-1";
    auto u = app_->services->accounts->CreateStaff(email, password, role, "", std::nullopt);
    EXPECT_TRUE(u.ok()) << (u.ok() ? "" : u.error().message);
    auto r = client_->Json("POST", "/api/admin/login", json::object{{"email", email}, {"password", password}});
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return "";
    return std::string(r.data().at("access_token").as_string());
}

}  // namespace ps::test
