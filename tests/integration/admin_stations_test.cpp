// The staff side of stations through real HTTP on both backends: station create (JSON) / update
// (the dashboard's multipart) / soft delete, maintenance, station issues, amenities, power banks
// and their analytics, asserting bodies, database state and the audit log; users get 403.
#include <gtest/gtest.h>

#include "app/services.hpp"
#include "domains/stations/fleet_seed.hpp"
#include "support/test_server.hpp"

namespace ps::test {
namespace {

namespace json = boost::json;

class AdminStationsTest : public ::testing::Test {
protected:
    TestServer s{ServerOptions{true}};
    HttpClient& c = s.client();
    std::string staff = s.StaffToken("ops@example.com");

    void Seed(int n) {
        auto st = stations::SeedBenchFleet(s.db(), *s.app().clock, *s.app().random, n);
        ASSERT_TRUE(st.ok()) << st.error().message;
    }
    int64_t Count(const std::string& sql, const db::Params& params = {}) {
        auto row = s.db().Read([&](db::Connection& conn) { return conn.QueryOne(sql, params); });
        return row.ok() && *row ? (**row).Int(0) : -1;
    }
    std::string Str(const std::string& sql, const db::Params& params = {}) {
        auto row = s.db().Read([&](db::Connection& conn) { return conn.QueryOne(sql, params); });
        return row.ok() && *row ? (**row).Str(0) : "";
    }
    int64_t Audits(const std::string& action) {
        return Count("SELECT COUNT(*) FROM admin_action_logs WHERE action_type = ?", {action});
    }
    std::string Amenity(const std::string& name) {
        auto r = c.Json(
            "POST", "/api/admin/amenities",
            json::object{{"name", name}, {"icon", "wifi"}, {"description", name + " here"}}, staff);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? std::string(r.data().at("id").as_string()) : "";
    }
    json::object NewStation(const std::string& sn) {
        return {{"station_name", "Thamel Hub"},
                {"serial_number", sn},
                {"imei", "IMEI-" + sn},
                {"latitude", 27.715},
                {"longitude", "85.312345"},
                {"address", "Thamel, Kathmandu"},
                {"landmark", "Near the stupa"},
                {"total_slots", 4},
                {"status", "ONLINE"},
                {"opening_time", "09:00"},
                {"hardware_info", {{"firmware_version", "1.0"}}}};
    }
};

TEST_F(AdminStationsTest, AUserGets403OnEveryAdminRoute) {
    Seed(1);
    std::string user = s.SignUp("plain@example.com", "plain").first;
    std::string bank = Str("SELECT id FROM power_banks LIMIT 1");
    for (auto [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"GET", "/api/admin/stations"},
             {"GET", "/api/admin/stations/SN000001"},
             {"DELETE", "/api/admin/stations/SN000001"},
             {"GET", "/api/admin/stations/issues"},
             {"GET", "/api/admin/amenities"},
             {"GET", "/api/admin/powerbanks"},
             {"GET", "/api/admin/powerbanks/analytics/overview"}}) {
        EXPECT_EQ(c.Send(method, path, "", "", user).status, 403) << method << " " << path;
    }
    EXPECT_EQ(c.Json("POST", "/api/admin/stations/SN000001/maintenance",
                     json::object{{"is_maintenance", true}, {"reason", "x"}}, user)
                  .status,
              403);
    EXPECT_EQ(c.Json("POST", "/api/admin/powerbanks/" + bank + "/status",
                     json::object{{"status", "DAMAGED"}}, user)
                  .status,
              403);
    EXPECT_EQ(c.Json("POST", "/api/admin/stations", NewStation("SN-U"), user).status, 403);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM stations"), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM stations WHERE is_maintenance = 1 OR is_deleted = 1"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM power_banks WHERE status <> 'AVAILABLE'"), 0);
}

TEST_F(AdminStationsTest, CreatePatchAndDeleteAStation) {
    Seed(1);
    std::string wifi = Amenity("WiFi"), parking = Amenity("Parking");
    json::object body = NewStation("SN-T1");
    body["amenity_ids"] = json::array{wifi};
    body["powerbank_assignments"] = json::array{
        json::object{{"powerbank_serial", stations::FleetBankSerial(1, 2)}, {"slot_number", 3}}};
    auto r = c.Json("POST", "/api/admin/stations", body, staff);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json.at("message"), "Station created successfully");
    const auto& d = r.data();
    EXPECT_EQ(d.at("serial_number"), "SN-T1");
    EXPECT_EQ(d.at("latitude"), "27.715000");
    EXPECT_EQ(d.at("longitude"), "85.312345");
    EXPECT_EQ(d.at("opening_time"), "09:00:00");
    EXPECT_EQ(d.at("hardware_info").at("firmware_version"), "1.0");
    EXPECT_EQ(d.at("amenities").as_array().size(), 1u);
    EXPECT_EQ(d.at("amenities").at(0).at("name"), "WiFi");
    ASSERT_EQ(d.at("slots").as_array().size(), 4u);
    EXPECT_EQ(d.at("slots").at(3).at("slot_number"), 4);
    EXPECT_EQ(d.at("slots").at(2).at("powerbank").at("serial_number"),
              json::value(stations::FleetBankSerial(1, 2)));
    EXPECT_EQ(d.at("powerbanks").as_array().size(), 1u);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM station_slots s JOIN stations st ON st.id = s.station_id "
                    "WHERE st.serial_number = 'SN-T1'"),
              4);
    // The bank left station 1's slot 2.
    EXPECT_EQ(Str("SELECT s.status FROM station_slots s JOIN stations st ON st.id = s.station_id "
                  "WHERE st.serial_number = 'SN000001' AND s.slot_number = 2"),
              "AVAILABLE");
    EXPECT_EQ(Audits("CREATE_STATION"), 1);
    EXPECT_EQ(c.Get("/api/stations/SN-T1").data().at("available_slots"), 1);

    // Duplicates and bad input change nothing.
    auto dup = c.Json("POST", "/api/admin/stations", NewStation("SN-T1"), staff);
    EXPECT_EQ(dup.status, 400);
    EXPECT_EQ(dup.ErrorCode(), "validation_error");
    json::object bad_amenity = NewStation("SN-T2");
    bad_amenity["amenity_ids"] = json::array{"7d0c3a9e-1f1e-4b55-9a57-0a1f5e9c0999"};
    EXPECT_EQ(c.Json("POST", "/api/admin/stations", bad_amenity, staff).status, 400);
    for (auto [key, value] :
         std::vector<std::pair<std::string, json::value>>{{"latitude", 91},
                                                          {"longitude", "east"},
                                                          {"total_slots", 0},
                                                          {"status", "BROKEN"},
                                                          {"opening_time", "25:00"},
                                                          {"colour", "red"},
                                                          {"hardware_info", "not json"}}) {
        json::object b = NewStation("SN-T3");
        b[key] = value;
        auto resp = c.Json("POST", "/api/admin/stations", b, staff);
        EXPECT_EQ(resp.status, 400) << key;
    }
    EXPECT_EQ(Count("SELECT COUNT(*) FROM stations"), 2);
    EXPECT_EQ(Audits("CREATE_STATION"), 1);

    // The dashboard's PATCH: multipart, repeated amenity_ids, JSON-string hardware_info.
    auto p =
        c.Multipart("PATCH", "/api/admin/stations/SN-T1",
                    {{"station_name", "Thamel Hub 2"},
                     {"amenity_ids", wifi},
                     {"amenity_ids", parking},
                     {"hardware_info", R"({"firmware_version":"2.0","signal_strength":"-60"})"},
                     {"landmark", ""},
                     {"latitude", ""}},
                    staff);
    ASSERT_EQ(p.status, 200) << p.body;
    EXPECT_EQ(p.json.at("message"), "Station updated successfully");
    EXPECT_EQ(p.data().at("station_name"), "Thamel Hub 2");
    EXPECT_EQ(p.data().at("amenities").as_array().size(), 2u);
    EXPECT_EQ(p.data().at("hardware_info").at("signal_strength"), "-60");
    EXPECT_TRUE(p.data().at("landmark").is_null());
    EXPECT_EQ(p.data().at("latitude"), "27.715000");
    EXPECT_EQ(Audits("UPDATE_STATION"), 1);
    auto cleared =
        c.Multipart("PATCH", "/api/admin/stations/SN-T1", {{"amenity_ids", "[]"}}, staff);
    EXPECT_EQ(cleared.data().at("amenities").as_array().size(), 0u);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM station_amenities"), 0);
    for (std::vector<Part> parts :
         std::vector<std::vector<Part>>{{{"serial_number", "SN-NEW"}},
                                        {{"latitude", "abc"}},
                                        {{"status", "BOGUS"}},
                                        {{"amenity_ids", "not-a-uuid"}},
                                        {{"hardware_info", "[1,2"}},
                                        {{"media_uploads", R"([{"media_type":"IMAGE"}])"}}}) {
        auto b = c.Multipart("PATCH", "/api/admin/stations/SN-T1", parts, staff);
        EXPECT_EQ(b.status, 400) << parts[0].name << " " << b.body;
    }
    EXPECT_EQ(Str("SELECT station_name FROM stations WHERE serial_number = 'SN-T1'"),
              "Thamel Hub 2");
    EXPECT_EQ(
        c.Multipart("PATCH", "/api/admin/stations/SN-NONE", {{"station_name", "x"}}, staff).status,
        404);

    // Media from an upload, as a JSON string.
    ASSERT_TRUE(
        s.db()
            .Read([](db::Connection& conn) {
                return conn.Exec(
                    "INSERT INTO media_uploads (id, file_url, file_type, original_name, "
                    "file_size, stored_path, cloud_provider, created_at, updated_at) VALUES "
                    "('11111111-2222-4333-8444-555555555555', 'http://x/m.jpg', 'image', "
                    "'m.jpg', 10, 'm.jpg', 'local', 0, 0)");
            })
            .ok());
    auto m = c.Multipart(
        "PATCH", "/api/admin/stations/SN-T1",
        {{"media_uploads", R"([{"media_upload_id":"11111111-2222-4333-8444-555555555555",)"
                           R"("media_type":"IMAGE","title":"Front","is_primary":true}])"}},
        staff);
    ASSERT_EQ(m.status, 200) << m.body;
    EXPECT_EQ(m.data().at("media").at(0).at("file_url"), "http://x/m.jpg");
    EXPECT_EQ(c.Get("/api/stations/SN-T1").data().at("media").at(0).at("media_url"),
              "http://x/m.jpg");

    auto del = c.Delete("/api/admin/stations/SN-T1", staff);
    ASSERT_EQ(del.status, 200) << del.body;
    EXPECT_EQ(del.data().at("message"), "Station deleted successfully");
    EXPECT_EQ(Count("SELECT is_deleted FROM stations WHERE serial_number = 'SN-T1'"), 1);
    EXPECT_EQ(c.Get("/api/admin/stations/SN-T1", staff).status, 404);
    EXPECT_EQ(c.Get("/api/stations/SN-T1").status, 404);
    EXPECT_EQ(c.Delete("/api/admin/stations/SN-T1", staff).status, 404);
    EXPECT_EQ(Audits("DELETE_STATION"), 1);
    EXPECT_EQ(c.Get("/api/admin/stations", staff).data().at("pagination").at("total_count"), 1);
}

