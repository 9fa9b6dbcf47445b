// The public and user side of stations through real HTTP on both backends: the nearby search
// over the benchmark fleet, the list (search, status, coordinates, P-drf pagination), detail
// live counts, favorites, and issue reports, asserting bodies and database state.
#include <gtest/gtest.h>

#include <algorithm>

#include "app/services.hpp"
#include "cabinet/inventory.hpp"
#include "domains/stations/fleet_seed.hpp"
#include "domains/stations/geo.hpp"
#include "support/test_server.hpp"

namespace ps::test {
namespace {

namespace json = boost::json;

class StationsTest : public ::testing::Test {
protected:
    // Access tokens outlive the day the duplicate-report test moves the clock by.
    TestServer s{ServerOptions{true, [](app::Config& cfg) { cfg.access_ttl_s = 30 * 86400; }}};
    HttpClient& c = s.client();

    void Seed(int n) {
        auto st = stations::SeedBenchFleet(s.db(), *s.app().clock, *s.app().random, n);
        ASSERT_TRUE(st.ok()) << st.error().message;
    }
    int64_t Count(const std::string& sql, const db::Params& params = {}) {
        auto row = s.db().Read([&](db::Connection& conn) { return conn.QueryOne(sql, params); });
        return row.ok() && *row ? (**row).Int(0) : -1;
    }
    std::string StationId(const std::string& sn) {
        auto row = s.db().Read([&](db::Connection& conn) {
            return conn.QueryOne("SELECT id FROM stations WHERE serial_number = ?", {sn});
        });
        return row.ok() && *row ? (**row).Str(0) : "";
    }
    // What the cabinet link applies from an inventory (a partial check, or a full upload).
    Status Report(const std::string& sn, const std::vector<cabinet::SlotReading>& readings,
                  bool full) {
        return s.db().Transact([&](db::Connection& tx) -> Status {
            ASSIGN_OR_RETURN(auto st, cabinet::FindStationBySerial(tx, sn));
            if (!st) return NotFound("station_not_found", sn);
            cabinet::InventoryOptions o;
            o.full = full;
            ASSIGN_OR_RETURN(auto out, cabinet::ApplyInventory(tx, *s.app().random, *st, readings,
                                                               o, s.app().clock->Now()));
            return Ok{};
        });
    }
    static cabinet::SlotReading Bank(int slot, const std::string& serial, int battery) {
        cabinet::SlotReading r;
        r.slot = slot;
        r.slot_status = "OCCUPIED";
        r.serial = serial;
        r.battery = battery;
        return r;
    }
    static cabinet::SlotReading Empty(int slot) {
        cabinet::SlotReading r;
        r.slot = slot;
        r.slot_status = "AVAILABLE";
        return r;
    }
    std::string User(const std::string& name) {
        return s.SignUp(name + "@example.com", name).first;
    }
    static std::vector<std::string> Serials(const json::value& results) {
        std::vector<std::string> out;
        for (const auto& r : results.as_array())
            out.emplace_back(r.at("serial_number").as_string());
        return out;
    }
};

TEST_F(StationsTest, NearbyOverTheBenchFleetFinds111StationsInDistanceOrder) {
    Seed(1000);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM stations"), 1000);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM station_slots"), 8000);
    auto r = c.Get("/api/stations/nearby?lat=27.7172&lng=85.3240&radius=5&limit=1000");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json.at("message"), "Nearby stations retrieved successfully");
    const auto& results = r.data().at("results").as_array();
    EXPECT_EQ(r.data().at("count"), 111);
    ASSERT_EQ(results.size(), 111u);
    // The expected order, computed here from the fleet's definition: the same on both backends.
    std::vector<std::pair<double, std::string>> expected;
    for (int n = 1; n <= 1000; ++n) {
        auto p = stations::FleetPosition(n);
        double km = stations::HaversineKm(27.7172, 85.3240, p.latitude, p.longitude);
        if (km <= 5) expected.emplace_back(km, stations::FleetSerial(n));
    }
    std::sort(expected.begin(), expected.end());
    std::vector<std::string> want;
    for (const auto& e : expected) want.push_back(e.second);
    EXPECT_EQ(Serials(r.data().at("results")), want);
    double last = 0;
    for (const auto& item : results) {
        double d = item.at("distance").to_number<double>();
        EXPECT_GE(d, last);
        EXPECT_LE(d, 5.0);
        last = d;
    }
    // Station 1 (slots 2, 5, 8 occupied by banks at 80..100 %).
    auto one = std::find_if(results.begin(), results.end(), [](const json::value& v) {
        return v.at("serial_number") == "SN000001";
    });
    ASSERT_NE(one, results.end());
    const auto& o = one->as_object();
    EXPECT_EQ(o.at("station_name"), "Kathmandu Station 0001");
    EXPECT_EQ(o.at("latitude"), "27.720213");
    EXPECT_EQ(o.at("longitude"), "85.324000");
    EXPECT_EQ(o.at("status"), "ONLINE");
    EXPECT_EQ(o.at("total_slots"), 8);
    EXPECT_EQ(o.at("available_slots"), 3);
    EXPECT_EQ(o.at("free_slots"), 5);
    EXPECT_EQ(o.at("total_powerbanks"), 3);
    EXPECT_EQ(o.at("is_favorite"), false);
    EXPECT_TRUE(o.at("media").as_array().empty());
    EXPECT_DOUBLE_EQ(o.at("distance").to_number<double>(), 0.34);

    // Default limit 100; the radius is capped at 20 km, which covers the 15 km fleet.
    EXPECT_EQ(c.Get("/api/stations/nearby?lat=27.7172&lng=85.3240").data().at("count"), 100);
    EXPECT_EQ(c.Get("/api/stations/nearby?lat=27.7172&lng=85.3240&radius=50&limit=1000")
                  .data()
                  .at("count"),
              1000);
    EXPECT_EQ(c.Get("/api/stations/nearby?lat=27.7172&lng=85.3240&radius=0.1").data().at("count"),
              0);
}

