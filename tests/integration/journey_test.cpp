// The "done when", as a new user and an operator would do it, through real HTTP:
// OTP by phone -> read it from the dev outbox -> verify -> complete -> me -> profile -> KYC ->
// staff login (multipart, as the dashboard sends it) -> approve -> the user sees APPROVED.
#include <gtest/gtest.h>

#include "support/test_server.hpp"

namespace ps::test {
namespace {

namespace json = boost::json;

TEST(Journey, SignUpProfileKycApproval) {
    TestServer s;
    auto& c = s.client();
    ASSERT_EQ(c.Json("POST", "/api/auth/otp/request", json::object{{"identifier", "9812345678"}}).status, 200);
    std::string otp = s.LastOtp("9812345678");
    auto v = c.Json("POST", "/api/auth/otp/verify", json::object{{"identifier", "9812345678"}, {"otp", otp}});
    ASSERT_EQ(v.status, 200) << v.body;
    auto done = c.Json("POST", "/api/auth/complete",
                       json::object{{"identifier", "9812345678"},
                                    {"verification_token", v.data().at("verification_token")},
                                    {"username", "ram"}});
    ASSERT_EQ(done.status, 200) << done.body;
    std::string user(done.data().at("tokens").at("access").as_string());
    ASSERT_EQ(c.Get("/api/auth/me", user).status, 200);
    auto prof = c.Json("PATCH", "/api/users/profile",
                       json::object{{"full_name", "Ram Thapa"}, {"date_of_birth", "1990-04-01"},
                                    {"address", "Thamel, Kathmandu"}},
                       user);
    ASSERT_EQ(prof.data().at("is_profile_complete"), true);
    auto kyc = c.Json("POST", "/api/users/kyc",
                      json::object{{"document_number", "12-34-56"},
                                   {"document_front_url", "https://example.com/front.jpg"}},
                      user);
    ASSERT_EQ(kyc.status, 201) << kyc.body;
    std::string staff = s.StaffToken("ops@powershare.test");
    auto login = c.Multipart("POST", "/api/admin/login",
                             {{"email", "ops@powershare.test"}, {"password", "staff-password-1"}});
    ASSERT_EQ(login.status, 200) << login.body;
    staff = std::string(login.data().at("access_token").as_string());
    auto list = c.Get("/api/admin/kyc/submissions?status=PENDING", staff);
    ASSERT_EQ(list.status, 200) << list.body;
    const auto& subs = list.data().at("kyc_submissions").as_array();
    ASSERT_EQ(subs.size(), 1u);
    std::string id(subs[0].at("id").as_string());
    auto approve = c.Multipart("PATCH", "/api/admin/kyc/submissions/" + id, {{"status", "APPROVED"}}, staff);
    ASSERT_EQ(approve.status, 200) << approve.body;
    EXPECT_EQ(c.Get("/api/users/kyc/status", user).data().at("status"), "APPROVED");
    auto me = c.Get("/api/auth/me", user);
    EXPECT_EQ(me.data().at("kyc").at("verified"), true);
    EXPECT_EQ(me.data().at("profile").at("completed"), true);
}

TEST(Journey, AUserNeverSeesAnotherUsersData) {
    TestServer s;
    auto& c = s.client();
    auto [a, a_refresh] = s.SignUp("9811111111", "alice");
    auto [b, b_refresh] = s.SignUp("9822222222", "bob");
    c.Json("PATCH", "/api/users/profile", json::object{{"full_name", "Alice A"}}, a);
    c.Json("POST", "/api/users/kyc",
           json::object{{"document_number", "A-1"}, {"document_front_url", "https://example.com/a.jpg"}}, a);
    EXPECT_TRUE(c.Get("/api/users/profile", b).data().at("full_name").is_null());
    EXPECT_EQ(c.Get("/api/users/kyc/status", b).data().at("status"), "NOT_SUBMITTED");
    EXPECT_EQ(c.Get("/api/auth/me", b).data().at("username"), "bob");
    // Bob cannot log Alice out with her refresh token.
    auto out = c.Json("POST", "/api/auth/logout", json::object{{"refresh_token", a_refresh}}, b);
    EXPECT_EQ(out.status, 400);
    EXPECT_EQ(out.ErrorCode(), "logout_failed");
    EXPECT_EQ(c.Get("/api/auth/me", a).status, 200);
}

}  // namespace
}  // namespace ps::test