TEST_F(AdminStationsTest, MaintenanceHidesAStationFromThePublic) {
    Seed(3);
    auto r =
        c.Json("POST", "/api/admin/stations/SN000001/maintenance",
               json::object{{"is_maintenance", true}, {"reason", "Replacing the lock"}}, staff);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.data().at("is_maintenance"), true);
    EXPECT_EQ(r.data().at("station_name"), "Kathmandu Station 0001");
    EXPECT_EQ(Audits("TOGGLE_MAINTENANCE"), 1);
    EXPECT_EQ(c.Get("/api/stations").data().at("count"), 2);
    auto near = c.Get("/api/stations/nearby?lat=27.7172&lng=85.3240");
    EXPECT_EQ(near.data().at("count"), 2);
    auto hidden = c.Get("/api/stations/SN000001");
    EXPECT_EQ(hidden.status, 400);
    EXPECT_EQ(hidden.ErrorCode(), "station_maintenance");
    EXPECT_EQ(c.Get("/api/stations/SN000001", staff).status, 200);  // staff still see it
    EXPECT_EQ(c.Get("/api/stations", staff).data().at("count"), 3);
    auto list = c.Get("/api/admin/stations?is_maintenance=true", staff);
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(list.data().at("pagination").at("total_count"), 1);
    const auto& row = list.data().at("results").at(0);
    EXPECT_EQ(row.at("serial_number"), "SN000001");
    EXPECT_EQ(row.at("imei"), "860000000000001");
    EXPECT_EQ(row.at("occupied_slots"), 3);
    EXPECT_EQ(row.at("available_slots"), 5);
    EXPECT_EQ(row.at("total_powerbanks"), 3);
    EXPECT_EQ(c.Json("POST", "/api/admin/stations/SN000001/maintenance",
                     json::object{{"is_maintenance", false}}, staff)
                  .status,
              400);
    EXPECT_EQ(c.Multipart("POST", "/api/admin/stations/SN000001/maintenance",
                          {{"is_maintenance", "false"}, {"reason", "done"}}, staff)
                  .status,
              200);
    EXPECT_EQ(c.Get("/api/stations").data().at("count"), 3);
    EXPECT_EQ(Audits("TOGGLE_MAINTENANCE"), 2);
}

