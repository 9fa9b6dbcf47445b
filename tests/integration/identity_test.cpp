// Identity end to end through real HTTP: OTP sign-up and sign-in, tokens, profile, KYC.
#include <gtest/gtest.h>

#include "support/test_server.hpp"

namespace ps::test {
namespace {

namespace json = boost::json;

class IdentityTest : public ::testing::Test {
protected:
    TestServer s{ServerOptions{true}};
    HttpClient& c = s.client();
};

TEST_F(IdentityTest, PhoneSignUpThenMeShowsTheNewUser) {
    auto r = c.Json("POST", "/api/auth/otp/request", json::object{{"identifier", "+977 9812345678"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.data().at("purpose"), "REGISTER");
    EXPECT_EQ(r.data().at("identifier"), "9812345678");
    EXPECT_EQ(r.data().at("expires_in_minutes"), 5);
    std::string otp = s.LastOtp("9812345678");
    ASSERT_EQ(otp.size(), 6u);
    auto v = c.Json("POST", "/api/auth/otp/verify", json::object{{"identifier", "9812345678"}, {"otp", otp}});
    ASSERT_EQ(v.status, 200) << v.body;
    auto done = c.Json("POST", "/api/auth/complete",
                       json::object{{"identifier", "9812345678"},
                                    {"verification_token", v.data().at("verification_token")},
                                    {"username", "ram"}});
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_EQ(done.data().at("message"), "Registration successful");
    std::string access(done.data().at("tokens").at("access").as_string());
    auto me = c.Get("/api/auth/me", access);
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(me.data().at("username"), "ram");
    EXPECT_EQ(me.data().at("phone_number"), "9812345678");
    EXPECT_EQ(me.data().at("social_provider"), "PHONE");
    EXPECT_EQ(me.data().at("kyc").at("status"), "NOT_SUBMITTED");
    EXPECT_EQ(me.data().at("rental_eligibility").at("can_rent"), false);
    EXPECT_TRUE(me.data().at("id").is_string());
}

TEST_F(IdentityTest, SecondSignInIsALogin) {
    s.SignUp("sita@example.com", "sita");
    auto r = c.Json("POST", "/api/auth/otp/request", json::object{{"identifier", "Sita@Example.com"}});
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.data().at("purpose"), "LOGIN");
    auto v = c.Json("POST", "/api/auth/otp/verify",
                    json::object{{"identifier", "sita@example.com"}, {"otp", s.LastOtp("sita@example.com")}});
    ASSERT_EQ(v.status, 200);
    auto done = c.Json("POST", "/api/auth/complete",
                       json::object{{"identifier", "sita@example.com"},
                                    {"verification_token", v.data().at("verification_token")}});
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_EQ(done.data().at("message"), "Login successful");
    EXPECT_EQ(done.data().at("user").at("username"), "sita");
}

TEST_F(IdentityTest, WrongCodesLockTheCodeAfterFiveTries) {
    c.Json("POST", "/api/auth/otp/request", json::object{{"identifier", "9801111111"}});
    std::string good = s.LastOtp("9801111111");
    std::string bad = good == "000000" ? "111111" : "000000";
    for (int i = 0; i < 5; ++i) {
        auto r = c.Json("POST", "/api/auth/otp/verify", json::object{{"identifier", "9801111111"}, {"otp", bad}});
        EXPECT_EQ(r.status, 400);
        EXPECT_EQ(r.ErrorCode(), "invalid_otp");
    }
    auto locked = c.Json("POST", "/api/auth/otp/verify", json::object{{"identifier", "9801111111"}, {"otp", good}});
    EXPECT_EQ(locked.status, 429);
    EXPECT_EQ(locked.ErrorCode(), "otp_attempts_exceeded");
}

TEST_F(IdentityTest, CodesExpireAfterFiveMinutes) {
    c.Json("POST", "/api/auth/otp/request", json::object{{"identifier", "9802222222"}});
    s.fake_clock()->Advance(5 * kMinute + kSecond);
    auto r = c.Json("POST", "/api/auth/otp/verify",
                    json::object{{"identifier", "9802222222"}, {"otp", s.LastOtp("9802222222")}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.ErrorCode(), "otp_expired");
}

TEST_F(IdentityTest, OtpRequestsAreLimitedPerIdentifier) {
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(c.Json("POST", "/api/auth/otp/request", json::object{{"identifier", "9803333333"}}).status, 200);
    auto r = c.Json("POST", "/api/auth/otp/request", json::object{{"identifier", "9803333333"}});
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.ErrorCode(), "rate_limit_exceeded");
    s.fake_clock()->Advance(kHour);
    EXPECT_EQ(c.Json("POST", "/api/auth/otp/request", json::object{{"identifier", "9803333333"}}).status, 200);
}

TEST_F(IdentityTest, TheOutboxAndDatabaseNeverHoldTheCodeInClear) {
    c.Json("POST", "/api/auth/otp/request", json::object{{"identifier", "9804444444"}});
    std::string code = s.LastOtp("9804444444");
    auto rows = s.db().Read([](db::Connection& conn) { return conn.Query("SELECT code_hash FROM otp_codes"); });
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].Str(0).find(code), std::string::npos);
    EXPECT_EQ((*rows)[0].Str(0).size(), 64u);
}

TEST_F(IdentityTest, VerificationTokenIsSingleUse) {
    c.Json("POST", "/api/auth/otp/request", json::object{{"identifier", "9805555555"}});
    auto v = c.Json("POST", "/api/auth/otp/verify",
                    json::object{{"identifier", "9805555555"}, {"otp", s.LastOtp("9805555555")}});
    json::object body{{"identifier", "9805555555"}, {"verification_token", v.data().at("verification_token")},
                      {"username", "hari"}};
    EXPECT_EQ(c.Json("POST", "/api/auth/complete", body).status, 200);
    auto again = c.Json("POST", "/api/auth/complete", body);
    EXPECT_EQ(again.status, 400);
    EXPECT_EQ(again.ErrorCode(), "verification_token_expired");
}

TEST_F(IdentityTest, RegistrationNeedsAFreeUsername) {
    s.SignUp("9806666666", "gita");
    c.Json("POST", "/api/auth/otp/request", json::object{{"identifier", "9807777777"}});
    auto v = c.Json("POST", "/api/auth/otp/verify",
                    json::object{{"identifier", "9807777777"}, {"otp", s.LastOtp("9807777777")}});
    json::object body{{"identifier", "9807777777"}, {"verification_token", v.data().at("verification_token")}};
    auto missing = c.Json("POST", "/api/auth/complete", body);
    EXPECT_EQ(missing.ErrorCode(), "username_required");
    body["username"] = "GITA";
    auto taken = c.Json("POST", "/api/auth/complete", body);
    EXPECT_EQ(taken.ErrorCode(), "validation_error");
    EXPECT_TRUE(taken.json.at("error").at("context").at("validation_errors").as_object().contains("username"));
    body["username"] = "gita2";
    EXPECT_EQ(c.Json("POST", "/api/auth/complete", body).status, 200) << "the token survives a refused try";
}

TEST_F(IdentityTest, RefreshRotatesAndReuseRevokesTheFamily) {
    auto [access, refresh] = s.SignUp("9808888888", "mohan");
    auto r1 = c.Json("POST", "/api/auth/refresh", json::object{{"refresh", refresh}});
    ASSERT_EQ(r1.status, 200) << r1.body;
    std::string refresh2(r1.data().at("refresh").as_string());
    std::string access2(r1.data().at("access").as_string());
    EXPECT_NE(refresh2, refresh);
    EXPECT_EQ(c.Get("/api/auth/me", access2).status, 200);
    // The old refresh token again: reuse. The whole family dies, new tokens included.
    auto reuse = c.Json("POST", "/api/auth/refresh", json::object{{"refresh", refresh}});
    EXPECT_EQ(reuse.status, 401);
    EXPECT_EQ(c.Json("POST", "/api/auth/refresh", json::object{{"refresh", refresh2}}).status, 401);
    EXPECT_EQ(c.Get("/api/auth/me", access2).status, 401);
    EXPECT_EQ(c.Get("/api/auth/me", access).status, 401);
}

TEST_F(IdentityTest, LogoutRevokesAccessAndRefresh) {
    auto [access, refresh] = s.SignUp("9809999999", "shyam");
    auto out = c.Json("POST", "/api/auth/logout", json::object{{"refresh_token", refresh}}, access);
    ASSERT_EQ(out.status, 200) << out.body;
    EXPECT_EQ(c.Get("/api/auth/me", access).status, 401);
    EXPECT_EQ(c.Json("POST", "/api/auth/refresh", json::object{{"refresh", refresh}}).status, 401);
}

TEST_F(IdentityTest, AccessTokensExpire) {
    auto [access, refresh] = s.SignUp("9700000001", "expiry");
    s.fake_clock()->Advance(kHour + kSecond);
    EXPECT_EQ(c.Get("/api/auth/me", access).status, 401);
    EXPECT_EQ(c.Json("POST", "/api/auth/refresh", json::object{{"refresh", refresh}}).status, 200);
}

TEST_F(IdentityTest, ProfileCompletesWithThreeFields) {
    auto [access, _] = s.SignUp("9700000002", "profiled");
    auto empty = c.Get("/api/users/profile", access);
    ASSERT_EQ(empty.status, 200);
    EXPECT_TRUE(empty.data().at("id").is_null());
    auto p = c.Json("PATCH", "/api/users/profile",
                    json::object{{"full_name", "Ram Bahadur"}, {"date_of_birth", "1990-04-01"}}, access);
    ASSERT_EQ(p.status, 200) << p.body;
    EXPECT_EQ(p.data().at("is_profile_complete"), false);
    auto q = c.Json("PATCH", "/api/users/profile", json::object{{"address", "Thamel, Kathmandu"}}, access);
    EXPECT_EQ(q.data().at("is_profile_complete"), true);
    EXPECT_EQ(q.data().at("full_name"), "Ram Bahadur");
    auto put = c.Json("PUT", "/api/users/profile", json::object{{"full_name", "Ram B"}}, access);
    EXPECT_EQ(put.data().at("is_profile_complete"), false) << "PUT replaces the whole profile";
    auto bad = c.Json("PATCH", "/api/users/profile", json::object{{"date_of_birth", "1990-02-30"}}, access);
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.ErrorCode(), "validation_error");
}