TEST_F(StationsTest, NearbyRejectsBadCoordinatesRadiiAndLimits) {
    Seed(3);
    auto missing = c.Get("/api/stations/nearby?lng=85.3240");
    EXPECT_EQ(missing.status, 400);
    EXPECT_EQ(missing.ErrorCode(), "validation_error");
    EXPECT_EQ(missing.json.at("message"), "Lat: This field may not be null.");
    for (std::string q : {"lat=91&lng=85", "lat=27&lng=-181", "lat=nan&lng=85", "lat=inf&lng=85"}) {
        auto r = c.Get("/api/stations/nearby?" + q);
        EXPECT_EQ(r.status, 400) << q;
        EXPECT_TRUE(r.ErrorCode() == "invalid_coordinates" || r.ErrorCode() == "validation_error")
            << q;
    }
    for (std::string q : {"radius=0.05", "radius=50.5", "radius=abc", "radius=-1", "limit=0",
                          "limit=1001", "limit=x"}) {
        auto r = c.Get("/api/stations/nearby?lat=27.7172&lng=85.3240&" + q);
        EXPECT_EQ(r.status, 400) << q << " " << r.body;
        EXPECT_EQ(r.ErrorCode(), "validation_error") << q;
    }
    EXPECT_EQ(c.Get("/api/stations/nearby?lat=abc&lng=85.3240").ErrorCode(), "validation_error");
    EXPECT_EQ(c.Get("/api/stations/nearby?lat=27.7172&lng=85.3240&radius=50").status, 200);
    EXPECT_EQ(c.Get("/api/stations/nearby?lat=27.7172&lng=85.3240&radius=0.1").status, 200);
}

