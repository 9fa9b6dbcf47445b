// The staff side of identity end to end through real HTTP: admin login (JSON and the dashboard's
// multipart), admin/me, admin/profiles, admin/users, KYC review and the action log, asserting
// bodies and the resulting database state.
#include <gtest/gtest.h>

#include "app/services.hpp"
#include "core/crypto.hpp"
#include "support/test_server.hpp"

namespace ps::test {
namespace {

namespace json = boost::json;

constexpr const char* kPassword = "staff-password-1";

class AdminIdentityTest : public ::testing::Test {
protected:
    TestServer s{ServerOptions{true}};
    HttpClient& c = s.client();

    // Signs the email up as a user, then promotes it with AccountService::CreateStaff (its
    // existing-user path; the new-account path is pinned by CreateStaffForANewEmailCanSignIn).
    void MakeStaff(const std::string& email, const std::string& role) {
        s.SignUp(email, email.substr(0, email.find('@')));
        auto u = s.app().services->accounts->CreateStaff(email, kPassword, role, "", std::nullopt);
        ASSERT_TRUE(u.ok()) << u.error().message;
    }
    // A staff account of `role` and its access token from admin/login.
    std::string Staff(const std::string& email, const std::string& role = "super_admin") {
        MakeStaff(email, role);
        auto r = Login(email);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.status == 200 ? std::string(r.data().at("access_token").as_string()) : "";
    }
    HttpReply Login(const std::string& email, const std::string& password = kPassword) {
        return c.Multipart("POST", "/api/admin/login", {{"email", email}, {"password", password}});
    }
    int64_t UserId(const std::string& username) {
        auto row = s.db().Read([&](db::Connection& conn) {
            return conn.QueryOne("SELECT id FROM users WHERE username = ?", {username});
        });
        return row.ok() && *row ? (**row).Int(0) : 0;
    }
    int64_t Count(const std::string& sql, const db::Params& params = {}) {
        auto row = s.db().Read([&](db::Connection& conn) { return conn.QueryOne(sql, params); });
        return row.ok() && *row ? (**row).Int(0) : -1;
    }
    int64_t Logs(const std::string& action) {
        return Count("SELECT COUNT(*) FROM admin_action_logs WHERE action_type = ?", {action});
    }
    std::string ProfileIdOf(const std::string& username) {
        auto row = s.db().Read([&](db::Connection& conn) {
            return conn.QueryOne(
                "SELECT ap.id FROM admin_profiles ap JOIN users u ON "
                "u.id = ap.user_id WHERE u.username = ?",
                {username});
        });
        return row.ok() && *row ? (**row).Str(0) : "";
    }
};

TEST_F(AdminIdentityTest, StaffLoginWithJsonAndMultipart) {
    MakeStaff("boss@example.com", "super_admin");
    auto j = c.Json("POST", "/api/admin/login",
                    json::object{{"email", "Boss@Example.com"}, {"password", kPassword}});
    ASSERT_EQ(j.status, 200) << j.body;
    EXPECT_EQ(j.json.at("message"), "Admin login successful");
    const auto& d = j.data();
    EXPECT_TRUE(d.at("user_id").is_string());
    EXPECT_EQ(d.at("user").at("id"), d.at("user_id"));
    EXPECT_EQ(d.at("user").at("email"), "boss@example.com");
    EXPECT_EQ(d.at("user").at("is_staff"), true);
    EXPECT_EQ(d.at("user").at("is_superuser"), true);
    EXPECT_EQ(d.at("user").at("role"), "super_admin");
    EXPECT_FALSE(d.at("refresh_token").as_string().empty());
    auto m = Login("boss@example.com");
    ASSERT_EQ(m.status, 200) << m.body;
    std::string access(m.data().at("access_token").as_string());
    EXPECT_EQ(c.Get("/api/admin/me", access).status, 200);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM users WHERE email = 'boss@example.com' AND "
                    "last_login IS NOT NULL"),
              1);
}

