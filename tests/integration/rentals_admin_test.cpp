// The rentals domain's staff side and extras through real HTTP on both backends: rental packages
// and late-fee configurations (CRUD, validation, the one-active-config rule, the configuration
// the lifecycle gets), rental issues (users report on their own rentals, staff triage), GPS
// points while a rental is open, and the user's usage statistics. Bodies, database state and the
// audit log are asserted; plain users get 403 on staff routes.
#include <gtest/gtest.h>

#include "domains/rentals/rental_admin_repository.hpp"
#include "support/rental_fixture.hpp"

namespace ps::rentals {
namespace {

using test::Part;

// The field of a validation_error, or "" for any other answer.
std::string Field(const test::HttpReply& r) {
    if (r.ErrorCode() != "validation_error") return "";
    const auto& errs = r.json.at("error").at("context").at("validation_errors").as_object();
    return errs.empty() ? "" : std::string(errs.begin()->key());
}

class RentalsAdminTest : public ::testing::Test {
protected:
    test::TestServer s{test::ServerOptions{true}};
    test::HttpClient& c = s.client();
    std::string staff = s.StaffToken("ops@example.com");

    int64_t Count(const std::string& sql, const db::Params& params = {}) {
        auto row = s.db().Read([&](db::Connection& conn) { return conn.QueryOne(sql, params); });
        return row.ok() && *row ? (**row).Int(0) : -1;
    }
    int64_t Audits(const std::string& action, const std::string& target) {
        return Count("SELECT COUNT(*) FROM admin_action_logs WHERE action_type = ? AND "
                     "target_id = ?",
                     {action, target});
    }
    LateFeeConfig Applying(const std::string& type) {
        auto l = s.db().Read(
            [&](db::Connection& conn) { return repo::ActiveLateFeeConfig(conn, type); });
        EXPECT_TRUE(l.ok());
        return l.ok() ? *l : LateFeeConfig{};
    }
};

json::object NewPackage(const std::string& name) {
    return {{"name", name},
            {"description", "Two and a half hours"},
            {"duration_minutes", 150},
            {"price", "120.50"},
            {"package_type", "HOURLY"},
            {"payment_model", "PREPAID"},
            {"package_metadata", "{\"promo\":true}"}};
}

TEST_F(RentalsAdminTest, UsersAreRefusedOnEveryStaffRoute) {
    std::string user = s.SignUp("plain@example.com", "plain").first;
    const std::string some = "/00000000-0000-0000-0000-000000000000";
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"GET", "/api/admin/rental-packages"},
             {"POST", "/api/admin/rental-packages"},
             {"GET", "/api/admin/rental-packages" + some},
             {"PATCH", "/api/admin/rental-packages" + some},
             {"DELETE", "/api/admin/rental-packages" + some},
             {"GET", "/api/admin/late-fee-configs"},
             {"POST", "/api/admin/late-fee-configs"},
             {"GET", "/api/admin/late-fee-configs" + some},
             {"PUT", "/api/admin/late-fee-configs" + some},
             {"DELETE", "/api/admin/late-fee-configs" + some},
             {"GET", "/api/admin/rentals/issues"},
             {"GET", "/api/admin/rentals/issues" + some},
             {"PATCH", "/api/admin/rentals/issues" + some},
             {"DELETE", "/api/admin/rentals/issues" + some}}) {
        EXPECT_EQ(c.Send(method, path, "", "", user).status, 403) << method << " " << path;
        int anonymous = c.Send(method, path).status;
        EXPECT_TRUE(anonymous == 401 || anonymous == 403) << method << " " << path;
    }
    EXPECT_EQ(c.Get("/api/users/analytics/usage-stats").status / 100, 4);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM admin_action_logs"), 0);
}