TEST_F(AdminStationsTest, PowerBankStatusChangeIsAuditedAndCounted) {
    Seed(1);
    auto list = c.Get("/api/admin/powerbanks?status=AVAILABLE", staff);
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(list.data().at("pagination").at("total_count"), 3);
    const auto& first = list.data().at("results").at(0);
    std::string id(first.at("id").as_string());
    EXPECT_EQ(first.at("current_station").at("serial_number"), "SN000001");
    auto r = c.Multipart("POST", "/api/admin/powerbanks/" + id + "/status",
                         {{"status", "DAMAGED"}, {"reason", "Cracked case"}}, staff);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.data().at("new_status"), "DAMAGED");
    EXPECT_EQ(Str("SELECT status FROM power_banks WHERE id = ?", {id}), "DAMAGED");
    EXPECT_EQ(Audits("UPDATE_POWERBANK_STATUS"), 1);
    EXPECT_NE(Str("SELECT changes FROM admin_action_logs WHERE action_type = "
                  "'UPDATE_POWERBANK_STATUS'")
                  .find("Cracked case"),
              std::string::npos);
    EXPECT_EQ(c.Get("/api/stations/SN000001").data().at("available_slots"), 2);
    auto detail = c.Get("/api/admin/powerbanks/" + id, staff);
    ASSERT_EQ(detail.status, 200) << detail.body;
    EXPECT_EQ(detail.data().at("recent_history").at(0).at("event"), "STATUS");
    auto hist = c.Get("/api/admin/powerbanks/" + id + "/history", staff);
    EXPECT_EQ(hist.data().at("pagination").at("total_count"), 1);
    EXPECT_EQ(hist.data().at("powerbank").at("model"), "PB-5000");
    auto stats = c.Get("/api/admin/powerbanks/analytics/overview", staff);
    ASSERT_EQ(stats.status, 200) << stats.body;
    EXPECT_EQ(stats.data().at("overview").at("total_powerbanks"), 3);
    EXPECT_EQ(stats.data().at("overview").at("status_breakdown").at("damaged"), 1);

    for (auto [status, code] :
         std::vector<std::pair<std::string, int>>{{"RENTED", 400}, {"bogus", 400}}) {
        EXPECT_EQ(c.Json("POST", "/api/admin/powerbanks/" + id + "/status",
                         json::object{{"status", status}}, staff)
                      .status,
                  code);
    }
    EXPECT_EQ(
        c.Json("POST", "/api/admin/powerbanks/abc/status", json::object{{"status", "LOST"}}, staff)
            .ErrorCode(),
        "validation_error");
    EXPECT_EQ(c.Json("POST", "/api/admin/powerbanks/7d0c3a9e-1f1e-4b55-9a57-0a1f5e9c0999/status",
                     json::object{{"status", "LOST"}}, staff)
                  .status,
              404);
    EXPECT_EQ(c.Get("/api/admin/powerbanks?page_size=101", staff).status, 400);
    EXPECT_EQ(Audits("UPDATE_POWERBANK_STATUS"), 1);
}