// `powershare admin create-staff` and TestServer::StaffToken create the account from scratch.
TEST_F(AdminIdentityTest, CreateStaffForANewEmailCanSignIn) {
    std::string token = s.StaffToken("fresh@example.com");
    ASSERT_FALSE(token.empty());
    EXPECT_EQ(c.Get("/api/admin/me", token).status, 200);
}

TEST_F(AdminIdentityTest, LoginRefusals) {
    MakeStaff("boss@example.com", "super_admin");
    s.SignUp("plain@example.com", "plain");
    auto wrong = Login("boss@example.com", "not-the-password");
    EXPECT_EQ(wrong.status, 400);
    EXPECT_EQ(wrong.ErrorCode(), "invalid_password");
    EXPECT_EQ(Login("nobody@example.com").ErrorCode(), "admin_not_found");
    EXPECT_EQ(Login("plain@example.com").ErrorCode(), "admin_not_found") << "not staff";
    auto missing = c.Multipart("POST", "/api/admin/login", {{"email", "boss@example.com"}});
    EXPECT_EQ(missing.status, 400);
    EXPECT_EQ(missing.ErrorCode(), "validation_error");
    EXPECT_EQ(c.Send("POST", "/api/admin/login", "{", "application/json").status, 400);
    auto extra =
        c.Json("POST", "/api/admin/login",
               json::object{{"email", "boss@example.com"}, {"password", kPassword}, {"x", 1}});
    EXPECT_EQ(extra.status, 400);
}

TEST_F(AdminIdentityTest, FailedLoginsAreLimitedPerEmailAndPerIp) {
    MakeStaff("boss@example.com", "super_admin");
    for (int i = 0; i < 10; ++i) EXPECT_EQ(Login("boss@example.com", "wrong-password").status, 400);
    auto limited = Login("boss@example.com");
    EXPECT_EQ(limited.status, 429) << "even the right password, once the email is locked";
    EXPECT_EQ(limited.ErrorCode(), "rate_limit_exceeded");
    s.fake_clock()->Advance(15 * kMinute);
    EXPECT_EQ(Login("boss@example.com").status, 200);
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(Login("guess" + std::to_string(i) + "@example.com").status, 400);
    EXPECT_EQ(Login("boss@example.com").status, 429) << "the IP is locked too";
}

TEST_F(AdminIdentityTest, StaffTokenPayloadDecodesWithAtob) {
    MakeStaff("boss@example.com", "super_admin");
    for (int i = 0; i < 5; ++i) {
        auto r = Login("boss@example.com");
        ASSERT_EQ(r.status, 200);
        std::string token(r.data().at("access_token").as_string());
        size_t a = token.find('.'), b = token.find('.', a + 1);
        ASSERT_NE(b, std::string::npos);
        EXPECT_EQ(token.find('.', b + 1), std::string::npos) << "three parts";
        std::string payload = token.substr(a + 1, b - a - 1);
        EXPECT_EQ(payload.find_first_of("-_"), std::string::npos) << payload;
        while (payload.size() % 4) payload += '=';
        std::string text;
        ASSERT_TRUE(Base64Decode(payload, text));
        auto claims = json::parse(text).as_object();
        ASSERT_TRUE(claims.at("exp").is_int64());
        EXPECT_GT(claims.at("exp").as_int64(), s.fake_clock()->Now() / kSecond + 3600);
        EXPECT_EQ(std::to_string(claims.at("user_id").as_int64()),
                  r.data().at("user_id").as_string());
    }
}