TEST_F(RentalsAdminTest, PackagesCrudWithValidationPaginationAndAudit) {
    auto list = c.Get("/api/admin/rental-packages?page_size=2", staff);
    ASSERT_EQ(list.status, 200) << list.body;
    int64_t seeded = Count("SELECT COUNT(*) FROM rental_packages");
    ASSERT_GE(seeded, 3);
    EXPECT_EQ(list.data().at("rental_packages").as_array().size(), 2u);
    const auto& pg = list.data().at("pagination");
    EXPECT_EQ(pg.at("total_count").as_int64(), seeded);
    EXPECT_EQ(pg.at("page_size").as_int64(), 2);
    EXPECT_TRUE(pg.at("has_next").as_bool());
    const auto& first = list.data().at("rental_packages").at(0);
    EXPECT_EQ(first.at("name").as_string(), "1 Hour");
    EXPECT_EQ(first.at("duration_display").as_string(), "1 hour");
    EXPECT_EQ(first.at("price").as_string(), "50.00");
    for (const char* k : {"id", "description", "package_type", "payment_model", "is_active",
                          "created_at"})
        EXPECT_TRUE(first.as_object().contains(k)) << k;
    EXPECT_EQ(c.Get("/api/admin/rental-packages?page_size=101", staff).ErrorCode(),
              "validation_error");

    // validation: required fields, enums, ranges, unknown fields
    auto empty = c.Multipart("POST", "/api/admin/rental-packages", {{"name", "Nothing else"}}, staff);
    EXPECT_EQ(empty.status, 400) << empty.body;
    EXPECT_EQ(empty.ErrorCode(), "validation_error");
    EXPECT_TRUE(empty.json.at("error").at("context").at("validation_errors").as_object().contains(
        "duration_minutes"));
    auto bad_type = NewPackage("Bad");
    bad_type["package_type"] = "YEARLY";
    EXPECT_EQ(Field(c.Json("POST", "/api/admin/rental-packages", bad_type, staff)), "package_type");
    auto bad_price = NewPackage("Bad");
    bad_price["price"] = "12.345";
    EXPECT_EQ(Field(c.Json("POST", "/api/admin/rental-packages", bad_price, staff)), "price");
    auto zero = NewPackage("Bad");
    zero["duration_minutes"] = 0;
    EXPECT_EQ(Field(c.Json("POST", "/api/admin/rental-packages", zero, staff)), "duration_minutes");
    auto unknown = NewPackage("Bad");
    unknown["colour"] = "red";
    EXPECT_EQ(Field(c.Json("POST", "/api/admin/rental-packages", unknown, staff)), "colour");
    EXPECT_EQ(Count("SELECT COUNT(*) FROM rental_packages"), seeded);

    auto made = c.Json("POST", "/api/admin/rental-packages", NewPackage("Afternoon"), staff);
    ASSERT_EQ(made.status, 200) << made.body;
    const auto& p = made.data();
    std::string id(p.at("id").as_string());
    EXPECT_EQ(p.at("duration_display").as_string(), "2h 30m");
    EXPECT_EQ(p.at("price").as_string(), "120.50");
    EXPECT_EQ(p.at("duration_minutes").as_int64(), 150);
    EXPECT_TRUE(p.at("is_active").as_bool());
    EXPECT_TRUE(p.at("package_metadata").at("promo").as_bool());
    EXPECT_EQ(Audits("CREATE_RENTAL_PACKAGE", id), 1);
    auto dup = c.Json("POST", "/api/admin/rental-packages", NewPackage("afternoon"), staff);
    EXPECT_EQ(Field(dup), "name") << dup.body;

    // the public list shows it while active
    auto public_has = [&] {
        auto pub = c.Get("/api/rentals/packages");
        for (const auto& r : pub.data().at("results").as_array())
            if (r.at("id").as_string() == id) return true;
        return false;
    };
    EXPECT_TRUE(public_has());

    auto got = c.Get("/api/admin/rental-packages/" + id, staff);
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.data().at("name").as_string(), "Afternoon");
    EXPECT_EQ(c.Get("/api/admin/rental-packages/nope", staff).ErrorCode(), "validation_error");
    auto missing = c.Get("/api/admin/rental-packages/00000000-0000-4000-8000-000000000000", staff);
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.ErrorCode(), "rental_package_not_found");

    // the dashboard's multipart PATCH: empty values are "not sent"
    auto patched = c.Multipart("PATCH", "/api/admin/rental-packages/" + id,
                               {{"price", "75.5"}, {"is_active", "false"}, {"description", ""},
                                {"duration_minutes", "2880"}},
                               staff);
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(patched.data().at("price").as_string(), "75.50");
    EXPECT_FALSE(patched.data().at("is_active").as_bool());
    EXPECT_EQ(patched.data().at("description").as_string(), "Two and a half hours");
    EXPECT_EQ(patched.data().at("duration_display").as_string(), "2 days");
    EXPECT_FALSE(public_has());
    EXPECT_EQ(Count("SELECT price FROM rental_packages WHERE id = ?", {id}), 7550);
    EXPECT_EQ(Audits("UPDATE_RENTAL_PACKAGE", id), 1);
    EXPECT_EQ(Field(c.Multipart("PATCH", "/api/admin/rental-packages/" + id,
                                {{"payment_model", "LATER"}}, staff)),
              "payment_model");

    // a moderator may read but not change pricing
    std::string moderator = s.StaffToken("mod@example.com", "moderator");
    EXPECT_EQ(c.Get("/api/admin/rental-packages/" + id, moderator).status, 200);
    auto refused = c.Multipart("PATCH", "/api/admin/rental-packages/" + id, {{"price", "1"}},
                               moderator);
    EXPECT_EQ(refused.status, 400);
    EXPECT_EQ(refused.ErrorCode(), "permission_denied");
    EXPECT_EQ(c.Delete("/api/admin/rental-packages/" + id, moderator).ErrorCode(),
              "permission_denied");

    auto gone = c.Delete("/api/admin/rental-packages/" + id, staff);
    ASSERT_EQ(gone.status, 200) << gone.body;
    EXPECT_EQ(gone.data().at("id").as_string(), id);
    EXPECT_TRUE(gone.data().at("deleted").as_bool());
    EXPECT_EQ(c.Get("/api/admin/rental-packages/" + id, staff).status, 404);
    EXPECT_EQ(Audits("DELETE_RENTAL_PACKAGE", id), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM rental_packages"), seeded);
}