TEST_F(IdentityTest, KycSubmitAndResubmit) {
    auto [access, _] = s.SignUp("9700000003", "kycuser");
    EXPECT_EQ(c.Get("/api/users/kyc/status", access).data().at("status"), "NOT_SUBMITTED");
    auto patch_first = c.Json("PATCH", "/api/users/kyc", json::object{{"document_number", "1"}}, access);
    EXPECT_EQ(patch_first.status, 404);
    auto k = c.Multipart("POST", "/api/users/kyc",
                         {{"document_number", "12-34-56"}, {"document_front_url", "https://cdn.example.com/f.jpg"}},
                         access);
    ASSERT_EQ(k.status, 201) << k.body;
    EXPECT_EQ(k.data().at("status"), "PENDING");
    EXPECT_EQ(k.data().at("document_type"), "CITIZENSHIP");
    auto st = c.Get("/api/users/kyc/status", access);
    EXPECT_EQ(st.data().at("status"), "PENDING");
    auto missing = c.Json("POST", "/api/users/kyc", json::object{{"document_number", "x"}}, access);
    EXPECT_EQ(missing.status, 400);
    auto upd = c.Json("PATCH", "/api/users/kyc", json::object{{"document_back_url", "https://cdn.example.com/b.jpg"}}, access);
    EXPECT_EQ(upd.status, 200) << upd.body;
    EXPECT_EQ(upd.data().at("document_back_url"), "https://cdn.example.com/b.jpg");
}