TEST_F(AdminIdentityTest, MeShowsPermissionsByRole) {
    struct Case {
        const char* role;
        bool finances, admins;
    };
    for (Case k : {Case{"super_admin", true, true}, Case{"admin", true, false},
                   Case{"moderator", false, false}}) {
        std::string email = std::string(k.role) + "@example.com";
        auto me = c.Get("/api/admin/me", Staff(email, k.role));
        ASSERT_EQ(me.status, 200) << me.body;
        const auto& d = me.data();
        EXPECT_EQ(d.at("role"), k.role);
        EXPECT_EQ(d.at("email"), email.c_str());
        EXPECT_EQ(d.at("is_active"), true);
        EXPECT_EQ(d.at("is_super_admin"), std::string(k.role) == "super_admin");
        EXPECT_TRUE(d.at("user_id").is_string());
        EXPECT_EQ(d.at("created_at").as_string().back(), 'Z');
        const auto& p = d.at("permissions");
        for (const char* always : {"can_manage_users", "can_manage_stations", "can_manage_content",
                                   "can_view_analytics"})
            EXPECT_EQ(p.at(always), true) << k.role << " " << always;
        EXPECT_EQ(p.at("can_manage_finances"), k.finances) << k.role;
        EXPECT_EQ(p.at("can_manage_admins"), k.admins) << k.role;
    }
    EXPECT_EQ(c.Get("/api/admin/me").status, 401);
}

TEST_F(AdminIdentityTest, UsersListSearchPaginationAndDetail) {
    std::string staff = Staff("boss@example.com");
    s.SignUp("alice@example.com", "alice");
    s.fake_clock()->Advance(kSecond);
    s.SignUp("9811111111", "bob");
    s.fake_clock()->Advance(kSecond);
    s.SignUp("carol@example.com", "carol");
    auto all = c.Get("/api/admin/users?page_size=2", staff);
    ASSERT_EQ(all.status, 200) << all.body;
    const auto& pg = all.data().at("pagination");
    EXPECT_EQ(pg.at("total_count"), 4) << "three users and the staff account";
    EXPECT_EQ(pg.at("total_pages"), 2);
    EXPECT_EQ(pg.at("has_next"), true);
    const auto& first = all.data().at("results").as_array();
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].at("username"), "carol") << "newest first";
    EXPECT_TRUE(first[0].at("id").is_int64());
    EXPECT_EQ(first[0].at("kyc_status"), "NOT_SUBMITTED");
    EXPECT_TRUE(first[0].at("profile").is_object());
    auto last = c.Get("/api/admin/users?page=99&page_size=2", staff);
    EXPECT_EQ(last.data().at("pagination").at("current_page"), 2) << "clamped to the last page";
    EXPECT_EQ(last.data().at("pagination").at("has_previous"), true);
    auto by_name = c.Get("/api/admin/users?search=ALI", staff);
    ASSERT_EQ(by_name.data().at("results").as_array().size(), 1u);
    EXPECT_EQ(by_name.data().at("results").at(0).at("username"), "alice");
    auto by_phone = c.Get("/api/admin/users?search=98111", staff);
    ASSERT_EQ(by_phone.data().at("results").as_array().size(), 1u);
    EXPECT_EQ(by_phone.data().at("results").at(0).at("phone_number"), "9811111111");
    EXPECT_EQ(c.Get("/api/admin/users?search=%25", staff).data().at("results").as_array().size(),
              0u)
        << "% is matched literally";
    EXPECT_EQ(
        c.Get("/api/admin/users?status=BANNED", staff).data().at("pagination").at("total_count"),
        0);
    EXPECT_EQ(c.Get("/api/admin/users?status=bogus", staff).ErrorCode(), "validation_error");
    EXPECT_EQ(c.Get("/api/admin/users?page_size=101", staff).status, 400);

    auto detail = c.Get("/api/admin/users/" + std::to_string(UserId("bob")), staff);
    ASSERT_EQ(detail.status, 200) << detail.body;
    EXPECT_EQ(detail.data().at("username"), "bob");
    EXPECT_EQ(detail.data().at("id"), UserId("bob"));
    auto bad = c.Get("/api/admin/users/abc", staff);
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.ErrorCode(), "validation_error");
    auto unknown = c.Get("/api/admin/users/999999", staff);
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(unknown.ErrorCode(), "user_not_found");
}

TEST_F(AdminIdentityTest, InactiveUsersTokensAreRefused) {
    auto [access, _] = s.SignUp("9822222222", "sleeper");
    ASSERT_EQ(c.Get("/api/auth/me", access).status, 200);
    ASSERT_TRUE(s.db()
                    .Read([&](db::Connection& conn) {
                        return conn.Exec(
                            "UPDATE users SET status = 'INACTIVE' WHERE username = 'sleeper'");
                    })
                    .ok());
    EXPECT_EQ(c.Get("/api/auth/me", access).status, 401) << "VerifyAccess checks the status";
}