TEST_F(RentalsAdminTest, LateFeeConfigsKeepOneActiveConfigPerPackageType) {
    auto list = c.Get("/api/admin/late-fee-configs", staff);
    ASSERT_EQ(list.status, 200) << list.body;
    const auto& seeded = list.data().at("configurations").at(0);
    std::string standard(seeded.at("id").as_string());
    EXPECT_EQ(seeded.at("fee_type").as_string(), "MULTIPLIER");
    EXPECT_EQ(seeded.at("multiplier").as_string(), "2.00");
    EXPECT_EQ(seeded.at("grace_period_minutes").as_int64(), 15);
    EXPECT_EQ(seeded.at("max_daily_rate").as_string(), "1000.00");
    EXPECT_TRUE(seeded.at("is_active").as_bool());
    EXPECT_TRUE(seeded.at("applicable_package_types").as_array().empty());
    EXPECT_EQ(list.data().at("summary").at("total_configurations").as_int64(), 1);
    EXPECT_EQ(list.data().at("summary").at("active_configurations").as_int64(), 1);
    EXPECT_EQ(list.data().at("summary").at("inactive_configurations").as_int64(), 0);
    EXPECT_EQ(list.data().at("pagination").at("total_count").as_int64(), 1);
    EXPECT_EQ(Applying("DAILY").id, standard);
    EXPECT_EQ(Applying("HOURLY").multiplier_centi, 200);

    // validation
    auto flat_without_rate = c.Json("POST", "/api/admin/late-fee-configs",
                                    json::object{{"name", "Flat"}, {"fee_type", "FLAT_RATE"}},
                                    staff);
    EXPECT_EQ(Field(flat_without_rate), "flat_rate_per_hour") << flat_without_rate.body;
    EXPECT_EQ(Field(c.Json("POST", "/api/admin/late-fee-configs",
                           json::object{{"name", "X"}, {"fee_type", "DOUBLE"}}, staff)),
              "fee_type");
    EXPECT_EQ(Field(c.Json("POST", "/api/admin/late-fee-configs",
                           json::object{{"name", "X"},
                                        {"fee_type", "MULTIPLIER"},
                                        {"multiplier", "0"},
                                        {"is_active", false}},
                           staff)),
              "multiplier");
    EXPECT_EQ(Field(c.Json("POST", "/api/admin/late-fee-configs",
                           json::object{{"name", "X"},
                                        {"fee_type", "MULTIPLIER"},
                                        {"applicable_package_types", json::array{"YEARLY"}},
                                        {"is_active", false}},
                           staff)),
              "applicable_package_types");
    EXPECT_EQ(Field(c.Json("POST", "/api/admin/late-fee-configs",
                           json::object{{"name", "X"},
                                        {"fee_type", "MULTIPLIER"},
                                        {"grace_period_minutes", -1},
                                        {"is_active", false}},
                           staff)),
              "grace_period_minutes");

    // a second active catch-all conflicts with the seeded one
    auto second_all = c.Json("POST", "/api/admin/late-fee-configs",
                             json::object{{"name", "All again"}, {"fee_type", "MULTIPLIER"}},
                             staff);
    EXPECT_EQ(second_all.status, 400) << second_all.body;
    EXPECT_EQ(second_all.ErrorCode(), "late_fee_config_conflict");

    // the dashboard's multipart: repeated applicable_package_types, metadata as a JSON string
    auto daily = c.Multipart("POST", "/api/admin/late-fee-configs",
                             {{"name", "Long rentals"},
                              {"fee_type", "COMPOUND"},
                              {"multiplier", "1.5"},
                              {"flat_rate_per_hour", "20"},
                              {"grace_period_minutes", "60"},
                              {"max_daily_rate", "500"},
                              {"is_active", "true"},
                              {"applicable_package_types", "DAILY"},
                              {"applicable_package_types", "WEEKLY"},
                              {"metadata", "{\"note\":\"long\"}"}},
                             staff);
    ASSERT_EQ(daily.status, 201) << daily.body;
    std::string daily_id(daily.data().at("id").as_string());
    EXPECT_EQ(daily.data().at("multiplier").as_string(), "1.50");
    EXPECT_EQ(daily.data().at("flat_rate_per_hour").as_string(), "20.00");
    EXPECT_EQ(daily.data().at("applicable_package_types"), (json::array{"DAILY", "WEEKLY"}));
    EXPECT_EQ(daily.data().at("metadata").at("note").as_string(), "long");
    EXPECT_EQ(Audits("CREATE_LATE_FEE_CONFIG", daily_id), 1);
    LateFeeConfig applied = Applying("WEEKLY");
    EXPECT_EQ(applied.id, daily_id);
    EXPECT_EQ(applied.fee_type, "COMPOUND");
    EXPECT_EQ(applied.multiplier_centi, 150);
    EXPECT_EQ(applied.flat_rate_per_hour, Money{2000});
    EXPECT_EQ(applied.max_daily_rate, Money{50000});
    EXPECT_EQ(Applying("HOURLY").id, standard);

    // WEEKLY is taken: active -> conflict, inactive -> fine, activating it later -> conflict
    json::object weekly{{"name", "Weekly"},
                        {"fee_type", "FLAT_RATE"},
                        {"flat_rate_per_hour", "15"},
                        {"applicable_package_types", json::array{"WEEKLY", "MONTHLY"}}};
    auto clash = c.Json("POST", "/api/admin/late-fee-configs", weekly, staff);
    EXPECT_EQ(clash.ErrorCode(), "late_fee_config_conflict") << clash.body;
    EXPECT_EQ(clash.json.at("error").at("context").at("conflicting_config_id").as_string(),
              daily_id);
    weekly["is_active"] = false;
    auto parked = c.Json("POST", "/api/admin/late-fee-configs", weekly, staff);
    ASSERT_EQ(parked.status, 201) << parked.body;
    std::string weekly_id(parked.data().at("id").as_string());
    EXPECT_EQ(c.Multipart("PUT", "/api/admin/late-fee-configs/" + weekly_id,
                          {{"is_active", "true"}}, staff)
                  .ErrorCode(),
              "late_fee_config_conflict");
    auto monthly = c.Multipart("PUT", "/api/admin/late-fee-configs/" + weekly_id,
                               {{"is_active", "true"}, {"applicable_package_types", "MONTHLY"}},
                               staff);
    ASSERT_EQ(monthly.status, 200) << monthly.body;
    EXPECT_EQ(monthly.data().at("applicable_package_types"), (json::array{"MONTHLY"}));
    EXPECT_EQ(monthly.data().at("fee_type").as_string(), "FLAT_RATE");
    EXPECT_EQ(Applying("MONTHLY").id, weekly_id);
    EXPECT_EQ(Audits("UPDATE_LATE_FEE_CONFIG", weekly_id), 1);

    // filters, summary, pagination
    EXPECT_EQ(Field(c.Get("/api/admin/late-fee-configs?fee_type=DOUBLE", staff)), "fee_type");
    EXPECT_EQ(Field(c.Get("/api/admin/late-fee-configs?is_active=maybe", staff)), "is_active");
    auto compound = c.Get("/api/admin/late-fee-configs?fee_type=COMPOUND", staff);
    ASSERT_EQ(compound.data().at("configurations").as_array().size(), 1u);
    EXPECT_EQ(compound.data().at("configurations").at(0).at("id").as_string(), daily_id);
    auto searched = c.Get("/api/admin/late-fee-configs?search=weEK", staff);
    ASSERT_EQ(searched.data().at("configurations").as_array().size(), 1u);
    EXPECT_EQ(searched.data().at("configurations").at(0).at("id").as_string(), weekly_id);
    auto paged = c.Get("/api/admin/late-fee-configs?page=2&page_size=2", staff);
    EXPECT_EQ(paged.data().at("configurations").as_array().size(), 1u);
    EXPECT_EQ(paged.data().at("pagination").at("total_count").as_int64(), 3);
    EXPECT_EQ(paged.data().at("pagination").at("current_page").as_int64(), 2);
    EXPECT_EQ(paged.data().at("summary").at("total_configurations").as_int64(), 3);

    // deactivating the seeded one leaves HOURLY to the built-in default
    ASSERT_EQ(c.Multipart("PUT", "/api/admin/late-fee-configs/" + standard,
                          {{"is_active", "false"}}, staff)
                  .status,
              200);
    auto summary = c.Get("/api/admin/late-fee-configs?is_active=false", staff);
    EXPECT_EQ(summary.data().at("configurations").as_array().size(), 1u);
    EXPECT_EQ(summary.data().at("summary").at("active_configurations").as_int64(), 2);
    EXPECT_EQ(summary.data().at("summary").at("inactive_configurations").as_int64(), 1);
    LateFeeConfig fallback = Applying("HOURLY");
    EXPECT_TRUE(fallback.id.empty());
    EXPECT_EQ(fallback.multiplier_centi, 200);
    EXPECT_EQ(fallback.grace_period_minutes, 15);

    std::string moderator = s.StaffToken("mod@example.com", "moderator");
    EXPECT_EQ(c.Delete("/api/admin/late-fee-configs/" + daily_id, moderator).ErrorCode(),
              "permission_denied");
    auto gone = c.Delete("/api/admin/late-fee-configs/" + daily_id, staff);
    ASSERT_EQ(gone.status, 200) << gone.body;
    EXPECT_TRUE(gone.data().at("deleted").as_bool());
    EXPECT_EQ(c.Get("/api/admin/late-fee-configs/" + daily_id, staff).ErrorCode(),
              "late_fee_config_not_found");
    EXPECT_EQ(Audits("DELETE_LATE_FEE_CONFIG", daily_id), 1);
    EXPECT_TRUE(Applying("DAILY").id.empty());
    EXPECT_EQ(c.Get("/api/admin/late-fee-configs/x", staff).ErrorCode(), "validation_error");
}

