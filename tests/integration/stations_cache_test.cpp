// The per-node nearby cache: answers are reused for nearby_cache_ms at most, the caller's
// favorites are always their own, and with the cache off every answer is fresh.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "domains/stations/fleet_seed.hpp"
#include "support/test_server.hpp"

namespace ps::test {
namespace {

const char* kQuery = "/api/stations/nearby?lat=27.7172&lng=85.3240&radius=1&limit=5";

int64_t Rentable(const HttpReply& r, size_t i) {
    return r.data().at("results").as_array()[i].at("available_slots").as_int64();
}

void DrainFirstStation(TestServer& s, const std::string& station_id) {
    auto st = s.db().Transact([&](db::Connection& c) {
        return c.Exec("UPDATE power_banks SET battery_level = 5 WHERE current_station_id = ?", {station_id});
    });
    ASSERT_TRUE(st.ok());
}

std::unique_ptr<TestServer> Server(int cache_ms) {
    ServerOptions o;
    o.configure = [cache_ms](app::Config& c) { c.nearby_cache_ms = cache_ms; };
    auto s = std::make_unique<TestServer>(o);
    SecureRandom rnd;
    EXPECT_TRUE(stations::SeedBenchFleet(s->db(), SystemClock(), rnd, 20).ok());
    return s;
}

TEST(NearbyCache, AnswersAreReusedForAtMostTheTtl) {
    auto s = Server(300);
    auto first = s->client().Get(kQuery);
    ASSERT_EQ(first.status, 200) << first.body;
    ASSERT_GT(Rentable(first, 0), 0);
    DrainFirstStation(*s, std::string(first.data().at("results").as_array()[0].at("id").as_string()));
    EXPECT_EQ(Rentable(s->client().Get(kQuery), 0), Rentable(first, 0)) << "within the TTL: reused";
    std::this_thread::sleep_for(std::chrono::milliseconds(350));
    EXPECT_EQ(Rentable(s->client().Get(kQuery), 0), 0) << "after the TTL: fresh";
}

TEST(NearbyCache, OffMeansEveryAnswerIsFresh) {
    auto s = Server(0);
    auto first = s->client().Get(kQuery);
    DrainFirstStation(*s, std::string(first.data().at("results").as_array()[0].at("id").as_string()));
    EXPECT_EQ(Rentable(s->client().Get(kQuery), 0), 0);
}

TEST(NearbyCache, FavoritesAreAlwaysTheCallersOwn) {
    auto s = Server(60000);
    auto [alice, a_] = s->SignUp("9811111112", "alice2");
    auto [bob, b_] = s->SignUp("9822222223", "bob2");
    auto anon = s->client().Get(kQuery);  // fills the cache
    std::string sn(anon.data().at("results").as_array()[0].at("serial_number").as_string());
    ASSERT_EQ(s->client().Json("POST", "/api/stations/" + sn + "/favorite", boost::json::object{}, alice).status, 200);
    auto mine = s->client().Get(kQuery, alice);
    auto theirs = s->client().Get(kQuery, bob);
    EXPECT_EQ(mine.data().at("results").as_array()[0].at("is_favorite"), true);
    EXPECT_EQ(theirs.data().at("results").as_array()[0].at("is_favorite"), false);
    EXPECT_EQ(s->client().Get(kQuery).data().at("results").as_array()[0].at("is_favorite"), false);
}

}  // namespace
}  // namespace ps::test