TEST_F(AdminStationsTest, StaffTriageStationIssues) {
    Seed(1);
    std::string user = s.SignUp("rep@example.com", "rep").first;
    auto made = c.Json(
        "POST", "/api/stations/SN000001/report-issue",
        json::object{{"issue_type", "SLOT_ERROR"}, {"description", "Slot 3 will not open"}}, user);
    ASSERT_EQ(made.status, 201) << made.body;
    std::string id(made.data().at("id").as_string());
    auto list = c.Get("/api/admin/stations/issues?status=REPORTED", staff);
    ASSERT_EQ(list.status, 200) << list.body;
    ASSERT_TRUE(list.data().is_array());
    EXPECT_EQ(list.data().at(0).at("station_serial"), "SN000001");
    EXPECT_EQ(list.data().at(0).at("reporter_email"), "rep@example.com");
    EXPECT_TRUE(list.data().at(0).at("assigned_to_name").is_null());
    EXPECT_EQ(c.Get("/api/admin/stations/issues?status=RESOLVED", staff).data().as_array().size(),
              0u);
    EXPECT_EQ(c.Get("/api/admin/stations/issues?status=DONE", staff).status, 400);
    std::string profile =
        Str("SELECT ap.id FROM admin_profiles ap JOIN users u ON u.id = ap.user_id "
            "WHERE u.email = 'ops@example.com'");
    auto p = c.Multipart("PATCH", "/api/admin/stations/issues/" + id,
                         {{"status", "RESOLVED"},
                          {"priority", "HIGH"},
                          {"assigned_to_id", profile},
                          {"notes", "Lock replaced"}},
                         staff);
    ASSERT_EQ(p.status, 200) << p.body;
    EXPECT_EQ(p.data().at("status"), "RESOLVED");
    EXPECT_EQ(p.data().at("priority"), "HIGH");
    EXPECT_FALSE(p.data().at("resolved_at").is_null());
    EXPECT_EQ(p.data().at("assigned_to").at("email"), "ops@example.com");
    EXPECT_EQ(p.data().at("station").at("serial_number"), "SN000001");
    EXPECT_EQ(p.data().at("reporter").at("username"), "rep");
    EXPECT_EQ(Audits("UPDATE_STATION_ISSUE"), 1);
    EXPECT_EQ(
        c.Multipart("PATCH", "/api/admin/stations/issues/" + id, {{"status", "CLOSED"}}, staff)
            .status,
        400);
    EXPECT_EQ(c.Multipart("PATCH", "/api/admin/stations/issues/" + id,
                          {{"assigned_to_id", "7d0c3a9e-1f1e-4b55-9a57-0a1f5e9c0999"}}, staff)
                  .status,
              400);
    EXPECT_EQ(Str("SELECT status FROM station_issues WHERE id = ?", {id}), "RESOLVED");
    EXPECT_EQ(c.Get("/api/admin/stations/issues/not-a-uuid", staff).status, 400);
    EXPECT_EQ(c.Delete("/api/admin/stations/issues/" + id, staff).status, 200);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM station_issues"), 0);
    EXPECT_EQ(c.Get("/api/admin/stations/issues/" + id, staff).status, 404);
    EXPECT_EQ(Audits("DELETE_STATION_ISSUE"), 1);
}