TEST_F(StationsTest, ListSearchesFiltersAndPaginatesByName) {
    Seed(30);
    auto p1 = c.Get("/api/stations?page_size=10");
    ASSERT_EQ(p1.status, 200) << p1.body;
    EXPECT_EQ(p1.json.at("message"), "Stations retrieved successfully");
    EXPECT_EQ(p1.data().at("count"), 30);
    EXPECT_EQ(p1.data().at("next"), true);
    EXPECT_EQ(p1.data().at("previous"), false);
    auto names = Serials(p1.data().at("results"));
    ASSERT_EQ(names.size(), 10u);
    EXPECT_EQ(names.front(), "SN000001");
    EXPECT_EQ(names.back(), "SN000010");
    EXPECT_TRUE(p1.data().at("results").at(0).at("distance").is_null());
    auto p3 = c.Get("/api/stations?page_size=10&page=3");
    EXPECT_EQ(Serials(p3.data().at("results")).front(), "SN000021");
    EXPECT_EQ(p3.data().at("next"), false);
    EXPECT_EQ(p3.data().at("previous"), true);
    auto clamped = c.Get("/api/stations?page_size=10&page=99");
    EXPECT_EQ(Serials(clamped.data().at("results")).front(), "SN000021");
    EXPECT_EQ(c.Get("/api/stations?page_size=500").data().at("results").as_array().size(), 30u);
    EXPECT_EQ(c.Get("/api/stations?search=station%200012").data().at("count"), 1);
    auto ward = c.Get("/api/stations?search=WARD%205%2C");  // n % 32 + 1 == 5: station 4
    EXPECT_EQ(Serials(ward.data().at("results")), std::vector<std::string>{"SN000004"});
    EXPECT_EQ(c.Get("/api/stations?search=100%25").data().at("count"), 0);
    EXPECT_EQ(c.Get("/api/stations?status=ONLINE").data().at("count"), 30);
    EXPECT_EQ(c.Get("/api/stations?status=OFFLINE").data().at("count"), 0);
    EXPECT_EQ(c.Get("/api/stations?status=online").status, 400);
    EXPECT_EQ(c.Get("/api/stations?page=0").status, 400);
    // Coordinates restrict to 10 km and add the distance; all 30 are within 3 km of the centre.
    auto near = c.Get("/api/stations?lat=27.7172&lng=85.3240&page_size=50");
    ASSERT_EQ(near.status, 200) << near.body;
    EXPECT_EQ(near.data().at("count"), 30);
    EXPECT_TRUE(near.data().at("results").at(0).at("distance").is_number());
    EXPECT_EQ(Serials(near.data().at("results")).front(), "SN000001");
    EXPECT_EQ(c.Get("/api/stations?lat=27.95&lng=85.3240").data().at("count"), 0);
    EXPECT_EQ(c.Get("/api/stations?lat=27.7172").ErrorCode(), "invalid_coordinates");
    EXPECT_EQ(c.Get("/api/stations?lat=95&lng=85").ErrorCode(), "invalid_coordinates");
}

TEST_F(StationsTest, DetailCountsFollowTheBatteryOfTheBanks) {
    Seed(3);
    auto d = c.Get("/api/stations/SN000001");
    ASSERT_EQ(d.status, 200) << d.body;
    EXPECT_EQ(d.json.at("message"), "Station details retrieved successfully");
    const auto& data = d.data();
    EXPECT_EQ(data.at("available_slots"), 3);
    EXPECT_EQ(data.at("free_slots"), 5);
    EXPECT_EQ(data.at("is_maintenance"), false);
    EXPECT_TRUE(data.at("hardware_info").is_object());
    EXPECT_TRUE(data.at("amenities").as_array().empty());
    const auto& slots = data.at("slots").as_array();
    ASSERT_EQ(slots.size(), 8u);
    EXPECT_EQ(slots[0].at("slot_number"), 1);
    EXPECT_TRUE(slots[0].at("powerbank").is_null());
    EXPECT_EQ(slots[1].at("status"), "OCCUPIED");
    EXPECT_EQ(slots[1].at("powerbank").at("serial_number"),
              json::value(stations::FleetBankSerial(1, 2)));
    EXPECT_EQ(slots[1].at("powerbank").at("status"), "AVAILABLE");

    // The cabinet reports slot 2's bank at 15 %: no longer rentable.
    auto st = Report("SN000001", {Bank(2, stations::FleetBankSerial(1, 2), 15)}, false);
    ASSERT_TRUE(st.ok()) << st.error().message;
    auto after = c.Get("/api/stations/SN000001");
    EXPECT_EQ(after.data().at("available_slots"), 2);
    EXPECT_EQ(after.data().at("free_slots"), 5);
    EXPECT_EQ(after.data().at("slots").at(1).at("battery_level"), 15);
    EXPECT_EQ(Count("SELECT battery_level FROM power_banks WHERE serial_number = ?",
                    {stations::FleetBankSerial(1, 2)}),
              15);
    // Back to 20 %: rentable again. A full upload with slot 5 empty frees that slot.
    std::vector<cabinet::SlotReading> full;
    for (int k = 1; k <= 8; ++k)
        full.push_back(k == 2 ? Bank(2, stations::FleetBankSerial(1, 2), 20)
                       : k == 8 ? Bank(8, stations::FleetBankSerial(1, 8), stations::FleetBankBattery(1, 8))
                                : Empty(k));
    ASSERT_TRUE(Report("SN000001", full, true).ok());
    auto again = c.Get("/api/stations/SN000001");
    EXPECT_EQ(again.data().at("available_slots"), 2);
    EXPECT_EQ(again.data().at("free_slots"), 6);
    EXPECT_EQ(again.data().at("total_powerbanks"), 2);

    auto unknown = c.Get("/api/stations/SN999999");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(unknown.ErrorCode(), "station_not_found");
    EXPECT_EQ(c.Get("/api/stations/SN000001?lat=27.7&lng=85.3").data().at("distance").is_number(),
              true);
    EXPECT_EQ(c.Get("/api/stations/SN000001?lat=127&lng=85.3").ErrorCode(), "invalid_coordinates");
}