TEST_F(IdentityTest, DevicesAndAccountDeletion) {
    auto [access, _] = s.SignUp("9700000004", "leaver");
    auto d = c.Json("POST", "/api/auth/device",
                    json::object{{"device_id", "d1"}, {"fcm_token", "tok"}, {"device_type", "ANDROID"}}, access);
    ASSERT_EQ(d.status, 200) << d.body;
    EXPECT_EQ(d.data().at("device_type"), "ANDROID");
    auto bad = c.Json("POST", "/api/auth/device",
                      json::object{{"device_id", "d1"}, {"fcm_token", "tok"}, {"device_type", "NOKIA"}}, access);
    EXPECT_EQ(bad.status, 400);
    auto del = c.Delete("/api/auth/account", access);
    EXPECT_EQ(del.status, 200);
    EXPECT_EQ(c.Get("/api/auth/me", access).status, 401);
}

TEST_F(IdentityTest, BadTokensAndMissingAuth) {
    EXPECT_EQ(c.Get("/api/auth/me").status, 401);
    EXPECT_EQ(c.Get("/api/auth/me").ErrorCode(), "authentication_required");
    EXPECT_EQ(c.Get("/api/auth/me", "not-a-token").ErrorCode(), "token_not_valid");
    EXPECT_EQ(c.Send("GET", "/api/auth/me", "", "", "", {"Authorization: Basic abc"}).status, 401);
    auto [access, refresh] = s.SignUp("9700000005", "tokens");
    EXPECT_EQ(c.Get("/api/auth/me", refresh).status, 401) << "a refresh token is not an access token";
    std::string tampered = access;
    tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
    EXPECT_EQ(c.Get("/api/auth/me", tampered).status, 401);
}

TEST_F(IdentityTest, AUserNeverReachesAdminRoutes) {
    auto [access, _] = s.SignUp("9700000006", "plainuser");
    for (const char* path : {"/api/admin/me", "/api/admin/users", "/api/admin/kyc/submissions",
                             "/api/admin/action-logs", "/api/admin/profiles"}) {
        auto r = c.Get(path, access);
        EXPECT_EQ(r.status, 403) << path;
        EXPECT_EQ(r.ErrorCode(), "permission_denied") << path;
    }
}

}  // namespace
}  // namespace ps::test