class RentalsAdminRentalTest : public RentalFixture {
protected:
    RentalsAdminRentalTest() : RentalFixture(false) {}
    std::string staff = srv.StaffToken("ops@example.com");

    test::HttpReply Issue(const User& u, const std::string& id, json::object body) {
        return srv.client().Json("POST", "/api/rentals/" + id + "/issues", body, u.token);
    }
    test::HttpReply Locate(const User& u, const std::string& id, std::vector<Part> parts) {
        return srv.client().Multipart("POST", "/api/rentals/" + id + "/location", parts, u.token);
    }
    test::HttpReply Admin(const std::string& method, const std::string& path,
                          std::vector<Part> parts = {}) {
        return parts.empty() ? srv.client().Send(method, path, "", "", staff)
                             : srv.client().Multipart(method, path, parts, staff);
    }
};

TEST_F(RentalsAdminRentalTest, IssuesLocationsAndUsageOnTheUsersOwnRental) {
    auto& back = Cabinet(2, "SN-AB", {});
    Cabinet(1, "SN-AA", {{1, 51900001}});
    User u = Eligible("reporter", Money{20000});
    User other = Eligible("bystander", Money{0});
    auto started = Start(u, "SN-AA");
    ASSERT_EQ(started.status, 201) << started.body;
    std::string id(started.data().at("id").as_string());
    std::string code(started.data().at("rental_code").as_string());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "ACTIVE"; })) << StatusOf(id);

    // location: only the owner's open rental, valid coordinates
    EXPECT_EQ(Locate(other, id, {{"latitude", "27.7"}, {"longitude", "85.3"}}).ErrorCode(),
              "rental_not_found");
    EXPECT_EQ(Locate(u, id, {{"latitude", "91"}, {"longitude", "85.3"}}).ErrorCode(),
              "validation_error");
    EXPECT_EQ(Locate(u, id, {{"latitude", "27.7"}}).ErrorCode(), "validation_error");
    EXPECT_EQ(Locate(u, id, {{"latitude", "27.7"}, {"longitude", "east"}}).ErrorCode(),
              "validation_error");
    EXPECT_EQ(Locate(u, id, {{"latitude", "27.7"}, {"longitude", "85.3"}, {"accuracy", "-1"}})
                  .ErrorCode(),
              "validation_error");
    auto here = Locate(u, id, {{"latitude", "27.7"}, {"longitude", "85.3240001"}});
    ASSERT_EQ(here.status, 200) << here.body;
    EXPECT_EQ(here.data().at("latitude").as_string(), "27.700000");
    EXPECT_EQ(here.data().at("longitude").as_string(), "85.324000");
    EXPECT_EQ(here.data().at("accuracy").as_string(), "10.00");
    EXPECT_TRUE(here.data().as_object().contains("recorded_at"));
    auto precise = srv.client().Json("POST", "/api/rentals/" + id + "/location",
                                     json::object{{"latitude", 27.71}, {"longitude", 85.31},
                                                  {"accuracy", 3.5}},
                                     u.token);
    ASSERT_EQ(precise.status, 200) << precise.body;
    EXPECT_EQ(precise.data().at("accuracy").as_string(), "3.50");
    EXPECT_EQ(Int("SELECT COUNT(*) FROM rental_locations WHERE rental_id = ?", {id}), 2);
    for (int i = 0; i < static_cast<int>(repo::kKeptLocations); ++i)
        ASSERT_EQ(Locate(u, id, {{"latitude", "27.7"}, {"longitude", "85.3"}}).status, 200);
    EXPECT_EQ(Int("SELECT COUNT(*) FROM rental_locations WHERE rental_id = ?", {id}),
              repo::kKeptLocations);
    EXPECT_EQ(Int("SELECT COUNT(*) FROM rental_locations WHERE id = ?",
                  {std::string(here.data().at("id").as_string())}),
              0);  // the oldest point was dropped

    // issues: only the owner, validated, one open report per type
    json::object damaged{{"issue_type", "CHARGING_ISSUE"},
                         {"description", "It does not charge my phone at all"},
                         {"images", json::array{"https://example.com/a.jpg"}}};
    auto nosy = Issue(other, id, damaged);
    EXPECT_EQ(nosy.status, 404) << nosy.body;
    EXPECT_EQ(nosy.ErrorCode(), "rental_not_found");
    EXPECT_EQ(Issue(u, "00000000-0000-0000-0000-000000000000", damaged).status, 404);
    auto short_text = damaged;
    short_text["description"] = "broken";
    EXPECT_EQ(Field(Issue(u, id, short_text)), "description");
    auto bad_type = damaged;
    bad_type["issue_type"] = "STOLEN";
    EXPECT_EQ(Field(Issue(u, id, bad_type)), "issue_type");
    auto bad_image = damaged;
    bad_image["images"] = json::array{"ftp://x"};
    EXPECT_EQ(Field(Issue(u, id, bad_image)), "images");
    auto reported = Issue(u, id, damaged);
    ASSERT_EQ(reported.status, 201) << reported.body;
    std::string issue_id(reported.data().at("id").as_string());
    EXPECT_EQ(reported.data().at("rental_code").as_string(), code);
    RunJobs();  // the staff member hears of it
    EXPECT_EQ(Int("SELECT COUNT(*) FROM notifications n JOIN admin_profiles a ON a.user_id = "
                  "n.user_id WHERE n.slug = 'rental_issue_reported'"),
              1);
    EXPECT_EQ(reported.data().at("status").as_string(), "REPORTED");
    EXPECT_EQ(reported.data().at("images"), (json::array{"https://example.com/a.jpg"}));
    EXPECT_TRUE(reported.data().at("resolved_at").is_null());
    EXPECT_EQ(Issue(u, id, damaged).ErrorCode(), "duplicate_issue_report");
    auto lost = srv.client().Multipart("POST", "/api/rentals/" + id + "/issues",
                                       {{"issue_type", "POWER_BANK_DAMAGED"},
                                        {"description", "The casing is cracked open"}},
                                       u.token);
    ASSERT_EQ(lost.status, 201) << lost.body;

    // a used package cannot be deleted
    auto in_use = Admin("DELETE", std::string("/api/admin/rental-packages/") + kHourPkg);
    EXPECT_EQ(in_use.status, 400);
    EXPECT_EQ(in_use.ErrorCode(), "package_in_use");

    // staff: list with filters and pagination
    auto all = Admin("GET", "/api/admin/rentals/issues?page_size=1");
    ASSERT_EQ(all.status, 200) << all.body;
    EXPECT_EQ(all.data().at("results").as_array().size(), 1u);
    EXPECT_EQ(all.data().at("pagination").at("total_count").as_int64(), 2);
    const auto& row = all.data().at("results").at(0);
    EXPECT_EQ(row.at("issue_type").as_string(), "POWER_BANK_DAMAGED");  // newest first
    EXPECT_EQ(row.at("rental_code").as_string(), code);
    EXPECT_EQ(row.at("user_name").as_string(), "reporter");
    EXPECT_EQ(row.at("user_email").as_string(), "reporter@example.com");
    EXPECT_EQ(row.at("status").as_string(), "REPORTED");
    EXPECT_TRUE(row.as_object().contains("reported_at"));
    auto count = [&](const std::string& query) {
        auto r = Admin("GET", "/api/admin/rentals/issues?" + query);
        EXPECT_EQ(r.status, 200) << query << " " << r.body;
        return r.status == 200 ? r.data().at("pagination").at("total_count").as_int64() : -1;
    };
    EXPECT_EQ(count("issue_type=CHARGING_ISSUE"), 1);
    EXPECT_EQ(count("status=RESOLVED"), 0);
    EXPECT_EQ(count("search=" + code), 2);
    EXPECT_EQ(count("search=CRACKED"), 1);
    EXPECT_EQ(count("search=nobody-at-all"), 0);
    EXPECT_EQ(count("start_date=2099-01-01"), 0);
    EXPECT_EQ(count("end_date=2000-01-01"), 0);
    EXPECT_EQ(count("start_date=2000-01-01&end_date=2099-01-01"), 2);
    EXPECT_EQ(Field(Admin("GET", "/api/admin/rentals/issues?status=OPEN")), "status");
    EXPECT_EQ(Field(Admin("GET", "/api/admin/rentals/issues?start_date=yesterday")), "start_date");

    auto detail = Admin("GET", "/api/admin/rentals/issues/" + issue_id);
    ASSERT_EQ(detail.status, 200) << detail.body;
    EXPECT_EQ(detail.data().at("rental").at("id").as_string(), id);
    EXPECT_EQ(detail.data().at("rental").at("station").as_string(), "Station SN-AA");
    EXPECT_EQ(detail.data().at("user").at("id").as_string(), std::to_string(u.id));
    EXPECT_EQ(Admin("GET", "/api/admin/rentals/issues/00000000-0000-4000-8000-000000000000")
                  .ErrorCode(),
              "rental_issue_not_found");

    // triage (moderators may), audited
    std::string moderator = srv.StaffToken("mod@example.com", "moderator");
    EXPECT_EQ(Field(Admin("PATCH", "/api/admin/rentals/issues/" + issue_id,
                          {{"status", "CLOSED"}})),
              "status");
    auto resolved = srv.client().Multipart("PATCH", "/api/admin/rentals/issues/" + issue_id,
                                           {{"status", "RESOLVED"}, {"notes", "Bank swapped"}},
                                           moderator);
    ASSERT_EQ(resolved.status, 200) << resolved.body;
    EXPECT_EQ(resolved.data().at("status").as_string(), "RESOLVED");
    EXPECT_EQ(resolved.data().at("notes").as_string(), "Bank swapped");
    EXPECT_FALSE(resolved.data().at("resolved_at").is_null());
    EXPECT_EQ(Int("SELECT COUNT(*) FROM admin_action_logs WHERE action_type = "
                  "'UPDATE_RENTAL_ISSUE' AND target_id = ?",
                  {issue_id}),
              1);
    EXPECT_EQ(count("status=RESOLVED"), 1);
    // resolved, the same type may be reported again
    EXPECT_EQ(Issue(u, id, damaged).status, 201);

    auto removed = Admin("DELETE", "/api/admin/rentals/issues/" + issue_id);
    ASSERT_EQ(removed.status, 200) << removed.body;
    EXPECT_EQ(Admin("GET", "/api/admin/rentals/issues/" + issue_id).status, 404);
    EXPECT_EQ(Int("SELECT COUNT(*) FROM admin_action_logs WHERE action_type = "
                  "'DELETE_RENTAL_ISSUE' AND target_id = ?",
                  {issue_id}),
              1);

    // returned: no more location, issues still welcome
    ASSERT_TRUE(back.ReturnBank(51900001, 80).ok());
    ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "COMPLETED"; })) << StatusOf(id);
    auto closed = Locate(u, id, {{"latitude", "27.7"}, {"longitude", "85.3"}});
    EXPECT_EQ(closed.status, 404) << closed.body;
    EXPECT_EQ(closed.ErrorCode(), "rental_not_found");
    EXPECT_EQ(Issue(u, id, {{"issue_type", "RETURN_ISSUE"},
                            {"description", "Returned but the app still shows it"}})
                  .status,
              201);

    // usage statistics
    ASSERT_EQ(srv.client()
                  .Send("POST", "/api/stations/SN-AA/favorite", "", "", u.token)
                  .status,
              200);
    ASSERT_TRUE(srv.db()
                    .Read([&](db::Connection& conn) -> Status {
                        RETURN_IF_ERROR(conn.Exec("UPDATE users SET referred_by = ? WHERE id = ?",
                                                  {u.id, other.id}));
                        return Ok{};
                    })
                    .ok());
    auto stats = srv.client().Get("/api/users/analytics/usage-stats", u.token);
    ASSERT_EQ(stats.status, 200) << stats.body;
    const auto& st = stats.data();
    EXPECT_EQ(st.at("total_rentals").as_int64(), 1);
    EXPECT_EQ(st.at("timely_returns").as_int64(), 1);
    EXPECT_EQ(st.at("late_returns").as_int64(), 0);
    EXPECT_EQ(st.at("total_spent").as_string(), "50.00");
    EXPECT_EQ(st.at("favorite_stations_count").as_int64(), 1);
    EXPECT_EQ(st.at("total_referrals").as_int64(), 1);
    auto balances =
        srv.db().Read([&](db::Connection& conn) { return money::Ledger::ReadBalances(conn, u.id); });
    ASSERT_TRUE(balances.ok());
    EXPECT_GT(balances->points_earned, 0);
    EXPECT_EQ(st.at("total_points_earned").as_int64(), balances->points_earned);
    EXPECT_FALSE(st.at("last_rental_date").is_null());
    EXPECT_FALSE(st.at("member_since").as_string().empty());
    auto fresh = srv.client().Get("/api/users/analytics/usage-stats", other.token);
    ASSERT_EQ(fresh.status, 200) << fresh.body;
    EXPECT_EQ(fresh.data().at("total_rentals").as_int64(), 0);
    EXPECT_EQ(fresh.data().at("total_spent").as_string(), "0.00");
    EXPECT_TRUE(fresh.data().at("last_rental_date").is_null());
}

}  // namespace
}  // namespace ps::rentals