TEST_F(AdminStationsTest, AmenitiesCrud) {
    Seed(1);
    std::string wifi = Amenity("WiFi");
    EXPECT_EQ(c.Json("POST", "/api/admin/amenities",
                     json::object{{"name", "wifi"}, {"icon", "w"}, {"description", "dup"}}, staff)
                  .status,
              400);
    EXPECT_EQ(
        c.Json("POST", "/api/admin/amenities", json::object{{"name", "Toilet"}}, staff).status,
        400);
    ASSERT_EQ(
        c.Multipart("PATCH", "/api/admin/stations/SN000001", {{"amenity_ids", wifi}}, staff).status,
        200);
    auto list = c.Get("/api/admin/amenities", staff);
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(list.data().at("results").at(0).at("stations_count"), 1);
    auto p = c.Multipart("PATCH", "/api/admin/amenities/" + wifi, {{"is_active", "false"}}, staff);
    ASSERT_EQ(p.status, 200) << p.body;
    EXPECT_EQ(p.data().at("is_active"), false);
    EXPECT_EQ(c.Get("/api/admin/amenities?is_active=true", staff)
                  .data()
                  .at("pagination")
                  .at("total_count"),
              0);
    EXPECT_EQ(c.Get("/api/stations/SN000001").data().at("amenities").as_array().size(), 0u);
    EXPECT_EQ(c.Delete("/api/admin/amenities/" + wifi, staff).status, 200);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM amenities"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM station_amenities"), 0);
    EXPECT_EQ(c.Delete("/api/admin/amenities/" + wifi, staff).status, 404);
    EXPECT_EQ(Audits("CREATE_AMENITY") + Audits("UPDATE_AMENITY") + Audits("DELETE_AMENITY"), 3);
}

}  // namespace
}  // namespace ps::test