TEST_F(AdminIdentityTest, BanningCutsTheUsersTokensAndIsLogged) {
    std::string staff = Staff("boss@example.com");
    auto [access, refresh] = s.SignUp("9833333333", "rogue");
    std::string path = "/api/admin/users/" + std::to_string(UserId("rogue")) + "/status";
    EXPECT_EQ(c.Multipart("POST", path, {{"status", "BANNED"}}, staff).ErrorCode(),
              "validation_error")
        << "a reason is required";
    EXPECT_EQ(c.Multipart("POST", path, {{"status", "GONE"}, {"reason", "x"}}, staff).status, 400);
    auto r = c.Send("POST", path, R"({"status":"BANNED","reason":"fraud"})", "application/json",
                    staff, {"User-Agent: dashboard-test", "X-CSRFTOKEN;"});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.data().at("user_id"), std::to_string(UserId("rogue")).c_str());
    EXPECT_EQ(r.data().at("new_status"), "BANNED");
    EXPECT_EQ(r.data().at("message"), "User status updated to BANNED");
    EXPECT_EQ(Count("SELECT COUNT(*) FROM users WHERE username = 'rogue' AND status = 'BANNED'"),
              1);
    EXPECT_EQ(c.Get("/api/auth/me", access).status, 401);
    EXPECT_EQ(c.Json("POST", "/api/auth/refresh", json::object{{"refresh", refresh}}).status, 401);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM admin_action_logs WHERE action_type = "
                    "'UPDATE_USER_STATUS' AND target_model = 'User' AND ip_address = '127.0.0.1' "
                    "AND user_agent = 'dashboard-test' AND admin_user_id = ?",
                    {UserId("boss")}),
              1);
    s.fake_clock()->Advance(kSecond);
    auto back = c.Multipart("POST", path, {{"status", "ACTIVE"}, {"reason", "appeal"}}, staff);
    ASSERT_EQ(back.status, 200) << back.body;
    EXPECT_EQ(c.Get("/api/auth/me", access).status, 401) << "the banned sessions stay revoked";

    auto logs = c.Get("/api/admin/action-logs", staff);
    ASSERT_EQ(logs.status, 200) << logs.body;
    ASSERT_EQ(logs.data().as_array().size(), 2u);
    const auto& entry = logs.data().at(1);  // newest first: the ban is second
    EXPECT_EQ(entry.at("action_type"), "UPDATE_USER_STATUS");
    EXPECT_EQ(entry.at("changes").at("new_status"), "BANNED");
    EXPECT_EQ(entry.at("changes").at("reason"), "fraud");
    EXPECT_EQ(entry.at("admin_username"), "boss");
    EXPECT_EQ(entry.at("admin_email"), "boss@example.com");
    EXPECT_EQ(entry.at("target_id"), std::to_string(UserId("rogue")).c_str());
    auto self =
        c.Multipart("POST", "/api/admin/users/" + std::to_string(UserId("boss")) + "/status",
                    {{"status", "BANNED"}, {"reason", "oops"}}, staff);
    EXPECT_EQ(self.ErrorCode(), "cannot_change_own_status");
}

