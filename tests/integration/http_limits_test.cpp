// The HTTP layer with real sockets: malformed input of every kind gets a clear 4xx in the
// envelope and changes nothing; limits hold; shutdown lets in-flight requests finish.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "http/envelope.hpp"
#include "support/test_server.hpp"

namespace ps::test {
namespace {

namespace json = boost::json;

int64_t CountUsers(TestServer& s) {
    return s.db().Read([](db::Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM users"); })
        .value()->Int(0);
}

void ExpectEnvelopeError(const HttpReply& r, long status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    ASSERT_TRUE(r.json.is_object()) << r.body;
    EXPECT_EQ(r.json.at("success"), false);
    EXPECT_EQ(r.ErrorCode(), code) << r.body;
    EXPECT_TRUE(r.json.at("message").is_string());
}

// Raw bytes over a socket, for requests a well-behaved client library will not send.
std::string RawExchange(uint16_t port, const std::string& bytes) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return "";  // nothing listens
    }
    ::send(fd, bytes.data(), bytes.size(), 0);
    ::shutdown(fd, SHUT_WR);
    std::string out;
    char buf[4096];
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, n);
    ::close(fd);
    return out;
}

TEST(HttpBadInput, BodiesThatCannotBeParsed) {
    TestServer s;
    auto& c = s.client();
    const std::string path = "/api/auth/otp/request";
    ExpectEnvelopeError(c.Send("POST", path, "{\"identifier\":", "application/json"), 400, "invalid_json");
    ExpectEnvelopeError(c.Send("POST", path, "[1,2]", "application/json"), 400, "invalid_json");
    ExpectEnvelopeError(c.Send("POST", path, "{\"identifier\":\"\xff\xfe\"}", "application/json"), 400,
                        "invalid_json");
    ExpectEnvelopeError(c.Send("POST", path, "identifier=x", "text/plain"), 415, "unsupported_media_type");
    ExpectEnvelopeError(c.Send("POST", path, "--b\r\nContent-Disposition: form-data; name=\"identifier\"\r\n\r\nx",
                               "multipart/form-data; boundary=b"),
                        400, "invalid_multipart");
    ExpectEnvelopeError(c.Send("POST", path, "a=%zz", "application/x-www-form-urlencoded"), 400, "invalid_form");
    std::string deep(100, '[');
    ExpectEnvelopeError(c.Send("POST", path, "{\"a\":" + deep, "application/json"), 400, "invalid_json");
    EXPECT_EQ(CountUsers(s), 0);
}

TEST(HttpBadInput, FieldsOfTheWrongShape) {
    TestServer s;
    auto& c = s.client();
    auto wrong_type = c.Json("POST", "/api/auth/otp/request", json::object{{"identifier", 42}});
    ExpectEnvelopeError(wrong_type, 400, "validation_error");
    EXPECT_TRUE(wrong_type.json.at("error").at("context").at("validation_errors").as_object().contains("identifier"));
    ExpectEnvelopeError(c.Json("POST", "/api/auth/otp/request", json::object{}), 400, "validation_error");
    ExpectEnvelopeError(c.Json("POST", "/api/auth/otp/request",
                               json::object{{"identifier", "9800000000"}, {"admin", true}}),
                        400, "validation_error");
    ExpectEnvelopeError(c.Json("POST", "/api/auth/otp/request", json::object{{"identifier", "12345"}}), 400,
                        "validation_error");
    ExpectEnvelopeError(c.Json("POST", "/api/auth/otp/verify",
                               json::object{{"identifier", "9800000000"}, {"otp", "12ab56"}}),
                        400, "validation_error");
    EXPECT_EQ(CountUsers(s), 0);
}

TEST(HttpBadInput, UnknownRoutesMethodsAndTrailingSlashes) {
    TestServer s;
    auto& c = s.client();
    ExpectEnvelopeError(c.Get("/api/nothing/here"), 404, "not_found");
    ExpectEnvelopeError(c.Get("/api/auth/me/"), 404, "not_found");
    ExpectEnvelopeError(c.Send("PUT", "/api/auth/otp/request"), 405, "method_not_allowed");
}

TEST(HttpLimits, OversizedBodyIs413) {
    TestServer s{ServerOptions{false, {}, {}, 64 * 1024}};
    std::string big(200 * 1024, 'a');
    auto r = s.client().Send("POST", "/api/auth/otp/request", "{\"identifier\":\"" + big + "\"}",
                             "application/json");
    ExpectEnvelopeError(r, 413, "payload_too_large");
    // The server is still fine afterwards.
    EXPECT_EQ(s.client().Get("/api/app/health").status, 200);
}

TEST(HttpLimits, MalformedAndTruncatedRequestsDoNotHurtTheServer) {
    TestServer s;
    std::string garbage = RawExchange(s.port(), "THIS IS NOT HTTP\r\n\r\n");
    EXPECT_NE(garbage.find(" 400 "), std::string::npos) << garbage;
    std::string truncated = RawExchange(
        s.port(), "POST /api/auth/otp/request HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Content-Length: 100\r\n\r\n{\"identifier\"");
    EXPECT_EQ(truncated.find(" 500 "), std::string::npos);
    std::string huge_header = RawExchange(
        s.port(), "GET /api/app/health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'h') + "\r\n\r\n");
    EXPECT_NE(huge_header.find(" 431 "), std::string::npos) << huge_header.substr(0, 80);
    EXPECT_EQ(s.client().Get("/api/app/health").status, 200);
    EXPECT_EQ(CountUsers(s), 0);
}

TEST(HttpLimits, HandlerExceptionsAre500InTheEnvelope) {
    ServerOptions o;
    o.extra_routes = [](http::Router& r) {
        r.Add("GET", "/test/throw", http::Auth::kNone,
              [](http::Request&) -> http::Response { throw std::runtime_error("boom"); });
    };
    TestServer s(o);
    ExpectEnvelopeError(s.client().Get("/test/throw"), 500, "internal_error");
    EXPECT_EQ(s.client().Get("/api/app/health").status, 200);
}

TEST(HttpLimits, GracefulStopLetsInFlightRequestsFinish) {
    ServerOptions o;
    std::promise<void> entered;
    o.extra_routes = [&](http::Router& r) {
        r.Add("GET", "/test/slow", http::Auth::kNone, [&](http::Request&) {
            entered.set_value();
            std::this_thread::sleep_for(std::chrono::milliseconds(600));
            return http::Success("slow done", json::object{});
        });
    };
    TestServer s(o);
    auto slow = std::async(std::launch::async, [&] { return s.client().Get("/test/slow"); });
    entered.get_future().wait();
    auto t0 = std::chrono::steady_clock::now();
    s.server().Stop();
    auto waited = std::chrono::steady_clock::now() - t0;
    HttpReply r = slow.get();
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_GE(waited, std::chrono::milliseconds(300)) << "Stop() must wait for the request";
    // After the stop nothing answers.
    std::string after = RawExchange(s.port(), "GET /api/app/health HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(after.find("200"), std::string::npos);
}

TEST(HttpObservability, MetricsAndRequestIds) {
    TestServer s;
    s.client().Get("/api/app/health");
    s.client().Get("/api/auth/me");
    auto m = s.client().Get("/metrics");
    EXPECT_EQ(m.status, 200);
    EXPECT_NE(m.body.find("powershare_http_requests_total{route=\"/api/app/health\",status=\"200\"} 1"),
              std::string::npos) << m.body;
    EXPECT_NE(m.body.find("route=\"/api/auth/me\",status=\"401\""), std::string::npos);
    EXPECT_NE(m.body.find("powershare_http_request_duration_seconds_bucket"), std::string::npos);
    EXPECT_NE(m.body.find("powershare_db_pool_size"), std::string::npos);
    EXPECT_NE(m.body.find("powershare_jobs_pending 0"), std::string::npos);
    std::string raw = RawExchange(s.port(), "GET /api/app/health HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc-123\r\n\r\n");
    EXPECT_NE(raw.find("X-Request-Id: abc-123"), std::string::npos) << raw;
    auto h = s.client().Get("/api/app/health");
    EXPECT_EQ(h.data().at("status"), "healthy");
    EXPECT_EQ(h.data().at("database"), "healthy");
}

}  // namespace
}  // namespace ps::test

namespace ps::test {
namespace {

TEST(HttpBadInput, NulCharactersAreRefusedBeforeTheDatabase) {
    TestServer s;
    auto [access, _] = s.SignUp("9841234567", "nuluser");
    auto r = s.client().Send("PATCH", "/api/users/profile", "{\"full_name\":\"a\\u0000b\"}",
                             "application/json", access);
    ExpectEnvelopeError(r, 400, "validation_error");
    auto p = s.client().Get("/api/users/profile", access);
    EXPECT_TRUE(p.data().at("full_name").is_null());
}

}  // namespace
}  // namespace ps::test
