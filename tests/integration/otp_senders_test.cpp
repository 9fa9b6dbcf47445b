// OTP delivery through the real senders configured as an operator would: Sparrow SMS and SMTP
// email, each against a local fake server of that protocol.
#include <gtest/gtest.h>

#include <regex>

#include "support/fake_smtp.hpp"
#include "support/fake_sparrow.hpp"
#include "support/test_server.hpp"

namespace ps::test {
namespace {

namespace json = boost::json;

std::string CodeIn(const std::string& text) {
    std::smatch m;
    return std::regex_search(text, m, std::regex("\\b(\\d{6})\\b")) ? m[1].str() : "";
}

TEST(OtpSenders, SmsGoesThroughSparrowAndTheCodeSignsIn) {
    FakeSparrow sparrow("sparrow-test-token");
    ServerOptions o;
    o.configure = [&](app::Config& c) {
        c.sms_sender = "sparrow";
        c.sparrow_url = sparrow.Url();
        c.sparrow_token = "sparrow-test-token";
        c.sparrow_from = "PwrShare";
    };
    TestServer s(o);
    auto r = s.client().Json("POST", "/api/auth/otp/request", json::object{{"identifier", "9841000001"}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto reqs = sparrow.Requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].fields.at("to"), "9841000001");
    EXPECT_EQ(reqs[0].fields.at("from"), "PwrShare");
    EXPECT_EQ(reqs[0].fields.at("token"), "sparrow-test-token");
    std::string code = CodeIn(reqs[0].fields.at("text"));
    ASSERT_EQ(code.size(), 6u);
    auto v = s.client().Json("POST", "/api/auth/otp/verify", json::object{{"identifier", "9841000001"}, {"otp", code}});
    EXPECT_EQ(v.status, 200) << v.body;
}

TEST(OtpSenders, AGatewayFailureIsAClearError) {
    FakeSparrow sparrow("right-token");
    ServerOptions o;
    o.configure = [&](app::Config& c) {
        c.sms_sender = "sparrow";
        c.sparrow_url = sparrow.Url();
        c.sparrow_token = "wrong-token";
    };
    TestServer s(o);
    auto r = s.client().Json("POST", "/api/auth/otp/request", json::object{{"identifier", "9841000002"}});
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.ErrorCode(), "otp_send_failed");
    EXPECT_EQ(r.body.find("wrong-token"), std::string::npos);
}

TEST(OtpSenders, EmailGoesThroughSmtp) {
    FakeSmtp smtp;
    ServerOptions o;
    o.configure = [&](app::Config& c) {
        c.email_sender = "smtp";
        c.smtp_url = "smtp://127.0.0.1:" + std::to_string(smtp.Port());
        c.smtp_from = "otp@powershare.test";
    };
    TestServer s(o);
    auto r = s.client().Json("POST", "/api/auth/otp/request", json::object{{"identifier", "maya@example.com"}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto msgs = smtp.Messages();
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_NE(msgs[0].from.find("otp@powershare.test"), std::string::npos);
    ASSERT_EQ(msgs[0].rcpts.size(), 1u);
    EXPECT_NE(msgs[0].rcpts[0].find("maya@example.com"), std::string::npos);
    std::string code = CodeIn(msgs[0].data);
    ASSERT_EQ(code.size(), 6u);
    auto v = s.client().Json("POST", "/api/auth/otp/verify",
                             json::object{{"identifier", "maya@example.com"}, {"otp", code}});
    EXPECT_EQ(v.status, 200) << v.body;
}

}  // namespace
}  // namespace ps::test