TEST_F(AdminIdentityTest, ApprovedKycShowsOnTheUserSide) {
    std::string staff = Staff("boss@example.com");
    auto [access, _] = s.SignUp("9844444444", "kycer");
    ASSERT_EQ(c.Multipart("POST", "/api/users/kyc",
                          {{"document_number", "12-34"},
                           {"document_front_url", "https://cdn.example.com/f.jpg"}},
                          access)
                  .status,
              201);
    auto list = c.Get("/api/admin/kyc/submissions?status=PENDING", staff);
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(list.data().at("pagination").at("total_count"), 1);
    const auto& k = list.data().at("kyc_submissions").at(0);
    EXPECT_EQ(k.at("username"), "kycer");
    EXPECT_EQ(k.at("user_id"), std::to_string(UserId("kycer")).c_str());
    EXPECT_EQ(k.at("phone_number"), "9844444444");
    EXPECT_EQ(k.at("document_number"), "12-34");
    EXPECT_TRUE(k.at("verified_by_username").is_null());
    std::string id(k.at("id").as_string());

    auto ok =
        c.Multipart("PATCH", "/api/admin/kyc/submissions/" + id, {{"status", "APPROVED"}}, staff);
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(ok.data().at("kyc_id"), id.c_str());
    EXPECT_EQ(ok.data().at("user"), "kycer");
    EXPECT_EQ(ok.data().at("old_status"), "PENDING");
    EXPECT_EQ(ok.data().at("new_status"), "APPROVED");
    EXPECT_EQ(ok.data().at("verified_by"), "boss");
    auto st = c.Get("/api/users/kyc/status", access);
    EXPECT_EQ(st.data().at("status"), "APPROVED");
    EXPECT_FALSE(st.data().at("verified_at").is_null());
    EXPECT_EQ(c.Get("/api/auth/me", access).data().at("kyc").at("verified"), true);
    EXPECT_EQ(Logs("UPDATE_KYC_STATUS"), 1);
    auto after = c.Get("/api/admin/kyc/submissions?status=APPROVED", staff);
    EXPECT_EQ(after.data().at("kyc_submissions").at(0).at("verified_by_username"), "boss");
    EXPECT_EQ(c.Get("/api/admin/kyc/submissions?status=PENDING", staff)
                  .data()
                  .at("kyc_submissions")
                  .as_array()
                  .size(),
              0u);
    EXPECT_EQ(
        c.Get("/api/admin/users/" + std::to_string(UserId("kycer")), staff).data().at("kyc_status"),
        "APPROVED");
}

TEST_F(AdminIdentityTest, RejectionNeedsAReasonAndUnknownIdsAre404) {
    std::string staff = Staff("boss@example.com");
    auto [access, _] = s.SignUp("9855555555", "blurry");
    c.Json("POST", "/api/users/kyc",
           json::object{{"document_number", "9"},
                        {"document_front_url", "https://cdn.example.com/f.jpg"}},
           access);
    std::string id(c.Get("/api/admin/kyc/submissions", staff)
                       .data()
                       .at("kyc_submissions")
                       .at(0)
                       .at("id")
                       .as_string());
    std::string path = "/api/admin/kyc/submissions/" + id;
    auto no_reason = c.Multipart("PATCH", path, {{"status", "REJECTED"}}, staff);
    EXPECT_EQ(no_reason.status, 400);
    EXPECT_EQ(no_reason.ErrorCode(), "validation_error");
    EXPECT_TRUE(no_reason.json.at("error")
                    .at("context")
                    .at("validation_errors")
                    .as_object()
                    .contains("rejection_reason"));
    EXPECT_EQ(c.Multipart("PATCH", path, {{"status", "PENDING"}}, staff).status, 400);
    EXPECT_EQ(
        c.Json("PATCH", path, json::object{{"status", "APPROVED"}, {"note", "x"}}, staff).status,
        400);
    auto rejected = c.Json(
        "PATCH", path,
        json::object{{"status", "REJECTED"}, {"rejection_reason", "Photo is blurry"}}, staff);
    ASSERT_EQ(rejected.status, 200) << rejected.body;
    auto st = c.Get("/api/users/kyc/status", access);
    EXPECT_EQ(st.data().at("status"), "REJECTED");
    EXPECT_EQ(st.data().at("rejection_reason"), "Photo is blurry");
    for (const char* bad : {"not-a-uuid", "00000000-0000-4000-8000-000000000000"}) {
        auto r = c.Multipart("PATCH", std::string("/api/admin/kyc/submissions/") + bad,
                             {{"status", "APPROVED"}}, staff);
        EXPECT_EQ(r.status, 404) << bad;
        EXPECT_EQ(r.ErrorCode(), "kyc_not_found");
    }
    EXPECT_EQ(Logs("UPDATE_KYC_STATUS"), 1) << "refusals write nothing";
}