TEST_F(StationsTest, FavoritesToggleAndList) {
    Seed(3);
    std::string token = User("fan");
    auto add = c.Json("POST", "/api/stations/SN000002/favorite", json::object{}, token);
    ASSERT_EQ(add.status, 200) << add.body;
    EXPECT_EQ(add.json.at("message"), "Favorite status updated successfully");
    EXPECT_EQ(add.data().at("is_favorite"), true);
    EXPECT_EQ(add.data().at("message"), "Station added to favorites");
    EXPECT_EQ(Count("SELECT COUNT(*) FROM station_favorites"), 1);
    auto favs = c.Get("/api/stations/favorites", token);
    ASSERT_EQ(favs.status, 200) << favs.body;
    EXPECT_EQ(favs.data().at("count"), 1);
    EXPECT_EQ(favs.data().at("results").at(0).at("serial_number"), "SN000002");
    EXPECT_EQ(favs.data().at("results").at(0).at("is_favorite"), true);
    auto list = c.Get("/api/stations", token);
    for (const auto& st : list.data().at("results").as_array())
        EXPECT_EQ(st.at("is_favorite"), st.at("serial_number") == "SN000002");
    auto anonymous = c.Get("/api/stations");
    for (const auto& st : anonymous.data().at("results").as_array())
        EXPECT_EQ(st.at("is_favorite"), false);
    EXPECT_EQ(c.Get("/api/stations/SN000002", token).data().at("is_favorite"), true);
    // Another user's favorites are theirs.
    std::string other = User("other");
    EXPECT_EQ(c.Get("/api/stations/favorites", other).data().at("count"), 0);

    auto remove = c.Send("POST", "/api/stations/SN000002/favorite", "", "", token);
    EXPECT_EQ(remove.data().at("is_favorite"), false);
    EXPECT_EQ(remove.data().at("message"), "Station removed from favorites");
    EXPECT_EQ(c.Get("/api/stations/favorites", token).data().at("count"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM station_favorites"), 0);

    EXPECT_EQ(c.Send("POST", "/api/stations/SN999999/favorite", "", "", token).status, 404);
    EXPECT_EQ(
        c.Json("POST", "/api/stations/SN000002/favorite", json::object{{"x", 1}}, token).status,
        400);
    EXPECT_NE(c.Send("POST", "/api/stations/SN000002/favorite").status, 200);
    EXPECT_NE(c.Get("/api/stations/favorites").status, 200);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM station_favorites"), 0);
}

TEST_F(StationsTest, IssueReportsAndDuplicates) {
    Seed(2);
    std::string token = User("reporter");
    json::object body{{"issue_type", "DIRTY"},
                      {"description", "The screen is covered in mud"},
                      {"images", json::array{"https://example.com/a.jpg"}}};
    auto r = c.Json("POST", "/api/stations/SN000001/report-issue", body, token);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json.at("message"), "Issue reported successfully");
    const auto& d = r.data();
    EXPECT_EQ(d.at("station"), json::value(StationId("SN000001")));
    EXPECT_EQ(d.at("station_name"), "Kathmandu Station 0001");
    EXPECT_EQ(d.at("issue_type"), "DIRTY");
    EXPECT_EQ(d.at("priority"), "MEDIUM");
    EXPECT_EQ(d.at("status"), "REPORTED");
    EXPECT_EQ(d.at("images").at(0), "https://example.com/a.jpg");
    EXPECT_TRUE(d.at("resolved_at").is_null());
    EXPECT_EQ(d.at("reporter_name"), "reporter");

    auto dup = c.Json("POST", "/api/stations/SN000001/report-issue", body, token);
    EXPECT_EQ(dup.status, 400);
    EXPECT_EQ(dup.ErrorCode(), "duplicate_issue_report");
    // Another type, or another station, is a new report; a day later the same one is too.
    EXPECT_EQ(c.Multipart("POST", "/api/stations/SN000001/report-issue",
                          {{"issue_type", "OFFLINE"}, {"description", "It shows no lights at all"}},
                          token)
                  .status,
              201);
    EXPECT_EQ(c.Json("POST", "/api/stations/SN000002/report-issue", body, token).status, 201);
    s.fake_clock()->Advance(25 * kHour);
    EXPECT_EQ(c.Json("POST", "/api/stations/SN000001/report-issue", body, token).status, 201);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM station_issues"), 4);

    for (json::object bad :
         {json::object{{"issue_type", "WRONG"}, {"description", "long enough text"}},
          json::object{{"issue_type", "DIRTY"}, {"description", "short"}},
          json::object{{"issue_type", "DAMAGED"},
                       {"description", "long enough text"},
                       {"images", json::array{"ftp://x"}}},
          json::object{{"issue_type", "DAMAGED"},
                       {"description", "long enough text"},
                       {"priority", "HIGH"}}}) {
        auto b = c.Json("POST", "/api/stations/SN000001/report-issue", bad, token);
        EXPECT_EQ(b.status, 400) << json::serialize(bad);
        EXPECT_EQ(b.ErrorCode(), "validation_error");
    }
    EXPECT_EQ(c.Json("POST", "/api/stations/SN404/report-issue", body, token).status, 404);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM station_issues"), 4);

    auto mine = c.Get("/api/stations/my-reports?page_size=2", token);
    ASSERT_EQ(mine.status, 200) << mine.body;
    EXPECT_EQ(mine.json.at("message"), "Reports retrieved successfully");
    EXPECT_EQ(mine.data().at("count"), 4);
    EXPECT_EQ(mine.data().at("next"), true);
    EXPECT_EQ(mine.data().at("previous"), false);
    EXPECT_EQ(mine.data().at("results").as_array().size(), 2u);
    EXPECT_EQ(c.Get("/api/stations/my-reports", User("someone")).data().at("count"), 0);
}

TEST_F(StationsTest, InventoryApiForTheCabinetLinkAndRentals) {
    Seed(2);
    auto& inv = *s.app().services->inventory;
    auto st = inv.FindByImei(stations::FleetImei(1));
    ASSERT_TRUE(st.ok() && *st);
    std::string id = (*st)->id;
    EXPECT_EQ((*inv.FindBySerial("SN000002"))->imei, stations::FleetImei(2));
    EXPECT_FALSE(*inv.FindByImei("nope"));
    // Rentals take the bank with the most battery.
    auto pick = inv.PickRentableBank(id);
    ASSERT_TRUE(pick.ok() && *pick);
    int best = 0;
    for (int k : {2, 5, 8}) best = std::max(best, stations::FleetBankBattery(1, k));
    EXPECT_EQ((*pick)->bank.battery_level, best);
    // Once the cabinet reports that bank below the minimum, another one is picked; with every
    // bank low, none.
    int slot = (*pick)->slot.slot_number;
    ASSERT_TRUE(Report("SN000001", {Bank(slot, (*pick)->bank.serial_number, 5)}, false).ok());
    auto next = inv.PickRentableBank(id);
    ASSERT_TRUE(next.ok() && *next);
    EXPECT_NE((*next)->slot.slot_number, slot);
    EXPECT_LT((*next)->bank.battery_level, best + 1);
    std::vector<cabinet::SlotReading> low;
    for (int k : {2, 5, 8}) low.push_back(Bank(k, stations::FleetBankSerial(1, k), 1));
    ASSERT_TRUE(Report("SN000001", low, false).ok());
    EXPECT_FALSE(*inv.PickRentableBank(id));
}

}  // namespace
}  // namespace ps::test