TEST_F(AdminIdentityTest, SuperAdminManagesProfiles) {
    std::string boss = Staff("boss@example.com");
    s.SignUp("newbie@example.com", "newbie");
    int64_t uid = UserId("newbie");
    auto created = c.Multipart(
        "POST", "/api/admin/profiles",
        {{"user", std::to_string(uid)}, {"role", "moderator"}, {"password", "newbie-password"}},
        boss);
    ASSERT_EQ(created.status, 201) << created.body;
    const auto& p = created.data();
    std::string pid(p.at("id").as_string());
    EXPECT_EQ(p.at("role"), "moderator");
    EXPECT_EQ(p.at("is_super_admin"), false);
    EXPECT_EQ(p.at("username"), "newbie");
    EXPECT_EQ(p.at("email"), "newbie@example.com");
    EXPECT_EQ(p.at("created_by_username"), "boss");
    EXPECT_EQ(Count("SELECT is_staff FROM users WHERE id = ?", {uid}), 1);
    EXPECT_EQ(Login("newbie@example.com", "newbie-password").data().at("user").at("role"),
              "moderator");
    auto again = c.Multipart(
        "POST", "/api/admin/profiles",
        {{"user", std::to_string(uid)}, {"role", "admin"}, {"password", "whatever-1"}}, boss);
    EXPECT_EQ(again.ErrorCode(), "profile_exists");
    EXPECT_EQ(
        c.Json("POST", "/api/admin/profiles",
               json::object{{"user", 999999}, {"role", "admin"}, {"password", "whatever-1"}}, boss)
            .ErrorCode(),
        "user_not_found");
    EXPECT_EQ(
        c.Json("POST", "/api/admin/profiles",
               json::object{{"user", uid}, {"role", "king"}, {"password", "whatever-1"}}, boss)
            .ErrorCode(),
        "validation_error");

    auto list = c.Get("/api/admin/profiles", boss);
    ASSERT_EQ(list.status, 200);
    ASSERT_TRUE(list.data().is_array()) << "a bare array";
    EXPECT_EQ(list.data().as_array().size(), 2u);
    for (const auto& x : list.data().as_array())
        if (x.at("username") == "boss") {
            EXPECT_FALSE(x.as_object().contains("created_by_username"));
        }
    std::string path = "/api/admin/profiles/" + pid;
    EXPECT_EQ(c.Get(path, boss).data().at("username"), "newbie");

    auto promoted =
        c.Multipart("PATCH", path, {{"role", "admin"}, {"new_password", ""}, {"reason", ""}}, boss);
    ASSERT_EQ(promoted.status, 200) << promoted.body;
    EXPECT_EQ(promoted.data().at("role"), "admin");
    auto off = c.Multipart("PATCH", path, {{"is_active", "false"}, {"reason", "left"}}, boss);
    ASSERT_EQ(off.status, 200) << off.body;
    EXPECT_EQ(off.data().at("is_active"), false);
    EXPECT_EQ(Login("newbie@example.com", "newbie-password").ErrorCode(), "admin_deactivated");
    EXPECT_EQ(c.Multipart("PATCH", path, {{"is_active", "true"}}, boss).status, 200);
    ASSERT_EQ(c.Multipart("PATCH", path, {{"new_password", "fresh-password"}}, boss).status, 200);
    EXPECT_EQ(Login("newbie@example.com", "newbie-password").ErrorCode(), "invalid_password");
    EXPECT_EQ(Login("newbie@example.com", "fresh-password").status, 200);
    EXPECT_EQ(c.Multipart("PATCH", path, {{"new_password", "short"}}, boss).ErrorCode(),
              "validation_error");

    std::string boss_pid = ProfileIdOf("boss");
    ASSERT_FALSE(boss_pid.empty());
    EXPECT_EQ(c.Multipart("PATCH", "/api/admin/profiles/" + boss_pid, {{"role", "moderator"}}, boss)
                  .ErrorCode(),
              "cannot_change_own_role");
    EXPECT_EQ(c.Delete("/api/admin/profiles/" + boss_pid, boss).ErrorCode(), "cannot_delete_self");
    auto del = c.Delete(path, boss);
    ASSERT_EQ(del.status, 200) << del.body;
    EXPECT_EQ(del.data().at("message"), "Admin profile deleted successfully");
    auto gone = c.Get(path, boss);
    EXPECT_EQ(gone.status, 404);
    EXPECT_EQ(gone.ErrorCode(), "profile_not_found");
    EXPECT_EQ(Count("SELECT is_staff FROM users WHERE id = ?", {uid}), 0);
    EXPECT_EQ(Login("newbie@example.com", "fresh-password").ErrorCode(), "admin_not_found");
    for (const char* action : {"CREATE_ADMIN", "UPDATE_ADMIN_ROLE", "DEACTIVATE_ADMIN",
                               "ACTIVATE_ADMIN", "UPDATE_ADMIN_PASSWORD", "DELETE_ADMIN"})
        EXPECT_EQ(Logs(action), 1) << action;
}

TEST_F(AdminIdentityTest, RoleRefusalsAreNever403ForAValidStaffToken) {
    std::string mod = Staff("mod@example.com", "moderator");
    std::string adm = Staff("adm@example.com", "admin");
    auto [user_access, _] = s.SignUp("9866666666", "someone");
    std::string adm_pid = ProfileIdOf("adm");
    std::string mod_pid = ProfileIdOf("mod");
    for (const std::string& path :
         {std::string("/api/admin/me"), std::string("/api/admin/users"),
          std::string("/api/admin/kyc/submissions"), std::string("/api/admin/action-logs"),
          std::string("/api/admin/profiles"), "/api/admin/profiles/" + adm_pid}) {
        EXPECT_EQ(c.Get(path, mod).status, 200) << path;
    }
    auto expect_refused = [](const HttpReply& r, const char* what) {
        EXPECT_EQ(r.status, 400) << what << " " << r.body;
        EXPECT_EQ(r.ErrorCode(), "permission_denied") << what;
    };
    std::string uid = std::to_string(UserId("someone"));
    expect_refused(
        c.Multipart("POST", "/api/admin/profiles",
                    {{"user", uid}, {"role", "admin"}, {"password", "long-enough-1"}}, mod),
        "moderator creates");
    expect_refused(
        c.Multipart("POST", "/api/admin/profiles",
                    {{"user", uid}, {"role", "admin"}, {"password", "long-enough-1"}}, adm),
        "admin creates");
    expect_refused(
        c.Multipart("PATCH", "/api/admin/profiles/" + adm_pid, {{"is_active", "false"}}, mod),
        "moderator deactivates another");
    expect_refused(c.Multipart("PATCH", "/api/admin/profiles/" + mod_pid, {{"role", "admin"}}, mod),
                   "moderator promotes itself");
    expect_refused(c.Delete("/api/admin/profiles/" + adm_pid, mod), "moderator deletes");
    expect_refused(
        c.Multipart("POST", "/api/admin/users/" + std::to_string(UserId("adm")) + "/status",
                    {{"status", "BANNED"}, {"reason", "coup"}}, mod),
        "moderator bans staff");
    auto own = c.Multipart("PATCH", "/api/admin/profiles/" + mod_pid,
                           {{"new_password", "mod-password-2"}}, mod);
    EXPECT_EQ(own.status, 200) << own.body;
    EXPECT_EQ(Login("mod@example.com", "mod-password-2").status, 200);
    auto ban = c.Multipart("POST", "/api/admin/users/" + uid + "/status",
                           {{"status", "INACTIVE"}, {"reason", "spam"}}, mod);
    EXPECT_EQ(ban.status, 200) << ban.body;
    EXPECT_EQ(c.Get("/api/auth/me", user_access).status, 401);
    EXPECT_EQ(Logs("CREATE_ADMIN") + Logs("DELETE_ADMIN") + Logs("UPDATE_ADMIN_ROLE"), 0);
}

}  // namespace
}  // namespace ps::test
